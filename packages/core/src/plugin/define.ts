import type { FieldValues, Fields } from '../config/schema/block.js';
import type { EventBus } from '../kernel/event-bus.js';
import type { Clock } from '../kernel/clock.js';
import type { VigilEvent, VigilEventType } from '../kernel/events.js';
import type { Logger } from '../kernel/logger.js';
import type { RunOptions, ScriptCommand, ScriptEnd } from '../kernel/script-runner.js';

/** The plugin API version this core implements; plugins declare a semver range for it. */
export const PLUGIN_API_VERSION = '1.0.0';

/** What the kernel's container gives every plugin instance. */
export interface PluginServices {
  /** A child logger carrying the plugin's package and keyword. */
  readonly log: Logger;
  readonly clock: Clock;
  /** Read-only view of the event bus: plugins may listen, only the kernel emits. */
  readonly events: Pick<EventBus, 'on' | 'onAny'>;
  /** This machine's name: global_defs router_id, else the host name (Keepalived's default). */
  readonly routerId?: string;
  /**
   * Runs a configured script as Keepalived would: as its user (else script_user, else
   * keepalived_script), under enable_script_security, in a process group killed at the timeout.
   * Present when the kernel's checker scheduler runs the plugin.
   */
  readonly scripts?: ScriptHost;
}

/** The kernel's script runner, as plugins see it. */
export interface ScriptHost {
  run(cmd: ScriptCommand, opts: RunOptions): Promise<ScriptEnd>;
}

/** Where one check connects: the real server, or connect_ip / connect_port when given. */
export interface CheckTarget {
  readonly family: 4 | 6;
  readonly address: string;
  readonly port: number;
  /** Source address (bindto) and port (bind_port). */
  readonly bindAddress?: string;
  readonly bindPort?: number;
  /** SO_MARK for the check's socket (fwmark). */
  readonly fwmark?: number;
  /** Seconds allowed for the connection (connect_timeout). */
  readonly connectTimeout: number;
}

/** The outcome of one check of one real server. */
export interface CheckResult {
  readonly ok: boolean;
  /** A short human explanation: "HTTP status 503", "connection refused". */
  readonly detail: string;
  readonly latencyMs: number;
  /**
   * A new weight for the real server (MISC_CHECK's misc_dynamic), when the checker sets one;
   * `null` puts the configured weight back.
   */
  readonly weight?: number | null;
}

/** A configured checker for one real server. Retries, delay_loop and alpha/omega are the kernel's. */
export interface Checker {
  /** Runs one check. Must settle promptly when `signal` aborts, and leak no socket or process. */
  check(target: CheckTarget, signal: AbortSignal): Promise<CheckResult>;
  /** Frees what the checker holds (agents, pools) when its real server goes away. */
  close?(): Promise<void> | void;
}

export interface CheckerDefaults {
  readonly retry?: number;
  /** Seconds, or 'delay_loop' (DNS_CHECK). */
  readonly delay_before_retry?: number | 'delay_loop';
}

export interface CheckerDefinition<F extends Fields = Fields> {
  readonly kind: 'checker';
  /** The config keyword, upper case as Keepalived writes checkers: `HTTP_GET`. */
  readonly keyword: string;
  /** The keywords of its block; the common ones (connect_timeout, retry, ...) are added by core. */
  readonly schema: F;
  /** One-line description for `vigil plugins`. */
  readonly description?: string;
  /**
   * The checker opens no connection of its own (MISC_CHECK runs a script): its block takes
   * only the scheduling keywords (delay_loop, retry, ...), not connect_ip, connect_timeout, ...
   */
  readonly connectionless?: boolean;
  /**
   * The checker's own defaults for the common keywords, where Keepalived's differ from the
   * usual retry 1 / delay_before_retry 1 s (HTTP_GET: 3 s; MISC_CHECK: retry 0).
   */
  readonly defaults?: CheckerDefaults;
  /**
   * The longest one check may take, in seconds, given its block (with the effective delay_loop
   * and connect_timeout filled in). The scheduler aborts the check then. Default: 3 x
   * connect_timeout + 1 for connection checkers, delay_loop + 5 for connectionless ones.
   */
  maxDuration?(config: Record<string, unknown>): number;
  /** Keywords the block must contain (`misc_path` for MISC_CHECK): an error at the block otherwise. */
  readonly required?: readonly (keyof F & string)[];
  /**
   * Makes the checker of one real server from its validated block (the plugin's keywords, typed
   * by its schema, and the common ones such as connect_timeout).
   */
  create(config: FieldValues<F> & Record<string, unknown>, services: PluginServices): Checker;
}

/** A running notifier. `handle` must not block: queue network work and return. */
export interface Notifier {
  handle(event: VigilEvent): void;
  /** Flushes (within reason) and closes connections at shutdown. */
  close(): Promise<void>;
}

export interface NotifierDefinition<F extends Fields = Fields> {
  readonly kind: 'notifier';
  /** The name used in `notifier NAME { ... }`: `mqtt`, `email`. */
  readonly keyword: string;
  readonly schema: F;
  readonly description?: string;
  /** The event types it wants; all when omitted. */
  readonly events?: readonly VigilEventType[];
  create(config: FieldValues<F> & Record<string, unknown>, services: PluginServices): Notifier;
}

export type PluginDefinition = CheckerDefinition | NotifierDefinition;

/** Declares a checker plugin. The package's default export is this (or an array of definitions). */
export function defineChecker<F extends Fields>(def: Omit<CheckerDefinition<F>, 'kind'>): CheckerDefinition<F> {
  return Object.freeze({ ...def, kind: 'checker' as const });
}

/** Declares a notifier plugin. */
export function defineNotifier<F extends Fields>(def: Omit<NotifierDefinition<F>, 'kind'>): NotifierDefinition<F> {
  return Object.freeze({ ...def, kind: 'notifier' as const });
}

export function isPluginDefinition(x: unknown): x is PluginDefinition {
  if (typeof x !== 'object' || x === null) return false;
  const d = x as Partial<PluginDefinition>;
  return (d.kind === 'checker' || d.kind === 'notifier') && typeof d.keyword === 'string' && typeof d.schema === 'object' && typeof d.create === 'function';
}
