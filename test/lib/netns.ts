import { execFileSync, spawn, spawnSync, type ChildProcessWithoutNullStreams, type SpawnSyncReturns } from 'node:child_process';

/** A per-run prefix so that parallel runs never touch each other's namespaces. */
export const RUN_PREFIX = `vt${process.pid.toString(36)}`;

let counter = 0;

function ip(...args: string[]): void {
  execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

/**
 * A network namespace made by a test, removed with everything in it by `destroy()` (call it in
 * `after`, which runs on failure too). Addresses must come from the documentation ranges.
 */
export class NetNs {
  private destroyed = false;

  private constructor(readonly name: string) {}

  static create(label: string): NetNs {
    const ns = new NetNs(`${RUN_PREFIX}-${label}-${counter++}`);
    ip('netns', 'add', ns.name);
    ns.ip('link', 'set', 'lo', 'up');
    return ns;
  }

  /** Runs `ip ARGS` inside the namespace. */
  ip(...args: string[]): void {
    ip('-n', this.name, ...args);
  }

  /**
   * An Ethernet interface, up, with the given addresses (CIDR). It is one end of a veth pair
   * whose other end stays in the namespace too: kernels without the dummy driver have veth.
   */
  addInterface(ifname: string, addresses: readonly string[]): void {
    this.ip('link', 'add', ifname, 'type', 'veth', 'peer', 'name', `p-${ifname}`.slice(0, 15));
    this.ip('link', 'set', `p-${ifname}`.slice(0, 15), 'up');
    for (const a of addresses) this.ip('addr', 'add', a, 'dev', ifname, ...(a.includes(':') ? ['nodad'] : []));
    this.ip('link', 'set', ifname, 'up');
  }

  /** Runs `ip ARGS` inside the namespace and returns what it printed (`ip -j …` output parses as JSON). */
  ipOutput(...args: string[]): string {
    return execFileSync('ip', ['-n', this.name, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  }

  /** Sets sysctls inside the namespace, e.g. `{ 'net.ipv6.conf.default.accept_dad': 0 }`. */
  sysctl(values: Readonly<Record<string, string | number>>): void {
    const args = Object.entries(values).map(([k, v]) => `${k}=${v}`);
    execFileSync('ip', ['netns', 'exec', this.name, 'sysctl', '-qw', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  }

  /**
   * Starts a long-running command inside the namespace, with pipes. `destroy()` kills it with everything else
   * left in the namespace; kill it sooner yourself if the test wants it gone.
   */
  spawn(cmd: string, args: readonly string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): ChildProcessWithoutNullStreams {
    return spawn('ip', ['netns', 'exec', this.name, cmd, ...args], { cwd: opts.cwd, env: opts.env ?? process.env, stdio: 'pipe' });
  }

  /** Runs a command inside the namespace (with the namespace's own /sys). */
  run(cmd: string, args: readonly string[], opts: { cwd?: string; timeoutMs?: number; input?: string } = {}): SpawnSyncReturns<string> {
    return spawnSync('ip', ['netns', 'exec', this.name, cmd, ...args], {
      encoding: 'utf8',
      cwd: opts.cwd,
      timeout: opts.timeoutMs ?? 60_000,
      input: opts.input ?? '',
    });
  }

  /** Kills whatever still runs inside, then deletes the namespace. Safe to call twice. */
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    const pids = spawnSync('ip', ['netns', 'pids', this.name], { encoding: 'utf8' }).stdout.split(/\s+/).filter(Boolean);
    for (const pid of pids) {
      try {
        process.kill(Number(pid), 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
    spawnSync('ip', ['netns', 'del', this.name]);
  }
}

/** The three interfaces the conformance corpus names, as keepalived-verdict.sh makes them. */
export function addCorpusInterfaces(ns: NetNs): void {
  ns.addInterface('eth0', ['192.0.2.1/24', '2001:db8::1/64']);
  ns.addInterface('eth1', ['198.51.100.1/24', '2001:db8:1::1/64']);
  ns.addInterface('eth2', ['203.0.113.1/24', '2001:db8:2::1/64']);
}

/** One end of a link a test makes: which namespace, the interface's name, its addresses (CIDR) and MAC. */
export interface LinkEnd {
  readonly ns: NetNs;
  readonly ifname: string;
  readonly addresses?: readonly string[];
  /** Default: one the kernel makes up. Use locally administered ones (02:…) in tests. */
  readonly mac?: string;
}

function bringUp(end: LinkEnd): void {
  if (end.mac) end.ns.ip('link', 'set', end.ifname, 'address', end.mac);
  for (const a of end.addresses ?? []) end.ns.ip('addr', 'add', a, 'dev', end.ifname, ...(a.includes(':') ? ['nodad'] : []));
  end.ns.ip('link', 'set', end.ifname, 'up');
}

/**
 * Joins two namespaces with a veth pair, a cable between two hosts: both ends up, with their addresses and
 * MACs. It goes away with either namespace.
 */
export function connect(a: LinkEnd, b: LinkEnd): void {
  a.ns.ip('link', 'add', a.ifname, 'type', 'veth', 'peer', 'name', b.ifname, 'netns', b.ns.name);
  bringUp(a);
  bringUp(b);
}

/**
 * A LAN: a bridge in a namespace of its own (a switch), to which hosts (namespaces) are cabled. STP and multicast
 * snooping are off, so every port forwards at once and multicast floods as on a plain switch.
 */
export class Lan {
  private ports = 0;

  private constructor(readonly switchNs: NetNs) {}

  static create(label: string): Lan {
    const ns = NetNs.create(`${label}-sw`);
    const lan = new Lan(ns);
    ns.ip('link', 'add', 'br0', 'type', 'bridge', 'stp_state', '0', 'mcast_snooping', '0');
    ns.ip('link', 'set', 'br0', 'up');
    return lan;
  }

  /** Cables `host` to the switch; returns the switch port's name (set it down to pull the cable). */
  attach(host: LinkEnd): string {
    const port = `port${this.ports++}`;
    connect(host, { ns: this.switchNs, ifname: port });
    this.switchNs.ip('link', 'set', port, 'master', 'br0');
    return port;
  }

  destroy(): void {
    this.switchNs.destroy();
  }
}
