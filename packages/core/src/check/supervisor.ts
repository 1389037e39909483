import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { VigilConfig } from '../config/keywords/root.js';
import type { EventBus } from '../kernel/event-bus.js';
import type { Service } from '../kernel/kernel.js';
import type { Logger } from '../kernel/logger.js';
import type { PluginRegistry } from '../plugin/registry.js';
import type { ChildStats, FromChild, ToChild } from './messages.js';
import { buildCheckPlan, countCheckers, type CheckPlan } from './plan.js';

export interface CheckerSupervisorOptions {
  /** The configuration in force (re-read at each start and reload). */
  readonly config: () => VigilConfig | undefined;
  /** The plugin registry of that configuration (its checker plugins are loaded). */
  readonly registry: () => PluginRegistry;
  readonly bus: EventBus;
  readonly log: Logger;
  readonly logLevel?: string;
  /** The first restart waits this long, doubling up to `max` (ms). Default 1 s .. 30 s. */
  readonly restartDelayMs?: { readonly initial: number; readonly max: number };
  /** A child that lived this long is healthy again: the next restart waits the initial delay. Default 60 s. */
  readonly healthyAfterMs?: number;
  /** How long to wait for the child to be ready (ms, default 30 s). */
  readonly readyTimeoutMs?: number;
  /** How long the child has to stop (omega scripts included) before SIGKILL (ms, default 10 s). */
  readonly stopTimeoutMs?: number;
  /** The child's entry module (default: this package's check/child.js). */
  readonly entry?: string;
}

/**
 * Runs the checkers in a child process of their own (Keepalived's checker child), so that a
 * slow or crashing checker never touches the VRRP loop or the supervisor. The child gets its
 * part of the configuration over IPC and sends back check.result, pool.change and pool.quorum
 * events, which are emitted on the event bus. A child that dies is restarted with backoff; a
 * reload hands it the new plan and it keeps the state of the real servers that did not change.
 */
export class CheckerSupervisor implements Service {
  readonly name = 'checkers';
  private child: ChildProcess | undefined;
  private plan: CheckPlan | undefined;
  private stopping = false;
  private restartTimer: NodeJS.Timeout | undefined;
  private delay: number;
  private startedAt = 0;
  private statsId = 0;
  private readonly pendingStats = new Map<number, (s: ChildStats) => void>();
  private restartCount = 0;

  constructor(private readonly opts: CheckerSupervisorOptions) {
    this.delay = opts.restartDelayMs?.initial ?? 1000;
  }

  /** The checker process's pid, while one runs. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** How many times the checker process was restarted after dying. */
  get restarts(): number {
    return this.restartCount;
  }

  private buildPlan(): CheckPlan | undefined {
    const config = this.opts.config();
    if (!config) return undefined;
    const registry = this.opts.registry();
    return buildCheckPlan(config, (kw) => registry.definition('checker', kw));
  }

  async start(): Promise<void> {
    this.stopping = false;
    this.plan = this.buildPlan();
    if (!this.plan || this.plan.virtualServers.length === 0) {
      this.opts.log.debug('no virtual servers: no checker process');
      return;
    }
    await this.spawn();
  }

  async reload(_config: unknown): Promise<void> {
    this.plan = this.buildPlan();
    if (!this.plan || this.plan.virtualServers.length === 0) {
      if (this.child) {
        this.opts.log.info('the configuration has no virtual servers any more: stopping the checker process');
        await this.stopChild();
      }
      return;
    }
    if (!this.child) {
      if (!this.restartTimer) await this.spawn();
      return; // a pending restart takes the new plan
    }
    this.send({ type: 'reload', ...this.setup(this.plan) });
  }

  async stop(): Promise<void> {
    this.stopping = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = undefined;
    await this.stopChild();
  }

  /** Asks the checker process for its figures (CPU, checks, lateness, event-loop delay). */
  stats(reset = false): Promise<ChildStats | undefined> {
    if (!this.child) return Promise.resolve(undefined);
    const id = ++this.statsId;
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.pendingStats.delete(id);
        resolve(undefined);
      }, 10000);
      this.pendingStats.set(id, (s) => {
        clearTimeout(t);
        resolve(s);
      });
      this.send({ type: 'stats', id, reset });
    });
  }

  private setup(plan: CheckPlan): { plan: CheckPlan; plugins: PluginRegistry['plugins']; logLevel: string } {
    return { plan, plugins: this.opts.registry().plugins, logLevel: this.opts.logLevel ?? this.opts.log.level };
  }

  private send(m: ToChild): void {
    const c = this.child;
    if (c?.connected) c.send(m, (err) => err && this.opts.log.warn({ err }, 'could not reach the checker process'));
  }

  private spawn(): Promise<void> {
    const plan = this.plan;
    if (!plan || this.stopping) return Promise.resolve();
    const entry = this.opts.entry ?? fileURLToPath(new URL('./child.js', import.meta.url));
    const child = fork(entry, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], serialization: 'advanced', execArgv: [] });
    this.child = child;
    this.startedAt = Date.now();
    const readyMs = this.opts.readyTimeoutMs ?? 30000;
    return new Promise<void>((resolve, reject) => {
      let ready = false;
      const timer = setTimeout(() => {
        if (ready) return;
        this.opts.log.error({ pid: child.pid }, `the checker process was not ready within ${readyMs} ms: killing it`);
        child.kill('SIGKILL');
      }, readyMs);
      child.on('message', (m: FromChild) => {
        switch (m.type) {
          case 'ready':
            ready = true;
            clearTimeout(timer);
            this.opts.log.info({ pid: child.pid, checkers: m.jobs }, 'checker process ready');
            resolve();
            break;
          case 'reloaded':
            this.opts.log.info({ pid: child.pid, checkers: m.jobs }, 'checker process took the new configuration');
            break;
          case 'events':
            for (const e of m.events) this.opts.bus.emit(e);
            break;
          case 'stats':
            this.pendingStats.get(m.id)?.(m.stats);
            this.pendingStats.delete(m.id);
            break;
          case 'fatal':
            this.opts.log.error({ pid: child.pid }, `checker process failed: ${m.message}`);
            break;
          case 'stopped':
            break;
        }
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        if (this.child === child) this.child = undefined;
        if (this.stopping) return;
        const lived = Date.now() - this.startedAt;
        if (lived >= (this.opts.healthyAfterMs ?? 60000)) this.delay = this.opts.restartDelayMs?.initial ?? 1000;
        const how = signal ? `killed by ${signal}` : `exited with status ${code}`;
        this.opts.log.error({ pid: child.pid, code, signal, livedMs: lived }, `checker process ${how}; restarting it in ${this.delay} ms`);
        if (!ready) reject(new Error(`the checker process ${how} before it was ready`));
        this.restartTimer = setTimeout(() => {
          this.restartTimer = undefined;
          this.restartCount++;
          this.spawn().catch((err: unknown) => this.opts.log.error({ err }, 'checker process restart failed'));
        }, this.delay);
        this.delay = Math.min(this.delay * 2, this.opts.restartDelayMs?.max ?? 30000);
      });
      child.send({ type: 'start', ...this.setup(plan) } satisfies ToChild);
      this.opts.log.debug({ pid: child.pid, checkers: countCheckers(plan) }, 'checker process forked');
    });
  }

  private stopChild(): Promise<void> {
    const child = this.child;
    if (!child) return Promise.resolve();
    const wasStopping = this.stopping;
    this.stopping = true;
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.opts.log.warn({ pid: child.pid }, 'the checker process did not stop in time: killing it');
        child.kill('SIGKILL');
      }, this.opts.stopTimeoutMs ?? 10000);
      child.once('exit', () => {
        clearTimeout(timer);
        this.child = undefined;
        this.stopping = wasStopping;
        resolve();
      });
      if (child.connected) child.send({ type: 'stop' } satisfies ToChild);
      else child.kill('SIGTERM');
    });
  }
}
