// `vigil demo` as CI runs it: no terminal, so it plays the failover scenario once and exits 0, leaving nothing behind.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { VIGIL_BIN } from '../lib/paths.js';

function namespaces(prefix: string): string[] {
  return spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' })
    .stdout.split('\n')
    .map((l) => l.split(' ')[0] ?? '')
    .filter((n) => n.startsWith(prefix));
}

describe('vigil demo (no TTY)', { timeout: 120_000 }, () => {
  it('plays the failover scenario, reports it and cleans up', async () => {
    const child = spawn(process.execPath, [VIGIL_BIN, 'demo'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
    const prefix = `vdemo-${child.pid}-`;
    const report = `--- stdout ---\n${stdout}\n--- stderr ---\n${stderr}`;

    assert.equal(code, 0, report);
    assert.match(stdout, /MASTER: R1 holds 192\.0\.2\.100/, report);
    assert.match(stdout, /failover time: \d+ ms/, report);
    const failover = Number(/failover time: (\d+) ms/.exec(stdout)?.[1]);
    assert.ok(failover > 0 && failover < 10_000, `failover ${failover} ms`);
    // The client's view after the failover: the VIP answers at R2's MAC; after preemption, at R1's again.
    assert.match(stdout, /client's view: 192\.0\.2\.100 is reachable .* which is R2's MAC/, report);
    assert.match(stdout, /Step 3[\s\S]*client's view: 192\.0\.2\.100 is reachable .* which is R1's MAC/, report);
    assert.deepEqual(namespaces(prefix), [], 'no namespace of the demo left');
  });

  it('cleans up on SIGTERM in the middle of the scenario', async () => {
    const child = spawn(process.execPath, [VIGIL_BIN, 'demo'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
    const prefix = `vdemo-${child.pid}-`;
    // Once the routers run (the lab is up), stop the demo.
    const deadline = Date.now() + 30_000;
    while (!stdout.includes('Step 1') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    assert.ok(stdout.includes('Step 1'), stdout);
    await new Promise((r) => setTimeout(r, 300));
    child.kill('SIGTERM');
    assert.equal(await exited, 143, stdout);
    assert.deepEqual(namespaces(prefix), [], 'no namespace of the demo left after SIGTERM');
  });
});
