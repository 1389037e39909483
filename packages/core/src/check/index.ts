export { CheckScheduler, type SchedulerOptions, type SchedulerStats } from './scheduler.js';
export { CheckerSupervisor, type CheckerSupervisorOptions } from './supervisor.js';
export { buildCheckPlan, countCheckers, planKeywords, DEFAULTS as CHECKER_DEFAULTS, type CheckPlan, type VirtualServerPlan, type RealServerPlan, type CheckerPlan } from './plan.js';
export type { ChildStats } from './messages.js';
export { DeadlineHeap, type HeapItem } from './heap.js';
