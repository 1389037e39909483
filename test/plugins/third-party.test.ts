/**
 * A third-party checker as its users meet it: the DNS_CHECK example package (test/plugins/vigil-checker-dns)
 * is packed with npm, installed with the real `vigil plugins add`, listed, used by `vigil check` on a
 * keepalived.conf, run against a real DNS responder, broken in five ways, and removed again.
 *
 * Everything runs the built CLI (`node packages/cli/dist/src/bin.js`) in a child process; nothing is
 * installed outside a temporary directory. VIGIL_PLUGIN_DIR points at a directory that must stay
 * untouched, so a command that ignored --plugin-dir would be caught instead of writing to /var/lib/vigil.
 */
import assert from 'node:assert/strict';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import dgram from 'node:dgram';
import { cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createLogger, EventBus, systemClock } from '@vigil/core';
import type { CheckerDefinition, CheckResult, CheckTarget, PluginServices } from '@vigil/core/plugin';

/** The repository root: this file runs as test/dist/plugins/third-party.test.js. */
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CLI = join(ROOT, 'packages', 'cli', 'dist', 'src', 'bin.js');
const EXAMPLE = join(ROOT, 'test', 'plugins', 'vigil-checker-dns');
const BROKEN = join(ROOT, 'test', 'plugins', 'broken');
const CORE = realpathSync(join(ROOT, 'packages', 'core'));

let base = '';
let decoy = '';

function vigil(args: string[]): SpawnSyncReturns<string> {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...process.env, VIGIL_PLUGIN_DIR: decoy, NO_COLOR: '1' },
  });
  if (r.error) throw r.error;
  return r;
}

/** The exit status, with the output in the message when it is not the one expected. */
function assertExit(r: SpawnSyncReturns<string>, status: number): void {
  assert.equal(r.status, status, `exit ${r.status}, expected ${status}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`);
}

/** 1-based line and column of the `nth` occurrence (from 1) of `needle` in `text`. */
function locate(text: string, needle: string, nth = 1): { line: number; col: number } {
  let at = -1;
  for (let i = 0; i < nth; i++) {
    at = text.indexOf(needle, at + 1);
    assert.ok(at >= 0, `'${needle}' #${nth} not in the config`);
  }
  const head = text.slice(0, at).split('\n');
  return { line: head.length, col: (head[head.length - 1] ?? '').length + 1 };
}

function writeConf(name: string, text: string): { file: string; text: string } {
  const file = join(base, name);
  writeFileSync(file, text);
  return { file, text };
}

interface ListedPlugin {
  name: string;
  version: string;
  dir: string;
  checkers: string[];
  notifiers: string[];
}
interface Listing {
  plugins: ListedPlugin[];
  problems: { package: string; dir: string; message: string }[];
  searched: string[];
}

function listJson(pluginDir: string): Listing {
  const r = vigil(['plugins', '--json', '--plugin-dir', pluginDir]);
  assertExit(r, 0);
  return JSON.parse(r.stdout) as Listing;
}

/** A keepalived.conf with one UDP virtual server whose real server is checked by DNS_CHECK. */
function dnsConf(checkBody: string, globalDefs = ''): string {
  return `! vigil-checker-dns integration test
global_defs {
    router_id LVS_DNS
${globalDefs}}

virtual_server 192.0.2.53 53 {
    delay_loop 10
    lvs_sched rr
    lvs_method NAT
    protocol UDP

    real_server 192.0.2.54 53 {
        weight 1
        DNS_CHECK {
${checkBody}        }
    }
}
`;
}

const GOOD_BODY = `            type A
            name www.example.org
            connect_timeout 2
            retry 3
`;

before(() => {
  base = mkdtempSync(join(tmpdir(), 'vigil-third-party-'));
  decoy = join(base, 'default-plugin-dir-must-stay-empty');
  assert.ok(existsSync(CLI), `${CLI} is missing: run 'npx tsc -b' at the repository root first`);
  if (!existsSync(join(EXAMPLE, 'dist', 'index.js'))) {
    const b = spawnSync('npx', ['tsc', '-b', EXAMPLE], { cwd: ROOT, encoding: 'utf8' });
    assert.ok(existsSync(join(EXAMPLE, 'dist', 'index.js')), `could not build ${EXAMPLE}:\n${b.stdout}${b.stderr}`);
  }
});

after(() => {
  if (base) rmSync(base, { recursive: true, force: true });
});

describe('the DNS_CHECK example against a real DNS responder', () => {
  const A = Buffer.from([192, 0, 2, 80]);
  const AAAA = Buffer.from('20010db8000000000000000000000080', 'hex');

  function encodeName(name: string): Buffer {
    const labels = name.split('.').filter(Boolean);
    return Buffer.concat([...labels.map((l) => Buffer.concat([Buffer.from([l.length]), Buffer.from(l, 'ascii')])), Buffer.from([0])]);
  }

  function u32s(...n: number[]): Buffer {
    const b = Buffer.alloc(4 * n.length);
    n.forEach((v, i) => b.writeUInt32BE(v, 4 * i));
    return b;
  }

  /** The zone the responder serves: rcode and the rdata of each answer (name = the question's). */
  function zone(name: string, type: number): { rcode: number; answers: { type: number; rdata: Buffer }[] } {
    const key = `${name.toLowerCase()} ${type}`;
    switch (key) {
      case 'www.example.org 1':
        return { rcode: 0, answers: [{ type: 1, rdata: A }] };
      case 'www.example.org 28':
        return { rcode: 0, answers: [{ type: 28, rdata: AAAA }] };
      case 'example.org 15': {
        const mx = (pref: number, host: string) => Buffer.concat([Buffer.from([pref >> 8, pref & 255]), encodeName(host)]);
        return { rcode: 0, answers: [{ type: 15, rdata: mx(10, 'mx1.example.org') }, { type: 15, rdata: mx(20, 'mx2.example.org') }] };
      }
      case '. 6':
        return { rcode: 0, answers: [{ type: 6, rdata: Buffer.concat([encodeName('a.root.test'), encodeName('hostmaster.root.test'), u32s(2024010101, 1800, 900, 604800, 86400)]) }] };
    }
    if (name === 'missing.example.org') return { rcode: 3, answers: [] }; // NXDOMAIN
    if (name === 'servfail.example.org') return { rcode: 2, answers: [] }; // SERVFAIL
    return { rcode: 0, answers: [] }; // NOERROR, no data
  }

  interface Query {
    name: string;
    type: number;
    from: string;
  }

  class Responder {
    readonly queries: Query[] = [];
    private constructor(
      readonly socket: dgram.Socket,
      silent: boolean,
    ) {
      socket.on('message', (msg, rinfo) => {
        const q = Responder.parse(msg);
        if (!q) return;
        this.queries.push({ name: q.name, type: q.type, from: rinfo.address });
        if (silent) return;
        const { rcode, answers } = zone(q.name, q.type);
        const header = Buffer.alloc(12);
        header.writeUInt16BE(q.id, 0);
        header.writeUInt16BE(0x8180 | rcode, 2); // QR, RD, RA
        header.writeUInt16BE(1, 4);
        header.writeUInt16BE(answers.length, 6);
        const rrs = answers.map(({ type, rdata }) => {
          const rr = Buffer.alloc(12);
          rr.writeUInt16BE(0xc00c, 0); // the question's name
          rr.writeUInt16BE(type, 2);
          rr.writeUInt16BE(1, 4); // IN
          rr.writeUInt32BE(300, 6);
          rr.writeUInt16BE(rdata.length, 10);
          return Buffer.concat([rr, rdata]);
        });
        socket.send(Buffer.concat([header, msg.subarray(12, q.end), ...rrs]), rinfo.port, rinfo.address);
      });
    }

    static parse(msg: Buffer): { id: number; name: string; type: number; end: number } | undefined {
      if (msg.length < 17) return undefined;
      let o = 12;
      const labels: string[] = [];
      while (o < msg.length && msg[o] !== 0) {
        const n = msg[o] ?? 0;
        labels.push(msg.subarray(o + 1, o + 1 + n).toString('ascii'));
        o += n + 1;
      }
      o++;
      return { id: msg.readUInt16BE(0), name: labels.join('.') || '.', type: msg.readUInt16BE(o), end: o + 4 };
    }

    static async start(address: string, silent = false): Promise<Responder> {
      const socket = dgram.createSocket(address.includes(':') ? 'udp6' : 'udp4');
      await new Promise<void>((resolve, reject) => {
        socket.once('error', reject);
        socket.bind(0, address, () => resolve());
      });
      return new Responder(socket, silent);
    }

    get port(): number {
      return this.socket.address().port;
    }

    close(): Promise<void> {
      return new Promise((resolve) => this.socket.close(() => resolve()));
    }
  }

  let def: CheckerDefinition;
  let services: PluginServices;
  let dns: Responder;
  let dns6: Responder;
  let silent: Responder;

  before(async () => {
    const mod = (await import(pathToFileURL(join(EXAMPLE, 'dist', 'index.js')).href)) as { default: CheckerDefinition };
    def = mod.default;
    const log = createLogger({ level: 'silent' });
    services = { log, clock: systemClock, events: new EventBus(log) };
    dns = await Responder.start('127.0.0.1');
    dns6 = await Responder.start('::1');
    silent = await Responder.start('127.0.0.1', true);
  });

  after(async () => {
    await Promise.all([dns, dns6, silent].filter(Boolean).map((r) => r.close()));
  });

  const target = (port: number, extra: Partial<CheckTarget> = {}): CheckTarget => ({ family: 4, address: '127.0.0.1', port, connectTimeout: 2, ...extra });
  const run = (config: Record<string, unknown>, t: CheckTarget, signal = new AbortController().signal): Promise<CheckResult> => def.create(config, services).check(t, signal);

  it('is a checker definition for DNS_CHECK with type and name', () => {
    assert.equal(def.kind, 'checker');
    assert.equal(def.keyword, 'DNS_CHECK');
    assert.deepEqual(Object.keys(def.schema).sort(), ['name', 'type']);
  });

  it('is ok when the server answers with a record', async () => {
    const r = await run({ type: 'A', name: 'www.example.org' }, target(dns.port));
    assert.deepEqual({ ok: r.ok, detail: r.detail }, { ok: true, detail: 'A www.example.org: 1 record' });
    assert.ok(r.latencyMs >= 0 && r.latencyMs < 2000, String(r.latencyMs));
    assert.deepEqual(dns.queries.at(-1), { name: 'www.example.org', type: 1, from: '127.0.0.1' });
  });

  it("asks for SOA of '.' by default, as Keepalived does", async () => {
    const r = await run({}, target(dns.port));
    assert.equal(r.detail, 'SOA .: 1 record');
    assert.equal(r.ok, true);
    assert.deepEqual(dns.queries.at(-1), { name: '.', type: 6, from: '127.0.0.1' });
  });

  it('counts every record of the answer', async () => {
    const r = await run({ type: 'MX', name: 'example.org' }, target(dns.port));
    assert.deepEqual({ ok: r.ok, detail: r.detail }, { ok: true, detail: 'MX example.org: 2 records' });
  });

  it('queries an IPv6 server', async () => {
    const r = await run({ type: 'AAAA', name: 'www.example.org' }, target(dns6.port, { family: 6, address: '::1' }));
    assert.deepEqual({ ok: r.ok, detail: r.detail }, { ok: true, detail: 'AAAA www.example.org: 1 record' });
    assert.equal(dns6.queries.at(-1)?.type, 28);
  });

  it('sends from bindto when given', async () => {
    const r = await run({ type: 'A', name: 'www.example.org' }, target(dns.port, { bindAddress: '127.0.0.2' }));
    assert.equal(r.ok, true, r.detail);
    assert.equal(dns.queries.at(-1)?.from, '127.0.0.2');
  });

  it('fails on an empty answer, NXDOMAIN and SERVFAIL, saying which', async () => {
    const empty = await run({ type: 'TXT', name: 'www.example.org' }, target(dns.port));
    assert.deepEqual({ ok: empty.ok, detail: empty.detail }, { ok: false, detail: 'TXT www.example.org: no record of that type' });
    const nx = await run({ type: 'A', name: 'missing.example.org' }, target(dns.port));
    assert.deepEqual({ ok: nx.ok, detail: nx.detail }, { ok: false, detail: 'A missing.example.org: name does not exist (NXDOMAIN)' });
    const sf = await run({ type: 'A', name: 'servfail.example.org' }, target(dns.port));
    assert.deepEqual({ ok: sf.ok, detail: sf.detail }, { ok: false, detail: 'A servfail.example.org: server failure (SERVFAIL)' });
  });

  it('fails when nothing listens on the port', async () => {
    const closed = await Responder.start('127.0.0.1');
    const port = closed.port;
    await closed.close();
    const r = await run({ type: 'A', name: 'www.example.org' }, target(port));
    assert.equal(r.ok, false);
    assert.match(r.detail, /^A www\.example\.org: (connection refused|no reply within connect_timeout)$/);
  });

  it('gives up after connect_timeout when the server does not answer', async () => {
    const r = await run({ type: 'A', name: 'www.example.org' }, target(silent.port, { connectTimeout: 0.3 }));
    assert.deepEqual({ ok: r.ok, detail: r.detail }, { ok: false, detail: 'A www.example.org: no reply within connect_timeout' });
    assert.ok(r.latencyMs >= 250 && r.latencyMs < 1500, `took ${r.latencyMs} ms for a 300 ms timeout`);
    assert.equal(silent.queries.length, 1, 'one try only');
  });

  it('settles promptly when the signal aborts, and the abort touches no other check', async () => {
    const ac = new AbortController();
    const t0 = performance.now();
    const aborted = run({ type: 'A', name: 'www.example.org' }, target(silent.port, { connectTimeout: 30 }), ac.signal);
    const other = run({ type: 'A', name: 'www.example.org' }, target(silent.port, { connectTimeout: 0.5 }));
    setTimeout(() => ac.abort(), 100);
    const r = await aborted;
    const elapsed = performance.now() - t0;
    assert.deepEqual({ ok: r.ok, detail: r.detail }, { ok: false, detail: 'A www.example.org: check aborted' });
    assert.ok(elapsed < 1000, `aborted check took ${elapsed} ms`);
    assert.equal((await other).detail, 'A www.example.org: no reply within connect_timeout');
  });

  it('does not query at all when the signal is already aborted', async () => {
    const before = dns.queries.length;
    const r = await run({ type: 'A', name: 'www.example.org' }, target(dns.port), AbortSignal.abort());
    assert.deepEqual({ ok: r.ok, detail: r.detail }, { ok: false, detail: 'check aborted' });
    assert.equal(dns.queries.length, before);
  });
});

describe('vigil plugins: add, list, check, broken neighbours, remove', () => {
  let tarball = '';
  let pluginDir = '';

  before(() => {
    const r = spawnSync('npm', ['pack', '--ignore-scripts', '--pack-destination', base], { cwd: EXAMPLE, encoding: 'utf8' });
    assert.equal(r.status, 0, `npm pack failed:\n${r.stdout}${r.stderr}`);
    tarball = join(base, 'vigil-checker-dns-1.0.0.tgz');
    assert.ok(existsSync(tarball), `npm pack made no ${tarball}:\n${r.stdout}`);
    pluginDir = join(base, 'plugins');
  });

  it('(a) vigil plugins add TARBALL --plugin-dir DIR installs into DIR/node_modules', () => {
    const r = vigil(['plugins', 'add', tarball, '--plugin-dir', pluginDir]);
    assertExit(r, 0);
    assert.match(r.stdout, /vigil-checker-dns@1\.0\.0/);
    assert.match(r.stdout, /checker DNS_CHECK/);
    const installed = join(pluginDir, 'node_modules', 'vigil-checker-dns');
    assert.ok(existsSync(join(installed, 'dist', 'index.js')), 'the built module is installed');
    assert.ok(existsSync(join(installed, 'package.json')));
    assert.ok(!existsSync(join(installed, 'src')), 'only "files" are packed');
    // The plugin's peer dependency is the running core, linked rather than installed again.
    const core = join(pluginDir, 'node_modules', '@vigil', 'core');
    assert.ok(lstatSync(core).isSymbolicLink());
    assert.equal(realpathSync(readlinkSync(core)), CORE);
    assert.ok(!existsSync(decoy), `--plugin-dir was ignored: ${decoy} was written`);
  });

  it('(a) vigil plugins --plugin-dir DIR lists it with its keyword and path', () => {
    const r = vigil(['plugins', '--plugin-dir', pluginDir]);
    assertExit(r, 0);
    const dir = join(pluginDir, 'node_modules', 'vigil-checker-dns');
    assert.ok(r.stdout.includes(`vigil-checker-dns@1.0.0\n    checker DNS_CHECK\n    ${dir}\n`), r.stdout);
    const searched = /^searched: (.*)$/m.exec(r.stdout)?.[1]?.split(', ') ?? [];
    assert.ok(searched.includes(join(pluginDir, 'node_modules')), `the plugin directory is not among those searched: ${searched.join(', ')}`);
    assert.doesNotMatch(r.stdout, /problem: vigil-checker-dns\b/);
  });

  it('(a) vigil plugins --json lists it too', () => {
    const l = listJson(pluginDir);
    const p = l.plugins.find((x) => x.name === 'vigil-checker-dns');
    assert.ok(p, JSON.stringify(l.plugins.map((x) => x.name)));
    assert.equal(p.version, '1.0.0');
    assert.deepEqual(p.checkers, ['DNS_CHECK']);
    assert.deepEqual(p.notifiers, []);
    assert.equal(p.dir, join(pluginDir, 'node_modules', 'vigil-checker-dns'));
    assert.ok(l.searched.includes(join(pluginDir, 'node_modules')));
    assert.deepEqual(l.problems.filter((x) => x.package.includes('vigil-checker-dns')), []);
  });

  it('(b) a keepalived.conf with a DNS_CHECK block is valid with the plugin directory', () => {
    const { file } = writeConf('dns-good.conf', dnsConf(GOOD_BODY));
    const r = vigil(['check', '-f', file, '--plugin-dir', pluginDir]);
    assertExit(r, 0);
    assert.doesNotMatch(r.stderr, /: error: /);
    assert.match(r.stderr, /: valid \(0 errors/);
  });

  it('(b) ... and so it is with plugin_dir in global_defs instead of --plugin-dir', () => {
    const { file } = writeConf('dns-plugin-dir.conf', dnsConf(GOOD_BODY, `    plugin_dir ${pluginDir}\n`));
    const r = vigil(['check', '-f', file]);
    assertExit(r, 0);
  });

  it('(b) ... and without the plugin, DNS_CHECK is an unknown keyword', () => {
    const { file, text } = writeConf('dns-no-plugin.conf', dnsConf(GOOD_BODY));
    const r = vigil(['check', '-f', file]);
    assertExit(r, 1);
    const at = locate(text, 'DNS_CHECK');
    assert.match(r.stderr, new RegExp(`^${file}:${at.line}:${at.col}: error: unknown keyword 'DNS_CHECK'`, 'm'));
  });

  it('(b) a misspelt keyword inside DNS_CHECK is an error at its line and column, with a did-you-mean', () => {
    const { file, text } = writeConf('dns-typo.conf', dnsConf(GOOD_BODY.replace('name www', 'nmae www')));
    const r = vigil(['check', '-f', file, '--plugin-dir', pluginDir]);
    assertExit(r, 1);
    const at = locate(text, 'nmae');
    assert.match(r.stderr, new RegExp(`^${file}:${at.line}:${at.col}: error: unknown keyword 'nmae'.*did you mean 'name'\\?`, 'm'));
  });

  it('(b) a bad type is an error at the word, naming the choices', () => {
    const { file, text } = writeConf('dns-bad-type.conf', dnsConf(GOOD_BODY.replace('type A\n', 'type AAA\n')));
    const r = vigil(['check', '-f', file, '--plugin-dir', pluginDir]);
    assertExit(r, 1);
    const at = locate(text, 'AAA');
    assert.match(r.stderr, new RegExp(`^${file}:${at.line}:${at.col}: error: 'type' takes A\\|NS\\|CNAME\\|SOA\\|MX\\|TXT\\|AAAA, not 'AAA'$`, 'm'));
  });

  describe('(c) broken plugins next to the good one', () => {
    let brokenDir = '';
    const fixtures = ['vigil-checker-badjson', 'vigil-checker-dns-copy', 'vigil-checker-notdef', 'vigil-checker-oldapi', 'vigil-checker-throws'];

    before(() => {
      brokenDir = join(base, 'plugins-with-broken');
      assertExit(vigil(['plugins', 'add', tarball, '--plugin-dir', brokenDir]), 0);
      for (const f of fixtures) cpSync(join(BROKEN, f), join(brokenDir, 'node_modules', f), { recursive: true });
    });

    it('vigil plugins names the packages it cannot use and still lists the good one', () => {
      const r = vigil(['plugins', '--plugin-dir', brokenDir]);
      assertExit(r, 0);
      assert.ok(r.stdout.includes('vigil-checker-dns@1.0.0\n    checker DNS_CHECK\n'), r.stdout);
      const nm = join(brokenDir, 'node_modules');
      assert.ok(r.stdout.includes(`problem: ${join(nm, 'vigil-checker-badjson')} (${join(nm, 'vigil-checker-badjson')}): package.json is not valid JSON`), r.stdout);
      assert.ok(r.stdout.includes(`problem: vigil-checker-oldapi (${join(nm, 'vigil-checker-oldapi')}): was written for plugin API ^0.9.0; this vigil provides 1.0.0`), r.stdout);
      // Their package.json is sound: what is wrong with them shows when they are used.
      for (const n of ['vigil-checker-throws', 'vigil-checker-notdef', 'vigil-checker-dns-copy']) assert.match(r.stdout, new RegExp(`^${n}@`, 'm'));
    });

    it('vigil plugins --json carries the same problems, the duplicate keyword claim included', () => {
      const l = listJson(brokenDir);
      assert.ok(l.plugins.some((p) => p.name === 'vigil-checker-dns'));
      assert.deepEqual(l.problems.map((p) => p.package.split('/').pop()).sort(), ['vigil-checker-badjson', 'vigil-checker-dns-copy', 'vigil-checker-oldapi']);
    });

    it('vigil check validates DNS_CHECK, warning about each broken package by name; unused ones are not loaded', () => {
      const { file } = writeConf('dns-broken-neighbours.conf', dnsConf(GOOD_BODY));
      const r = vigil(['check', '-f', file, '--plugin-dir', brokenDir]);
      assertExit(r, 0);
      assert.match(r.stderr, /^warning: plugin \S*vigil-checker-badjson .*package\.json is not valid JSON/m);
      assert.match(r.stderr, /^warning: plugin vigil-checker-oldapi .*was written for plugin API \^0\.9\.0/m);
      assert.match(r.stderr, /^warning: plugin vigil-checker-dns-copy .*claims checker keyword 'DNS_CHECK', already provided by vigil-checker-dns; ignored/m);
      // Lazy: the packages that fail on import are not imported when the file does not use them.
      assert.doesNotMatch(r.stderr, /vigil-checker-throws|vigil-checker-notdef/);
    });

    it('vigil check names a package that fails to load where its keyword is used; DNS_CHECK still validates', () => {
      const text = `virtual_server 192.0.2.53 53 {
    delay_loop 10
    protocol UDP
    real_server 192.0.2.54 53 {
        DNS_CHECK {
            type MX
            name example.org
        }
    }
    real_server 192.0.2.55 53 {
        THROWS_CHECK {
        }
    }
    real_server 192.0.2.56 53 {
        NOTDEF_CHECK {
        }
    }
}
`;
      const { file } = writeConf('dns-broken-used.conf', text);
      const r = vigil(['check', '-f', file, '--plugin-dir', brokenDir]);
      assertExit(r, 1);
      const t = locate(text, 'THROWS_CHECK');
      const n = locate(text, 'NOTDEF_CHECK');
      assert.match(r.stderr, new RegExp(`^${file}:${t.line}:${t.col}: error: .*THROWS_CHECK.*vigil-checker-throws.*cannot initialise: the THROWS_CHECK backend is not configured`, 'm'));
      assert.match(r.stderr, new RegExp(`^${file}:${n.line}:${n.col}: error: .*NOTDEF_CHECK.*vigil-checker-notdef.*default export must be defineChecker`, 'm'));
      assert.match(r.stderr, /^warning: plugin vigil-checker-throws .*failed to load/m);
      // No error on the DNS_CHECK block (lines 5-8): the good plugin loaded and validated it.
      for (const m of r.stderr.matchAll(new RegExp(`^${file}:(\\d+):\\d+: error: `, 'gm'))) {
        const lineNo = Number(m[1]);
        assert.ok(lineNo < 5 || lineNo > 8, `unexpected error in the DNS_CHECK block:\n${r.stderr}`);
      }
    });
  });

  it('(d) vigil plugins remove NAME --plugin-dir DIR uninstalls it', () => {
    const r = vigil(['plugins', 'remove', 'vigil-checker-dns', '--plugin-dir', pluginDir]);
    assertExit(r, 0);
    assert.match(r.stdout, /removed vigil-checker-dns/);
    assert.ok(!existsSync(join(pluginDir, 'node_modules', 'vigil-checker-dns')));
    assert.ok(!listJson(pluginDir).plugins.some((p) => p.name === 'vigil-checker-dns'));
    assert.ok(!existsSync(decoy), `--plugin-dir was ignored: ${decoy} was written`);
    // The keepalived.conf that was valid with it no longer is.
    const { file } = writeConf('dns-after-remove.conf', dnsConf(GOOD_BODY));
    assertExit(vigil(['check', '-f', file, '--plugin-dir', pluginDir]), 1);
  });

  it('(d) vigil plugins remove in a directory where nothing was installed is a usage error', () => {
    const empty = join(base, 'never-used');
    mkdirSync(empty);
    const r = vigil(['plugins', 'remove', 'vigil-checker-dns', '--plugin-dir', empty]);
    assertExit(r, 2);
    assert.match(r.stderr, /is not a plugin directory/);
  });
});

describe('docs/plugins.md', () => {
  it('includes the example package verbatim (package.json, tsconfig.json, src/index.ts)', () => {
    const doc = readFileSync(join(ROOT, 'docs', 'plugins.md'), 'utf8');
    const blocks = [...doc.matchAll(/^```(?:json|ts)\n([\s\S]*?)^```$/gm)].map((m) => m[1] ?? '');
    for (const f of ['package.json', 'tsconfig.json', join('src', 'index.ts')]) {
      const text = readFileSync(join(EXAMPLE, f), 'utf8');
      assert.ok(blocks.includes(text.endsWith('\n') ? text : text + '\n'), `docs/plugins.md does not hold ${f} as it is in ${EXAMPLE}`);
    }
  });
});
