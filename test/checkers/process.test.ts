/**
 * The checker process (DESIGN §3): the supervisor forks it, hands it the configuration's
 * checkers over IPC and puts its events on the bus; it is restarted after kill -9; a reload
 * keeps the state of the real servers that did not change; a third-party checker (the
 * vigil-checker-dns example) runs in it beside the built-ins; and `vigil run` starts it.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import dgram from 'node:dgram';
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { CheckerSupervisor, createLogger, EventBus, loadConfigOrThrow, type VigilConfig } from '@vigil/core';
import type { VigilEvent } from '@vigil/core/plugin';
import { lines, notifyScript, removeDir, sleep, tempDir, Toggle, vs, waitFor } from './helpers.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CLI = join(ROOT, 'packages', 'cli', 'dist', 'src', 'bin.js');
const DNS_PLUGIN = join(ROOT, 'test', 'plugins', 'vigil-checker-dns');
const FAST = '            connect_timeout 0.5\n            delay_loop 0.2\n            delay_before_retry 0.1\n            warmup 0\n';

let dir = '';
before(() => {
  dir = tempDir('proc');
});
after(() => removeDir(dir));

async function supervise(text: string, pluginDirs: string[] = []) {
  const file = join(dir, `conf-${Math.random().toString(36).slice(2)}.conf`);
  writeFileSync(file, text);
  let loaded = await loadConfigOrThrow(file, { pluginDirs });
  const log = createLogger({ level: process.env.VIGIL_TEST_LOG === '1' ? 'debug' : 'silent' });
  const bus = new EventBus(log);
  const events: VigilEvent[] = [];
  bus.onAny((e) => events.push(e));
  const sup = new CheckerSupervisor({ config: () => loaded.config as VigilConfig, registry: () => loaded.registry, bus, log, logLevel: process.env.VIGIL_TEST_LOG === '1' ? 'debug' : 'silent', restartDelayMs: { initial: 200, max: 1000 } });
  await sup.start();
  return {
    sup,
    events,
    of: <T extends VigilEvent['type']>(type: T) => events.filter((e): e is Extract<VigilEvent, { type: T }> => e.type === type),
    async reload(next: string): Promise<void> {
      writeFileSync(file, next);
      loaded = await loadConfigOrThrow(file, { pluginDirs });
      await sup.reload(loaded.config);
    },
  };
}

/** Whether a process runs (a zombie counts as gone: its exit was seen). */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

describe('the checker process', () => {
  it('runs the checks in a child process and is restarted after kill -9', async () => {
    const srv = await new Toggle().open();
    const s = await supervise(vs(`    real_server 127.0.0.1 ${srv.port} {\n        TCP_CHECK {\n${FAST}        }\n    }\n`));
    try {
      const pid = s.sup.pid;
      assert.ok(pid && pid !== process.pid);
      await waitFor('results from the child', () => s.of('check.result').filter((e) => e.ok).length >= 2);
      process.kill(pid, 'SIGKILL');
      const next = await waitFor('a new checker process', () => (s.sup.pid !== undefined && s.sup.pid !== pid ? s.sup.pid : undefined), 10000);
      assert.equal(s.sup.restarts, 1);
      assert.ok(!alive(pid));
      const count = s.of('check.result').length;
      await waitFor('results from the new child', () => s.of('check.result').length >= count + 2);
      // The new child starts as Keepalived's does: the server is (re-)added from its initial state.
      assert.equal(s.of('pool.change').filter((e) => e.detail === 'initial state').length, 2);
      await s.sup.stop();
      assert.ok(!alive(next), 'the child is gone after stop');
    } finally {
      await s.sup.stop();
      await srv.close();
    }
  });

  it('a reload keeps the state of unchanged real servers and starts new ones', async () => {
    const srv = await new Toggle().open();
    const closed = await new Toggle().open();
    const closedPort = closed.port;
    await closed.close();
    const log = join(dir, 'reload-notify.log');
    const down = notifyScript(dir, 'reload-down', log);
    const up = notifyScript(dir, 'reload-up', log);
    const a = `    real_server 127.0.0.1 ${closedPort} {\n        notify_down ${down}\n        notify_up ${up}\n        TCP_CHECK {\n${FAST}            retry 0\n        }\n    }\n`;
    const b = `    real_server 127.0.0.1 ${srv.port} {\n        TCP_CHECK {\n${FAST}        }\n    }\n`;
    const c = `    real_server 192.0.2.77 80 {\n        TCP_CHECK {\n            connect_ip 127.0.0.1\n            connect_port ${srv.port}\n${FAST}        }\n    }\n`;
    const s = await supervise(vs(a + b));
    try {
      const pid = s.sup.pid;
      await waitFor('the closed one down', () => s.of('pool.change').find((e) => e.change === 'removed'));
      await waitFor('notify_down', () => lines(log).length === 1);
      const before = s.of('pool.change').length;
      await s.reload(vs(a + b + c, '192.0.2.10 80', '    delay_loop 0.2\n'));
      const added = await waitFor('the new server', () => s.of('pool.change').slice(before).find((e) => e.realServer === '192.0.2.77:80'));
      assert.equal(added.change, 'added');
      assert.equal(added.detail, 'added by a reload');
      await sleep(600);
      // Same checker process; the down server stayed down (no re-add, no second notify_down), the live one stayed in.
      assert.equal(s.sup.pid, pid);
      assert.deepEqual(
        s.of('pool.change').slice(before).map((e) => e.realServer),
        ['192.0.2.77:80'],
      );
      assert.deepEqual(lines(log), ['reload-down']);
      // A reload that removes a live server takes it out.
      const n = s.of('pool.change').length;
      await s.reload(vs(a + c));
      const gone = await waitFor('removed by reload', () => s.of('pool.change').slice(n).find((e) => e.realServer === `127.0.0.1:${srv.port}`));
      assert.equal(gone.change, 'removed');
    } finally {
      await s.sup.stop();
      await srv.close();
    }
  });

  it('runs a third-party checker (DNS_CHECK) from a plugin directory beside TCP_CHECK', async () => {
    assert.ok(existsSync(join(DNS_PLUGIN, 'dist', 'index.js')), 'build the example plugin first (npx tsc -b)');
    const pluginDir = join(dir, 'plugins');
    mkdirSync(join(pluginDir, 'node_modules'), { recursive: true });
    symlinkSync(DNS_PLUGIN, join(pluginDir, 'node_modules', 'vigil-checker-dns'));
    // A DNS responder answering every query with one A record.
    const dns = dgram.createSocket('udp4');
    dns.on('message', (msg, rinfo) => {
      let o = 12;
      while (o < msg.length && msg[o] !== 0) o += (msg[o] ?? 0) + 1;
      const q = msg.subarray(12, o + 5);
      const header = Buffer.from([msg[0] ?? 0, msg[1] ?? 0, 0x81, 0x80, 0, 1, 0, 1, 0, 0, 0, 0]);
      const rr = Buffer.from([0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 1, 44, 0, 4, 192, 0, 2, 80]);
      dns.send(Buffer.concat([header, q, rr]), rinfo.port, rinfo.address);
    });
    await new Promise<void>((r) => dns.bind(0, '127.0.0.1', () => r()));
    const dnsPort = dns.address().port;
    const srv = await new Toggle().open();
    const text =
      `virtual_server 192.0.2.53 53 {\n    lvs_sched rr\n    lvs_method NAT\n    protocol UDP\n    real_server 127.0.0.1 ${dnsPort} {\n        DNS_CHECK {\n            type A\n            name www.example.org\n${FAST}        }\n    }\n}\n` +
      vs(`    real_server 127.0.0.1 ${srv.port} {\n        TCP_CHECK {\n${FAST}        }\n    }\n`);
    const s = await supervise(text, [pluginDir]);
    try {
      const d = await waitFor('a DNS_CHECK result', () => s.of('check.result').find((e) => e.checker === 'DNS_CHECK'));
      assert.deepEqual([d.ok, d.detail, d.virtualServer], [true, 'A www.example.org: 1 record', '192.0.2.53:53']);
      await waitFor('a TCP_CHECK result', () => s.of('check.result').find((e) => e.checker === 'TCP_CHECK' && e.ok));
      dns.close();
      const down = await waitFor('DNS_CHECK down', () => s.of('pool.change').find((e) => e.change === 'removed'), 15000);
      assert.equal(down.checker, 'DNS_CHECK');
      assert.match(down.detail ?? '', /DNS_CHECK failed after 1 retry: A www\.example\.org: (connection refused|no reply within connect_timeout)/);
    } finally {
      await s.sup.stop();
      await srv.close();
      try {
        dns.close();
      } catch {
        /* closed */
      }
    }
  });

  it('vigil run starts the checker process for a keepalived.conf with virtual servers, and stops it', async () => {
    const srv = await new Toggle().open();
    const log = join(dir, 'run-notify.log');
    const file = join(dir, 'run.conf');
    writeFileSync(file, vs(`    real_server 127.0.0.1 ${srv.port} {\n        notify_down ${notifyScript(dir, 'run-down', log)}\n        TCP_CHECK {\n${FAST}            retry 0\n        }\n    }\n`, '192.0.2.10 80', '    omega\n'));
    const child = spawn(process.execPath, [CLI, 'run', '-f', file, '--log-level', 'info'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    try {
      const pid = Number(await waitFor('the checker process', () => /"pid":(\d+),"checkers":1,"msg":"checker process ready"/.exec(err)?.[1], 15000));
      assert.ok(alive(pid));
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      assert.ok(!alive(pid), 'the checker process ended with the daemon');
      // omega: the live server's notify_down ran at shutdown.
      assert.deepEqual(lines(log), ['run-down']);
    } finally {
      child.kill('SIGKILL');
      await srv.close();
    }
  });
});
