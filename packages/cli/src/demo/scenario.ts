// The story the demo tells: two routers share a VIP, the master dies, the backup takes over, the master comes back.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { neighbourMac, reaches } from './client.js';
import { Lab, VIP, type Host } from './lab.js';
import { Router, VRID, type Timing } from './routers.js';

/** VRRPv3 with 0.3 s adverts: Master_Down_Interval is about a second. */
export const TIMING: Timing = { version: 3, advertInt: 0.3 };

/** A step that did not happen as the story says; the message is the reason. */
export class StepFailed extends Error {}

export interface ScenarioIo {
  /** Prints a line of the story. */
  say(line: string): void;
  /** Between steps: waits for the reader (with a terminal) or returns at once. */
  pause(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const nowMs = (): number => Number(process.hrtime.bigint()) / 1e6;

/** Polls `probe` every `everyMs` until it holds; the time it took (ms), or StepFailed after `timeoutMs`. */
async function waitFor(what: string, probe: () => boolean, timeoutMs: number, everyMs = 10, from = nowMs()): Promise<number> {
  for (;;) {
    if (probe()) return nowMs() - from;
    if (nowMs() - from > timeoutMs) throw new StepFailed(`${what} did not happen within ${timeoutMs} ms`);
    await sleep(everyMs);
  }
}

const ms = (t: number): string => `${Math.round(t)} ms`;

/** Everything the scenario made, for the caller's cleanup (synchronous: signal handlers call it). */
export class Resources {
  lab: Lab | undefined;
  dir: string | undefined;
  routers: Router[] = [];

  cleanup(): void {
    this.lab?.destroy();
    this.lab = undefined;
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
    this.dir = undefined;
  }
}

export async function runScenario(prefix: string, io: ScenarioIo, res: Resources): Promise<{ failoverMs: number }> {
  const { say } = io;
  const who = (h: Host) => `${h.role} (${h.address}, MAC ${h.mac})`;

  say(`Building the lab: namespaces ${prefix}-{sw,r1,r2,c}`);
  const lab = Lab.build(prefix, (l) => (res.lab = l));
  res.dir = mkdtempSync(join(tmpdir(), 'vigil-demo-'));
  const r1 = new Router(lab.r1, 150, 'MASTER', res.dir, TIMING);
  const r2 = new Router(lab.r2, 100, 'BACKUP', res.dir, TIMING);
  res.routers.push(r1, r2);
  const { client } = lab;
  say(`  switch  ${lab.switchNs.name}: bridge br0`);
  say(`  router  ${who(lab.r1)}, priority ${r1.priority}`);
  say(`  router  ${who(lab.r2)}, priority ${r2.priority}`);
  say(`  client  ${who(client)}`);
  say(`  VRRP    VRID ${VRID}, version ${TIMING.version}, advert_int ${TIMING.advertInt} s, VIP ${VIP}/24`);
  await io.pause();

  // 1. Both routers start.
  say('');
  say('Step 1: both routers start vigil');
  r1.start();
  r2.start();
  await waitFor(
    'R1 to be MASTER (the VIP on R1 only, R1 logging MASTER and R2 BACKUP)',
    () => r1.hasVip() && !r2.hasVip() && r1.lastLoggedState() === 'MASTER' && r2.lastLoggedState() === 'BACKUP',
    15_000,
    50,
  );
  say(`  MASTER: R1 holds ${VIP} on eth0 (ip -n ${lab.r1.ns.name} addr); vigil on R1 logged: ${r1.loggedStates().join(' -> ')}`);
  say(`  BACKUP: R2 does not hold the VIP; vigil on R2 logged: ${r2.loggedStates().join(' -> ')}`);
  await clientView('R1', lab.r1);
  await io.pause();

  // 2. The master dies.
  say('');
  say('Step 2: R1 dies (kill -9 of its vigil processes; its VIP removed, as a dead host would not answer for it)');
  const killedAt = nowMs();
  await r1.crash();
  let vipAt: number | undefined;
  const failoverMs = await waitFor(
    'the failover (VIP on R2 and the client seeing R2\'s MAC)',
    () => {
      const vip = r2.hasVip();
      if (vip && vipAt === undefined) vipAt = nowMs() - killedAt;
      return vip && neighbourMac(client) === lab.r2.mac;
    },
    10_000,
    10,
    killedAt,
  );
  say(`  failover time: ${ms(failoverMs)} (from the kill to the VIP on R2 and the client's entry showing R2's MAC; VIP on R2 after ${ms(vipAt ?? failoverMs)})`);
  say(`  vigil on R2 logged: ${r2.loggedStates().join(' -> ')}`);
  await clientView('R2', lab.r2);
  await io.pause();

  // 3. The master comes back and preempts.
  say('');
  say('Step 3: R1 comes back (priority 150 > 100: it preempts)');
  const startedAt = nowMs();
  r1.start();
  const backMs = await waitFor(
    'R1 to take the VIP back (VIP on R1 only, client seeing R1\'s MAC)',
    () => r1.hasVip() && !r2.hasVip() && neighbourMac(client) === lab.r1.mac,
    15_000,
    10,
    startedAt,
  );
  await waitFor('R2 to log BACKUP again', () => r2.lastLoggedState() === 'BACKUP', 5_000, 50);
  say(`  R1 is MASTER again ${ms(backMs)} after its vigil started (that includes starting Node); R2 logged: ${r2.loggedStates().join(' -> ')}`);
  await clientView('R1', lab.r1);
  await io.pause();

  // 4. Stop.
  say('');
  say('Step 4: both routers stop (SIGTERM) and the lab is taken down');
  await Promise.all([r1.stop(), r2.stop()]);
  return { failoverMs };

  async function clientView(role: string, holder: Host): Promise<void> {
    const took = await retry(() => reaches(client), 5_000);
    if (took === undefined) throw new StepFailed(`the client does not reach ${VIP}`);
    const mac = neighbourMac(client);
    if (mac !== holder.mac) throw new StepFailed(`the client's neighbour entry for ${VIP} is ${mac ?? 'missing'}, expected ${role}'s ${holder.mac}`);
    say(`  client's view: ${VIP} is reachable (answered in ${took.toFixed(1)} ms); neighbour entry ${VIP} -> ${mac}, which is ${role}'s MAC`);
  }
}

/** Retries `probe` until it returns a value, for up to `timeoutMs`. */
async function retry<T>(probe: () => T | undefined, timeoutMs: number): Promise<T | undefined> {
  const end = nowMs() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v !== undefined || nowMs() > end) return v;
    await sleep(100);
  }
}
