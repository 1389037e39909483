/**
 * The reconcile loop: keep the kernel's table equal to the desired one.
 *
 * Each pass reads the kernel's table, keeps only what vigil owns (IPVS: the services of the
 * config and those vigil made before; nftables: its whole table), computes the smallest plan and
 * applies it. A pass with nothing to change applies nothing (idempotent). `start()` adopts what
 * is already there: it never flushes, so a restart leaves the services that should stay untouched
 * and no connection sees a gap. Bursts of `setDesired()` are coalesced: a pass starts after a
 * short debounce and never while another is in flight; changes that arrive meanwhile are taken by
 * one more pass. A failed pass is retried after `retryMs`.
 */
import { filterTable, isEmptyPlan, planPool } from './plan.js';
import { serviceId as serviceIdOf, type PoolBackend, type PoolPlan, type PoolService, type PoolTable } from './types.js';

export interface ReconcilerOptions {
  readonly backend: PoolBackend;
  /**
   * Which services of the kernel's table vigil owns. `table`: all (nftables, whose table is
   * vigil's alone); `services` (IPVS): those in the desired table or applied by this loop.
   * Default: `table` for nftables, `services` otherwise.
   */
  readonly ownership?: 'table' | 'services';
  /** Wait this long after a change before a pass, to take a burst at once (default 5 ms). */
  readonly debounceMs?: number;
  /** Wait this long before retrying a failed pass (default 1000 ms). */
  readonly retryMs?: number;
  /** Called after every pass that applied something. */
  readonly onApplied?: (plan: PoolPlan) => void;
  readonly onError?: (err: unknown) => void;
}

export class PoolReconciler {
  private desired: PoolTable = new Map();
  /** Service ids this loop put in the kernel (ownership 'services'). */
  private readonly made = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private dirty = false;
  private stopped = false;
  private started = false;
  private readonly waiters: (() => void)[] = [];
  /** Passes that applied a non-empty plan. */
  applies = 0;
  /** Passes run (including those with nothing to do). */
  passes = 0;
  lastError: unknown;

  constructor(private readonly opts: ReconcilerOptions) {}

  private get ownership(): 'table' | 'services' {
    return this.opts.ownership ?? (this.opts.backend.name === 'nftables' ? 'table' : 'services');
  }

  /**
   * Adopt: read what the kernel has and bring what vigil owns to `desired` with one plan (only
   * the differences). Resolves when that plan is applied; rejects if it fails.
   */
  async start(desired: PoolTable): Promise<PoolPlan> {
    this.desired = desired;
    this.started = true;
    this.stopped = false;
    const plan = await this.serialize(() => this.pass());
    return plan;
  }

  /** A new desired table; a pass follows after the debounce. */
  setDesired(desired: PoolTable): void {
    this.desired = desired;
    if (!this.started || this.stopped) return;
    this.schedule(this.opts.debounceMs ?? 5);
  }

  /** Resolves when no pass is pending or in flight. */
  idle(): Promise<void> {
    if (!this.timer && !this.running && !this.dirty) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /**
   * Stops the loop. Unless `keep`, removes what vigil owns (IPVS services of the config, the
   * nftables table's services), after any pass in flight.
   */
  async stop(opts: { keep?: boolean } = {}): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.dirty = false;
    if (this.running) await this.running.catch(() => undefined);
    if (!opts.keep && this.started) {
      this.desired = new Map();
      await this.serialize(() => this.pass());
    }
    this.started = false;
    this.flushWaiters();
  }

  private schedule(ms: number): void {
    this.dirty = true;
    if (this.timer || this.running) return; // the pass in flight takes it when it ends
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.serialize(() => this.pass(), true).catch(() => undefined);
    }, ms);
  }

  private async serialize(fn: () => Promise<PoolPlan>, retry = false): Promise<PoolPlan> {
    while (this.running) await this.running.catch(() => undefined);
    this.dirty = false;
    const p = fn();
    this.running = p.then(
      () => undefined,
      () => undefined,
    );
    try {
      return await p;
    } catch (err) {
      this.lastError = err;
      if (retry) {
        this.opts.onError?.(err);
        this.running = undefined;
        if (!this.stopped) this.schedule(this.opts.retryMs ?? 1000);
      }
      throw err;
    } finally {
      this.running = undefined;
      if (this.dirty && !this.stopped && !this.timer) {
        this.dirty = false;
        this.schedule(this.opts.debounceMs ?? 5);
      } else if (!this.timer && !this.dirty) this.flushWaiters();
    }
  }

  private flushWaiters(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  private owns(id: string): boolean {
    return this.ownership === 'table' || this.desired.has(id) || this.made.has(id);
  }

  private async pass(): Promise<PoolPlan> {
    this.passes++;
    const desired = this.desired;
    const kernel = await this.opts.backend.read();
    const current = filterTable(kernel, (id: string, _s: PoolService) => this.owns(id));
    const plan = planPool(current, desired);
    if (isEmptyPlan(plan)) return plan;
    await this.opts.backend.apply(plan);
    this.applies++;
    for (const s of plan.addServices) this.made.add(serviceIdOf(s.key));
    for (const k of plan.deleteServices) this.made.delete(serviceIdOf(k));
    this.opts.onApplied?.(plan);
    return plan;
  }
}
