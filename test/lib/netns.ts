import { execFileSync, spawnSync, type SpawnSyncReturns } from 'node:child_process';

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
