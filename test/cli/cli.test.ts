/** The vigil command as an operator runs it: exit codes, output formats, signals. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { parseDiagnostics } from '../lib/diagnostics.js';
import { addCorpusInterfaces, NetNs } from '../lib/netns.js';
import { VIGIL_BIN } from '../lib/paths.js';

function vigil(args: string[], cwd?: string) {
  return spawnSync('node', [VIGIL_BIN, ...args], { encoding: 'utf8', cwd, timeout: 60_000 });
}

/** VRRP configurations name interfaces: these run where eth0..eth2 exist. */
let lab: NetNs | undefined;
function vigilInLab(args: string[]) {
  lab ??= (() => {
    const ns = NetNs.create('cli');
    addCorpusInterfaces(ns);
    return ns;
  })();
  return lab.run('node', [VIGIL_BIN, ...args]);
}

describe('vigil CLI', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'vigil-cli-'));
  });
  after(() => {
    rmSync(dir, { recursive: true, force: true });
    lab?.destroy();
  });

  it('--help lists the commands', () => {
    const r = vigil(['--help']);
    assert.equal(r.status, 0);
    for (const c of ['run', 'check', 'plugins', 'config', 'demo']) assert.match(r.stdout, new RegExp(`^  ${c}\\b`, 'm'));
  });

  it('check reports a missing file as FILE:0:0 and exits 1', () => {
    const r = vigil(['check', '-f', join(dir, 'absent.conf')]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /absent\.conf:0:0: error: /);
  });

  it('check prints every problem, in file order, with a did-you-mean, and exits 1', () => {
    const f = join(dir, 'three-errors.conf');
    writeFileSync(
      f,
      [
        'global_defs {',
        '    router_id lb1',
        '    notification_email_frm ops@example.com',
        '}',
        'vrrp_instance VI_1 {',
        '    state BACKUP',
        '    interface lo',
        '    virtual_router_id 51',
        '    priority 300',
        '    virtual_ipadress {',
        '        192.0.2.10/24',
        '    }',
        '}',
        '',
      ].join('\n'),
    );
    const r = vigil(['check', '-f', 'three-errors.conf'], dir);
    assert.equal(r.status, 1, r.stderr);
    const errors = parseDiagnostics(r.stderr).filter((d) => d.severity === 'error');
    const at = errors.map((e) => `${e.file}:${e.line}:${e.col}`);
    assert.ok(at.includes('three-errors.conf:3:5'), at.join(' '));
    assert.ok(at.includes('three-errors.conf:9:14'), at.join(' '));
    assert.ok(at.includes('three-errors.conf:10:5'), at.join(' '));
    assert.deepEqual(at, [...at].sort((a, b) => Number(a.split(':')[1]) - Number(b.split(':')[1])));
    assert.ok(errors.some((e) => e.line === 3 && /did you mean 'notification_email_from'/.test(e.message)), r.stderr);
    assert.ok(errors.some((e) => e.line === 10 && /did you mean 'virtual_ipaddress'/.test(e.message)), r.stderr);
    assert.match(r.stderr, /three-errors\.conf: invalid \(\d+ errors?, \d+ warnings?\)/);
  });

  it('check exits 0 on a valid file and names keywords not yet acted on as warnings', () => {
    const f = join(dir, 'valid.conf');
    writeFileSync(f, 'global_defs {\n    router_id lb1\n}\nvrrp_instance VI_1 {\n    interface eth0\n    virtual_router_id 51\n    virtual_ipaddress {\n        192.0.2.10/24\n    }\n}\n');
    const r = vigilInLab(['check', '-f', f]);
    assert.equal(r.status, 0, r.stderr);
    assert.ok(parseDiagnostics(r.stderr).every((d) => d.severity === 'warning'));
  });

  it('config convert prints YAML that checks to the same verdict', () => {
    const f = join(dir, 'convert.conf');
    writeFileSync(f, '$VIP=192.0.2.10\nglobal_defs {\n    router_id lb1\n}\nvrrp_instance VI_1 {\n    interface eth0\n    virtual_router_id 51\n    priority 150\n    nopreempt\n    virtual_ipaddress {\n        ${VIP}/24 dev eth0\n    }\n}\n');
    const r = vigilInLab(['config', 'convert', '-f', f]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /vrrp_instance:\n {2}VI_1:\n/);
    assert.match(r.stdout, /- 192\.0\.2\.10\/24 dev eth0/);
    const y = join(dir, 'vigil.config.yaml');
    writeFileSync(y, r.stdout);
    const c = vigilInLab(['check', '-f', y]);
    assert.equal(c.status, 0, c.stderr);
  });

  it('a structured config reports errors at their YAML line and column', () => {
    const y = join(dir, 'bad.yaml');
    writeFileSync(y, 'vrrp_instance:\n  VI_1:\n    interface: lo\n    virtual_router_id: 256\n');
    const r = vigil(['check', '-f', y]);
    assert.equal(r.status, 1);
    const e = parseDiagnostics(r.stderr).find((d) => d.severity === 'error' && d.line === 4);
    assert.ok(e, r.stderr);
    assert.equal(e.col, 24);
  });

  it('run starts, keeps its config on a bad reload, reloads a good one, and exits 0 on SIGTERM', async () => {
    const f = join(dir, 'run.conf');
    writeFileSync(f, 'global_defs {\n    router_id lb1\n}\n');
    const child = spawn('node', [VIGIL_BIN, 'run', '-f', f, '--log-level', 'info'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    child.stderr.setEncoding('utf8');
    const waitFor = async (re: RegExp) => {
      const deadline = Date.now() + 20_000;
      while (!re.test(log)) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${re} in:\n${log}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    child.stderr.on('data', (d: string) => (log += d));
    try {
      await waitFor(/"phase":"started"/);
      writeFileSync(f, 'global_defs {\n    router_id lb1\n    bogus_keyword 1\n}\n');
      child.kill('SIGHUP');
      await waitFor(/"phase":"reload-failed"/);
      assert.match(log, /unknown keyword 'bogus_keyword'/);
      assert.equal(child.exitCode, null, 'the daemon must keep running after a bad reload');
      writeFileSync(f, 'global_defs {\n    router_id lb2\n}\n');
      child.kill('SIGHUP');
      await waitFor(/"phase":"reloaded"/);
      child.kill('SIGTERM');
      const [code] = (await once(child, 'exit')) as [number | null];
      assert.equal(code, 0);
      assert.match(log, /"phase":"stopped"/);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
