import type { Token } from '../ast.js';
import type { SourceLoc } from '../location.js';
import { MAX_GLOB_RESULTS, MAX_LINE_BYTES } from './limits.js';
import { glob, hasBrace, type GlobMatch } from './glob.js';
import type { Reporter } from './report.js';

/**
 * Keepalived's include checks (`include_check` and the `includeX` variants): each bit turns
 * a problem that is otherwise only logged into a configuration error.
 */
export const IncludeCheck = {
  /** A match that is a directory, not a regular file, executable or unreadable. */
  readable: 1,
  /** No file matches a pattern without wildcards. */
  match: 2,
  /** No file matches a pattern with wildcards. */
  wildcardMatch: 4,
  /** One alternative of a `{a,b}` pattern matches nothing (and then nothing is included). */
  braceMatch: 8,
} as const;

const ALL_CHECKS = 15;

const VARIANT_CHECKS: Readonly<Record<string, number>> = {
  r: IncludeCheck.readable,
  m: IncludeCheck.readable | IncludeCheck.match,
  w: IncludeCheck.readable | IncludeCheck.match | IncludeCheck.wildcardMatch,
  b: IncludeCheck.readable | IncludeCheck.braceMatch,
  a: ALL_CHECKS,
};

/** `include PATTERN` and `includer|m|w|b|a PATTERN`. */
export interface IncludeDirective {
  readonly checks: number;
  /** Where the pattern starts in the line; it runs to the end of the line, blanks included. */
  readonly patternStart: number;
}

const isSpace = (c: string | undefined): boolean => c !== undefined && ' \t\n\v\f\r'.includes(c);

/** Recognises an include line (Keepalived's `is_include()`); `include` alone is not one. */
export function parseIncludeDirective(text: string): IncludeDirective | null {
  if (!text.startsWith('include')) return null;
  const variant = text[7];
  let p: number;
  let checks: number;
  if (isSpace(variant)) {
    p = 8;
    checks = 0;
  } else if (variant !== undefined && variant in VARIANT_CHECKS && isSpace(text[8])) {
    p = 9;
    checks = VARIANT_CHECKS[variant] as number;
  } else {
    return null;
  }
  while (text[p] === ' ' || text[p] === '\t') p++;
  return { checks, patternStart: p };
}

/**
 * Applies an `include_check [[+|-]read|match|wildcard_match|brace_match ...]` line to the
 * current checks. No option means all of them; a first option without a sign replaces the
 * checks (and `readable` comes with every option).
 */
export function applyIncludeCheck(current: number, options: readonly Token[], report: Reporter): number {
  if (options.length === 0) return ALL_CHECKS;
  let checks = current;
  options.forEach((option, i) => {
    const sign = option.text[0] === '+' || option.text[0] === '-' ? option.text[0] : '';
    if (sign === '' && i > 0) {
      const message = `include_check: '${option.text}' repeats the setting; prefix it with + or -`;
      report.error(option.loc, 'include-check-invalid', message);
      return;
    }
    const flag = CHECK_NAMES[option.text.slice(sign.length)];
    if (flag === undefined) {
      report.error(
        option.loc,
        'include-check-invalid',
        `include_check: unknown check '${option.text}'; use read, match, wildcard_match or brace_match`,
      );
      return;
    }
    if (sign === '') checks = IncludeCheck.readable | flag;
    else if (sign === '+') checks |= flag;
    else checks &= ~flag;
  });
  return checks;
}

/** Keepalived's code accepts `read`; its manual says `readable`. Both are taken. */
const CHECK_NAMES: Readonly<Record<string, number>> = {
  read: IncludeCheck.readable,
  readable: IncludeCheck.readable,
  match: IncludeCheck.match,
  wildcard_match: IncludeCheck.wildcardMatch,
  brace_match: IncludeCheck.braceMatch,
};

/**
 * The files an include pattern names, in the order Keepalived reads them. Problems are errors
 * when `checks` has their bit and warnings otherwise (Keepalived only logs them).
 */
export function resolveInclude(
  pattern: string,
  cwd: string,
  checks: number,
  at: SourceLoc,
  report: Reporter,
): readonly GlobMatch[] {
  const problem = (bit: number, message: string): void =>
    checks & bit ? report.error(at, 'include-missing', message) : report.warn(at, 'include-missing', message);
  const braceBit = hasBrace(pattern) ? IncludeCheck.braceMatch : IncludeCheck.match;
  if (pattern === '') {
    problem(IncludeCheck.match, 'include names no file: write the file or pattern after it');
    return [];
  }
  // Only an over-long line (already reported) can hold one; globbing it would be slow.
  if (pattern.length > MAX_LINE_BYTES) {
    report.error(at, 'line-too-long', 'the include pattern is longer than keepalived reads: the include is ignored');
    return [];
  }
  const result = glob(pattern, cwd);
  if (result.tooMany) {
    const message = `'${pattern}' matches more than ${MAX_GLOB_RESULTS} files or patterns: narrow it`;
    report.error(at, 'include-too-many', message);
    return [];
  }
  if (result.matches.length === 0) {
    if (result.missing > 0) {
      problem(braceBit, `no file matches '${pattern}': check the path (it is relative to the including file)`);
    } else if (result.usedWildcards && checks & IncludeCheck.wildcardMatch) {
      problem(IncludeCheck.wildcardMatch, `no file matches '${pattern}'`);
    }
    return [];
  }
  if (result.missing > 0) {
    const skipped = (checks & IncludeCheck.braceMatch) !== 0;
    problem(
      IncludeCheck.braceMatch,
      `some files of '${pattern}' are missing${skipped ? ', so none of them is included' : ''}`,
    );
    if (skipped) return [];
  }
  return result.matches;
}
