// The demo lab's network: a switch (a bridge in a namespace of its own), two routers and a client, each a network
// namespace cabled to the switch with a veth pair. Everything is made with `ip` and removed by `Lab.destroy()`.
import { execFileSync, spawn, spawnSync, type ChildProcessWithoutNullStreams, type SpawnSyncReturns } from 'node:child_process';

/** The namespace prefix of this run (`vdemo-<pid>`); `vdemo-` alone matches every run's. */
export const DEMO_PREFIX = 'vdemo-';
export const runPrefix = (pid = process.pid): string => `${DEMO_PREFIX}${pid}`;

export const SUBNET_BITS = 24;
export const VIP = '192.0.2.100';

/** One host of the lab: a network namespace. */
export class Ns {
  constructor(readonly name: string) {}

  /** `ip -n NS ARGS`; throws with ip's message on failure. */
  ip(...args: string[]): string {
    try {
      return execFileSync('ip', ['-n', this.name, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (err) {
      const stderr = (err as { stderr?: string }).stderr?.trim();
      throw new Error(`ip -n ${this.name} ${args.join(' ')} failed${stderr ? `: ${stderr}` : ''}`);
    }
  }

  /** `ip -n NS -j ARGS`, parsed. */
  ipJson<T>(...args: string[]): T {
    const out = this.ip('-j', ...args).trim();
    return (out ? JSON.parse(out) : []) as T;
  }

  /** Runs a command inside the namespace and waits for it. */
  run(cmd: string, args: readonly string[], timeoutMs = 10_000): SpawnSyncReturns<string> {
    return spawnSync('ip', ['netns', 'exec', this.name, cmd, ...args], { encoding: 'utf8', timeout: timeoutMs, stdio: ['ignore', 'pipe', 'pipe'] });
  }

  /** Starts a long-running command inside the namespace (`ip netns exec` execs it: the pid is the command's). */
  spawn(cmd: string, args: readonly string[]): ChildProcessWithoutNullStreams {
    return spawn('ip', ['netns', 'exec', this.name, cmd, ...args], { stdio: 'pipe' });
  }

  sysctl(key: string, value: string | number): void {
    const r = this.run('sysctl', ['-qw', `${key}=${value}`]);
    if (r.status !== 0) throw new Error(`sysctl ${key}=${value} in ${this.name} failed: ${r.stderr.trim()}`);
  }

  /** The pids of every process running inside the namespace. */
  pids(): number[] {
    return spawnSync('ip', ['netns', 'pids', this.name], { encoding: 'utf8' }).stdout.split(/\s+/).filter(Boolean).map(Number);
  }

  /** SIGKILLs everything inside. */
  killAll(): void {
    for (const pid of this.pids()) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
  }

  /** The IPv4 addresses on `ifname`. */
  addresses(ifname = 'eth0'): string[] {
    const links = this.ipJson<Array<{ addr_info?: Array<{ local?: string }> }>>('-4', 'addr', 'show', 'dev', ifname);
    return links.flatMap((l) => l.addr_info ?? []).flatMap((a) => (a.local ? [a.local] : []));
  }

  hasAddress(address: string, ifname = 'eth0'): boolean {
    return this.addresses(ifname).includes(address);
  }
}

/** A host of the lab: its namespace, address and MAC. */
export interface Host {
  readonly ns: Ns;
  readonly role: string;
  readonly address: string;
  readonly mac: string;
}

/** Namespace names the kernel lists (`ip netns list`). */
export function listNamespaces(): string[] {
  const r = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' });
  return r.stdout.split('\n').map((l) => l.split(' ')[0] ?? '').filter(Boolean);
}

/** The lab: switch, R1, R2 and client C on 192.0.2.0/24. */
export class Lab {
  private readonly made: Ns[] = [];
  private ports = 0;
  readonly switchNs: Ns;
  readonly r1: Host;
  readonly r2: Host;
  readonly client: Host;

  private constructor(readonly prefix: string) {
    this.switchNs = new Ns(`${prefix}-sw`);
    this.r1 = { ns: new Ns(`${prefix}-r1`), role: 'R1', address: '192.0.2.1', mac: '02:00:5e:51:00:01' };
    this.r2 = { ns: new Ns(`${prefix}-r2`), role: 'R2', address: '192.0.2.2', mac: '02:00:5e:51:00:02' };
    this.client = { ns: new Ns(`${prefix}-c`), role: 'C', address: '192.0.2.10', mac: '02:00:5e:51:00:0a' };
  }

  /**
   * Builds the lab. The returned lab is registered with `onMade` before anything is created, so a caller's cleanup
   * removes whatever was made even when building fails half-way.
   */
  static build(prefix: string, onMade: (lab: Lab) => void): Lab {
    const lab = new Lab(prefix);
    onMade(lab);
    lab.addNs(lab.switchNs);
    lab.switchNs.ip('link', 'add', 'br0', 'type', 'bridge', 'stp_state', '0', 'mcast_snooping', '0');
    lab.switchNs.ip('link', 'set', 'br0', 'up');
    for (const host of [lab.r1, lab.r2, lab.client]) {
      lab.addNs(host.ns);
      lab.cable(host);
    }
    // C accepts gratuitous ARPs for addresses it has no entry for yet, as hosts on a LAN with a VIP are set up.
    lab.client.ns.sysctl('net.ipv4.conf.eth0.arp_accept', 1);
    return lab;
  }

  private addNs(ns: Ns): void {
    execFileSync('ip', ['netns', 'add', ns.name], { stdio: ['ignore', 'ignore', 'pipe'] });
    this.made.push(ns);
    ns.ip('link', 'set', 'lo', 'up');
  }

  /** A veth pair from the host's eth0 to a port of the switch's bridge. */
  private cable(host: Host): void {
    const port = `port${this.ports++}`;
    host.ns.ip('link', 'add', 'eth0', 'type', 'veth', 'peer', 'name', port, 'netns', this.switchNs.name);
    host.ns.ip('link', 'set', 'eth0', 'address', host.mac);
    host.ns.ip('addr', 'add', `${host.address}/${SUBNET_BITS}`, 'dev', 'eth0');
    host.ns.ip('link', 'set', 'eth0', 'up');
    this.switchNs.ip('link', 'set', port, 'master', 'br0');
    this.switchNs.ip('link', 'set', port, 'up');
  }

  /** Kills whatever runs in the lab's namespaces and deletes them. Synchronous (signal handlers call it); safe twice. */
  destroy(): void {
    for (const ns of this.made.splice(0).reverse()) {
      ns.killAll();
      spawnSync('ip', ['netns', 'del', ns.name]);
    }
  }
}
