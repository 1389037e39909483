import { skewTimeUs } from './timers.js';
import { effectivePriority, evaluateTrackers } from './tracking.js';
import type { StepContext } from './step-context.js';
import { enterService, goFault } from './transitions.js';
import type { InstanceState } from './types.js';

/*
 * Faults and priority: what trackers and fault events do to an instance (Keepalived down_instance,
 * try_up_instance, vrrp_set_effective_priority).
 */

/** The fault source a sync group uses for the members it holds in FAULT. */
export const SYNC_GROUP_FAULT = 'sync-group';

/** Every reason the instance is faulty, trackers first: [source, reason]. */
export function activeFaults(state: InstanceState): [string, string][] {
  return [...Object.entries(evaluateTrackers(state.params, state.readings).faults), ...Object.entries(state.faults)];
}

/** The faults the instance has of its own, not from its sync group. */
export function ownFaults(state: InstanceState): [string, string][] {
  return activeFaults(state).filter(([source]) => source !== SYNC_GROUP_FAULT);
}

/**
 * A new effective priority. A BACKUP whose priority rose has a shorter Skew_Time, so its running
 * Master_Down_Timer is brought forward by the difference; a fall leaves the deadline alone until
 * the next advert (Keepalived 2.x).
 */
function applyPriority(t: StepContext, priority: number): void {
  const from = t.state.effectivePriority;
  if (priority === from) return;
  t.update({ effectivePriority: priority });
  t.emit({ type: 'priority-changed', from, to: priority });
  const deadline = t.state.timers['master-down'];
  if (t.state.state !== 'BACKUP' || priority < from || deadline === undefined) return;
  const { version } = t.params;
  const earlierUs = skewTimeUs(version, from, t.state.masterAdvertInt) - skewTimeUs(version, priority, t.state.masterAdvertInt);
  t.schedule('master-down', Math.max(t.now, deadline - earlierUs / 1000));
}

/** After a tracker reading or a fault changed: the priority, then FAULT entered or left. */
export function reconcileHealth(t: StepContext): void {
  applyPriority(t, effectivePriority(t.params.priority, evaluateTrackers(t.params, t.state.readings).weight));
  const state = t.state.state;
  if (state === 'INIT' || state === 'STOP') return;
  const [first] = activeFaults(t.state);
  if (first && state !== 'FAULT') goFault(t, `fault: ${first[1]}`);
  else if (!first && state === 'FAULT') enterService(t, 'fault cleared');
}
