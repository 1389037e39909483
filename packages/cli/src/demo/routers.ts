// The two routers of the lab: their vigil configurations and the `vigil run` processes inside their namespaces.
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { VIP, SUBNET_BITS, type Host } from './lab.js';

/** This CLI's entry point (dist/src/demo/routers.js -> dist/src/bin.js). */
const VIGIL_BIN = fileURLToPath(new URL('../bin.js', import.meta.url));

export const VRID = 51;

/** The VRRP timing the lab runs: VRRPv3 with centisecond adverts, or VRRPv2 at whole seconds. */
export interface Timing {
  readonly version: 2 | 3;
  readonly advertInt: number;
}

export function config(router: Host, state: 'MASTER' | 'BACKUP', priority: number, timing: Timing): string {
  return `# vigil demo: router ${router.role}
global_defs {
  router_id ${router.role}
}
vrrp_instance VI_${VRID} {
  state ${state}
  interface eth0
  virtual_router_id ${VRID}
  priority ${priority}
  version ${timing.version}
  advert_int ${timing.advertInt}
  virtual_ipaddress {
    ${VIP}/${SUBNET_BITS}
  }
}
`;
}

/** One router: its host, its configuration and, while it runs, its vigil process. */
export class Router {
  private proc: ChildProcessWithoutNullStreams | undefined;
  private exited: Promise<void> = Promise.resolve();
  /** Everything the current vigil printed (JSON log lines). */
  output = '';
  readonly confFile: string;

  constructor(
    readonly host: Host,
    readonly priority: number,
    readonly state: 'MASTER' | 'BACKUP',
    dir: string,
    timing: Timing,
  ) {
    this.confFile = join(dir, `${host.role.toLowerCase()}.conf`);
    writeFileSync(this.confFile, config(host, state, priority, timing));
  }

  get name(): string {
    return this.host.role;
  }

  get running(): boolean {
    return this.proc !== undefined && this.proc.exitCode === null && this.proc.signalCode === null;
  }

  start(): void {
    this.output = '';
    const p = this.host.ns.spawn(process.execPath, [VIGIL_BIN, 'run', '-f', this.confFile, '--log-level', 'info']);
    p.stdout.on('data', (d: Buffer) => (this.output += d.toString()));
    p.stderr.on('data', (d: Buffer) => (this.output += d.toString()));
    this.exited = new Promise((resolve) => p.once('exit', () => resolve()));
    this.proc = p;
  }

  /** Whether the router holds the VIP (what the kernel says, not what vigil says). */
  hasVip(): boolean {
    return this.host.ns.hasAddress(VIP);
  }

  /** The VRRP states vigil logged, in order ("BACKUP", "MASTER", …). */
  loggedStates(): string[] {
    return [...this.output.matchAll(/"to":"([A-Z]+)"/g)].map((m) => m[1] ?? '');
  }

  lastLoggedState(): string | undefined {
    return this.loggedStates().at(-1);
  }

  /**
   * The host dies: SIGKILL to vigil and its VRRP child (every process in the namespace), and the VIP taken off
   * the interface as a dead host would no longer answer for it (a killed process leaves its addresses behind).
   */
  async crash(): Promise<void> {
    this.host.ns.killAll();
    await this.exited;
    if (this.hasVip()) this.host.ns.ip('addr', 'del', `${VIP}/${SUBNET_BITS}`, 'dev', 'eth0');
  }

  /** SIGTERM: vigil stops gracefully (releases the VIP). Falls back to SIGKILL after `graceMs`. */
  async stop(graceMs = 5_000): Promise<void> {
    if (!this.running || this.proc?.pid === undefined) return;
    process.kill(this.proc.pid, 'SIGTERM');
    const timer = new Promise<'late'>((r) => setTimeout(() => r('late'), graceMs).unref());
    if ((await Promise.race([this.exited.then(() => 'done' as const), timer])) === 'late') this.host.ns.killAll();
  }

  /** The last lines vigil printed, for a failure's report. */
  tail(lines = 15): string {
    return this.output.trimEnd().split('\n').slice(-lines).join('\n');
  }
}
