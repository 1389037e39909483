// vigil's VRRP against real Keepalived: a LAN with router K (keepalived), router V (vigil run) and a client C,
// each a network namespace. VRRPv2 multicast, VRID 51, PASS authentication, VIP 192.0.2.100/24.
import assert from 'node:assert/strict';
import { spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Lan, NetNs } from '../lib/netns.js';
import { VIGIL_BIN } from '../lib/paths.js';

const VIP = '192.0.2.100';
const MAC = { k: '02:00:00:00:51:0b', v: '02:00:00:00:51:0c', c: '02:00:00:00:51:0d' };

function config(router: string, state: 'MASTER' | 'BACKUP', priority: number): string {
  return `global_defs {
  router_id ${router}
}
vrrp_instance VI_51 {
  state ${state}
  interface eth0
  virtual_router_id 51
  priority ${priority}
  advert_int 1
  authentication {
    auth_type PASS
    auth_pass vigil51
  }
  virtual_ipaddress {
    ${VIP}/24
  }
}
`;
}

function hasVip(ns: NetNs): boolean {
  const out = JSON.parse(ns.ipOutput('-j', '-4', 'addr', 'show', 'dev', 'eth0')) as Array<{ addr_info: Array<{ local?: string }> }>;
  return out.flatMap((i) => i.addr_info).some((a) => a.local === VIP);
}

function neighbour(ns: NetNs, address: string): string | undefined {
  const entries = JSON.parse(ns.ipOutput('-j', 'neigh', 'show', address, 'dev', 'eth0')) as Array<{ lladdr?: string }>;
  return entries[0]?.lladdr;
}

/**
 * Whether C reaches the VIP: a TCP connection to a closed port is refused by whoever holds the address, which
 * needs the neighbour entry and the round trip (the lab has no ping).
 */
function reaches(ns: NetNs, address: string): boolean {
  const script = `const s=require('net').connect({host:'${address}',port:9,timeout:1500});s.on('connect',()=>process.exit(0));s.on('timeout',()=>process.exit(2));s.on('error',e=>process.exit(e.code==='ECONNREFUSED'?0:1));`;
  return ns.run(process.execPath, ['-e', script], { timeoutMs: 3000 }).status === 0;
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls until `probe` holds; fails after `timeoutMs`. Returns the time it took. */
async function waitFor(what: string, probe: () => boolean, timeoutMs: number): Promise<number> {
  const start = Date.now();
  for (;;) {
    if (probe()) return Date.now() - start;
    if (Date.now() - start > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await pause(50);
  }
}

/** Polls that `probe` keeps holding for `ms` (a negative: something must not happen in that window). */
async function holds(what: string, probe: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    assert.ok(probe(), `expected ${what} to hold for ${ms} ms`);
    await pause(100);
  }
}

/** A process of ours in a namespace, with its output kept for diagnostics. */
class Proc {
  output = '';
  exited: Promise<number | null>;
  exitCode: number | null | undefined;
  constructor(
    readonly label: string,
    readonly child: ChildProcessWithoutNullStreams,
  ) {
    child.stdout.on('data', (d: Buffer) => (this.output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (this.output += d.toString()));
    this.exited = new Promise((resolve) =>
      child.once('exit', (code) => {
        this.exitCode = code;
        resolve(code);
      }),
    );
  }
  get running(): boolean {
    return this.exitCode === undefined;
  }
  kill(signal: NodeJS.Signals): void {
    if (this.running && this.child.pid !== undefined) process.kill(this.child.pid, signal);
  }
  tail(): string {
    return `--- ${this.label} (last output) ---\n${this.output.split('\n').slice(-40).join('\n')}`;
  }
}

describe('VRRP interop: vigil and Keepalived 2.x on one LAN', { timeout: 180_000 }, () => {
  let lan: Lan | undefined;
  const hosts: NetNs[] = [];
  const procs: Proc[] = [];
  let k: NetNs, v: NetNs, c: NetNs;
  let dir = '';

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'vigil-interop-'));
    lan = Lan.create('vi');
    for (const label of ['vi-k', 'vi-v', 'vi-c']) hosts.push(NetNs.create(label));
    [k, v, c] = hosts as [NetNs, NetNs, NetNs];
    lan.attach({ ns: k, ifname: 'eth0', mac: MAC.k, addresses: ['192.0.2.1/24'] });
    lan.attach({ ns: v, ifname: 'eth0', mac: MAC.v, addresses: ['192.0.2.2/24'] });
    lan.attach({ ns: c, ifname: 'eth0', mac: MAC.c, addresses: ['192.0.2.3/24'] });
    // C learns the VIP's MAC from gratuitous ARPs even without an entry (as a switch-facing host would).
    c.sysctl({ 'net.ipv4.conf.eth0.arp_accept': 1 });
  });

  after(() => {
    for (const p of procs) {
      try {
        p.kill('SIGKILL');
      } catch {
        /* gone */
      }
    }
    // Keepalived's children, by the pid files of our own runs (NetNs.destroy kills whatever else is left inside).
    killPidFiles();
    for (const ns of hosts) ns.destroy();
    lan?.destroy();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  let keepalivedRuns = 0;
  const pidFiles: string[] = [];

  function killPidFiles(): void {
    for (const f of pidFiles) {
      try {
        const pid = Number(readFileSync(f, 'utf8').trim());
        // Only if it runs in one of our namespaces: a pid file can outlive its process.
        if (pid > 0 && hosts.some((ns) => nsPids(ns).includes(pid))) process.kill(pid, 'SIGKILL');
      } catch {
        /* no file or no process */
      }
    }
  }

  function nsPids(ns: NetNs): number[] {
    return spawnSync('ip', ['netns', 'pids', ns.name], { encoding: 'utf8' }).stdout.split(/\s+/).filter(Boolean).map(Number);
  }

  function startKeepalived(state: 'MASTER' | 'BACKUP', priority: number): Proc {
    const n = keepalivedRuns++;
    const conf = join(dir, `keepalived-${n}.conf`);
    writeFileSync(conf, config('K', state, priority));
    const pid = join(dir, `keepalived-${n}.pid`);
    const vpid = join(dir, `vrrp-${n}.pid`);
    const cpid = join(dir, `checkers-${n}.pid`);
    pidFiles.push(vpid, cpid, pid);
    const p = new Proc(`keepalived #${n}`, k.spawn('keepalived', ['-n', '-l', '-D', '-f', conf, '-p', pid, '-r', vpid, '-c', cpid]));
    procs.push(p);
    return p;
  }

  /** SIGKILL for keepalived: its VRRP child too (otherwise the parent's death would stop it gracefully). */
  function killKeepalived(p: Proc, n: number): void {
    const vpid = Number(readFileSync(join(dir, `vrrp-${n}.pid`), 'utf8').trim());
    assert.ok(nsPids(k).includes(vpid), 'the VRRP child of our keepalived runs in K');
    process.kill(vpid, 'SIGKILL');
    p.kill('SIGKILL');
  }

  function startVigil(state: 'MASTER' | 'BACKUP', priority: number): Proc {
    const conf = join(dir, `vigil-${state}-${priority}.conf`);
    writeFileSync(conf, config('V', state, priority));
    const p = new Proc('vigil', v.spawn(process.execPath, [VIGIL_BIN, 'run', '-f', conf, '--log-level', 'debug']));
    procs.push(p);
    return p;
  }

  /** Stops whatever a scenario left running (SIGKILL) and takes the VIP off both routers. */
  async function reset(): Promise<void> {
    for (const p of procs) p.kill('SIGKILL');
    killPidFiles();
    await Promise.all(procs.map((p) => p.exited));
    for (const ns of [k, v]) if (hasVip(ns)) ns.ip('addr', 'del', `${VIP}/24`, 'dev', 'eth0');
  }

  const diagnose = async (body: () => Promise<void>): Promise<void> => {
    try {
      await body();
    } catch (err) {
      for (const p of procs.slice(-3)) console.error(p.tail());
      throw err;
    } finally {
      await reset();
    }
  };

  it('(a) keepalived MASTER 150, vigil BACKUP 100: failover on SIGKILL, preemption back', () =>
    diagnose(async () => {
      const ka = startKeepalived('MASTER', 150);
      await waitFor('the VIP on K (keepalived MASTER)', () => hasVip(k), 10_000);
      const vigil = startVigil('BACKUP', 100);
      await waitFor('vigil to report BACKUP', () => /"to":"BACKUP"/.test(vigil.output), 10_000);
      // Longer than vigil's Master_Down_Interval (3 x 1 s + skew): it must stay BACKUP while keepalived advertises.
      await holds('VIP on K only', () => hasVip(k) && !hasVip(v), 4_500);
      assert.ok(vigil.running, 'vigil runs');

      killKeepalived(ka, 0);
      await ka.exited;
      // A process killed with SIGKILL leaves its addresses on the interface; a dead router would not answer for
      // them either, so take the stale one off K as its crash would.
      if (hasVip(k)) k.ip('addr', 'del', `${VIP}/24`, 'dev', 'eth0');
      const took = await waitFor('the VIP on V after keepalived died', () => hasVip(v), 6_000);
      assert.ok(took < 6_000);
      assert.ok(/"to":"MASTER"/.test(vigil.output), 'vigil reports MASTER');
      await waitFor('C to reach the VIP at V\'s MAC', () => reaches(c, VIP) && neighbour(c, VIP) === MAC.v, 8_000);
      assert.equal(hasVip(k), false);

      // keepalived comes back with the higher priority and preempts.
      startKeepalived('MASTER', 150);
      await waitFor('the VIP back on K only', () => hasVip(k) && !hasVip(v), 10_000);
      await waitFor('vigil to report BACKUP again', () => (vigil.output.match(/"to":"BACKUP"/g) ?? []).length >= 2, 5_000);
      await waitFor('C to reach the VIP at K\'s MAC', () => reaches(c, VIP) && neighbour(c, VIP) === MAC.k, 8_000);

      // Tear down for (b): both stop gracefully.
      for (const p of procs) p.kill('SIGTERM');
      await Promise.all(procs.map((p) => p.exited));
      assert.equal(hasVip(k), false, 'keepalived removed the VIP on SIGTERM');
      assert.equal(hasVip(v), false);
    }));

  it('(b) vigil MASTER 150, keepalived BACKUP 100: SIGTERM to vigil hands over at once (priority 0)', () =>
    diagnose(async () => {
      const vigil = startVigil('MASTER', 150);
      await waitFor('the VIP on V (vigil MASTER)', () => hasVip(v), 10_000);
      const ka = startKeepalived('BACKUP', 100);
      await holds('VIP on V only', () => hasVip(v) && !hasVip(k), 4_500);
      assert.ok(ka.running, 'keepalived runs');
      await waitFor('C to reach the VIP at V\'s MAC', () => reaches(c, VIP) && neighbour(c, VIP) === MAC.v, 8_000);

      vigil.kill('SIGTERM');
      // Priority 0 lets keepalived take over after its Skew_Time (~0.6 s); without it, it would need its
      // Master_Down_Interval (~3.6 s).
      const took = await waitFor('keepalived to take the VIP', () => hasVip(k), 3_000);
      assert.ok(took < 3_000, `took ${took} ms`);
      await waitFor('the VIP gone from V', () => !hasVip(v), 3_000);
      assert.equal(await vigil.exited, 0, 'vigil exits cleanly');
      assert.equal(hasVip(v), false);
      assert.match(vigil.output, /"to":"STOP"/);
    }));
});
