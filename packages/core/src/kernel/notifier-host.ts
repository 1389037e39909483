import type { NotifierBlock, VigilConfig } from '../config/keywords/root.js';
import type { Notifier, PluginServices } from '../plugin/define.js';
import type { PluginRegistry } from '../plugin/registry.js';
import type { Clock } from './clock.js';
import type { EventBus } from './event-bus.js';
import type { Service } from './kernel.js';
import { emailBlockFromGlobalDefs } from './keepalived-email.js';
import type { Logger } from './logger.js';

interface Running {
  readonly type: string;
  readonly notifier: Notifier;
  readonly unsubscribe: () => void;
}

/**
 * Runs the notifiers configured with `notifier NAME { }`: creates each through its plugin and
 * hands it the events it asked for. A notifier that throws is logged, never propagated.
 */
export class NotifierHost implements Service {
  readonly name = 'notifiers';
  private running: Running[] = [];

  constructor(
    private readonly blocks: () => readonly NotifierBlock[],
    private readonly registry: PluginRegistry,
    private readonly bus: EventBus,
    private readonly log: Logger,
    private readonly clock: Clock,
    /** global_defs router_id, else the host name, as the configuration in force says. */
    private readonly routerId: () => string,
    /**
     * The configuration in force. When given, Keepalived's global_defs mail settings
     * (smtp_server, notification_email, ...) run the email notifier as if a
     * `notifier email { }` block said the same (see keepalived-email.ts).
     */
    private readonly config?: () => VigilConfig | undefined,
  ) {}

  /** The blocks run: the configured ones, and the email one global_defs implies. */
  private allBlocks(): NotifierBlock[] {
    const blocks = [...this.blocks()];
    const derived = this.config ? emailBlockFromGlobalDefs(this.config()) : undefined;
    if (derived && !blocks.some((b) => b.type === 'email')) {
      if (this.registry.definition('notifier', 'email')) blocks.push(derived);
      else this.log.warn('global_defs sets smtp_server and notification_email, but no email notifier plugin is installed: no e-mail alerts');
    }
    return blocks;
  }

  async start(): Promise<void> {
    for (const block of this.allBlocks()) {
      const def = this.registry.definition('notifier', block.type);
      if (!def) throw new Error(`notifier '${block.type}' has no loaded plugin`);
      const log = this.log.child({ notifier: block.type });
      const services: PluginServices = { log, clock: this.clock, events: this.bus, routerId: this.routerId() };
      let notifier: Notifier;
      try {
        notifier = def.create(block.config, services);
      } catch (err) {
        // One notifier that cannot start (an unreadable ca_file, say) must not keep the daemon down.
        log.error({ err }, `notifier '${block.type}' could not be created; the daemon runs without it`);
        continue;
      }
      const wanted = def.events ? new Set(def.events) : undefined;
      const unsubscribe = this.bus.onAny((e) => {
        if (wanted && !wanted.has(e.type)) return;
        try {
          notifier.handle(e);
        } catch (err) {
          log.error({ err, event: e.type }, 'notifier failed to take an event');
        }
      });
      this.running.push({ type: block.type, notifier, unsubscribe });
    }
  }

  async stop(): Promise<void> {
    const running = this.running;
    this.running = [];
    for (const r of running) r.unsubscribe();
    await Promise.all(
      running.map(async (r) => {
        try {
          await r.notifier.close();
        } catch (err) {
          this.log.error({ err, notifier: r.type }, 'notifier failed to close');
        }
      }),
    );
  }
}
