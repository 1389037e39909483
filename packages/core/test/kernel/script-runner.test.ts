import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { needsShell, ScriptRunner } from '../../src/kernel/script-runner.js';

let dir = '';
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'vigil-scripts-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

function script(name: string, body: string, mode = 0o755, where = dir): string {
  const p = join(where, name);
  writeFileSync(p, `#!/bin/sh\n${body}\n`);
  chmodSync(p, mode);
  return p;
}
const cmd = (command: string, argv = command.split(' '), user?: string) => ({ command, argv, ...(user ? { user } : {}) });
/** Whether a process runs (a zombie left for a PID 1 that does not reap counts as gone). */
const alive = (pid: number): boolean => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
};

describe('ScriptRunner', () => {
  it('runs argv without a shell, with extra arguments, and reports the exit status', async () => {
    const out = join(dir, 'args.out');
    const s = script('args.sh', `printf '%s|' "$@" > ${out}; exit 3`);
    const r = new ScriptRunner();
    const end = await r.run(cmd(`${s} 'a b' c`, [s, 'a b', 'c']), { timeoutMs: 5000, args: ['INSTANCE', 'VI_1'] });
    assert.deepEqual(end, { kind: 'exit', code: 3 });
    assert.equal(readFileSync(out, 'utf8'), 'a b|c|INSTANCE|VI_1|');
    assert.equal((await r.prepare(cmd(s))).shell, false);
  });

  it('uses /bin/sh -c only when the command needs a shell', async () => {
    assert.equal(needsShell('/usr/bin/true'), false);
    assert.equal(needsShell('/usr/bin/echo up > /tmp/x'), true);
    assert.equal(needsShell('a | b'), true);
    const out = join(dir, 'shell.out');
    const r = new ScriptRunner();
    const c = `/bin/echo hello > ${out}`;
    const p = await r.prepare(cmd(c));
    assert.deepEqual([p.shell, p.argv], [true, ['/bin/sh', '-c', c]]);
    assert.deepEqual(await r.run(cmd(c), { timeoutMs: 5000 }), { kind: 'exit', code: 0 });
    assert.equal(readFileSync(out, 'utf8'), 'hello\n');
  });

  it('kills the whole process group at the timeout (SIGTERM, then SIGKILL for one that ignores it)', async () => {
    const pids = join(dir, 'pids');
    const s = script('stubborn.sh', `trap '' TERM\nsleep 60 &\necho $! > ${pids}\nwhile :; do sleep 1; done`);
    const r = new ScriptRunner();
    const t0 = Date.now();
    const end = await r.run(cmd(s), { timeoutMs: 300, graceMs: 300 });
    assert.deepEqual(end, { kind: 'timeout' });
    assert.ok(Date.now() - t0 < 3000);
    const child = Number(readFileSync(pids, 'utf8'));
    for (let i = 0; i < 50 && alive(child); i++) await new Promise((res) => setTimeout(res, 20));
    assert.equal(alive(child), false, 'the background child went with the group');
    assert.equal(r.running, 0);
  });

  it('an abort kills at once', async () => {
    const r = new ScriptRunner();
    const ac = new AbortController();
    const p = r.run(cmd('/bin/sleep 30'), { timeoutMs: 60000, signal: ac.signal });
    setTimeout(() => ac.abort(), 50);
    assert.deepEqual(await p, { kind: 'aborted' });
  });

  it('runs a script as its user', async () => {
    const out = join(dir, 'uid.out');
    const s = script('uid.sh', `id -u > ${out}`);
    chmodSync(dir, 0o755);
    writeFileSync(out, '');
    chmodSync(out, 0o666);
    const r = new ScriptRunner();
    assert.deepEqual(await r.run(cmd(s, [s], 'nobody'), { timeoutMs: 5000 }), { kind: 'exit', code: 0 });
    assert.notEqual(readFileSync(out, 'utf8').trim(), '0');
  });

  it('enable_script_security: refuses a root script that others can write, or in a directory others can write', async () => {
    const r = new ScriptRunner({ scriptSecurity: true, scriptUser: { user: 'root' } });
    const writable = script('writable.sh', 'exit 0', 0o757);
    await assert.rejects(r.prepare(cmd(writable)), (e: Error & { code?: string }) => {
      assert.equal(e.code, 'VIGIL_ERR_SCRIPT_INSECURE');
      assert.match(e.message, /writable\.sh is writable by everyone \(mode 757\).*chmod go-w/);
      return true;
    });
    const open = join(dir, 'open');
    mkdirSync(open);
    chmodSync(open, 0o777);
    const inOpen = script('in-open.sh', 'exit 0', 0o755, open);
    const end = await r.run(cmd(inOpen), { timeoutMs: 5000 });
    assert.equal(end.kind, 'refused');
    // A sticky directory such as /tmp is fine, and so is a root-owned 0755 script.
    const sticky = join(dir, 'sticky');
    mkdirSync(sticky);
    chmodSync(sticky, 0o1777);
    assert.deepEqual(await r.run(cmd(script('ok.sh', 'exit 0', 0o755, sticky)), { timeoutMs: 5000 }), { kind: 'exit', code: 0 });
    // Without enable_script_security the same script runs, flagged.
    const lax = new ScriptRunner({ scriptUser: { user: 'root' } });
    assert.equal((await lax.prepare(cmd(inOpen))).insecure, true);
    // Run as an unprivileged user, its path does not matter.
    assert.equal((await r.prepare(cmd(inOpen, [inOpen], 'nobody'))).insecure, false);
  });

  it('says what to do when a script is missing, not executable, or its user does not exist', async () => {
    const r = new ScriptRunner();
    await assert.rejects(r.prepare(cmd(join(dir, 'nope.sh'))), { code: 'VIGIL_ERR_SCRIPT_NOT_FOUND' });
    await assert.rejects(r.prepare(cmd('no-such-program-vigil')), /is not in PATH .*write its full path/);
    await assert.rejects(r.prepare(cmd(script('noexec.sh', 'exit 0', 0o644))), /is not executable by uid 0 .*chmod \+x/);
    await assert.rejects(r.prepare(cmd('/bin/true', ['/bin/true'], 'no-such-user-vigil')), { code: 'VIGIL_ERR_SCRIPT_USER' });
    const secure = new ScriptRunner({ scriptSecurity: true });
    if ((await import('node:child_process')).spawnSync('getent', ['passwd', 'keepalived_script']).status !== 0) {
      await assert.rejects(secure.prepare(cmd('/bin/true')), /no user 'keepalived_script' and no script_user/);
    }
  });
});
