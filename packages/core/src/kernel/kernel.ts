import 'reflect-metadata';
import { container as rootContainer, type DependencyContainer } from 'tsyringe';
import { systemClock, type Clock } from './clock.js';
import { EventBus } from './event-bus.js';
import type { LifecyclePhase } from './events.js';
import type { Logger } from './logger.js';
import { Tokens } from './tokens.js';

/** A long-running part of the daemon (the VRRP child's supervisor, the pool manager, notifiers). */
export interface Service {
  readonly name: string;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Takes a new, already validated configuration. Throwing keeps the old one in force. */
  reload?(config: unknown): Promise<void>;
}

export interface KernelOptions {
  readonly log: Logger;
  readonly clock?: Clock;
  /** The validated configuration model to start with. */
  readonly config: unknown;
}

/**
 * The daemon's core: a DI container holding the logger, clock, event bus and configuration,
 * and the ordered lifecycle of its services. Services start in registration order and stop in
 * reverse; a service that fails to start stops the ones already started.
 */
export class Kernel {
  readonly container: DependencyContainer;
  readonly events: EventBus;
  private readonly services: Service[] = [];
  private started: Service[] = [];
  private config: unknown;

  constructor(private readonly opts: KernelOptions) {
    this.container = rootContainer.createChildContainer();
    this.events = new EventBus(opts.log);
    this.config = opts.config;
    this.container.registerInstance(Tokens.Logger, opts.log);
    this.container.registerInstance(Tokens.Clock, opts.clock ?? systemClock);
    this.container.registerInstance(Tokens.EventBus, this.events);
    this.container.registerInstance(Tokens.Config, opts.config);
  }

  get log(): Logger {
    return this.opts.log;
  }

  get currentConfig(): unknown {
    return this.config;
  }

  addService(service: Service): void {
    this.services.push(service);
  }

  async start(): Promise<void> {
    this.lifecycle('starting');
    for (const s of this.services) {
      try {
        await s.start();
        this.started.push(s);
        this.log.debug({ service: s.name }, 'service started');
      } catch (err) {
        this.log.error({ err, service: s.name }, 'service failed to start; stopping the others');
        await this.stop();
        throw err;
      }
    }
    this.lifecycle('started');
  }

  /** Stops every started service, in reverse order; one failing to stop does not stop the rest. */
  async stop(): Promise<void> {
    this.lifecycle('stopping');
    for (const s of [...this.started].reverse()) {
      try {
        await s.stop();
      } catch (err) {
        this.log.error({ err, service: s.name }, 'service failed to stop cleanly');
      }
    }
    this.started = [];
    this.lifecycle('stopped');
  }

  /**
   * Applies a configuration that `load` produces. If loading or any service's reload fails,
   * the running configuration stays in force and the failure is logged and emitted.
   */
  async reload(load: () => Promise<unknown>): Promise<boolean> {
    this.lifecycle('reloading');
    let next: unknown;
    try {
      next = await load();
    } catch (err) {
      this.log.error({ err }, 'reload failed: the new configuration is invalid; keeping the running one');
      this.lifecycle('reload-failed', err instanceof Error ? err.message : String(err));
      return false;
    }
    for (const s of this.started) {
      if (!s.reload) continue;
      try {
        await s.reload(next);
      } catch (err) {
        this.log.error({ err, service: s.name }, 'service rejected the new configuration');
        this.lifecycle('reload-failed', `${s.name}: ${err instanceof Error ? err.message : String(err)}`);
        return false;
      }
    }
    this.config = next;
    this.container.registerInstance(Tokens.Config, next);
    this.lifecycle('reloaded');
    return true;
  }

  private lifecycle(phase: LifecyclePhase, detail?: string): void {
    this.log.info({ phase, ...(detail ? { detail } : {}) }, `daemon ${phase}`);
    this.events.emit({ type: 'daemon.lifecycle', phase, time: new Date().toISOString(), ...(detail ? { detail } : {}) });
  }
}
