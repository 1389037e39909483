/**
 * The pool manager as a daemon service: picks the data plane (global_defs `lvs_backend`), keeps
 * what the checkers say (`pool.change`, `pool.quorum`) as a `PoolState`, and on every change hands
 * `desiredPool(config, state)` to a `PoolReconciler`. Start adopts what the kernel has; stop
 * removes what vigil owns; reload takes the new configuration (and a new backend if it changed).
 */
import type { VigilConfig } from '../config/keywords/root.js';
import type { EventBus } from '../kernel/event-bus.js';
import type { Service } from '../kernel/kernel.js';
import type { Logger } from '../kernel/logger.js';
import { desiredPool, type PoolState, type RealServerState, type VirtualServerState } from './desired.js';
import { IpvsBackend } from './ipvs/ipvs.backend.js';
import { NftablesBackend } from './nftables/backend.js';
import { PoolReconciler } from './reconciler.js';
import type { PoolBackend } from './types.js';

export type LvsBackendChoice = 'auto' | 'ipvs' | 'nftables';

export interface PoolManagerOptions {
  /** The configuration in force at start. */
  readonly config: () => VigilConfig | undefined;
  readonly bus: EventBus;
  readonly log: Logger;
  /** Backend factories (tests). */
  readonly backends?: { readonly ipvs?: () => PoolBackend; readonly nftables?: () => PoolBackend };
}

interface MutableVsState {
  quorumUp?: boolean;
  servers: Map<string, RealServerState>;
}

function hasVirtualServers(config: VigilConfig | undefined): boolean {
  return (config?.virtual_server?.length ?? 0) > 0;
}

function choiceOf(config: VigilConfig | undefined): LvsBackendChoice {
  return (config?.global_defs?.lvs_backend as LvsBackendChoice | undefined) ?? 'auto';
}

export class PoolManager implements Service {
  readonly name = 'pool';
  private config: VigilConfig | undefined;
  private readonly state = new Map<string, MutableVsState>();
  private reconciler: PoolReconciler | undefined;
  private backend: PoolBackend | undefined;
  private choice: LvsBackendChoice = 'auto';
  private unsubscribe: (() => void)[] = [];

  constructor(private readonly opts: PoolManagerOptions) {}

  /** The backend in use, while running. */
  get backendName(): PoolBackend['name'] | undefined {
    return this.backend?.name;
  }

  async start(): Promise<void> {
    this.config = this.opts.config();
    if (this.unsubscribe.length === 0) {
      this.unsubscribe = [this.opts.bus.on('pool.change', (e) => this.onChange(e.virtualServer, e.realServer, e.up, e.weight)), this.opts.bus.on('pool.quorum', (e) => this.onQuorum(e.virtualServer, e.up))];
    }
    if (!hasVirtualServers(this.config)) return;
    await this.startBackend();
  }

  async stop(): Promise<void> {
    for (const u of this.unsubscribe) u();
    this.unsubscribe = [];
    await this.stopBackend();
    this.state.clear();
  }

  async reload(config: unknown): Promise<void> {
    const next = config as VigilConfig | undefined;
    const prevChoice = this.choice;
    this.config = next;
    if (!hasVirtualServers(next)) {
      if (this.reconciler) this.opts.log.info('pool: no virtual servers any more; removing the pool');
      await this.stopBackend();
      return;
    }
    if (this.reconciler && choiceOf(next) !== prevChoice) {
      this.opts.log.info({ from: prevChoice, to: choiceOf(next) }, 'pool: lvs_backend changed; switching the data plane');
      await this.stopBackend();
    }
    if (!this.reconciler) {
      await this.startBackend();
      return;
    }
    this.push();
  }

  private onChange(vs: string, rs: string, up: boolean, weight: number): void {
    const s = this.vsState(vs);
    s.servers.set(rs, up ? { up, weight } : { up });
    this.push();
  }

  private onQuorum(vs: string, up: boolean): void {
    this.vsState(vs).quorumUp = up;
    this.push();
  }

  private vsState(vs: string): MutableVsState {
    let s = this.state.get(vs);
    if (!s) this.state.set(vs, (s = { servers: new Map() }));
    return s;
  }

  private poolState(): PoolState {
    const out = new Map<string, VirtualServerState>();
    for (const [k, v] of this.state) out.set(k, { ...(v.quorumUp !== undefined ? { quorumUp: v.quorumUp } : {}), servers: v.servers });
    return out;
  }

  private desired() {
    const d = desiredPool(this.config ?? {}, this.poolState());
    return d;
  }

  private push(): void {
    if (!this.reconciler) return;
    this.reconciler.setDesired(this.desired().table);
  }

  private async pickBackend(choice: LvsBackendChoice): Promise<PoolBackend> {
    const ipvs = this.opts.backends?.ipvs ?? (() => new IpvsBackend());
    const nft = this.opts.backends?.nftables ?? (() => new NftablesBackend());
    const log = this.opts.log;
    if (choice === 'ipvs' || choice === 'nftables') {
      const b = choice === 'ipvs' ? ipvs() : nft();
      if (!(await b.available())) {
        await b.close().catch(() => undefined);
        throw new Error(`lvs_backend ${choice}: not available on this host`);
      }
      log.info({ backend: b.name }, `pool: using ${b.name} (lvs_backend ${choice})`);
      return b;
    }
    const i = ipvs();
    if (await i.available()) {
      log.info({ backend: 'ipvs' }, 'pool: using ipvs (lvs_backend auto: the kernel has IPVS)');
      return i;
    }
    await i.close().catch(() => undefined);
    const n = nft();
    if (await n.available()) {
      log.info({ backend: 'nftables' }, 'pool: using nftables (lvs_backend auto: the kernel has no IPVS)');
      return n;
    }
    await n.close().catch(() => undefined);
    throw new Error('lvs_backend auto: neither IPVS nor nftables is available on this host');
  }

  private async startBackend(): Promise<void> {
    this.choice = choiceOf(this.config);
    const backend = await this.pickBackend(this.choice);
    const log = this.opts.log;
    const reconciler = new PoolReconciler({
      backend,
      onApplied: (plan) =>
        log.info(
          {
            addServices: plan.addServices.length,
            editServices: plan.editServices.length,
            addDestinations: plan.addDestinations.length,
            editDestinations: plan.editDestinations.length,
            deleteDestinations: plan.deleteDestinations.length,
            deleteServices: plan.deleteServices.length,
          },
          'pool: table updated',
        ),
      onError: (err) => log.error({ err }, 'pool: reconcile failed; retrying'),
    });
    const d = this.desired();
    for (const why of d.skipped) log.warn(`pool: ${why}`);
    try {
      await reconciler.start(d.table);
    } catch (err) {
      await backend.close().catch(() => undefined);
      throw err;
    }
    this.backend = backend;
    this.reconciler = reconciler;
    // Events that arrived while adopting.
    this.push();
  }

  private async stopBackend(): Promise<void> {
    const r = this.reconciler;
    const b = this.backend;
    this.reconciler = undefined;
    this.backend = undefined;
    if (r) {
      try {
        await r.stop();
      } catch (err) {
        this.opts.log.error({ err }, 'pool: removing the table failed');
      }
    }
    if (b) await b.close().catch(() => undefined);
  }
}
