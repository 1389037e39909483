/** Time, injectable so that timers can be driven deterministically where a test needs it. */
export interface Clock {
  /** Wall-clock time, for event timestamps. */
  now(): Date;
  /** Monotonic milliseconds with sub-millisecond precision, for deadlines. */
  monotonicMs(): number;
}

export const systemClock: Clock = {
  now: () => new Date(),
  monotonicMs: () => Number(process.hrtime.bigint()) / 1e6,
};
