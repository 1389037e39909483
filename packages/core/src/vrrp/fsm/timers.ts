import type { VrrpVersion } from '../packet/types.js';

/*
 * The RFC timer formulas, computed in integer microseconds as Keepalived does (vrrp.h
 * VRRP_TIMER_SKEW_CALC): in centiseconds the skew at a 10 ms advert would round to 0 and backups
 * would no longer break ties by priority.
 */

/** Microseconds in a second (Keepalived TIMER_HZ). */
export const US_PER_SECOND = 1_000_000;
/** Microseconds in a centisecond, the VRRPv3 Max Adver Int unit (Keepalived TIMER_CENTI_HZ). */
export const US_PER_CENTISECOND = 10_000;

/** RFC 5798 §5.2.4: the address owner's priority. */
export const OWNER_PRIORITY = 255;
/** RFC 5798 §5.2.4: the master is leaving. */
export const RELEASE_PRIORITY = 0;

/** An advert interval in wire units (v2 seconds, v3 centiseconds) in µs. */
export function advertIntervalUs(version: VrrpVersion, advertInt: number): number {
  return advertInt * (version === 2 ? US_PER_SECOND : US_PER_CENTISECOND);
}

/**
 * Skew_Time in µs.
 * - v2, RFC 3768 §6.1: (256 - Priority) / 256 seconds, whatever the advert interval.
 * - v3, RFC 5798 §6.1: ((256 - Priority) * Master_Adver_Interval) / 256, rounded down to the µs
 *   (Keepalived: pri_val * centiseconds * 625 / 16).
 */
export function skewTimeUs(version: VrrpVersion, priority: number, masterAdvertInt: number): number {
  const weight = 256 - priority;
  if (version === 2) return Math.floor((weight * US_PER_SECOND) / 256);
  return Math.floor((weight * masterAdvertInt * 625) / 16);
}

/**
 * Master_Down_Interval in µs, RFC 5798 §6.1: 3 * Master_Adver_Interval + Skew_Time; Keepalived's
 * down_timer_adverts replaces the 3.
 */
export function masterDownIntervalUs(version: VrrpVersion, priority: number, masterAdvertInt: number, downTimerAdverts: number): number {
  return downTimerAdverts * advertIntervalUs(version, masterAdvertInt) + skewTimeUs(version, priority, masterAdvertInt);
}

/** A deadline `us` microseconds after `now` (monotonic ms). */
export function after(now: number, us: number): number {
  return now + us / 1000;
}
