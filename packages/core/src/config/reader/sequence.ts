import { MAX_SEQ_ARGS_LENGTH } from './limits.js';
import { BLANKS, type LineText } from './line-text.js';
import { substitute, type Definitions, type SubstitutionLimits } from './macros.js';
import type { Reporter } from './report.js';

/**
 * A `~SEQ(...)` or `~LST(...)` line: the rest of the line is read again once for each value,
 * with the variables defined as macros before each repetition.
 */
export interface Repetition {
  /** The rest of the line after the closing `)`. */
  readonly text: LineText;
  /** How many times the text is repeated (a `~SEQ` can ask for more than a number holds). */
  readonly count: bigint;
  /** The `[name, value]` pairs of the next repetition; call at most `count` times. */
  next(): ReadonlyArray<readonly [string, string]>;
}

export function isRepetitionLine(text: string): boolean {
  return text.startsWith('~SEQ') || text.startsWith('~LST');
}

/** Parses a line starting with `~SEQ` or `~LST`; reports and returns null if it is invalid. */
export function parseRepetition(
  line: LineText,
  defs: Definitions,
  report: Reporter,
  limits: SubstitutionLimits,
): Repetition | null {
  return line.text.startsWith('~SEQ') ? parseSeq(line, defs, report, limits) : parseLst(line, report);
}

const SEQ_USAGE = 'write ~SEQ(VAR, END), ~SEQ(VAR, START, END) or ~SEQ(VAR, START, STEP, END)';
const LST_USAGE = 'write ~LST(VAR, V1, V2, ...) or ~LST({VAR1, VAR2}, {V1, V2}, {V3, V4}, ...)';

/** C's `long`, which Keepalived's `strtol()` clamps to. */
const LONG_MAX = 2n ** 63n - 1n;
const LONG_MIN = -(2n ** 63n);

function skipBlanks(text: string, p: number): number {
  while (p < text.length && BLANKS.includes(text[p] as string)) p++;
  return p;
}

/**
 * `~SEQ(var, [start,] [step,] end)`, or `~SEQx` for hexadecimal values. One number is END
 * (START is 1, or -1 if END is negative); two are START and END; the step defaults to 1 or -1
 * towards END. Numbers are C integers: `0x10` is hexadecimal and `010` octal. The arguments may
 * use macros.
 */
function parseSeq(line: LineText, defs: Definitions, report: Reporter, limits: SubstitutionLimits): Repetition | null {
  const text = line.text;
  const invalid = (why: string): null => {
    report.error(line.locAt(0), 'sequence-invalid', `invalid ~SEQ (${why}): ${SEQ_USAGE}`);
    return null;
  };
  const hex = text[4] === 'x';
  let p = skipBlanks(text, hex ? 5 : 4);
  if (text[p] !== '(') return invalid("no '(' after ~SEQ");
  p = skipBlanks(text, p + 1);
  const varStart = p;
  while (p < text.length && !' \t,)'.includes(text[p] as string)) p++;
  const variable = text.slice(varStart, p);
  p = skipBlanks(text, p);
  if (variable === '') return invalid('no variable name');
  if (text[p] !== ',') return invalid(`no ',' after '${variable}'`);
  p = skipBlanks(text, p + 1);
  const close = text.indexOf(')', p);
  if (close < 0) return invalid("no closing ')'");
  if (close - p > MAX_SEQ_ARGS_LENGTH) return invalid(`arguments longer than ${MAX_SEQ_ARGS_LENGTH} characters`);
  const args = substitute(line.slice(p, close + 1), defs, report, limits);
  if (args.runaway || args.exhausted) return null;
  const numbers = parseSeqNumbers(args.line.text);
  if (typeof numbers === 'string') return invalid(numbers);
  const { start, step, end } = numbers;
  if (hex && (start < 0n || end < 0n)) return invalid('~SEQx takes only numbers that are not negative');

  let current = start;
  return {
    text: line.slice(close + 1).trimStart(BLANKS),
    count: (end - start) / step + 1n,
    next() {
      const value = hex ? current.toString(16) : current.toString();
      current += step;
      return [[variable, value]];
    },
  };
}

/** START, STEP and END from `1, 2, 10)`; a message if they are not valid. */
function parseSeqNumbers(args: string): { start: bigint; step: bigint; end: bigint } | string {
  const numbers: bigint[] = [];
  let p = 0;
  for (;;) {
    const n = strtol(args, p);
    numbers.push(n.value);
    p = skipBlanks(args, n.end);
    if (args[p] === ')') break;
    if (args[p] !== ',' || numbers.length === 3) return `unexpected '${args.slice(p, p + 10)}'`;
    p++;
  }
  const [one = 0n, two = 0n, three = 0n] = numbers;
  if (numbers.length === 1) return { start: one < 0n ? -1n : 1n, step: one < 1n ? -1n : 1n, end: one };
  if (numbers.length === 2) return { start: one, step: one <= two ? 1n : -1n, end: two };
  if (two === 0n || (one < three && two < 0n) || (one > three && two > 0n)) {
    return 'the step is 0 or goes away from END';
  }
  return { start: one, step: two, end: three };
}

/** C's `strtol(s, &end, 0)`: no digits gives 0 and leaves `end` where it started. */
function strtol(s: string, from: number): { value: bigint; end: number } {
  let p = from;
  while (p < s.length && ' \t\n\v\f\r'.includes(s[p] as string)) p++;
  const negative = s[p] === '-';
  if (s[p] === '-' || s[p] === '+') p++;
  let digits = /[0-9]/;
  let prefix = '';
  if (s[p] === '0' && (s[p + 1] === 'x' || s[p + 1] === 'X') && /[0-9a-fA-F]/.test(s[p + 2] ?? '')) {
    digits = /[0-9a-fA-F]/;
    prefix = '0x';
    p += 2;
  } else if (s[p] === '0') {
    digits = /[0-7]/;
    prefix = '0o';
  }
  const start = p;
  while (p < s.length && digits.test(s[p] as string)) p++;
  if (p === start) return { value: 0n, end: from };
  const magnitude = BigInt(prefix + s.slice(start, p));
  const value = negative ? -magnitude : magnitude;
  return { value: value > LONG_MAX ? LONG_MAX : value < LONG_MIN ? LONG_MIN : value, end: p };
}

/**
 * `~LST(var, v1, v2, ...)` or `~LST({var1, var2}, {v1, v2}, ...)`. A set with fewer values
 * than variables leaves the others empty. Values are taken as written (macros in them are
 * expanded where the variables are used).
 */
function parseLst(line: LineText, report: Reporter): Repetition | null {
  const text = line.text;
  const invalid = (why: string): null => {
    report.error(line.locAt(0), 'sequence-invalid', `invalid ~LST (${why}): ${LST_USAGE}`);
    return null;
  };
  let p = skipBlanks(text, 4);
  if (text[p] !== '(') return invalid("no '(' after ~LST");
  p = skipBlanks(text, p + 1);

  const names: string[] = [];
  const bracedNames = text[p] === '{';
  if (bracedNames) p = skipBlanks(text, p + 1);
  for (;;) {
    const start = p;
    while (p < text.length && !' \t,}'.includes(text[p] as string)) p++;
    names.push(text.slice(start, p));
    p = skipBlanks(text, p);
    if (text[p] === (bracedNames ? '}' : ',')) break;
    if (text[p] !== ',') return invalid(`unexpected '${text.slice(p, p + 10)}' in the variables`);
    p = skipBlanks(text, p + 1);
  }
  if (bracedNames) p = skipBlanks(text, p + 1);
  if (text[p] !== ',') return invalid('no values');
  p = skipBlanks(text, p + 1);

  const sets: string[][] = [];
  for (;;) {
    const braced = text[p] === '{';
    if (braced) p = skipBlanks(text, p + 1);
    const values: string[] = [];
    for (;;) {
      const start = p;
      while (p < text.length && !' \t,})'.includes(text[p] as string)) p++;
      values.push(text.slice(start, p));
      p = skipBlanks(text, p);
      if (braced ? text[p] === '}' : text[p] === ',' || text[p] === ')') break;
      if (text[p] !== ',') return invalid(`unexpected '${text.slice(p, p + 10)}' in the values`);
      p = skipBlanks(text, p + 1);
      if (values.length >= names.length) {
        return invalid(`a value set has more values than the ${names.length} variable(s)`);
      }
    }
    while (values.length < names.length) values.push('');
    sets.push(values);
    if (braced) p = skipBlanks(text, p + 1);
    if (text[p] === ')') break;
    if (text[p] !== ',') return invalid("no closing ')'");
    p = skipBlanks(text, p + 1);
  }

  let index = 0;
  return {
    text: line.slice(p + 1).trimStart(BLANKS),
    count: BigInt(sets.length),
    next() {
      const values = sets[index++] ?? [];
      return names.map((name, i) => [name, values[i] ?? ''] as const);
    },
  };
}
