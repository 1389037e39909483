// The VRRP state machine: pure functions over plain data; the I/O layer carries out the actions.
export { compareAddresses } from './address.js';
export { activeFaults, ownFaults, SYNC_GROUP_FAULT } from './health.js';
export { createInstance, step } from './machine.js';
export { createSyncGroup, stepGroup, type GroupAction, type GroupNotify, type GroupState, type GroupStepResult, type MemberAction, type SyncGroupState } from './sync-group.js';
export { advertIntervalUs, masterDownIntervalUs, OWNER_PRIORITY, RELEASE_PRIORITY, skewTimeUs, US_PER_CENTISECOND, US_PER_SECOND } from './timers.js';
export { effectivePriority, evaluateTrackers, trackerKey, type TrackerEffect } from './tracking.js';
export * from './types.js';
