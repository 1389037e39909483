/**
 * The checker scheduler through real keepalived.conf text, with the built-in checker plugins
 * (TCP_CHECK, HTTP_GET, SSL_GET, SMTP_CHECK, MISC_CHECK) against real servers on loopback:
 * up -> down -> up with notify_up / notify_down once per transition, retry, alpha,
 * inhibit_on_failure, digest and status mismatches, TLS failures, a hung server, a hung
 * script, misc_dynamic weights, quorum with hysteresis, script security, and no leaks.
 */
import assert from 'node:assert/strict';
import { createServer as createHttp, type Server as HttpServer, type ServerResponse } from 'node:http';
import { createServer as createHttps } from 'node:https';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { lines, makeCertificate, notifyScript, openHandles, removeDir, runConfig, script, sleep, tempDir, Toggle, vs, waitFor } from './helpers.js';

const FAST = '            connect_timeout 0.5\n            delay_loop 0.2\n            delay_before_retry 0.1\n            warmup 0\n';

let dir = '';
before(() => {
  dir = tempDir('sched');
});
after(() => removeDir(dir));

function listen(server: HttpServer): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)));
}
function closeServer(server: HttpServer): Promise<void> {
  server.closeAllConnections();
  return new Promise((r) => server.close(() => r()));
}

describe('TCP_CHECK through the scheduler', () => {
  it('goes up -> down -> up, with pool changes and each notify script run once per transition', async () => {
    const srv = await new Toggle().open();
    const log = join(dir, 'tcp-notify.log');
    const up = notifyScript(dir, 'tcp-up', log);
    const down = notifyScript(dir, 'tcp-down', log);
    const run = await runConfig(
      dir,
      vs(`    real_server 127.0.0.1 ${srv.port} {\n        weight 3\n        notify_up ${up}\n        notify_down ${down}\n        TCP_CHECK {\n${FAST}        }\n    }\n`),
    );
    try {
      const added = run.of('pool.change');
      assert.deepEqual(added.map((e) => [e.change, e.up, e.weight, e.detail]), [['added', true, 3, 'initial state']]);
      await waitFor('a first success', () => run.of('check.result').find((e) => e.ok));
      await srv.close();
      const removed = await waitFor('removal', () => run.of('pool.change').find((e) => e.change === 'removed'));
      assert.equal(removed.realServer, `127.0.0.1:${srv.port}`);
      assert.equal(removed.virtualServer, '192.0.2.10:80');
      assert.equal(removed.checker, 'TCP_CHECK');
      assert.match(removed.detail ?? '', /failed after 1 retry: .*connection refused/);
      await waitFor('notify_down', () => lines(log).length === 1);
      await srv.open();
      await waitFor('re-added', () => run.of('pool.change').filter((e) => e.change === 'added').length === 2);
      await waitFor('notify_up', () => lines(log).length === 2);
      await sleep(500); // more checks, no more transitions
      assert.deepEqual(lines(log), ['tcp-down', 'tcp-up']);
      assert.deepEqual(run.of('pool.change').map((e) => e.change), ['added', 'removed', 'added']);
      const q = run.of('pool.quorum');
      assert.deepEqual(q.map((e) => [e.up, e.alive]), [[false, 0], [true, 3]]);
    } finally {
      await run.stop();
      await srv.close();
    }
  });

  it('retry 2: a live server goes down only after 3 consecutive failures, one success resets the count', async () => {
    const srv = await new Toggle().open();
    const run = await runConfig(dir, vs(`    real_server 127.0.0.1 ${srv.port} {\n        TCP_CHECK {\n${FAST}            retry 2\n            delay_before_retry 0.05\n        }\n    }\n`), { name: 'retry.conf' });
    try {
      await waitFor('a success', () => run.of('check.result').find((e) => e.ok));
      await srv.close();
      const removed = await waitFor('removal', () => run.of('pool.change').find((e) => e.change === 'removed'));
      const results = run.of('check.result');
      const failures = results.slice(results.findIndex((e) => !e.ok));
      // Exactly retry + 1 failed checks happened before the server was removed.
      const before = failures.filter((e) => Date.parse(e.time) <= Date.parse(removed.time));
      assert.equal(before.length, 3, JSON.stringify(failures.map((e) => e.detail)));
      assert.match(removed.detail ?? '', /failed after 2 retries/);
    } finally {
      await run.stop();
      await srv.close();
    }
  });

  it('alpha: the real server starts out of the pool and joins after its first success', async () => {
    const srv = await new Toggle().open();
    const run = await runConfig(dir, vs(`    real_server 127.0.0.1 ${srv.port} {\n        TCP_CHECK {\n${FAST}            alpha\n        }\n    }\n`), { name: 'alpha.conf' });
    try {
      assert.deepEqual(run.of('pool.change'), [], 'nothing is added at start');
      const added = await waitFor('added', () => run.of('pool.change').find((e) => e.change === 'added'));
      assert.equal(added.up, true);
      assert.match(added.detail ?? '', /TCP_CHECK succeeded/);
      assert.deepEqual(run.of('pool.quorum').map((e) => e.up), [true]);
    } finally {
      await run.stop();
      await srv.close();
    }
  });

  it('alpha with retry 0: the first failure runs notify_down (Keepalived notifies the confirmed state)', async () => {
    const log = join(dir, 'alpha-down.log');
    const down = notifyScript(dir, 'alpha-down', log);
    const closed = await new Toggle().open();
    const port = closed.port;
    await closed.close();
    const run = await runConfig(dir, vs(`    real_server 127.0.0.1 ${port} {\n        notify_down ${down}\n        TCP_CHECK {\n${FAST}            alpha\n            retry 0\n        }\n    }\n`), { name: 'alpha0.conf' });
    try {
      await waitFor('notify_down', () => lines(log).length === 1);
      await sleep(400);
      assert.deepEqual(lines(log), ['alpha-down']);
      assert.deepEqual(run.of('pool.change'), []);
    } finally {
      await run.stop();
    }
  });

  it('inhibit_on_failure: a failed server keeps its place with weight 0, then gets its weight back', async () => {
    const srv = await new Toggle().open();
    const run = await runConfig(
      dir,
      vs(`    real_server 127.0.0.1 ${srv.port} {\n        weight 5\n        inhibit_on_failure\n        TCP_CHECK {\n${FAST}            retry 0\n        }\n    }\n`),
      { name: 'inhibit.conf' },
    );
    try {
      await waitFor('a success', () => run.of('check.result').find((e) => e.ok));
      await srv.close();
      const zero = await waitFor('weight 0', () => run.of('pool.change').find((e) => e.change === 'weight' && e.weight === 0));
      assert.equal(zero.up, false);
      await srv.open();
      const back = await waitFor('weight back', () => run.of('pool.change').find((e) => e.change === 'weight' && e.weight === 5));
      assert.equal(back.up, true);
      assert.ok(!run.of('pool.change').some((e) => e.change === 'removed'), 'never removed');
    } finally {
      await run.stop();
      await srv.close();
    }
  });

  it('a server slower than connect_timeout fails at the timeout and delays no other check', async () => {
    const srv = await new Toggle().open();
    const slowHttp = createHttp(() => undefined); // accepts, never answers
    const slowPort = await listen(slowHttp);
    const run = await runConfig(
      dir,
      vs(
        `    real_server 127.0.0.1 ${slowPort} {\n        HTTP_GET {\n            url {\n                path /\n            }\n${FAST.replace('0.5', '0.3')}            retry 0\n        }\n    }\n` +
          `    real_server 127.0.0.1 ${srv.port} {\n        TCP_CHECK {\n${FAST}            delay_loop 0.05\n        }\n    }\n`,
      ),
      { name: 'slow.conf' },
    );
    try {
      const slow = await waitFor('the slow check', () => run.of('check.result').find((e) => e.realServer.endsWith(`:${slowPort}`)));
      assert.equal(slow.ok, false);
      assert.match(slow.detail, /no response within 0\.3s \(connect_timeout\)/);
      assert.ok(slow.latencyMs >= 280 && slow.latencyMs < 1500, String(slow.latencyMs));
      // Meanwhile the fast server was checked every 50 ms.
      const fast = run.of('check.result').filter((e) => e.realServer.endsWith(`:${srv.port}`) && Date.parse(e.time) <= Date.parse(slow.time));
      assert.ok(fast.length >= 4, `only ${fast.length} fast checks during the slow one`);
      assert.ok(run.scheduler.stats().lateness.p99 < 50, JSON.stringify(run.scheduler.stats()));
    } finally {
      await run.stop();
      await srv.close();
      await closeServer(slowHttp);
    }
  });
});


describe('HTTP_GET and SSL_GET through the scheduler', () => {
  let status = 200;
  let body = 'healthy\n';
  let http: HttpServer;
  let httpPort = 0;
  let tls: HttpServer;
  let tlsPort = 0;
  let cert: { key: string; cert: string };

  before(async () => {
    cert = makeCertificate(dir);
    const handler = (_req: unknown, res: ServerResponse): void => {
      res.writeHead(status, { 'Content-Length': Buffer.byteLength(body) });
      res.end(body);
    };
    http = createHttp(handler);
    httpPort = await listen(http);
    tls = createHttps({ key: cert.key, cert: cert.cert }, handler) as unknown as HttpServer;
    tlsPort = await listen(tls);
  });
  after(async () => {
    await closeServer(http);
    await closeServer(tls);
  });

  // md5('healthy\n')
  const DIGEST = '3b1fb749c971d7a2c6a517b37f735df2';

  it('HTTP_GET: up -> down on a status code -> up, notify scripts once each', async () => {
    status = 200;
    const log = join(dir, 'http-notify.log');
    const run = await runConfig(
      dir,
      vs(
        `    real_server 127.0.0.1 ${httpPort} {\n        notify_up ${notifyScript(dir, 'http-up', log)}\n        notify_down ${notifyScript(dir, 'http-down', log)}\n        HTTP_GET {\n            url {\n                path /health\n                status_code 200\n            }\n${FAST}            retry 0\n        }\n    }\n`,
      ),
      { name: 'http.conf' },
    );
    try {
      await waitFor('a success', () => run.of('check.result').find((e) => e.ok));
      status = 503;
      const removed = await waitFor('removed', () => run.of('pool.change').find((e) => e.change === 'removed'));
      assert.match(removed.detail ?? '', /GET \/health: HTTP status 503, expected 200/);
      status = 200;
      await waitFor('added again', () => run.of('pool.change').filter((e) => e.change === 'added').length === 2);
      await waitFor('two notifies', () => lines(log).length === 2);
      await sleep(300);
      assert.deepEqual(lines(log), ['http-down', 'http-up']);
    } finally {
      await run.stop();
    }
  });

  it('HTTP_GET: a digest mismatch takes the server down, the right digest brings it back', async () => {
    body = 'healthy\n';
    const run = await runConfig(
      dir,
      vs(`    real_server 127.0.0.1 ${httpPort} {\n        HTTP_GET {\n            url {\n                path /\n                digest ${DIGEST}\n            }\n${FAST}            retry 0\n        }\n    }\n`),
      { name: 'digest.conf' },
    );
    try {
      await waitFor('a success', () => run.of('check.result').find((e) => e.ok));
      body = 'changed\n';
      const removed = await waitFor('removed', () => run.of('pool.change').find((e) => e.change === 'removed'));
      assert.match(removed.detail ?? '', new RegExp(`MD5 digest [0-9a-f]{32} differs from the configured ${DIGEST}`));
      body = 'healthy\n';
      await waitFor('back', () => run.of('pool.change').filter((e) => e.change === 'added').length === 2);
    } finally {
      body = 'healthy\n';
      await run.stop();
    }
  });

  it('SSL_GET: up over TLS; down when the server does not speak TLS; virtualhost inherited from the real server', async () => {
    const run = await runConfig(
      dir,
      vs(
        `    real_server 127.0.0.1 ${tlsPort} {\n        virtualhost www.example.test\n        SSL_GET {\n            url {\n                path /\n                digest ${DIGEST}\n            }\n${FAST}        }\n    }\n` +
          `    real_server 127.0.0.1 ${httpPort} {\n        SSL_GET {\n            url {\n                path /\n            }\n${FAST}            retry 0\n        }\n    }\n`,
      ),
      { name: 'ssl.conf' },
    );
    try {
      const good = await waitFor('TLS success', () => run.of('check.result').find((e) => e.realServer.endsWith(`:${tlsPort}`) && e.ok));
      assert.match(good.detail, /HTTP 200/);
      const bad = await waitFor('TLS failure', () => run.of('pool.change').find((e) => e.change === 'removed'));
      assert.equal(bad.realServer, `127.0.0.1:${httpPort}`);
      assert.match(bad.detail ?? '', /TLS error|wrong version|packet length|connection reset|no TLS handshake/i);
    } finally {
      await run.stop();
    }
  });
});

describe('SMTP_CHECK through the scheduler', () => {
  it('goes down on a 554 greeting and up again on 220', async () => {
    let greeting = '220 mx.example.test ESMTP';
    const smtp = await new Toggle('127.0.0.1', (s) => {
      s.write(`${greeting}\r\n`);
      s.on('data', (d) => {
        const line = d.toString();
        if (/^HELO/i.test(line)) s.write('250 hello\r\n');
        else if (/^QUIT/i.test(line)) s.end('221 bye\r\n');
      });
    }).open();
    const run = await runConfig(dir, vs(`    real_server 127.0.0.1 ${smtp.port} {\n        SMTP_CHECK {\n            helo_name lb.example.test\n${FAST}            retry 0\n        }\n    }\n`, '192.0.2.25 25'), { name: 'smtp.conf' });
    try {
      await waitFor('a success', () => run.of('check.result').find((e) => e.ok));
      greeting = '554 go away';
      const removed = await waitFor('removed', () => run.of('pool.change').find((e) => e.change === 'removed'));
      assert.match(removed.detail ?? '', /greeting '554 go away', expected 220/);
      greeting = '220 back';
      await waitFor('added', () => run.of('pool.change').filter((e) => e.change === 'added').length === 2);
    } finally {
      await run.stop();
      await smtp.close();
    }
  });
});

describe('MISC_CHECK through the scheduler', () => {
  /** A check script whose exit status is read from a file per server. */
  function stateScript(): { path: string; set(name: string, code: number): void } {
    const path = script(join(dir, 'state-check.sh'), `exit $(cat ${dir}/state-$1)`);
    return { path, set: (name, code) => writeFileSync(join(dir, `state-${name}`), String(code)) };
  }

  it('goes up -> down -> up on the exit status, notify scripts once each', async () => {
    const st = stateScript();
    st.set('m1', 0);
    const log = join(dir, 'misc-notify.log');
    const run = await runConfig(
      dir,
      vs(`    real_server 192.0.2.31 80 {\n        notify_up ${notifyScript(dir, 'misc-up', log)}\n        notify_down ${notifyScript(dir, 'misc-down', log)}\n        MISC_CHECK {\n            misc_path "${st.path} m1"\n            delay_loop 0.1\n            warmup 0\n        }\n    }\n`),
      { name: 'misc.conf' },
    );
    try {
      await waitFor('a success', () => run.of('check.result').find((e) => e.ok));
      st.set('m1', 1);
      const removed = await waitFor('removed', () => run.of('pool.change').find((e) => e.change === 'removed'));
      assert.match(removed.detail ?? '', /MISC_CHECK failed: .*exited with status 1/);
      st.set('m1', 0);
      await waitFor('added', () => run.of('pool.change').filter((e) => e.change === 'added').length === 2);
      await waitFor('notifies', () => lines(log).length === 2);
      await sleep(300);
      assert.deepEqual(lines(log), ['misc-down', 'misc-up']);
    } finally {
      await run.stop();
    }
  });

  it('misc_dynamic: exit 2+N sets weight N; exit 0 puts the configured weight back', async () => {
    const st = stateScript();
    st.set('dyn', 0);
    const run = await runConfig(
      dir,
      vs(`    real_server 192.0.2.32 80 {\n        weight 7\n        MISC_CHECK {\n            misc_path "${st.path} dyn"\n            misc_dynamic\n            delay_loop 0.1\n            warmup 0\n        }\n    }\n`),
      { name: 'dyn.conf' },
    );
    try {
      await waitFor('a success', () => run.of('check.result').find((e) => e.ok));
      st.set('dyn', 12);
      const w = await waitFor('weight 10', () => run.of('pool.change').find((e) => e.change === 'weight' && e.weight === 10));
      assert.equal(w.up, true);
      assert.equal(w.checker, 'MISC_CHECK');
      st.set('dyn', 0);
      await waitFor('weight 7 again', () => run.of('pool.change').find((e) => e.change === 'weight' && e.weight === 7));
      assert.ok(!run.of('pool.change').some((e) => e.change === 'removed'));
    } finally {
      await run.stop();
    }
  });

  it('a script that hangs is killed at misc_timeout, with what it started', async () => {
    const pidFile = join(dir, 'hang.pids');
    const hang = script(join(dir, 'hang.sh'), `sleep 60 &\necho $! >> ${pidFile}\necho $$ >> ${pidFile}\nwait`);
    const run = await runConfig(dir, vs(`    real_server 192.0.2.33 80 {\n        MISC_CHECK {\n            misc_path ${hang}\n            misc_timeout 1\n            delay_loop 30\n            warmup 0\n        }\n    }\n`), {
      name: 'hang.conf',
    });
    try {
      const r = await waitFor('the timeout', () => run.of('check.result')[0], 8000);
      assert.equal(r.ok, false);
      assert.match(r.detail, /timed out after 1s \(misc_timeout\) and was killed/);
      assert.ok(r.latencyMs >= 950 && r.latencyMs < 4000, String(r.latencyMs));
      const pids = lines(pidFile).map(Number);
      assert.equal(pids.length, 2);
      await waitFor('the script and its child gone', () =>
        pids.every((p) => {
          // Gone, or a zombie waiting for a PID 1 that does not reap.
          try {
            const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
            return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) === 'Z';
          } catch {
            return true;
          }
        }),
      );
    } finally {
      await run.stop();
    }
  });
});

describe('quorum', () => {
  it('quorum 2, hysteresis 1: lost only when the live weight falls below 1, gained again at 3; scripts once each', async () => {
    const st = script(join(dir, 'q-check.sh'), `exit $(cat ${dir}/q-$1)`);
    for (const n of ['a', 'b', 'c']) writeFileSync(join(dir, `q-${n}`), '0');
    const log = join(dir, 'quorum.log');
    const servers = ['a', 'b', 'c']
      .map((n, i) => `    real_server 192.0.2.${41 + i} 80 {\n        MISC_CHECK {\n            misc_path "${st} ${n}"\n            delay_loop 0.1\n            warmup 0\n        }\n    }\n`)
      .join('');
    const run = await runConfig(
      dir,
      vs(servers, '192.0.2.40 80', `    quorum 2\n    hysteresis 1\n    quorum_up ${notifyScript(dir, 'quorum-up', log)}\n    quorum_down ${notifyScript(dir, 'quorum-down', log)}\n`),
      { name: 'quorum.conf' },
    );
    const alive = (): number => run.scheduler.snapshot()[0]?.servers.filter((s) => s.alive).length ?? -1;
    try {
      await waitFor('first checks', () => run.of('check.result').length >= 3);
      for (const n of ['a', 'b']) {
        writeFileSync(join(dir, `q-${n}`), '1');
        await waitFor(`${n} down`, () => run.of('pool.change').filter((e) => e.change === 'removed').length === (n === 'a' ? 1 : 2));
      }
      assert.equal(alive(), 1);
      assert.deepEqual(run.of('pool.quorum'), [], 'live weight 1 is not below quorum - hysteresis = 1');
      writeFileSync(join(dir, 'q-c'), '1');
      const lost = await waitFor('quorum lost', () => run.of('pool.quorum')[0]);
      assert.deepEqual([lost.up, lost.alive, lost.quorum], [false, 0, 2]);
      for (const n of ['a', 'b']) {
        writeFileSync(join(dir, `q-${n}`), '0');
        await waitFor(`${n} up`, () => run.of('pool.change').filter((e) => e.change === 'added').length === 3 + (n === 'a' ? 1 : 2));
      }
      assert.equal(run.of('pool.quorum').length, 1, 'live weight 2 is not yet quorum + hysteresis = 3');
      writeFileSync(join(dir, 'q-c'), '0');
      const gained = await waitFor('quorum gained', () => run.of('pool.quorum')[1]);
      assert.deepEqual([gained.up, gained.alive], [true, 3]);
      await waitFor('scripts', () => lines(log).length === 2);
      assert.deepEqual(lines(log), ['quorum-down', 'quorum-up']);
    } finally {
      await run.stop();
    }
  });
});

describe('script security', () => {
  it('enable_script_security refuses a root script in a directory others can write, and a MISC_CHECK program there', async () => {
    const unsafe = join(dir, 'unsafe');
    mkdirSync(unsafe);
    chmodSync(unsafe, 0o777);
    const log = join(dir, 'unsafe.log');
    const down = notifyScript(unsafe, 'unsafe-down', log);
    const check = script(join(unsafe, 'check.sh'), 'exit 0');
    const safe = script(join(dir, 'safe-check.sh'), 'exit 1');
    const run = await runConfig(
      dir,
      `global_defs {\n    enable_script_security\n    script_user root\n}\n` +
        vs(
          `    real_server 192.0.2.51 80 {\n        notify_down ${down}\n        MISC_CHECK {\n            misc_path ${safe}\n            delay_loop 0.1\n            warmup 0\n        }\n    }\n` +
            `    real_server 192.0.2.52 80 {\n        MISC_CHECK {\n            misc_path ${check}\n            delay_loop 0.1\n            warmup 0\n        }\n    }\n`,
        ),
      { name: 'security.conf' },
    );
    try {
      const refused = await waitFor('the refused check', () => run.of('check.result').find((e) => e.realServer === '192.0.2.52:80'));
      assert.equal(refused.ok, false);
      assert.match(refused.detail, /is not run: script .*check\.sh is refused \(enable_script_security\): .*unsafe is writable by everyone \(mode 777\)/);
      await waitFor('192.0.2.51 down', () => run.of('pool.change').find((e) => e.realServer === '192.0.2.51:80' && e.change === 'removed'));
      await sleep(300);
      assert.deepEqual(lines(log), [], 'the insecure notify_down did not run');
      await assert.rejects(run.scheduler.scriptRunner.prepare({ command: down, argv: [down] }), { code: 'VIGIL_ERR_SCRIPT_INSECURE' });
    } finally {
      await run.stop();
    }
  });
});

describe('cancellation', () => {
  it('stop aborts running checks and scripts: no socket or process is left', async () => {
    const baseline = openHandles();
    const silent = createHttp(() => undefined);
    const port = await listen(silent);
    const sleeper = script(join(dir, 'sleeper.sh'), 'exec sleep 60');
    const servers = Array.from({ length: 20 }, (_, i) => `    real_server 192.0.2.${100 + i} 80 {\n        HTTP_GET {\n            url {\n                path /${i}\n            }\n            connect_ip 127.0.0.1\n            connect_port ${port}\n            connect_timeout 30\n            warmup 0\n        }\n    }\n`).join('');
    const miscs = Array.from({ length: 5 }, (_, i) => `    real_server 192.0.2.${60 + i} 80 {\n        MISC_CHECK {\n            misc_path ${sleeper}\n            warmup 0\n        }\n    }\n`).join('');
    const run = await runConfig(dir, vs(servers) + vs(miscs, '192.0.2.59 80'), { name: 'cancel.conf' });
    await waitFor('checks running', () => run.scheduler.stats().running === 25);
    await waitFor('scripts started', () => openHandles().processes >= 5);
    const t0 = Date.now();
    await run.stop();
    assert.ok(Date.now() - t0 < 2000, `stop took ${Date.now() - t0} ms`);
    await waitFor('no leftover handles', () => {
      const h = openHandles();
      return h.sockets <= baseline.sockets && h.processes === 0;
    }, 5000);
    assert.equal(run.scheduler.stats().running, 0);
    assert.equal(readFileSync(sleeper, 'utf8').includes('sleep'), true);
    await closeServer(silent);
  });
});
