import type { VrrpInstanceConfig } from '../../config/keywords/vrrp.js';
import type { RunnerEvent } from './instance-runner.js';
import type { GlobalDefs } from './params.js';

/*
 * The IPC between the VRRP service (supervisor side) and the VRRP process (child_process.fork, advanced
 * serialization): the VRRP part of the configuration goes down, state changes come up.
 */

export interface VrrpChildSetup {
  readonly instances: readonly VrrpInstanceConfig[];
  readonly globals: GlobalDefs | undefined;
  readonly logLevel: string;
}

export type ToVrrpChild = ({ readonly type: 'start' } & VrrpChildSetup) | { readonly type: 'stop' };

export type FromVrrpChild =
  | { readonly type: 'ready'; readonly running: readonly string[]; readonly failed: readonly string[] }
  | { readonly type: 'events'; readonly events: readonly RunnerEvent[] }
  | { readonly type: 'fatal'; readonly message: string }
  | { readonly type: 'stopped' };
