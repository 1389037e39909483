/**
 * virtual_server, virtual_server_group, SSL and the common checker keywords: the typed model
 * they produce, and every range, enum, reference and cross-block check at its line:col.
 * The expectations follow Keepalived 2.2.7 (`keepalived -t`); see keywords/lvs.ts for which of
 * its complaints vigil makes errors and which warnings.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ConfigNode } from '../../src/config/ast.js';
import { Diagnostics, formatDiagnostic, type Diagnostic, type Severity } from '../../src/config/diagnostics.js';
import { checkerCommonFields } from '../../src/config/keywords/checker-common.js';
import type { RealServerConfig, VirtualServerConfig, VirtualServerGroupConfig } from '../../src/config/keywords/lvs.js';
import type { VigilConfig } from '../../src/config/keywords/root.js';
import { readConfigText } from '../../src/config/reader/index.js';
import { validateDocument } from '../../src/config/validate.js';
import { discoverPlugins } from '../../src/plugin/discovery.js';
import { PluginRegistry } from '../../src/plugin/registry.js';
import { PluginDir, REPO_ROOT } from '../plugin/helpers.js';

const FILE = '/etc/keepalived/keepalived.conf';
const host = { interfaceExists: (): boolean => true };
/** Notes about what vigil does not act on yet: not what these tests are about. */
const STATUS_CODES = new Set(['not-yet-active', 'unsupported-keyword']);

function emptyRegistry(): PluginRegistry {
  return new PluginRegistry({ plugins: [], problems: [], searched: [] }, { checkerCommonFields });
}

interface Result {
  readonly config: VigilConfig | undefined;
  readonly diags: Diagnostics;
  readonly text: string;
}

async function validate(text: string, registry: PluginRegistry = emptyRegistry()): Promise<Result> {
  const diags = new Diagnostics();
  const doc = readConfigText(text, FILE, diags, { configId: 'test' });
  const { config } = await validateDocument(doc, diags, { registry, host });
  return { config, diags, text };
}

function problems(diags: Diagnostics): Diagnostic[] {
  return diags.sorted().filter((d) => !STATUS_CODES.has(d.code));
}

function show(diags: Diagnostics): string {
  return problems(diags).map(formatDiagnostic).join('\n') || '(none)';
}

/**
 * Where a needle is in the text. A `|` in the needle marks the column meant (otherwise its
 * first character); `nth` picks a later occurrence.
 */
function locOf(text: string, needle: string, nth = 1): { file: string; line: number; col: number } {
  const bar = needle.indexOf('|');
  const plain = needle.replace('|', '');
  let from = 0;
  let at = -1;
  for (let i = 0; i < nth; i++) {
    at = text.indexOf(plain, from);
    assert.notEqual(at, -1, `'${plain}' (occurrence ${i + 1}) is not in the text`);
    from = at + 1;
  }
  const offset = at + (bar < 0 ? 0 : bar);
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const col = offset - before.lastIndexOf('\n');
  return { file: FILE, line, col };
}

type Expect = readonly [Severity, string | { readonly at: string; readonly nth: number }, string, RegExp];

/** The problems found are exactly these (status notes aside), each at its place. */
function expectProblems(r: Result, expected: readonly Expect[]): void {
  const found = problems(r.diags);
  const wanted = expected.map(([severity, where, code, message]) => {
    const loc = typeof where === 'string' ? locOf(r.text, where) : locOf(r.text, where.at, where.nth);
    return { severity, ...loc, code, message };
  });
  const unmatched = [...found];
  for (const w of wanted) {
    const i = unmatched.findIndex((d) => d.severity === w.severity && d.loc.line === w.line && d.loc.col === w.col && d.code === w.code && w.message.test(d.message));
    assert.notEqual(i, -1, `expected ${w.severity} [${w.code}] ${w.message} at ${w.line}:${w.col}; found:\n${show(r.diags)}`);
    unmatched.splice(i, 1);
  }
  assert.deepEqual(unmatched.map(formatDiagnostic), [], `unexpected problems:\n${show(r.diags)}`);
}

function vsOf(r: Result, i = 0): VirtualServerConfig {
  const vs = r.config?.virtual_server?.[i];
  assert.ok(vs, `virtual server #${i} is missing; problems:\n${show(r.diags)}`);
  return vs;
}

function rsOf(vs: VirtualServerConfig, i = 0): RealServerConfig {
  const rs = vs.real_server?.[i];
  assert.ok(rs, `real server #${i} is missing`);
  return rs;
}

/** A complete, valid virtual server around `body` (which may override any of its lines' effect). */
function vs(body: string, header = '192.0.2.1 80'): string {
  return `virtual_server ${header} {
  lvs_sched rr
  lvs_method NAT
  protocol TCP
${body}
  real_server 192.0.2.10 80 {
    weight 1
  }
}
`;
}

/** A virtual server whose real server carries `body`. */
function rs(body: string): string {
  return `virtual_server 192.0.2.1 80 {
  lvs_sched rr
  lvs_method NAT
  protocol TCP
  real_server 192.0.2.10 80 {
${body}
  }
}
`;
}

describe('virtual_server: the typed model', () => {
  it('reads every virtual_server and real_server keyword into typed values', async () => {
    const r = await validate(`
virtual_server 192.0.2.1 80 {
    ip_family inet
    delay_loop 2.5
    connect_timeout 0.25
    retry 4
    delay_before_retry 1.5
    warmup 0
    inhibit_on_failure
    lvs_sched sh
    sh-port
    sh-fallback
    flag-1
    flag-2
    flag-3
    lvs_method TUN type gue port 6080 csum
    persistence_engine sip
    persistence_timeout 600
    persistence_granularity 255.255.255.0
    protocol udp
    ops
    ha_suspend
    smtp_alert off
    virtualhost www.example.com
    alpha
    omega
    quorum 2
    hysteresis 1
    quorum_up "/usr/local/bin/pool up" nobody
    quorum_down /usr/local/bin/pool-down
    weight 7
    sorry_server 192.0.2.99 8080
    sorry_server_inhibit
    sorry_server_lvs_method NAT
    real_server 192.0.2.10 80 {
        weight 3
        lvs_method DR
        uthreshold 1000
        lthreshold 10
        inhibit_on_failure off
        notify_up "/usr/local/bin/rs up"
        notify_down /usr/local/bin/rs-down root:wheel
        alpha yes
        retry 2
        delay_before_retry 0.5
        warmup 1
        connect_timeout 3
        delay_loop 10
        smtp_alert
        virtualhost api.example.com
    }
    real_server 192.0.2.11 {
    }
}
`);
    // The sorry server's inhibit matches neither real server's: only the checks that fit.
    expectProblems(r, []);
    const v = vsOf(r);
    assert.deepEqual(v.service, { kind: 'address', address: { family: 4, address: '192.0.2.1' }, port: 80, loc: locOf(r.text, '192.0.2.1 80') });
    assert.equal(v.ip_family, 'inet');
    assert.equal(v.delay_loop, 2.5);
    assert.equal(v.connect_timeout, 0.25);
    assert.equal(v.retry, 4);
    assert.equal(v.delay_before_retry, 1.5);
    assert.equal(v.warmup, 0);
    assert.equal(v.inhibit_on_failure, true);
    assert.equal(v.lvs_sched, 'sh');
    assert.equal(v['sh-port'], true);
    assert.equal(v['sh-fallback'], true);
    assert.equal(v['flag-1'], true);
    assert.deepEqual(v.lvs_method, { method: 'TUN', tunnel: { type: 'gue', port: 6080, checksum: 'csum' } });
    assert.equal(v.persistence_engine, 'sip');
    assert.equal(v.persistence_timeout, 600);
    assert.deepEqual(v.persistence_granularity, { kind: 'netmask', netmask: '255.255.255.0' });
    assert.equal(v.protocol, 'UDP', 'Keepalived compares the protocol without case');
    assert.equal(v.ops, true);
    assert.equal(v.ha_suspend, true);
    assert.equal(v.smtp_alert, false);
    assert.equal(v.virtualhost, 'www.example.com');
    assert.equal(v.alpha, true);
    assert.equal(v.omega, true);
    assert.equal(v.quorum, 2);
    assert.equal(v.hysteresis, 1);
    assert.deepEqual(v.quorum_up, { command: '/usr/local/bin/pool up', argv: ['/usr/local/bin/pool', 'up'], user: 'nobody' });
    assert.equal(v.quorum_down?.command, '/usr/local/bin/pool-down');
    assert.equal(v.weight, 7);
    assert.deepEqual(v.sorry_server, { address: { family: 4, address: '192.0.2.99' }, port: 8080, loc: locOf(r.text, '192.0.2.99') });
    assert.equal(v.sorry_server_inhibit, true);
    assert.deepEqual(v.sorry_server_lvs_method, { method: 'NAT' });
    assert.deepEqual(v.$locs.protocol, locOf(r.text, 'protocol udp'));

    const a = rsOf(v, 0);
    assert.deepEqual(a.address, { family: 4, address: '192.0.2.10' });
    assert.equal(a.port, 80);
    assert.deepEqual(a.$addressLoc, locOf(r.text, '192.0.2.10 80'));
    assert.deepEqual(a.$loc, locOf(r.text, 'real_server 192.0.2.10'));
    assert.equal(a.weight, 3);
    assert.deepEqual(a.lvs_method, { method: 'DR' });
    assert.equal(a.uthreshold, 1000);
    assert.equal(a.lthreshold, 10);
    assert.equal(a.inhibit_on_failure, false);
    assert.deepEqual(a.notify_up?.argv, ['/usr/local/bin/rs', 'up']);
    assert.deepEqual(a.notify_down, { command: '/usr/local/bin/rs-down', argv: ['/usr/local/bin/rs-down'], user: 'root', group: 'wheel' });
    assert.equal(a.alpha, true);
    assert.equal(a.retry, 2);
    assert.equal(a.delay_before_retry, 0.5);
    assert.equal(a.warmup, 1);
    assert.equal(a.connect_timeout, 3);
    assert.equal(a.delay_loop, 10);
    assert.equal(a.smtp_alert, true);
    assert.equal(a.virtualhost, 'api.example.com');
    assert.deepEqual(a.$extensions, []);

    const b = rsOf(v, 1);
    assert.equal(b.port, undefined, 'a real server without a port takes the service port later');
    assert.equal(b.weight, undefined);
  });

  it('stores lb_algo and lb_kind (the older names) as lvs_sched and lvs_method, silently', async () => {
    const r = await validate(vs('  lb_algo wrr\n  lb_kind DR'));
    expectProblems(r, []);
    const v = vsOf(r);
    assert.equal(v.lvs_sched, 'wrr', 'the later line wins, whichever name it uses');
    assert.deepEqual(v.lvs_method, { method: 'DR' });
    assert.deepEqual(v.$locs.lvs_sched, locOf(r.text, 'lb_algo'));
    assert.equal(v.lb_algo, undefined, "nothing is stored under the other name");
  });

  it('accepts every scheduler Keepalived 2.2.7 knows, twos included', async () => {
    for (const s of ['rr', 'wrr', 'lc', 'wlc', 'lblc', 'sh', 'mh', 'dh', 'fo', 'ovf', 'lblcr', 'sed', 'nq', 'twos']) {
      const r = await validate(vs(`  lvs_sched ${s}`));
      expectProblems(r, []);
      assert.equal(vsOf(r).lvs_sched, s);
    }
  });

  it('reads the three service forms: IP [PORT], fwmark N, group NAME', async () => {
    const r = await validate(`
virtual_server_group WEB {
  192.0.2.1 80
}
virtual_server 2001:db8::1 443 {
  lvs_sched rr
  lvs_method NAT
  protocol TCP
  real_server 2001:db8::10 443 {
  }
}
virtual_server 192.0.2.2 00 {
  lvs_sched rr
  lvs_method NAT
  protocol TCP
  persistence_timeout
  real_server 192.0.2.10 {
  }
}
virtual_server fwmark 4294967295 {
  lvs_sched rr
  lvs_method DR
  real_server 192.0.2.10 {
  }
}
virtual_server group WEB {
  lvs_sched rr
  lvs_method DR
  protocol TCP
  real_server 192.0.2.11 80 {
  }
}
`);
    expectProblems(r, []);
    assert.deepEqual(vsOf(r, 0).service, { kind: 'address', address: { family: 6, address: '2001:db8::1' }, port: 443, loc: locOf(r.text, '2001:db8::1 443') });
    const p = vsOf(r, 1);
    assert.equal(p.service.kind === 'address' && p.service.port, undefined, "port '00' means no port, as in Keepalived");
    assert.equal(p.persistence_timeout, 360, 'persistence_timeout without a value is 6 minutes');
    assert.deepEqual(vsOf(r, 2).service, { kind: 'fwmark', fwmark: 4294967295, loc: locOf(r.text, '4294967295') });
    assert.deepEqual(vsOf(r, 3).service, { kind: 'group', name: 'WEB', loc: locOf(r.text, 'WEB', 2) });
  });

  it('reads the root SSL block', async () => {
    const r = await validate('SSL {\n  password secret\n  ca /etc/ssl/ca.pem\n  certificate /etc/ssl/client.pem\n  key /etc/ssl/client.key\n}\n');
    expectProblems(r, []);
    assert.equal(r.config?.SSL?.password, 'secret');
    assert.equal(r.config?.SSL?.ca, '/etc/ssl/ca.pem');
    assert.equal(r.config?.SSL?.certificate, '/etc/ssl/client.pem');
    assert.equal(r.config?.SSL?.key, '/etc/ssl/client.key');
  });
});

describe('virtual_server: ranges and enums at their word', () => {
  const cases: readonly (readonly [string, string, string, RegExp, Severity?])[] = [
    // [virtual_server body line, where, code, message]
    ['  retry 0', 'retry |0', 'out-of-range', /'retry' 0 is out of range 1\.\.4294967295/],
    ['  delay_loop 0', 'delay_loop |0', 'out-of-range', /more than 0 seconds/],
    ['  delay_loop 1.1234567', 'delay_loop |1.1', 'bad-number', /up to 6 decimals/],
    ['  delay_loop 1e3', 'delay_loop |1e3', 'bad-number', /up to 6 decimals/],
    ['  connect_timeout 4294.967296', 'connect_timeout |4294', 'out-of-range', /out of range 0\.\.4294\.967295 seconds/],
    ['  connect_timeout 0', 'connect_timeout |0', 'out-of-range', /more than 0 seconds/],
    ['  warmup -1', 'warmup |-1', 'bad-number', /time in seconds/],
    ['  weight 0', 'weight |0', 'out-of-range', /1\.\.2147483647/],
    ['  quorum 0', 'quorum |0', 'out-of-range', /1\.\.4294967295/],
    ['  hysteresis -1', 'hysteresis |-1', 'out-of-range', /0\.\.4294967295/],
    ['  persistence_timeout 2678401', 'persistence_timeout |2678401', 'out-of-range', /1\.\.2678400/],
    ['  persistence_timeout 0', 'persistence_timeout |0', 'out-of-range', /1\.\.2678400/],
    ['  persistence_granularity foo', 'persistence_granularity |foo', 'bad-number', /netmask.*prefix length/],
    ['  persistence_granularity 255.255.255.999', 'persistence_granularity |255', 'bad-address', /IPv4 netmask/],
    ['  persistence_engine abcdefghijklmnopq', 'persistence_engine |abc', 'bad-argument', /longer than 16/],
    ['  smtp_alert maybe', 'smtp_alert |maybe', 'bad-argument', /on\|off/],
    ['  lvs_sched RR', 'lvs_sched |RR', 'bad-argument', /lower case: 'rr'/],
    ['  lvs_sched roundrobin', 'lvs_sched |roundrobin', 'bad-argument', /unknown scheduler 'roundrobin'/],
    ['  protocol ICMP', 'protocol |ICMP', 'bad-argument', /TCP, UDP or SCTP/],
    ['  lvs_method nat', 'lvs_method |nat', 'bad-argument', /upper case: 'NAT'/],
    ['  ip_family ipv4', 'ip_family |ipv4', 'bad-argument', /inet\|inet6/],
    ['  virtualhost', '|virtualhost', 'missing-argument', /needs HOST/],
    ['  sorry_server 192.0.2.99 70000', 'sorry_server 192.0.2.99 |70000', 'out-of-range', /port 70000/],
    ['  sorry_server www.example.com', 'sorry_server |www', 'bad-address', /not a valid IP address/],
    ['  nat_mask 255.255.255.0', '|nat_mask', 'unknown-keyword', /unknown keyword 'nat_mask' in 'virtual_server'/],
  ];
  for (const [line, where, code, message] of cases) {
    it(`${line.trim()} -> ${code}`, async () => {
      expectProblems(await validate(vs(line)), [['error', where, code, message]]);
    });
  }

  it('accepts the ends of the ranges', async () => {
    const r = await validate(
      vs('  weight 2147483647\n  quorum 2147483647\n  hysteresis 0\n  persistence_timeout 2678400\n  connect_timeout 4294.967295\n  delay_loop 0.000001\n  persistence_engine abcdefghijklmnop'),
    );
    expectProblems(r, [
      ['warning', 'persistence_engine |abc', 'suspicious-value', /only persistence engine is 'sip'/],
      // The one real server has weight 1 of its own, so the total weight is 1.
      ['warning', '|quorum', 'quorum-above-weights', /lowers it to 1/],
    ]);
  });

  const rsCases: readonly (readonly [string, string, string, RegExp])[] = [
    ['    weight 2147483648', 'weight |2147483648', 'out-of-range', /0\.\.2147483647/],
    ['    uthreshold -1', 'uthreshold |-1', 'out-of-range', /0\.\.4294967295/],
    ['    lthreshold x', 'lthreshold |x', 'bad-number', /needs an integer/],
    ['    alpha maybe', 'alpha |maybe', 'bad-argument', /on\|off/],
    ['    inhibit_on_failure maybe', 'inhibit_on_failure |maybe', 'bad-argument', /on\|off/],
    ['    retry 0', 'retry |0', 'out-of-range', /1\.\.4294967295/],
    ['    connect_timeout 0', 'connect_timeout |0', 'out-of-range', /more than 0/],
    ['    delay_loop 0', 'delay_loop |0', 'out-of-range', /more than 0/],
    ['    lb_kind DR', '|lb_kind', 'unknown-keyword', /unknown keyword 'lb_kind' in 'real_server'/],
    ['    omega', '|omega', 'unknown-keyword', /unknown keyword 'omega'/],
    ['    lvs_method TUN type gue', 'type |gue', 'bad-argument', /gue tunnel needs its UDP port/],
  ];
  for (const [line, where, code, message] of rsCases) {
    it(`real_server: ${line.trim()} -> ${code}`, async () => {
      expectProblems(await validate(rs(line)), [['error', where, code, message]]);
    });
  }

  it('accepts a real server weight of 0 and of 2147483647', async () => {
    const r = await validate(rs('    weight 2147483647'));
    expectProblems(r, []);
    assert.equal(rsOf(vsOf(r)).weight, 2147483647);
  });
});

describe('lvs_method: forwarding and tunnel options', () => {
  const ok: readonly (readonly [string, unknown])[] = [
    ['NAT', { method: 'NAT' }],
    ['DR', { method: 'DR' }],
    ['TUN', { method: 'TUN', tunnel: { type: 'ipip', checksum: 'nocsum' } }],
    ['TUN type ipip nocsum', { method: 'TUN', tunnel: { type: 'ipip', checksum: 'nocsum' } }],
    ['TUN type gre csum', { method: 'TUN', tunnel: { type: 'gre', checksum: 'csum' } }],
    ['TUN port 6080 type gue remcsum', { method: 'TUN', tunnel: { type: 'gue', port: 6080, checksum: 'remcsum' } }],
  ];
  for (const [words, model] of ok) {
    it(`lvs_method ${words}`, async () => {
      const r = await validate(vs('', '192.0.2.1 80').replace('lvs_method NAT', `lvs_method ${words}`));
      expectProblems(r, []);
      assert.deepEqual(vsOf(r).lvs_method, model);
    });
  }

  const bad: readonly (readonly [string, string, string, RegExp])[] = [
    ['TUN type gue', 'type |gue', 'bad-argument', /needs its UDP port/],
    ['TUN type gue port 0', 'port |0', 'out-of-range', /gue tunnel port 0/],
    ['TUN type gue port', 'gue |port', 'missing-argument', /'port' needs/],
    ['TUN type', 'TUN |type', 'missing-argument', /'type' needs a tunnel type/],
    ['TUN type foo', 'type |foo', 'bad-argument', /unknown tunnel type 'foo'/],
    ['TUN port 5', 'TUN |port', 'bad-argument', /only for gue tunnels/],
    ['TUN type ipip csum', 'ipip |csum', 'bad-argument', /ipip tunnels take no checksum/],
    ['TUN type gre remcsum', 'gre |remcsum', 'bad-argument', /gre tunnels do not support 'remcsum'/],
    ['TUN bogus', 'TUN |bogus', 'bad-argument', /'bogus' is not a tunnel option/],
    ['DR extra', 'DR |extra', 'bad-argument', /'extra' is not a tunnel option/],
  ];
  for (const [words, where, code, message] of bad) {
    it(`lvs_method ${words} -> ${code}`, async () => {
      const r = await validate(vs('').replace('lvs_method NAT', `lvs_method ${words}`));
      expectProblems(r, [['error', where, code, message]]);
    });
  }

  it('warns that tunnel options do nothing without TUN (Keepalived accepts them silently)', async () => {
    const r = await validate(vs('').replace('lvs_method NAT', 'lvs_method DR type gue port 5'));
    expectProblems(r, [['warning', 'DR |type', 'ignored-option', /apply to TUN only; with DR they have no effect/]]);
    assert.deepEqual(vsOf(r).lvs_method, { method: 'DR' });
  });
});

describe('virtual_server and real_server headers', () => {
  const cases: readonly (readonly [string, string, string, RegExp])[] = [
    ['192.0.2.1:80', '|192.0.2.1:80', 'bad-address', /write the port as a separate word/],
    ['[2001:db8::1] 80', '|[2001', 'bad-address', /without brackets/],
    ['192.0.2.300 80', '|192.0.2.300', 'bad-address', /not a valid IP address/],
    ['192.0.2.1 70000', '192.0.2.1 |70000', 'out-of-range', /port 70000 is out of range/],
    ['192.0.2.1 abc', '192.0.2.1 |abc', 'bad-number', /port must be a number/],
    ['fwmark -1', 'fwmark |-1', 'bad-number', /firewall mark must be a number/],
    ['fwmark 4294967296', 'fwmark |4294967296', 'out-of-range', /firewall mark 4294967296 is out of range/],
    // Keepalived 2.2.7 crashes (SIGSEGV) on these two.
    ['fwmark', '|fwmark', 'missing-argument', /'fwmark' needs a firewall mark/],
    ['group', '|group', 'missing-argument', /'group' needs a virtual_server_group name/],
  ];
  for (const [header, where, code, message] of cases) {
    it(`virtual_server ${header} -> ${code}`, async () => {
      const r = await validate(vs('  persistence_timeout', header));
      expectProblems(r, [['error', where, code, message]]);
      assert.equal(r.config?.virtual_server, undefined, 'Keepalived skips the whole block');
    });
  }

  it('reports a virtual_server without any word', async () => {
    const r = await validate('virtual_server {\n}\n');
    expectProblems(r, [['error', '|virtual_server', 'missing-argument', /'virtual_server' needs 'IP \[PORT\]', 'fwmark N' or 'group NAME'/]]);
  });

  it('warns about words after the service, and about fwmark 0', async () => {
    const r = await validate(vs('', '192.0.2.1 80 extra'));
    expectProblems(r, [['warning', '|extra', 'extra-argument', /unexpected 'extra'/]]);
    const f = await validate(vs('', 'fwmark 0').replace('  protocol TCP\n', ''));
    expectProblems(f, [['warning', 'fwmark |0', 'suspicious-value', /fwmark 0 marks nothing/]]);
  });

  const rsHeaders: readonly (readonly [string, string, string, RegExp])[] = [
    ['host.example 80', '|host.example', 'bad-address', /not a valid IP address/],
    ['192.0.2.20 -1', '192.0.2.20 |-1', 'bad-number', /port must be a number/],
    ['192.0.2.20 65536', '192.0.2.20 |65536', 'out-of-range', /port 65536/],
  ];
  for (const [header, where, code, message] of rsHeaders) {
    it(`real_server ${header} -> ${code}`, async () => {
      const r = await validate(vs(`  real_server ${header} {\n  }`));
      expectProblems(r, [['error', where, code, message]]);
      assert.equal(vsOf(r).real_server?.length, 1, 'the bad real server is skipped, the other one kept');
    });
  }
});

describe('virtual_server: checks made while reading (order matters, as in Keepalived)', () => {
  it('sh-port/sh-fallback must follow lvs_sched sh; mh-* follow lvs_sched mh', async () => {
    expectProblems(await validate(vs('  lvs_sched sh\n  sh-port\n  sh-fallback').replace('  lvs_sched rr\n', '')), []);
    expectProblems(await validate(vs('  lvs_sched mh\n  mh-port\n  mh-fallback').replace('  lvs_sched rr\n', '')), []);
    expectProblems(await validate(vs('  sh-port\n  lvs_sched sh').replace('  lvs_sched rr\n', '')), [
      ['error', '|sh-port', 'scheduler-flag', /put 'sh-port' after 'lvs_sched sh'/],
    ]);
    expectProblems(await validate(vs('  sh-fallback')), [['error', '|sh-fallback', 'scheduler-flag', /sh scheduler only; this virtual server uses 'rr'/]]);
    expectProblems(await validate(vs('  lvs_sched sh\n  mh-port').replace('  lvs_sched rr\n', '')), [
      ['warning', '|mh-port', 'ignored-option', /mh scheduler only; with 'sh' Keepalived ignores it/],
    ]);
  });

  it('sorry_server_inhibit and sorry_server_lvs_method need a sorry_server line before them', async () => {
    const r = await validate(vs('  sorry_server_inhibit\n  sorry_server_lvs_method DR\n  sorry_server 192.0.2.99 80'));
    expectProblems(r, [
      ['error', '|sorry_server_inhibit', 'sorry-server-order', /needs a 'sorry_server' line before it/],
      ['error', '|sorry_server_lvs_method', 'sorry-server-order', /needs a 'sorry_server' line before it/],
    ]);
  });

  it('takes the first quorum_up / notify_up and rejects a second one', async () => {
    const q = await validate(vs('  quorum_up /bin/true\n  quorum_up /bin/false'));
    expectProblems(q, [['error', { at: 'quorum_up', nth: 2 }, 'duplicate-keyword', /already given at line 5; Keepalived keeps the first/]]);
    const n = await validate(rs('    notify_down /bin/true\n    notify_down /bin/false'));
    expectProblems(n, [['error', { at: 'notify_down', nth: 2 }, 'duplicate-keyword', /already given at line 6/]]);
  });

  it("warns that 'alpha no' at virtual_server level turns alpha ON (Keepalived ignores the word)", async () => {
    const r = await validate(vs('  alpha no\n  ha_suspend yes'));
    expectProblems(r, [
      ['warning', 'alpha |no', 'ignored-argument', /ignores 'no' and turns 'alpha' ON/],
      ['warning', 'ha_suspend |yes', 'ignored-argument', /takes no argument; 'yes' is ignored/],
    ]);
    assert.equal(vsOf(r).alpha, true);
  });

  it('checks address families in file order: TUN servers may differ', async () => {
    const r = await validate(`virtual_server 192.0.2.1 80 {
  lvs_sched rr
  protocol TCP
  real_server 2001:db8::10 80 {
  }
  lvs_method TUN
  real_server 2001:db8::11 80 {
  }
  real_server 192.0.2.12 80 {
    lvs_method NAT
  }
  sorry_server 2001:db8::99 80
}
`);
    // The first IPv6 server comes before 'lvs_method TUN': Keepalived skips it; the second is tunnelled.
    expectProblems(r, [['error', '|2001:db8::10', 'family-mismatch', /IPv6 but this virtual server is IPv4; Keepalived skips it/]]);
  });

  it('checks the sorry server family and ip_family against the servers', async () => {
    const r = await validate(`virtual_server fwmark 3 {
  lvs_sched rr
  lvs_method DR
  real_server 192.0.2.10 {
  }
  real_server 2001:db8::10 {
  }
  sorry_server 2001:db8::11
  ip_family inet6
}
`);
    expectProblems(r, [
      ['error', '|2001:db8::10', 'family-mismatch', /real server 2001:db8::10 is IPv6 but this virtual server is IPv4/],
      ['error', '|2001:db8::11', 'family-mismatch', /sorry server 2001:db8::11 is IPv6/],
      ['error', 'ip_family |inet6', 'family-mismatch', /conflicts with this virtual server's IPv4 servers/],
    ]);
    const a = await validate(vs('  ip_family inet6'));
    expectProblems(a, [['error', 'ip_family |inet6', 'family-mismatch', /conflicts/]]);
  });

  it('rejects a repeated SSL setting (Keepalived replaces it and fails -t)', async () => {
    const r = await validate('SSL {\n  key /etc/ssl/a.key\n  key /etc/ssl/b.key\n}\n');
    expectProblems(r, [['error', '|key /etc/ssl/b', 'duplicate-keyword', /'key' is already given at line 2; Keepalived replaces the first/]]);
  });
});

describe('virtual_server: checks on the whole configuration (semantic/lvs.ts)', () => {
  it('a virtual server needs real servers', async () => {
    const r = await validate('virtual_server 192.0.2.1 80 {\n  lvs_sched rr\n  lvs_method NAT\n  protocol TCP\n}\n');
    expectProblems(r, [['error', '|virtual_server', 'no-real-servers', /has no real servers; Keepalived ignores it/]]);
  });

  it('warns where Keepalived supplies a default: scheduler, forwarding method, protocol', async () => {
    const r = await validate('virtual_server 192.0.2.1 80 {\n  real_server 192.0.2.10 80 {\n  }\n}\n');
    expectProblems(r, [
      ['warning', '|virtual_server', 'default-protocol', /makes it a UDP service/],
      ['warning', '|virtual_server', 'default-scheduler', /uses 'wlc'/],
      ['warning', '|virtual_server', 'default-method', /uses NAT/],
    ]);
  });

  it('removes a duplicate real server (same address and port)', async () => {
    const r = await validate(vs('  real_server 192.0.2.10 80 {\n  }\n  real_server 192.0.2.10 81 {\n  }\n  real_server 192.0.2.10 {\n  }'));
    expectProblems(r, [['error', { at: 'real_server 192.0.2.10 80', nth: 2 }, 'duplicate-real-server', /already in this virtual server \(line 5\)/]]);
  });

  it('warns about a virtual server defined twice (Keepalived -t accepts it; IPVS cannot hold both)', async () => {
    const r = await validate(vs('') + vs(''));
    expectProblems(r, [['warning', { at: '192.0.2.1 80', nth: 2 }, 'duplicate-virtual-server', /192\.0\.2\.1:80 \(TCP\) is already defined at line 1/]]);
    const udp = await validate(vs('') + vs('').replace('protocol TCP', 'protocol UDP'));
    expectProblems(udp, []);
  });

  it('group NAME must name a defined virtual_server_group (a warning: keepalived -t passes, the run ignores it)', async () => {
    const r = await validate('virtual_server_group WEB {\n  192.0.2.1 80\n}\n' + vs('', 'group WBE'));
    expectProblems(r, [['warning', '|WBE', 'unknown-group', /no usable virtual_server_group 'WBE'.*Did you mean 'WEB'\?/]]);
  });

  it('ha_suspend cannot be used with firewall marks; protocol is ignored for them', async () => {
    const r = await validate(`virtual_server fwmark 1 {
  lvs_sched rr
  lvs_method DR
  protocol TCP
  ha_suspend
  real_server 192.0.2.10 {
  }
}
`);
    expectProblems(r, [
      ['error', '|ha_suspend', 'ha-suspend-fwmark', /Keepalived clears it/],
      ['warning', '|protocol', 'protocol-ignored', /ignores 'protocol TCP'/],
    ]);
  });

  it('ops needs UDP', async () => {
    expectProblems(await validate(vs('  ops')), [['error', '|ops', 'ops-needs-udp', /needs 'protocol UDP'/]]);
    expectProblems(await validate(vs('  ops').replace('protocol TCP', 'protocol UDP')), []);
  });

  it('only a persistent service may omit its port', async () => {
    expectProblems(await validate(vs('', '192.0.2.1')), [['error', '|192.0.2.1 {', 'port-needs-persistence', /has no port, which only a persistent service may omit/]]);
    expectProblems(await validate(vs('  persistence_timeout 60', '192.0.2.1')), []);
    expectProblems(await validate(vs('  persistence_granularity 255.255.255.0', '192.0.2.1')), []);
  });

  it('fwmark and DR services do not translate ports (warnings, as Keepalived words them)', async () => {
    const fw = await validate(`virtual_server fwmark 1 {
  lvs_sched rr
  lvs_method DR
  real_server 192.0.2.10 80 {
  }
  real_server 192.0.2.11 80 {
    lvs_method NAT
  }
}
`);
    expectProblems(fw, [['warning', '|192.0.2.10 80', 'port-ignored', /takes no real server port; Keepalived clears it/]]);
    const dr = await validate(`virtual_server 192.0.2.1 80 {
  lvs_sched rr
  lvs_method DR
  protocol TCP
  real_server 192.0.2.10 8080 {
  }
  sorry_server 192.0.2.11 8081
}
`);
    expectProblems(dr, [
      ['warning', '|192.0.2.10 8080', 'port-mismatch', /8080 differs from the service port 80; with DR Keepalived uses 80/],
      ['warning', '|192.0.2.11 8081', 'port-mismatch', /sorry server port 8081/],
    ]);
  });

  it('quorum above the total weight is lowered (warning); hysteresis must stay below the quorum (error)', async () => {
    expectProblems(await validate(vs('  quorum 5')), [['warning', '|quorum', 'quorum-above-weights', /quorum 5 exceeds the total weight of the real servers \(1\)/]]);
    expectProblems(await validate(vs('  quorum 1\n  hysteresis 1')), [['error', '|hysteresis', 'hysteresis-above-quorum', /hysteresis 1 must be below the quorum \(1\)/]]);
    // Default weights: the virtual server's weight is every real server's default.
    expectProblems(await validate(vs('  weight 5\n  quorum 5\n  hysteresis 4').replace('    weight 1\n', '')), []);
    const zero = await validate(vs('').replace('weight 1', 'weight 0'));
    expectProblems(zero, [['warning', '|virtual_server', 'quorum-above-weights', /every real server .* has weight 0/]]);
  });

  it('a sorry server that is also a real server must share its inhibit setting', async () => {
    const r = await validate(vs('  sorry_server 192.0.2.10 80\n  sorry_server_inhibit'));
    expectProblems(r, [['error', 'sorry_server |192.0.2.10', 'sorry-inhibit-mismatch', /inhibit_on_failure is off, but sorry_server_inhibit is on/]]);
    expectProblems(await validate(vs('  inhibit_on_failure\n  sorry_server 192.0.2.10 80\n  sorry_server_inhibit')), []);
  });

  it('persistence_granularity is a netmask for IPv4 and a prefix length for IPv6', async () => {
    expectProblems(await validate(vs('  persistence_granularity 24')), [
      ['warning', '|persistence_granularity', 'granularity-not-netmask', /reads '24' as 0\.0\.0\.24/],
    ]);
    const v6 = (g: string): string =>
      `virtual_server 2001:db8::1 80 {\n  lvs_sched rr\n  lvs_method NAT\n  protocol TCP\n  persistence_granularity ${g}\n  real_server 2001:db8::10 80 {\n  }\n}\n`;
    expectProblems(await validate(v6('64')), []);
    expectProblems(await validate(v6('255.255.0.0')), [['error', '|persistence_granularity', 'bad-granularity', /takes a prefix length/]]);
    expectProblems(await validate(v6('129')), [['error', '|persistence_granularity', 'bad-granularity', /out of range 1\.\.128/]]);
  });
});

describe('virtual_server_group', () => {
  /** A group with `lines`, used by a DR virtual server on port 80 with one IPv4 real server. */
  function group(lines: string, persistent = false): string {
    return `virtual_server_group G {
${lines}
}
virtual_server group G {
  lvs_sched rr
  lvs_method DR
  protocol TCP
${persistent ? '  persistence_timeout\n' : ''}  real_server 192.0.2.20 80 {
  }
}
`;
  }

  it('reads addresses, ranges, prefixes and fwmarks into typed entries', async () => {
    const r = await validate(
      group(`  192.0.2.1 80
  192.0.2.1-10 80
  192.0.2.250-192.0.3.4 80
  203.0.113.0/29 80
  fwmark 7
  fwmark 8 inet`),
    );
    expectProblems(r, [
      // DR with fwmark entries: the real server's port means nothing (Keepalived: WARNING).
      ['warning', '|192.0.2.20 80', 'port-ignored', /firewall-mark service ignores the real server's port/],
    ]);
    const g = r.config?.virtual_server_group?.[0] as VirtualServerGroupConfig;
    assert.equal(g.name, 'G');
    assert.deepEqual(g.$nameLoc, locOf(r.text, 'G {'));
    const entries = g.entries.map(({ loc: _loc, ...e }) => e);
    assert.deepEqual(entries, [
      { kind: 'address', first: { family: 4, address: '192.0.2.1' }, last: { family: 4, address: '192.0.2.1' }, port: 80, text: '192.0.2.1' },
      { kind: 'address', first: { family: 4, address: '192.0.2.1' }, last: { family: 4, address: '192.0.2.10' }, port: 80, text: '192.0.2.1-10' },
      { kind: 'address', first: { family: 4, address: '192.0.2.250' }, last: { family: 4, address: '192.0.3.4' }, port: 80, text: '192.0.2.250-192.0.3.4' },
      { kind: 'address', first: { family: 4, address: '203.0.113.0' }, last: { family: 4, address: '203.0.113.7' }, port: 80, text: '203.0.113.0/29' },
      { kind: 'fwmark', fwmark: 7 },
      { kind: 'fwmark', fwmark: 8, family: 4 },
    ]);
    assert.deepEqual(g.entries[2]?.loc, locOf(r.text, '192.0.2.250'));
  });

  it('reads IPv6 ranges (the end replaces the last group, in hex) and prefixes', async () => {
    const r = await validate(`virtual_server_group G6 {
  2001:db8::1-ff 443
  2001:db8::1-2001:db8::1:5 443
  2001:db8:1::/126 443
  fwmark 9 inet6
}
`);
    expectProblems(r, []);
    const e = (r.config?.virtual_server_group?.[0] as VirtualServerGroupConfig).entries;
    assert.deepEqual(e[0]?.kind === 'address' && e[0].last, { family: 6, address: '2001:db8::ff' });
    assert.deepEqual(e[1]?.kind === 'address' && e[1].last, { family: 6, address: '2001:db8::1:5' });
    assert.deepEqual(e[2]?.kind === 'address' && e[2].last, { family: 6, address: '2001:db8:1::3' });
    assert.deepEqual(e[3], { kind: 'fwmark', fwmark: 9, family: 6, loc: locOf(r.text, 'fwmark 9') });
  });

  const bad: readonly (readonly [string, string, string, RegExp])[] = [
    ['192.0.2.10-1 80', '|192.0.2.10-1', 'bad-range', /must be greater than the start's last byte 10/],
    ['192.0.2.1-256 80', '|192.0.2.1-256', 'bad-range', /too large \(at most 255\)/],
    ['192.0.2.1-abc 80', '|192.0.2.1-abc', 'bad-range', /last byte in decimal/],
    ['192.0.2.5-192.0.2.1 80', '|192.0.2.5-', 'bad-range', /below its start/],
    ['192.0.2.1-2001:db8::1 80', '|192.0.2.1-2001', 'bad-range', /last byte in decimal/],
    ['192.0.2.9/29 80', '|192.0.2.9/29', 'bad-address', /host bits set: write the network address \(192\.0\.2\.8\/29\)/],
    ['192.0.2.0/0 80', '|192.0.2.0/0', 'bad-address', /use 1\.\.32/],
    ['2001:db8::1-fffff 80', '|2001:db8::1-fffff', 'bad-range', /at most ffff/],
    ['2001:db8::10-9 80', '|2001:db8::10-9', 'bad-range', /last group, 10 \(hex\)/],
    ['192.0.2.30 70000', '192.0.2.30 |70000', 'out-of-range', /port 70000/],
    ['fwmark -1', 'fwmark |-1', 'bad-number', /firewall mark must be a number/],
    ['fwmark 5 ipv4', 'fwmark 5 |ipv4', 'bad-argument', /inet or inet6, not 'ipv4'/],
  ];
  for (const [line, where, code, message] of bad) {
    it(`${line} -> ${code}`, async () => {
      // A good entry next to the bad one keeps the group alive.
      const r = await validate(group(`  192.0.2.1 80\n  ${line}`));
      expectProblems(r, [['error', where, code, message]]);
      assert.equal((r.config?.virtual_server_group?.[0] as VirtualServerGroupConfig).entries.length, 1);
    });
  }

  it('a group without a valid entry is removed, and its virtual servers with it', async () => {
    const r = await validate(group('  192.0.2.1-256 80'));
    expectProblems(r, [
      ['error', '|virtual_server_group', 'empty-group', /has no valid entry; Keepalived removes it/],
      ['error', '|192.0.2.1-256', 'bad-range', /too large/],
      ['warning', 'server group |G', 'unknown-group', /no usable virtual_server_group 'G'/],
    ]);
    const empty = await validate('virtual_server_group E {\n}\n');
    expectProblems(empty, [['error', '|virtual_server_group', 'empty-group', /'E' has no entries/]]);
  });

  it('IPv4 and IPv6 entries with a fwmark need the fwmark family', async () => {
    const r = await validate('virtual_server_group M {\n  192.0.2.1 80\n  2001:db8::1 80\n  fwmark 4\n}\n');
    expectProblems(r, [['error', '|fwmark 4', 'group-family', /need a family .* Keepalived removes the group/]]);
    expectProblems(await validate('virtual_server_group M {\n  192.0.2.1 80\n  2001:db8::1 80\n  fwmark 4 inet6\n}\n'), []);
  });

  it('words between the name and { are refused', async () => {
    const r = await validate('virtual_server_group G 192.0.2.1 80 {\n  192.0.2.2 80\n}\n');
    expectProblems(r, [['error', 'G |192.0.2.1', 'extra-argument', /put the entries inside/]]);
  });

  it('an entry without a port needs a persistent service', async () => {
    // With DR the real server's port must also be the entry's (Keepalived: "ports don't match").
    const mismatch: Expect = ['warning', '|192.0.2.20 80', 'port-mismatch', /differs from the group's port none/];
    const r = await validate(group('  192.0.2.1'));
    expectProblems(r, [['error', 'server group |G', 'port-needs-persistence', /entry without a port \(192\.0\.2\.1 at line 2\)/], mismatch]);
    const p = await validate(group('  192.0.2.1', true));
    expectProblems(p, [mismatch]);
  });

  it('the group must match the real servers\' family (a warning: Keepalived ignores the service at run time)', async () => {
    const r = await validate(group('  2001:db8::1 80'));
    expectProblems(r, [['warning', 'server group |G', 'group-family', /has IPv6 entries \(line 2\) but this virtual server's real servers are IPv4/]]);
  });

  it('warns about a group defined twice', async () => {
    const r = await validate('virtual_server_group G {\n  192.0.2.1 80\n}\nvirtual_server_group G {\n  192.0.2.2 80\n}\n');
    expectProblems(r, [['warning', { at: 'G {', nth: 2 }, 'duplicate-group', /already defined at line 1/]]);
  });
});

describe('checker blocks inside real_server (the checker extension point)', () => {
  let pd: PluginDir;
  let registry: () => PluginRegistry;
  before(() => {
    // A real plugin package on disk claiming TCP_CHECK with no keywords of its own: whatever the
    // block accepts then comes from the common checker keywords that the registry adds.
    pd = new PluginDir('lvs-checkers');
    pd.addPackage('vigil-checker-fixture', { checkers: ['TCP_CHECK'] });
    registry = () => new PluginRegistry(discoverPlugins([pd.dir], []), { checkerCommonFields });
  });
  after(() => pd.remove());

  it('validates a checker block with the common keywords and types them', async () => {
    const r = await validate(
      rs(`    TCP_CHECK {
      connect_ip 198.51.100.10
      connect_port 8080
      bindto 192.0.2.1
      bind_port 40000
      bind_if eth0
      connect_timeout 2.5
      fwmark 3
      retry 0
      delay_before_retry 0
      warmup 0
      delay_loop 0.5
      alpha off
      log_all_failures
    }
    TCP_CHECK {
      connect_port 8443
    }`),
      registry(),
    );
    expectProblems(r, []);
    const exts = rsOf(vsOf(r)).$extensions;
    assert.equal(exts.length, 2);
    assert.equal(exts[0]?.type, 'TCP_CHECK');
    assert.deepEqual(exts[0]?.loc, locOf(r.text, 'TCP_CHECK'));
    const c = exts[0]?.config as Record<string, unknown>;
    assert.deepEqual(c.connect_ip, { family: 4, address: '198.51.100.10' });
    assert.equal(c.connect_port, 8080);
    assert.deepEqual(c.bindto, { family: 4, address: '192.0.2.1' });
    assert.equal(c.bind_port, 40000);
    assert.equal(c.bind_if, 'eth0');
    assert.equal(c.connect_timeout, 2.5);
    assert.equal(c.fwmark, 3);
    assert.equal(c.retry, 0);
    assert.equal(c.delay_before_retry, 0);
    assert.equal(c.warmup, 0);
    assert.equal(c.delay_loop, 0.5);
    assert.equal(c.alpha, false);
    assert.equal(c.log_all_failures, true);
    assert.equal((exts[1]?.config as Record<string, unknown>).connect_port, 8443);
  });

  it("accepts nb_get_retry as the old name of retry, with a warning", async () => {
    const r = await validate(rs('    TCP_CHECK {\n      nb_get_retry 3\n    }'), registry());
    expectProblems(r, [['warning', '|nb_get_retry', 'deprecated', /'nb_get_retry' is deprecated; use 'retry'/]]);
    assert.equal((rsOf(vsOf(r)).$extensions[0]?.config as Record<string, unknown>).retry, 3);
  });

  const bad: readonly (readonly [string, string, string, RegExp])[] = [
    ['connect_port 0', 'connect_port |0', 'out-of-range', /1\.\.65535/],
    ['bind_port 65536', 'bind_port |65536', 'out-of-range', /1\.\.65535/],
    ['connect_ip www.example.com', 'connect_ip |www', 'bad-address', /not a valid IP address/],
    ['bind_if averyveryverylongname', 'bind_if |avery', 'bad-argument', /longer than 15 characters/],
    ['connect_timeout 0', 'connect_timeout |0', 'out-of-range', /more than 0/],
    ['connect_timeout 5000', 'connect_timeout |5000', 'out-of-range', /4294\.967295/],
    ['delay_loop 0', 'delay_loop |0', 'out-of-range', /more than 0/],
    ['retry -1', 'retry |-1', 'out-of-range', /0\.\.4294967295/],
    ['fwmark 4294967296', 'fwmark |4294967296', 'out-of-range', /0\.\.4294967295/],
    ['log_all_failures maybe', 'log_all_failures |maybe', 'bad-argument', /on\|off/],
    ['conect_timeout 3', '|conect_timeout', 'unknown-keyword', /did you mean 'connect_timeout'\?/],
  ];
  for (const [line, where, code, message] of bad) {
    it(`TCP_CHECK { ${line} } -> ${code}`, async () => {
      const r = await validate(rs(`    TCP_CHECK {\n      ${line}\n    }`), registry());
      expectProblems(r, [['error', where, code, message]]);
    });
  }

  it('connect_ip and bindto must be of one family (Keepalived ignores the later one)', async () => {
    const r = await validate(rs('    TCP_CHECK {\n      bindto 192.0.2.1\n      connect_ip 2001:db8::10\n    }'), registry());
    expectProblems(r, [['error', '|connect_ip', 'family-mismatch', /TCP_CHECK: 'connect_ip' is IPv6 but 'bindto' is IPv4/]]);
  });

  it('an IPv6 link-local target needs bind_if', async () => {
    const r = await validate(rs('    TCP_CHECK {\n      connect_ip fe80::10\n    }').replace('192.0.2.10 80', '2001:db8::10 80').replace('192.0.2.1 80', '2001:db8::1 80'), registry());
    expectProblems(r, [['error', '|connect_ip', 'needs-bind-if', /link-local address fe80::10 needs 'bind_if IFNAME'/]]);
    const ok = await validate(rs('    TCP_CHECK {\n      connect_ip fe80::10\n      bind_if eth0\n    }').replace('192.0.2.10 80', '2001:db8::10 80').replace('192.0.2.1 80', '2001:db8::1 80'), registry());
    expectProblems(ok, []);
  });

  it('a checker no plugin provides is an unknown keyword, with a suggestion', async () => {
    const r = await validate(rs('    TCP_CHEK {\n    }'), registry());
    expectProblems(r, [['error', '|TCP_CHEK', 'unknown-keyword', /did you mean 'TCP_CHECK'\?/]]);
  });
});

describe('with the checker plugins of this install', () => {
  it('validates TCP_CHECK through @vigil/checker-tcp when it is built', async (t) => {
    const registry = new PluginRegistry(discoverPlugins(), { checkerCommonFields });
    await registry.loadFor(['TCP_CHECK']);
    if (!registry.definition('checker', 'TCP_CHECK')) {
      t.skip(`TCP_CHECK is not loadable here: ${registry.failure('checker', 'TCP_CHECK') ?? 'no plugin claims it'}`);
      return;
    }
    const r = await validate(rs('    TCP_CHECK {\n      connect_timeout 3\n      retry 2\n    }'), registry);
    expectProblems(r, []);
    assert.equal((rsOf(vsOf(r)).$extensions[0]?.config as Record<string, unknown>).connect_timeout, 3);
  });
});

describe('conformance corpus: the load-balancing blocks of Keepalived-verified files', () => {
  const CORPUS = join(REPO_ROOT, 'test', 'conformance', 'corpus');
  const VERDICTS = join(REPO_ROOT, 'test', 'conformance', 'keepalived-verdicts.json');
  const LVS = new Set(['virtual_server', 'virtual_server_group', 'SSL']);
  const CHECKERS = ['TCP_CHECK', 'HTTP_GET', 'SSL_GET', 'SMTP_CHECK', 'MISC_CHECK', 'DNS_CHECK'];

  function* walk(nodes: readonly ConfigNode[]): Generator<ConfigNode> {
    for (const n of nodes) {
      yield n;
      if (n.children) yield* walk(n.children);
    }
  }

  const files = existsSync(VERDICTS) ? readdirSync(CORPUS).filter((f) => f.endsWith('.conf')) : [];
  const verdicts = existsSync(VERDICTS)
    ? (JSON.parse(readFileSync(VERDICTS, 'utf8')) as Record<string, { valid: boolean; errors: { file: string | null; line: number | null; message: string }[] }>)
    : {};
  let registry: PluginRegistry | undefined;

  for (const f of files) {
    const text = readFileSync(join(CORPUS, f), 'utf8');
    if (!/^\s*(virtual_server|virtual_server_group|SSL)\b/m.test(text)) continue;
    it(`${f}: ${verdicts[f]?.valid ? 'no errors in its LVS blocks' : "an error wherever Keepalived finds one in them"}`, async (t) => {
      registry ??= new PluginRegistry(discoverPlugins(), { checkerCommonFields });
      const used = CHECKERS.filter((c) => text.includes(c));
      await registry.loadFor(used);
      const missing = used.filter((c) => !registry?.definition('checker', c));
      if (missing.length) {
        t.skip(`checker plugin(s) not loadable here: ${missing.join(', ')}`);
        return;
      }
      const diags = new Diagnostics();
      const path = join(CORPUS, f);
      const doc = readConfigText(text, path, diags, { configId: 'test' });
      // Only the load-balancing blocks: the rest is other schemas' business.
      const nodes = doc.nodes.filter((n) => LVS.has(n.keyword));
      await validateDocument({ nodes, files: doc.files }, diags, { registry, host });
      const errors = diags.errors;
      const verdict = verdicts[f];
      if (!verdict) {
        t.skip('no Keepalived verdict recorded');
        return;
      }
      if (verdict.valid) {
        assert.deepEqual(errors.map(formatDiagnostic), []);
        return;
      }
      const lvsLines = new Set([...walk(nodes)].filter((n) => n.loc.file === path).map((n) => n.loc.line));
      for (const e of verdict.errors) {
        if (e.file !== f || e.line === null || !lvsLines.has(e.line)) continue;
        assert.ok(
          errors.some((d) => d.loc.line === e.line),
          `Keepalived: line ${e.line}: ${e.message}; vigil found:\n${errors.map(formatDiagnostic).join('\n') || '(no error)'}`,
        );
      }
    });
  }
});
