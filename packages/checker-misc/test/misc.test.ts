import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CheckTarget } from '@vigil/core/plugin';
import miscCheck from '../src/index.js';
import type { MiscConfig } from '../src/schema.js';
import { block, testServices } from './services.js';

const target: CheckTarget = { family: 4, address: '192.0.2.33', port: 3306, connectTimeout: 5 };

/** Whether a process still runs (a zombie, dead but not yet reaped by its parent, does not). */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

async function gone(pids: number[], ms = 1000): Promise<boolean> {
  const until = performance.now() + ms;
  while (pids.some(alive) && performance.now() < until) await new Promise((r) => setTimeout(r, 10));
  return !pids.some(alive);
}

describe('MISC_CHECK', () => {
  const services = testServices();
  let dir: string;
  const script = async (name: string, body: string): Promise<string> => {
    const path = join(dir, name);
    await writeFile(path, `#!/bin/sh\n${body}\n`);
    await chmod(path, 0o755);
    return path;
  };
  const cmd = (...argv: string[]): MiscConfig['misc_path'] => ({ command: argv.join(' '), argv });
  const check = (config: Partial<MiscConfig>, signal = new AbortController().signal) => miscCheck.create(block(config), services).check(target, signal);

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vigil-misc-test-'));
    await chmod(dir, 0o755); // the `user` test runs a script as nobody
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('is up when the program exits 0 and down when it exits 1', async () => {
    const up = await check({ misc_path: cmd(await script('up.sh', 'exit 0')) });
    assert.equal(up.ok, true, up.detail);
    assert.equal(up.weight, undefined);
    assert.match(up.detail, /up\.sh exited with status 0$/);
    const down = await check({ misc_path: cmd(await script('down.sh', 'exit 1')) });
    assert.equal(down.ok, false);
    assert.match(down.detail, /down\.sh exited with status 1$/);
  });

  it('passes the arguments as they were split, with no shell in between', async () => {
    const out = join(dir, 'args.out');
    const s = await script('args.sh', `printf '%s|' "$@" > ${out}`);
    const r = await check({ misc_path: cmd(s, 'two words', '$HOME', '*') });
    assert.equal(r.ok, true, r.detail);
    assert.equal(await readFile(out, 'utf8'), 'two words|$HOME|*|');
  });

  it('without misc_dynamic, any status but 0 is down', async () => {
    const r = await check({ misc_path: cmd(await script('s7.sh', 'exit 7')) });
    assert.equal(r.ok, false);
    assert.equal(r.weight, undefined);
    assert.match(r.detail, /exited with status 7$/);
  });

  it('with misc_dynamic, 2..255 is up with weight status - 2', async () => {
    for (const [code, weight] of [
      [2, 0],
      [12, 10],
      [255, 253],
    ] as const) {
      const r = await check({ misc_dynamic: true, misc_path: cmd(await script(`d${code}.sh`, `exit ${code}`)) });
      assert.equal(r.ok, true, r.detail);
      assert.equal(r.weight, weight, `exit ${code}`);
      assert.match(r.detail, new RegExp(`status ${code}: weight ${weight}$`));
    }
    const zero = await check({ misc_dynamic: true, misc_path: cmd(await script('d0.sh', 'exit 0')) });
    assert.equal(zero.ok, true);
    // Status 0 puts the configured weight back (Keepalived's rs->iweight): null says so.
    assert.equal(zero.weight, null);
    const one = await check({ misc_dynamic: true, misc_path: cmd(await script('d1.sh', 'exit 1')) });
    assert.equal(one.ok, false);
    assert.equal(one.weight, undefined);
  });

  it('kills a hanging program and everything it started at misc_timeout', async () => {
    const pids = join(dir, 'hang.pids');
    const s = await script('hang.sh', `sleep 30 & echo $! > ${pids}; echo $$ >> ${pids}; sleep 30`);
    const t0 = performance.now();
    const r = await check({ misc_timeout: 1, misc_path: cmd(s) });
    const took = performance.now() - t0;
    assert.equal(r.ok, false);
    assert.match(r.detail, /hang\.sh timed out after 1s \(misc_timeout\) and was killed$/);
    assert.ok(took >= 950 && took < 1800, `took ${took} ms`);
    const started = (await readFile(pids, 'utf8')).trim().split('\n').map(Number);
    assert.equal(started.length, 2);
    assert.ok(await gone(started), `still running: ${started.filter(alive).join(' ')}`);
  });

  it('kills with SIGKILL, 2 s after SIGTERM, a program that ignores SIGTERM', async () => {
    const pidFile = join(dir, 'stubborn.pid');
    const s = await script('stubborn.sh', `trap '' TERM; echo $$ > ${pidFile}; while :; do sleep 0.1; done`);
    const t0 = performance.now();
    const r = await check({ misc_timeout: 1, misc_path: cmd(s) });
    const took = performance.now() - t0;
    assert.equal(r.ok, false);
    assert.match(r.detail, /timed out after 1s/);
    assert.ok(took >= 2900 && took < 4000, `took ${took} ms`);
    assert.ok(await gone([Number(await readFile(pidFile, 'utf8'))]));
  });

  it('uses delay_loop as the timeout when misc_timeout is 0 or absent', () => {
    const c = (config: Partial<MiscConfig>) => miscCheck.create(block(config), services) as unknown as { timeoutSeconds: number };
    assert.equal(c({ misc_timeout: 0, delay_loop: 7 }).timeoutSeconds, 7);
    assert.equal(c({ delay_loop: 3 }).timeoutSeconds, 3);
    assert.equal(c({ misc_timeout: 5, delay_loop: 3 }).timeoutSeconds, 5);
    assert.equal(c({}).timeoutSeconds, 60);
  });

  it('settles promptly when aborted, killing the program', async () => {
    const pidFile = join(dir, 'abort.pid');
    const s = await script('abort.sh', `echo $$ > ${pidFile}; sleep 30`);
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 200);
    const t0 = performance.now();
    const r = await check({ misc_timeout: 60, misc_path: cmd(s) }, ac.signal);
    assert.equal(r.ok, false);
    assert.equal(r.detail, 'check aborted');
    assert.ok(performance.now() - t0 < 700);
    assert.ok(await gone([Number(await readFile(pidFile, 'utf8'))]));
  });

  it('is down, saying why, when the program cannot be run', async () => {
    const missing = await check({ misc_path: cmd(join(dir, 'no-such-script')) });
    assert.equal(missing.ok, false);
    assert.match(missing.detail, /^cannot run .*no-such-script: not found$/);
    const plain = join(dir, 'not-executable.sh');
    await writeFile(plain, '#!/bin/sh\nexit 0\n');
    const noexec = await check({ misc_path: cmd(plain) });
    assert.equal(noexec.ok, false);
    assert.match(noexec.detail, /permission denied/);
    const none = await check({});
    assert.equal(none.detail, 'MISC_CHECK has no misc_path');
  });

  it('is down when killed by a signal it did not get from vigil', async () => {
    const r = await check({ misc_path: cmd(await script('segv.sh', 'kill -SEGV $$')) });
    assert.equal(r.ok, false);
    assert.match(r.detail, /was killed by SIGSEGV$/);
  });

  it('runs the program as `user`', { skip: process.getuid?.() !== 0 && 'needs root' }, async () => {
    const s = await script('whoami.sh', '[ "$(id -un)" = nobody ]');
    const r = await check({ user: { user: 'nobody' }, misc_path: cmd(s) });
    assert.equal(r.ok, true, r.detail);
    const asRoot = await check({ misc_path: cmd(s) });
    assert.equal(asRoot.ok, false);
    const unknown = await check({ user: { user: 'no-such-user-vigil' }, misc_path: cmd(s) });
    assert.equal(unknown.ok, false);
    assert.match(unknown.detail, /^cannot run \/.*\/whoami\.sh: user 'no-such-user-vigil' does not exist$/);
  });
});
