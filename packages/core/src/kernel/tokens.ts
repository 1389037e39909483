import type { InjectionToken } from 'tsyringe';
import type { EventBus } from './event-bus.js';
import type { Logger } from './logger.js';
import type { Clock } from './clock.js';

/**
 * Explicit injection tokens. Classes inject with `@inject(Tokens.X)` rather than relying on
 * emitted type metadata, so that code compiled by esbuild-based tools resolves the same way.
 */
export const Tokens = {
  Logger: Symbol.for('vigil.Logger') as InjectionToken<Logger>,
  EventBus: Symbol.for('vigil.EventBus') as InjectionToken<EventBus>,
  Clock: Symbol.for('vigil.Clock') as InjectionToken<Clock>,
  /** The validated configuration model in force. */
  Config: Symbol.for('vigil.Config') as InjectionToken<unknown>,
  /** Every lifecycle service (multi-registration). */
  Service: Symbol.for('vigil.Service') as InjectionToken<unknown>,
  PluginRegistry: Symbol.for('vigil.PluginRegistry') as InjectionToken<unknown>,
} as const;
