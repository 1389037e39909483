/** HTTP status codes Keepalived accepts in `status_code` (HTTP_STATUS_CODE_MIN..MAX). */
export const STATUS_MIN = 100;
export const STATUS_MAX = 599;

/** An inclusive range of status codes; a single code is a range of one. */
export type StatusRange = readonly [number, number];

/** `status_code` when none is given: any 2xx. */
export const DEFAULT_STATUS: readonly StatusRange[] = [[200, 299]];

/** Reads `200`, `200-299`; undefined when the word is not a valid code or range. */
export function parseStatusWord(word: string): StatusRange | undefined {
  const m = /^(\d+)(?:-(\d+))?$/.exec(word);
  if (!m) return undefined;
  const min = Number(m[1]);
  const max = m[2] === undefined ? min : Number(m[2]);
  if (min < STATUS_MIN || max > STATUS_MAX || min > max) return undefined;
  return [min, max];
}

export function statusAccepted(code: number, ranges: readonly StatusRange[]): boolean {
  return ranges.some(([min, max]) => code >= min && code <= max);
}

export function formatStatusRanges(ranges: readonly StatusRange[]): string {
  return ranges.map(([min, max]) => (min === max ? String(min) : `${min}-${max}`)).join(' ');
}
