import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { VigilConfig } from '../../config/keywords/root.js';
import type { EventBus } from '../../kernel/event-bus.js';
import type { Service } from '../../kernel/kernel.js';
import type { Logger } from '../../kernel/logger.js';
import type { FromVrrpChild, ToVrrpChild, VrrpChildSetup } from './messages.js';

export interface VrrpServiceOptions {
  /** The configuration in force (read at each start). */
  readonly config: () => VigilConfig | undefined;
  readonly bus: EventBus;
  readonly log: Logger;
  readonly logLevel?: string;
  /** The first restart waits this long, doubling up to `max` (ms). Default 1 s .. 30 s. */
  readonly restartDelayMs?: { readonly initial: number; readonly max: number };
  /** A child that lived this long is healthy again (ms, default 60 s). */
  readonly healthyAfterMs?: number;
  /** How long the child has to send its priority 0 adverts and remove its VIPs (ms, default 10 s). */
  readonly stopTimeoutMs?: number;
  /** The child's entry module (default: vrrp-child.js next to this one). */
  readonly entry?: string;
}

/**
 * Runs the vrrp_instances in a process of their own (Keepalived's VRRP child): forks it, hands it the VRRP part
 * of the configuration, turns its reports into vrrp.state / vrrp.priority events, restarts it with backoff if
 * it dies, and on stop lets it release its virtual routers (priority 0, VIPs removed) before it exits.
 */
export class VrrpService implements Service {
  readonly name = 'vrrp';
  private child: ChildProcess | undefined;
  private stopping = false;
  private restartTimer: NodeJS.Timeout | undefined;
  private delay: number;
  private startedAt = 0;
  private restartCount = 0;

  constructor(private readonly opts: VrrpServiceOptions) {
    this.delay = opts.restartDelayMs?.initial ?? 1000;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get restarts(): number {
    return this.restartCount;
  }

  private setup(): VrrpChildSetup | undefined {
    const config = this.opts.config();
    const instances = config?.vrrp_instance ?? [];
    if (instances.length === 0) return undefined;
    return { instances, globals: config?.global_defs, logLevel: this.opts.logLevel ?? this.opts.log.level };
  }

  async start(): Promise<void> {
    this.stopping = false;
    if (!this.setup()) {
      this.opts.log.debug('no vrrp_instance: no VRRP process');
      return;
    }
    await this.spawn();
  }

  /** Changes to the VRRP configuration take effect at the next restart; the running instances are kept. */
  async reload(_config: unknown): Promise<void> {
    if (this.child || this.setup()) this.opts.log.warn('the VRRP process does not take configuration changes on reload yet: restart vigil to apply VRRP changes');
    await Promise.resolve();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = undefined;
    await this.stopChild();
  }

  private spawn(): Promise<void> {
    const setup = this.setup();
    if (!setup || this.stopping) return Promise.resolve();
    const entry = this.opts.entry ?? fileURLToPath(new URL('./vrrp-child.js', import.meta.url));
    const child = fork(entry, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], serialization: 'advanced', execArgv: [] });
    this.child = child;
    this.startedAt = Date.now();
    const { log } = this.opts;
    return new Promise<void>((resolve, reject) => {
      let ready = false;
      child.on('message', (m: FromVrrpChild) => {
        switch (m.type) {
          case 'ready':
            ready = true;
            log.info({ pid: child.pid, running: m.running, failed: m.failed }, 'VRRP process ready');
            resolve();
            break;
          case 'events':
            for (const e of m.events) this.opts.bus.emit(e);
            break;
          case 'fatal':
            log.error({ pid: child.pid }, `VRRP process failed: ${m.message}`);
            break;
          case 'stopped':
            break;
        }
      });
      child.once('exit', (code, signal) => {
        if (this.child === child) this.child = undefined;
        if (this.stopping) return;
        const lived = Date.now() - this.startedAt;
        if (lived >= (this.opts.healthyAfterMs ?? 60000)) this.delay = this.opts.restartDelayMs?.initial ?? 1000;
        const how = signal ? `killed by ${signal}` : `exited with status ${code}`;
        log.error({ pid: child.pid, code, signal, livedMs: lived }, `VRRP process ${how}; restarting it in ${this.delay} ms`);
        if (!ready) reject(new Error(`the VRRP process ${how} before it was ready`));
        this.restartTimer = setTimeout(() => {
          this.restartTimer = undefined;
          this.restartCount++;
          this.spawn().catch((err: unknown) => log.error({ err }, 'VRRP process restart failed'));
        }, this.delay);
        this.delay = Math.min(this.delay * 2, this.opts.restartDelayMs?.max ?? 30000);
      });
      child.send({ type: 'start', ...setup } satisfies ToVrrpChild);
      log.debug({ pid: child.pid, instances: setup.instances.length }, 'VRRP process forked');
    });
  }

  private stopChild(): Promise<void> {
    const child = this.child;
    if (!child) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.opts.log.warn({ pid: child.pid }, 'the VRRP process did not stop in time: killing it');
        child.kill('SIGKILL');
      }, this.opts.stopTimeoutMs ?? 10000);
      child.once('exit', () => {
        clearTimeout(timer);
        this.child = undefined;
        resolve();
      });
      if (child.connected) child.send({ type: 'stop' } satisfies ToVrrpChild);
      else child.kill('SIGTERM');
    });
  }
}
