import type { VigilEvent } from '../kernel/events.js';
import type { PluginManifest } from '../plugin/manifest.js';
import type { CheckPlan } from './plan.js';
import type { SchedulerStats } from './scheduler.js';

/*
 * The typed IPC between the supervisor and the checker process (child_process.fork, advanced
 * serialization). The supervisor sends the checker part of the configuration and the plugin
 * manifests (the child imports only the packages its plan uses); the child sends events back in
 * batches.
 */

export interface ChildSetup {
  readonly plan: CheckPlan;
  readonly plugins: readonly PluginManifest[];
  readonly logLevel: string;
}

export type ToChild =
  | ({ readonly type: 'start' } & ChildSetup)
  | ({ readonly type: 'reload' } & ChildSetup)
  | { readonly type: 'stats'; readonly id: number; readonly reset?: boolean }
  | { readonly type: 'stop' };

export interface ChildStats extends SchedulerStats {
  readonly pid: number;
  /** process.cpuUsage() of the checker process, µs. */
  readonly cpu: { readonly user: number; readonly system: number };
  /** monitorEventLoopDelay at 1 ms resolution since the last reset, ms. */
  readonly eventLoop: { readonly p50: number; readonly p99: number; readonly max: number; readonly mean: number };
  readonly rssBytes: number;
}

export type FromChild =
  | { readonly type: 'ready'; readonly jobs: number }
  | { readonly type: 'reloaded'; readonly jobs: number }
  | { readonly type: 'events'; readonly events: readonly VigilEvent[] }
  | { readonly type: 'stats'; readonly id: number; readonly stats: ChildStats }
  | { readonly type: 'fatal'; readonly message: string }
  | { readonly type: 'stopped' };
