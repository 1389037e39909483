import type { ScriptSpec } from '../config/schema/builders.js';
import { systemClock, type Clock } from '../kernel/clock.js';
import type { EventBus } from '../kernel/event-bus.js';
import type { PoolChangeEvent, VigilEvent } from '../kernel/events.js';
import type { Logger } from '../kernel/logger.js';
import { describeScriptEnd, ScriptRunner } from '../kernel/script-runner.js';
import type { Checker, CheckerDefinition, CheckResult, PluginServices } from '../plugin/define.js';
import { DeadlineHeap, type HeapItem } from './heap.js';
import { stableKey, type CheckerPlan, type CheckPlan, type RealServerPlan, type VirtualServerPlan } from './plan.js';

/*
 * The checker scheduler: one job per (real server, checker block), the same for every checker
 * plugin. Keepalived's rules (check_tcp.c tcp_epilog and the same pattern in every checker,
 * ipwrapper.c update_svr_checker_state / perform_svr_state / update_quorum_state):
 *
 * - one success puts a checker up; a failure while retries remain (retry_it < retry) is retried
 *   after delay_before_retry; the failure after the last retry puts it down; otherwise the next
 *   check is delay_loop after this one ended;
 * - a real server is alive when none of its checkers is down; alpha checkers start down;
 * - a live server leaves the pool (or, with inhibit_on_failure, gets weight 0) and its
 *   notify_down runs; it comes back with notify_up;
 * - quorum is gained when the live weight reaches quorum + hysteresis, and lost when it falls
 *   below quorum - hysteresis (or to 0), running quorum_up / quorum_down;
 * - omega: at shutdown the live servers' notify_down and the virtual server's quorum_down run.
 *
 * Deadlines are absolute (monotonic ms) in a min-heap with a single timer. Each check gets an
 * AbortController and a hard bound (maxDuration); a check that does not settle is aborted and
 * counted as failed, and never holds up another.
 */

export interface SchedulerOptions {
  /** The loaded checker definitions, by keyword. */
  readonly definition: (keyword: string) => CheckerDefinition | undefined;
  readonly log: Logger;
  readonly clock?: Clock;
  /** Where the scheduler's events go (the event bus, or the IPC channel of the checker process). */
  readonly emit: (event: VigilEvent) => void;
  /** For the plugins' services. */
  readonly events?: Pick<EventBus, 'on' | 'onAny'>;
  /** [0, 1): the warmup's random start; Math.random by default. */
  readonly random?: () => number;
  /** How long a notify or quorum script may run, ms (default 30 s). */
  readonly scriptTimeoutMs?: number;
  /** How long the shutdown (omega) scripts may run, ms (default 5 s). */
  readonly shutdownScriptTimeoutMs?: number;
}

interface VsState {
  plan: VirtualServerPlan;
  readonly servers: Map<string, RsState>;
  quorumUp: boolean;
}

interface RsState {
  plan: RealServerPlan;
  vs: VsState;
  jobs: Job[];
  alive: boolean;
  /** Checkers of this server that are down (Keepalived's num_failed_checkers). */
  numFailed: number;
  /** The weight in force: the configured one, or the last a checker set (misc_dynamic). */
  effectiveWeight: number;
  dynamicWeight: boolean;
}

interface Job extends HeapItem {
  plan: CheckerPlan;
  rs: RsState;
  readonly checker: Checker;
  isUp: boolean;
  hasRun: boolean;
  retryIt: number;
  /** The weight the checker last set (undefined: never). */
  lastWeight: number | null | undefined;
  running: AbortController | undefined;
  bound: NodeJS.Timeout | undefined;
  startedAt: number;
  gone: boolean;
}

export interface SchedulerStats {
  readonly jobs: number;
  readonly running: number;
  readonly checks: number;
  /** How late checks started after their deadline, ms, over the last samples. */
  readonly lateness: { readonly p50: number; readonly p99: number; readonly max: number; readonly samples: number };
}

const LATENESS_SAMPLES = 20000;
/** setTimeout's limit is 2^31-1 ms; longer waits are re-armed. */
const MAX_TIMER_MS = 2 ** 30;
const WEIGHT_MAX = 2147483647;

function now(): string {
  return new Date().toISOString();
}

export class CheckScheduler {
  private readonly clock: Clock;
  private readonly random: () => number;
  private readonly heap = new DeadlineHeap<Job>();
  private vss = new Map<string, VsState>();
  private runner: ScriptRunner;
  private readonly services = new Map<string, PluginServices>();
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Infinity;
  private stopped = false;
  private readonly scripts = new Set<Promise<unknown>>();
  private checks = 0;
  private readonly lateness = new Float64Array(LATENESS_SAMPLES);
  private latenessN = 0;
  private runningCount = 0;

  constructor(private readonly opts: SchedulerOptions) {
    this.clock = opts.clock ?? systemClock;
    this.random = opts.random ?? Math.random;
    this.runner = new ScriptRunner({ log: opts.log });
  }

  /** The script runner in force (script_user, enable_script_security of the current plan). */
  get scriptRunner(): ScriptRunner {
    return this.runner;
  }

  get jobCount(): number {
    let n = 0;
    for (const vs of this.vss.values()) for (const rs of vs.servers.values()) n += rs.jobs.length;
    return n;
  }

  /** Starts every checker of the plan, each after its random warmup. */
  start(plan: CheckPlan): void {
    this.runner = this.makeRunner(plan);
    this.checkScripts(plan);
    for (const vsPlan of plan.virtualServers) {
      const vs = this.initVs(vsPlan, plan);
      this.vss.set(vsPlan.key, vs);
    }
    this.arm();
  }

  /**
   * Applies a new plan: real servers and checkers that are the same keep their state and their
   * schedule; new ones start as at startup; those gone leave the pool (with notify_down when
   * they were alive), as Keepalived's reload does (clear_diff_services, migrate_checkers).
   */
  reload(plan: CheckPlan): void {
    if (this.stopped) return;
    this.runner = this.makeRunner(plan);
    this.checkScripts(plan);
    const next = new Map<string, VsState>();
    for (const vsPlan of plan.virtualServers) {
      const old = this.vss.get(vsPlan.key);
      if (!old) {
        next.set(vsPlan.key, this.initVs(vsPlan, plan));
        continue;
      }
      this.vss.delete(vsPlan.key);
      old.plan = vsPlan;
      const servers = new Map<string, RsState>();
      for (const rsPlan of vsPlan.realServers) {
        const rs = old.servers.get(rsPlan.key);
        if (!rs) {
          servers.set(rsPlan.key, this.initRs(rsPlan, old, plan, true));
          continue;
        }
        old.servers.delete(rsPlan.key);
        this.migrateRs(rs, rsPlan);
        servers.set(rsPlan.key, rs);
      }
      for (const rs of old.servers.values()) this.removeRs(rs, 'removed from the configuration');
      old.servers.clear();
      for (const [k, rs] of servers) old.servers.set(k, rs);
      this.updateQuorum(old);
      next.set(vsPlan.key, old);
    }
    for (const vs of this.vss.values()) {
      for (const rs of vs.servers.values()) this.removeRs(rs, 'virtual server removed from the configuration');
      if (vs.quorumUp) {
        vs.quorumUp = false;
        this.quorumEvent(vs, 0, false);
      }
    }
    this.vss = next;
    this.arm();
  }

  /**
   * Stops every check (aborting those running), runs the omega scripts, closes the checkers.
   * Resolves when the shutdown scripts have ended (or were killed at their timeout).
   */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.heap.clear();
    const closing: Promise<unknown>[] = [];
    const shutdownMs = this.opts.shutdownScriptTimeoutMs ?? 5000;
    for (const vs of this.vss.values()) {
      for (const rs of vs.servers.values()) {
        for (const job of rs.jobs) closing.push(this.dropJob(job));
        if (vs.plan.omega && rs.alive) {
          rs.alive = false;
          this.poolChange(rs, undefined, 'shutting down');
          if (rs.plan.notifyDown) this.runScript(rs.plan.notifyDown, `notify_down of ${rs.plan.name}`, shutdownMs);
        }
      }
      // Keepalived's update_vs_notifies(stopping): quorum_down at shutdown, with omega.
      if (vs.plan.omega) {
        vs.quorumUp = false;
        this.quorumEvent(vs, 0, true);
      } else vs.quorumUp = false;
    }
    await Promise.allSettled([...closing, ...this.scripts]);
    this.runner.killAll();
  }

  stats(): SchedulerStats {
    const n = Math.min(this.latenessN, LATENESS_SAMPLES);
    const sorted = Array.from(this.lateness.subarray(0, n)).sort((a, b) => a - b);
    const q = (p: number): number => (n ? (sorted[Math.min(n - 1, Math.floor(p * n))] as number) : 0);
    return {
      jobs: this.jobCount,
      running: this.runningCount,
      checks: this.checks,
      lateness: { p50: q(0.5), p99: q(0.99), max: n ? (sorted[n - 1] as number) : 0, samples: n },
    };
  }

  /** Forgets the lateness samples (the bench measures steady state). */
  resetStats(): void {
    this.latenessN = 0;
    this.checks = 0;
  }

  /** The state of every real server: for status output and tests. */
  snapshot(): { virtualServer: string; quorumUp: boolean; servers: { realServer: string; alive: boolean; weight: number; checkers: { checker: string; up: boolean; hasRun: boolean }[] }[] }[] {
    return [...this.vss.values()].map((vs) => ({
      virtualServer: vs.plan.name,
      quorumUp: vs.quorumUp,
      servers: [...vs.servers.values()].map((rs) => ({
        realServer: rs.plan.name,
        alive: rs.alive,
        weight: rs.effectiveWeight,
        checkers: rs.jobs.map((j) => ({ checker: j.plan.keyword, up: j.isUp, hasRun: j.hasRun })),
      })),
    }));
  }

  // ------------------------------------------------------------------------------------------
  // Setting up

  private makeRunner(plan: CheckPlan): ScriptRunner {
    const o = plan.options;
    return new ScriptRunner({ scriptSecurity: o.scriptSecurity, ...(o.scriptUser ? { scriptUser: o.scriptUser } : {}), log: this.opts.log });
  }

  /** Keepalived checks every script at start and reload; the refusals are logged now, not at the first transition. */
  private checkScripts(plan: CheckPlan): void {
    const check = (spec: ScriptSpec | undefined, what: string): void => {
      if (!spec) return;
      this.runner.prepare(spec).catch((err: unknown) => this.opts.log.error({ script: spec.command, code: (err as { code?: string }).code }, `${what} will not run: ${(err as Error).message}`));
    };
    for (const vs of plan.virtualServers) {
      check(vs.quorumUp, `quorum_up of virtual server ${vs.name}`);
      check(vs.quorumDown, `quorum_down of virtual server ${vs.name}`);
      for (const rs of vs.realServers) {
        check(rs.notifyUp, `notify_up of real server ${rs.name}`);
        check(rs.notifyDown, `notify_down of real server ${rs.name}`);
      }
    }
  }

  private servicesFor(keyword: string): PluginServices {
    let s = this.services.get(keyword);
    if (!s) {
      const runner = (): ScriptRunner => this.runner;
      s = {
        log: this.opts.log.child({ checker: keyword }),
        clock: this.clock,
        events: this.opts.events ?? { on: () => () => undefined, onAny: () => () => undefined },
        scripts: { run: (cmd, o) => runner().run(cmd, o) },
      };
      this.services.set(keyword, s);
    }
    return s;
  }

  private makeJob(plan: CheckerPlan, rs: RsState): Job | undefined {
    if (plan.disabled) {
      this.opts.log.error({ realServer: rs.plan.name, checker: plan.keyword }, plan.disabled);
      return undefined;
    }
    const def = this.opts.definition(plan.keyword);
    if (!def) {
      this.opts.log.error({ realServer: rs.plan.name, checker: plan.keyword }, `no plugin provides ${plan.keyword}: this checker of ${rs.plan.name} does not run`);
      return undefined;
    }
    let checker: Checker;
    try {
      checker = def.create(plan.config, this.servicesFor(plan.keyword));
    } catch (err) {
      this.opts.log.error({ err, realServer: rs.plan.name, checker: plan.keyword }, `${plan.keyword} could not be set up for ${rs.plan.name}: ${(err as Error).message}`);
      return undefined;
    }
    return {
      plan,
      rs,
      checker,
      isUp: !plan.alpha,
      hasRun: false,
      retryIt: 0,
      lastWeight: undefined,
      running: undefined,
      bound: undefined,
      startedAt: 0,
      gone: false,
      deadline: 0,
      heapIndex: -1,
    };
  }

  private initVs(plan: VirtualServerPlan, whole: CheckPlan): VsState {
    const vs: VsState = { plan, servers: new Map(), quorumUp: false };
    for (const rsPlan of plan.realServers) vs.servers.set(rsPlan.key, this.initRs(rsPlan, vs, whole, false));
    // set_quorum_states: the starting quorum state, without scripts.
    vs.quorumUp = this.liveWeight(vs) >= plan.quorum + plan.hysteresis;
    return vs;
  }

  /** A real server as at startup: in the pool unless an alpha checker holds it out. */
  private initRs(plan: RealServerPlan, vs: VsState, whole: CheckPlan, reloading: boolean): RsState {
    const rs: RsState = { plan, vs, jobs: [], alive: false, numFailed: 0, effectiveWeight: plan.weight, dynamicWeight: false };
    for (const cp of plan.checkers) {
      const job = this.makeJob(cp, rs);
      if (!job) continue;
      rs.jobs.push(job);
      if (!job.isUp) rs.numFailed++;
      this.schedule(job, this.clock.monotonicMs() + this.random() * cp.warmup * 1000);
    }
    rs.alive = rs.numFailed === 0;
    if (rs.alive || plan.inhibit) this.poolChange(rs, undefined, reloading ? 'added by a reload' : 'initial state', 'added');
    if (rs.alive && whole.options.rsInitNotifies && plan.notifyUp) this.runScript(plan.notifyUp, `notify_up of ${plan.name}`);
    return rs;
  }

  /** Keeps a real server across a reload: same checkers keep their state and schedule. */
  private migrateRs(rs: RsState, plan: RealServerPlan): void {
    const old = rs.jobs;
    const unused = new Set(old);
    const byKey = new Map<string, Job[]>();
    for (const j of old) {
      const k = stableKey(j.plan);
      const list = byKey.get(k) ?? [];
      list.push(j);
      byKey.set(k, list);
    }
    const weightChanged = plan.weight !== rs.plan.weight;
    rs.plan = plan;
    const jobs: Job[] = [];
    for (const cp of plan.checkers) {
      const same = byKey.get(stableKey(cp))?.find((j) => unused.has(j));
      if (same) {
        unused.delete(same);
        same.plan = cp;
        jobs.push(same);
        continue;
      }
      const job = this.makeJob(cp, rs);
      if (!job) continue;
      jobs.push(job);
      this.schedule(job, this.clock.monotonicMs() + this.random() * cp.warmup * 1000);
    }
    for (const j of unused) void this.dropJob(j);
    rs.jobs = jobs;
    // migrate_checkers: a server with a failed checker keeps new alpha checkers down until they run.
    rs.numFailed = jobs.filter((j) => !j.isUp).length;
    if (!rs.dynamicWeight && weightChanged) this.setWeight(rs, plan.weight, 'weight changed by a reload');
    if (rs.numFailed === 0 && !rs.alive) this.performSvrState(rs, true, undefined, 'all checkers up after a reload');
    else if (rs.numFailed > 0 && rs.alive) this.performSvrState(rs, false, undefined, 'a checker is down after a reload');
  }

  /** A real server leaves (reload): out of the pool, with notify_down when it was alive (clear_service_rs). */
  private removeRs(rs: RsState, why: string): void {
    for (const j of rs.jobs) void this.dropJob(j);
    rs.jobs = [];
    if (rs.alive || rs.plan.inhibit) {
      const wasAlive = rs.alive;
      rs.alive = false;
      this.emitPool(rs, 'removed', false, rs.effectiveWeight, undefined, why);
      if (wasAlive && rs.plan.notifyDown) this.runScript(rs.plan.notifyDown, `notify_down of ${rs.plan.name}`);
    }
  }

  private async dropJob(job: Job): Promise<void> {
    job.gone = true;
    this.heap.remove(job);
    this.cancel(job);
    try {
      await job.checker.close?.();
    } catch (err) {
      this.opts.log.warn({ err, checker: job.plan.keyword }, 'checker failed to close');
    }
  }

  // ------------------------------------------------------------------------------------------
  // Timing

  private schedule(job: Job, deadline: number): void {
    if (this.stopped || job.gone) return;
    job.deadline = deadline;
    this.heap.push(job);
    if (deadline < this.timerAt) this.arm();
  }

  private arm(): void {
    if (this.stopped) return;
    const top = this.heap.peek();
    if (!top) {
      if (this.timer) clearTimeout(this.timer);
      this.timer = undefined;
      this.timerAt = Infinity;
      return;
    }
    if (this.timer && this.timerAt <= top.deadline) return;
    if (this.timer) clearTimeout(this.timer);
    const wait = Math.min(MAX_TIMER_MS, Math.max(0, top.deadline - this.clock.monotonicMs()));
    this.timerAt = top.deadline;
    this.timer = setTimeout(this.tick, Math.ceil(wait));
  }

  private readonly tick = (): void => {
    this.timer = undefined;
    this.timerAt = Infinity;
    // libuv may fire a timer up to a millisecond early.
    const t = this.clock.monotonicMs() + 1;
    for (let job = this.heap.peek(); job && job.deadline <= t; job = this.heap.peek()) {
      this.heap.pop();
      this.launch(job);
    }
    this.arm();
  };

  // ------------------------------------------------------------------------------------------
  // One check

  private launch(job: Job): void {
    if (job.running || job.gone) return;
    const start = this.clock.monotonicMs();
    const late = Math.max(0, start - job.deadline);
    this.lateness[this.latenessN % LATENESS_SAMPLES] = late;
    this.latenessN++;
    const ac = new AbortController();
    job.running = ac;
    job.startedAt = start;
    this.runningCount++;
    const limit = job.plan.maxDuration;
    job.bound = setTimeout(() => {
      ac.abort(new Error(`no result within ${limit}s`));
      this.settle(job, ac, { ok: false, detail: `no result within ${limit}s: the check was aborted`, latencyMs: this.clock.monotonicMs() - start });
    }, limit * 1000);
    let p: Promise<CheckResult>;
    try {
      p = job.checker.check(job.plan.target, ac.signal);
    } catch (err) {
      p = Promise.reject(err);
    }
    p.then(
      (r) => this.settle(job, ac, r),
      (err: unknown) => this.settle(job, ac, { ok: false, detail: `${job.plan.keyword} failed: ${err instanceof Error ? err.message : String(err)}`, latencyMs: this.clock.monotonicMs() - start }),
    );
  }

  private cancel(job: Job): void {
    const ac = job.running;
    if (!ac) return;
    job.running = undefined;
    this.runningCount--;
    if (job.bound) clearTimeout(job.bound);
    job.bound = undefined;
    ac.abort(new Error('check cancelled'));
  }

  private settle(job: Job, ac: AbortController, r: CheckResult): void {
    if (job.running !== ac) return; // cancelled, or settled already (abort, then a late result)
    job.running = undefined;
    this.runningCount--;
    if (job.bound) clearTimeout(job.bound);
    job.bound = undefined;
    if (job.gone || this.stopped) return;
    this.onResult(job, r);
  }

  private onResult(job: Job, r: CheckResult): void {
    this.checks++;
    const rs = job.rs;
    const vs = rs.vs;
    this.opts.emit({ type: 'check.result', time: now(), virtualServer: vs.plan.name, realServer: rs.plan.name, checker: job.plan.keyword, ok: r.ok, detail: r.detail, latencyMs: r.latencyMs });

    if (r.ok && r.weight !== undefined && r.weight !== job.lastWeight) {
      job.lastWeight = r.weight;
      const w = r.weight === null ? rs.plan.weight : Math.max(0, Math.min(WEIGHT_MAX, Math.trunc(r.weight)));
      rs.dynamicWeight = r.weight !== null;
      this.setWeight(rs, w, `${job.plan.keyword}: ${r.detail}`, job.plan.keyword);
    }
    if (!r.ok && job.isUp && job.plan.logAllFailures) {
      this.opts.log.info({ virtualServer: vs.plan.name, realServer: rs.plan.name, checker: job.plan.keyword }, `${job.plan.keyword} of ${rs.plan.name} failed: ${r.detail}`);
    }

    let delay: number;
    if (r.ok || job.retryIt >= job.plan.retry) {
      delay = job.plan.delayLoop;
      job.retryIt = 0;
      if (r.ok && (!job.isUp || !job.hasRun)) this.updateCheckerState(job, true, r);
      else if (!r.ok && (job.isUp || !job.hasRun)) this.updateCheckerState(job, false, r);
    } else {
      delay = job.plan.delayBeforeRetry;
      job.retryIt++;
    }
    job.hasRun = true;
    this.schedule(job, this.clock.monotonicMs() + delay * 1000);
  }

  // ------------------------------------------------------------------------------------------
  // State (ipwrapper.c)

  private updateCheckerState(job: Job, alive: boolean, r: CheckResult): void {
    const rs = job.rs;
    if (job.isUp === alive) {
      if (!job.hasRun) {
        // An alpha checker's first verdict, or a first failure: Keepalived notifies the state.
        if (job.plan.alpha || !alive) this.rsNotifies(rs);
        job.hasRun = true;
      }
      return;
    }
    job.hasRun = true;
    const what = `${job.plan.keyword} ${alive ? 'succeeded' : job.plan.retry ? `failed after ${job.plan.retry} ${job.plan.retry === 1 ? 'retry' : 'retries'}` : 'failed'}: ${r.detail}`;
    this.opts.log.info({ virtualServer: rs.vs.plan.name, realServer: rs.plan.name, checker: job.plan.keyword, up: alive }, `${rs.plan.name} (VS ${rs.vs.plan.name}): ${what}`);
    if (alive) {
      if (rs.numFailed <= 1) this.performSvrState(rs, true, job.plan.keyword, what);
    } else if (rs.numFailed === 0) this.performSvrState(rs, false, job.plan.keyword, what);
    job.isUp = alive;
    if (!alive) rs.numFailed++;
    else if (rs.numFailed > 0) rs.numFailed--;
  }

  private performSvrState(rs: RsState, alive: boolean, checker: string | undefined, detail: string): void {
    if (rs.alive === alive) return;
    rs.alive = alive;
    this.opts.log.info(
      { virtualServer: rs.vs.plan.name, realServer: rs.plan.name },
      `${alive ? (rs.plan.inhibit ? 'Enabling' : 'Adding') : rs.plan.inhibit ? 'Disabling' : 'Removing'} service ${rs.plan.name} ${rs.plan.inhibit ? 'of' : alive ? 'to' : 'from'} VS ${rs.vs.plan.name}`,
    );
    this.poolChange(rs, checker, detail);
    this.rsNotifies(rs);
    this.updateQuorum(rs.vs);
  }

  private setWeight(rs: RsState, weight: number, detail: string, checker?: string): void {
    if (weight === rs.effectiveWeight) return;
    this.opts.log.info({ virtualServer: rs.vs.plan.name, realServer: rs.plan.name }, `Changing weight from ${rs.effectiveWeight} to ${weight} for ${rs.alive ? '' : 'in'}active service ${rs.plan.name} of VS ${rs.vs.plan.name}`);
    rs.effectiveWeight = weight;
    if (rs.alive) this.emitPool(rs, 'weight', true, weight, checker, detail);
    this.updateQuorum(rs.vs);
  }

  /** The pool change of a server's state: in or out, or with inhibit_on_failure its weight to 0 and back. */
  private poolChange(rs: RsState, checker: string | undefined, detail: string, change?: PoolChangeEvent['change']): void {
    if (rs.plan.inhibit) {
      this.emitPool(rs, change ?? 'weight', rs.alive, rs.alive ? rs.effectiveWeight : 0, checker, detail);
    } else {
      this.emitPool(rs, change ?? (rs.alive ? 'added' : 'removed'), rs.alive, rs.effectiveWeight, checker, detail);
    }
  }

  private emitPool(rs: RsState, change: PoolChangeEvent['change'], up: boolean, weight: number, checker: string | undefined, detail: string): void {
    this.opts.emit({
      type: 'pool.change',
      time: now(),
      virtualServer: rs.vs.plan.name,
      realServer: rs.plan.name,
      change,
      up,
      weight,
      ...(checker !== undefined ? { checker } : {}),
      detail,
    });
  }

  private rsNotifies(rs: RsState): void {
    const script = rs.alive ? rs.plan.notifyUp : rs.plan.notifyDown;
    if (script) this.runScript(script, `${rs.alive ? 'notify_up' : 'notify_down'} of ${rs.plan.name}`);
  }

  private liveWeight(vs: VsState): number {
    let sum = 0;
    for (const rs of vs.servers.values()) if (rs.alive) sum += rs.effectiveWeight;
    return sum;
  }

  /** update_quorum_state: gained at quorum + hysteresis, lost below quorum - hysteresis or at 0. */
  private updateQuorum(vs: VsState): void {
    const sum = this.liveWeight(vs);
    const { quorum, hysteresis } = vs.plan;
    const threshold = quorum + (vs.quorumUp ? -1 : 1) * hysteresis;
    if (!vs.quorumUp && sum >= threshold) {
      vs.quorumUp = true;
      this.opts.log.info({ virtualServer: vs.plan.name }, `Gained quorum ${quorum}+${hysteresis}=${threshold} <= ${sum} for VS ${vs.plan.name}`);
      this.quorumEvent(vs, sum, false);
    } else if (vs.quorumUp && (sum === 0 || sum < threshold)) {
      vs.quorumUp = false;
      this.opts.log.info({ virtualServer: vs.plan.name }, `Lost quorum ${quorum}-${hysteresis}=${threshold} > ${sum} for VS ${vs.plan.name}`);
      this.quorumEvent(vs, sum, false);
    }
  }

  private quorumEvent(vs: VsState, alive: number, stopping: boolean): void {
    this.opts.emit({ type: 'pool.quorum', time: now(), virtualServer: vs.plan.name, up: vs.quorumUp, alive, quorum: vs.plan.quorum });
    const script = vs.quorumUp ? vs.plan.quorumUp : vs.plan.quorumDown;
    if (script) this.runScript(script, `${vs.quorumUp ? 'quorum_up' : 'quorum_down'} of VS ${vs.plan.name}`, stopping ? this.opts.shutdownScriptTimeoutMs ?? 5000 : undefined);
  }

  private runScript(spec: ScriptSpec, what: string, timeoutMs = this.opts.scriptTimeoutMs ?? 30000): void {
    const p = this.runner.run(spec, { timeoutMs }).then((end) => {
      if (end.kind === 'exit' && end.code === 0) {
        this.opts.log.debug({ script: spec.command }, `${what} ran`);
        return;
      }
      const level = end.kind === 'refused' ? 'error' : 'warn';
      this.opts.log[level]({ script: spec.command, ...(end.kind === 'refused' ? { code: end.error.code } : {}) }, `${what} (${spec.command}) ${describeScriptEnd(end)}`);
    });
    this.scripts.add(p);
    void p.finally(() => this.scripts.delete(p));
  }
}
