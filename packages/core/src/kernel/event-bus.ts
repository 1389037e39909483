import type { EventOfType, VigilEvent, VigilEventType } from './events.js';
import type { Logger } from './logger.js';

export type EventHandler<E extends VigilEvent = VigilEvent> = (event: E) => void;

/**
 * Synchronous, typed publish/subscribe inside one process. Handlers must return quickly:
 * anything slow (a notifier's network I/O) queues its own work. A throwing handler is
 * logged and does not stop delivery to the others.
 */
export class EventBus {
  private readonly handlers = new Map<VigilEventType | '*', Set<EventHandler<never>>>();

  constructor(private readonly log?: Logger) {}

  on<T extends VigilEventType>(type: T, handler: EventHandler<EventOfType<T>>): () => void {
    return this.add(type, handler as EventHandler<never>);
  }

  /** Every event, in emission order. */
  onAny(handler: EventHandler): () => void {
    return this.add('*', handler as EventHandler<never>);
  }

  emit(event: VigilEvent): void {
    this.deliver(this.handlers.get(event.type), event);
    this.deliver(this.handlers.get('*'), event);
  }

  private add(key: VigilEventType | '*', handler: EventHandler<never>): () => void {
    let set = this.handlers.get(key);
    if (!set) this.handlers.set(key, (set = new Set()));
    set.add(handler);
    return () => set.delete(handler);
  }

  private deliver(set: Set<EventHandler<never>> | undefined, event: VigilEvent): void {
    if (!set) return;
    for (const h of set) {
      try {
        (h as EventHandler)(event);
      } catch (err) {
        this.log?.error({ err, event: event.type }, 'event handler failed');
      }
    }
  }
}
