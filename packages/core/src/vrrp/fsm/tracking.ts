import { OWNER_PRIORITY } from './timers.js';
import type { InstanceParams, TrackerConfig, TrackerReading } from './types.js';

/*
 * What trackers do to an instance, as Keepalived's vrrp_track.c does it, but recomputed from the
 * latest readings instead of adjusted incrementally:
 * - weight 0: the instance faults while the object is down;
 * - weight > 0: added while the object is up; weight < 0: added (subtracted) while it is down;
 * - reverse swaps up and down (a file's value is negated);
 * - track_file: value x weight, clamped to -254..253, where -254 faults the instance; with weight 0
 *   any non-zero value faults it.
 */

/** Keepalived clamps a track_file contribution to this, and treats reaching it as a fault. */
const FILE_FAULT = -254;
const FILE_MAX = 253;

/** How an event names a tracker: `interface eth0`, `script chk_nginx`, `file maint`, ... */
export function trackerKey(t: Pick<TrackerConfig, 'kind' | 'name'>): string {
  return `${t.kind} ${t.name}`;
}

/** Whether a reading is of the right type for the tracker: a boolean, or a number for files. */
export function readingFits(t: TrackerConfig, reading: TrackerReading): boolean {
  return (t.kind === 'file') === (typeof reading === 'number');
}

export interface TrackerEffect {
  /** Sum of the weights that apply now. */
  readonly weight: number;
  /** Trackers that fault the instance, by key, with the reason. */
  readonly faults: Readonly<Record<string, string>>;
}

const STATUS_WORDS: Record<Exclude<TrackerConfig['kind'], 'file'>, [up: string, down: string]> = {
  interface: ['up', 'down'],
  script: ['succeeded', 'failed'],
  process: ['running', 'not running'],
  bfd: ['up', 'down'],
};

/**
 * The weight a tracker really has. Keepalived (vrrp_complete_instance) drops weighted trackers of
 * an owner, whose priority never moves, and turns those of a sync group member into weight 0
 * unless sync_group_tracking_weight is set: members must keep equal priorities.
 */
function appliedWeight(t: TrackerConfig, params: InstanceParams): number | 'ignored' {
  if (t.weight === 0) return 0;
  if (params.priority === OWNER_PRIORITY) return 'ignored';
  if (params.syncGroup && !params.syncGroup.trackingWeight) return 0;
  return t.weight;
}

function binaryEffect(t: TrackerConfig, weight: number, reading: boolean | undefined): { weight: number; fault?: string } {
  const [upWord, downWord] = STATUS_WORDS[t.kind as keyof typeof STATUS_WORDS];
  // A script that has not run yet holds a weight-0 instance in FAULT and moves no priority.
  if (reading === undefined) return weight === 0 ? { weight: 0, fault: `${trackerKey(t)} has not reported yet` } : { weight: 0 };
  const up = reading !== t.reverse;
  if (weight === 0) return up ? { weight: 0 } : { weight: 0, fault: `${trackerKey(t)} ${reading ? upWord : downWord}${t.reverse ? ' (reverse)' : ''}` };
  if (weight > 0) return { weight: up ? weight : 0 };
  return { weight: up ? 0 : weight };
}

function fileEffect(t: TrackerConfig, weight: number, value: number | undefined): { weight: number; fault?: string } {
  if (value === undefined || value === 0) return { weight: 0 };
  if (weight === 0) return { weight: 0, fault: `${trackerKey(t)} value ${value}` };
  const status = Math.max(FILE_FAULT, Math.min(FILE_MAX, value * weight * (t.reverse ? -1 : 1)));
  return status === FILE_FAULT ? { weight: 0, fault: `${trackerKey(t)} value ${value} x weight ${weight} reaches ${FILE_FAULT}` } : { weight: status };
}

/** The weights and faults of all trackers, from their latest readings. */
export function evaluateTrackers(params: InstanceParams, readings: Readonly<Record<string, TrackerReading>>): TrackerEffect {
  let weight = 0;
  const faults: Record<string, string> = {};
  for (const t of params.trackers) {
    const applied = appliedWeight(t, params);
    if (applied === 'ignored') continue;
    const key = trackerKey(t);
    const reading = readings[key];
    const effect =
      t.kind === 'file'
        ? fileEffect(t, applied, typeof reading === 'number' ? reading : undefined)
        : binaryEffect(t, applied, typeof reading === 'boolean' ? reading : undefined);
    weight += effect.weight;
    if (effect.fault !== undefined) faults[key] = effect.fault;
  }
  return { weight, faults };
}

/**
 * Keepalived vrrp_set_effective_priority: the configured priority plus the weights, kept within
 * 1..254; an owner stays at 255 and trackers never lift anyone else to it.
 */
export function effectivePriority(priority: number, weight: number): number {
  if (priority === OWNER_PRIORITY) return OWNER_PRIORITY;
  return Math.max(1, Math.min(OWNER_PRIORITY - 1, priority + weight));
}
