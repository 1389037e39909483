/**
 * The public contract for plugin authors: `import { defineChecker, k } from '@vigil/core/plugin'`.
 * Everything a checker or notifier package may use is exported here and nowhere else.
 */
export {
  defineChecker,
  defineNotifier,
  PLUGIN_API_VERSION,
  type CheckerDefinition,
  type NotifierDefinition,
  type PluginDefinition,
  type Checker,
  type CheckTarget,
  type CheckResult,
  type Notifier,
  type PluginServices,
  type ScriptHost,
  type CheckerDefaults,
} from './define.js';
export type { ScriptCommand, ScriptEnd, RunOptions as ScriptRunOptions } from '../kernel/script-runner.js';
export { k, type ScriptSpec } from '../config/schema/builders.js';
export { splitScriptWords, type SplitResult } from '../config/tokenize.js';
export type { ArgReader } from '../config/schema/args.js';
export type { BlockValue, FieldValues, Fields, ListItem } from '../config/schema/block.js';
export type { ValueOf, Keyword } from '../config/schema/keyword.js';
export type { IpAddress, IpPrefix } from '../config/schema/ip.js';
export type { SourceLoc } from '../config/location.js';
export type {
  VigilEvent,
  VigilEventType,
  VrrpState,
  VrrpStateEvent,
  VrrpPriorityEvent,
  CheckResultEvent,
  PoolChangeEvent,
  PoolQuorumEvent,
  DaemonLifecycleEvent,
} from '../kernel/events.js';
export type { Logger } from '../kernel/logger.js';
export type { Clock } from '../kernel/clock.js';
export { describeSocketError } from './socket-errors.js';
