import fs from 'node:fs';
import path from 'node:path';
import { MAX_GLOB_RESULTS } from './limits.js';

/**
 * The part of glibc's `glob(GLOB_MARK | GLOB_BRACE)` that Keepalived's include relies on,
 * with the counts Keepalived gathers through GLOB_ALTDIRFUNC to tell "no file there" from
 * "nothing matched the wildcard":
 *
 * - csh braces expand first, and each alternative is globbed in the order written; the
 *   matches of one alternative are sorted (bytewise, as in the C locale);
 * - `*`, `?` and `[...]` match within one path component, and never a leading `.`;
 * - `\` escapes the next character; an unbalanced `{` is an ordinary character.
 */
export interface GlobResult {
  /** Matches in glibc's order, as written in the pattern (relative if it is). */
  readonly matches: readonly GlobMatch[];
  /** Literal names that did not exist, and directories that could not be listed. */
  readonly missing: number;
  /** Whether a directory was listed to match a wildcard. */
  readonly usedWildcards: boolean;
  /** The braces expanded to more patterns than MAX_GLOB_RESULTS, or to more matches. */
  readonly tooMany: boolean;
}

export interface GlobMatch {
  readonly path: string;
  readonly isDirectory: boolean;
}

/** Globs `pattern`, relative paths being taken from `cwd`. */
export function glob(pattern: string, cwd: string): GlobResult {
  const alternatives = expandBraces(pattern);
  const state: GlobState = { cwd, missing: 0, usedWildcards: false, count: 0 };
  const matches: GlobMatch[] = [];
  const tooMany = alternatives === null;
  for (const alternative of alternatives ?? []) {
    const found = globOne(alternative, state).sort((a, b) => compareBytes(a.path, b.path));
    matches.push(...found);
    if (matches.length > MAX_GLOB_RESULTS) break;
  }
  return {
    matches: matches.slice(0, MAX_GLOB_RESULTS),
    missing: state.missing,
    usedWildcards: state.usedWildcards,
    tooMany: tooMany || matches.length > MAX_GLOB_RESULTS,
  };
}

/** Whether the pattern has an unescaped `{` (Keepalived then blames missing files on braces). */
export function hasBrace(pattern: string): boolean {
  for (let i = 0; i < pattern.length; i++) {
    if (pattern[i] === '\\') i++;
    else if (pattern[i] === '{') return true;
  }
  return false;
}

interface GlobState {
  readonly cwd: string;
  missing: number;
  usedWildcards: boolean;
  count: number;
}

/**
 * csh brace expansion: `a{b,c{d,e}}f` gives `abf acdf acef`. Returns null when it would give
 * more than MAX_GLOB_RESULTS patterns.
 */
export function expandBraces(pattern: string): string[] | null {
  const open = findUnescaped(pattern, '{', 0);
  if (open < 0) return [pattern];
  const parts = splitAlternatives(pattern, open);
  if (parts === null) {
    // glibc treats a pattern with an unbalanced brace as having no braces at all.
    return [pattern];
  }
  const { alternatives, close } = parts;
  const results: string[] = [];
  for (const alternative of alternatives) {
    const expanded = expandBraces(pattern.slice(0, open) + alternative + pattern.slice(close + 1));
    if (expanded === null) return null;
    results.push(...expanded);
    if (results.length > MAX_GLOB_RESULTS) return null;
  }
  return results;
}

function findUnescaped(text: string, char: string, from: number): number {
  for (let i = from; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === char) return i;
  }
  return -1;
}

/** The top-level alternatives of the brace at `open`, or null if it is not closed. */
function splitAlternatives(pattern: string, open: number): { alternatives: string[]; close: number } | null {
  const alternatives: string[] = [];
  let depth = 0;
  let start = open + 1;
  for (let i = open + 1; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') i++;
    else if (c === '{') depth++;
    else if (c === '}' && depth > 0) depth--;
    else if (c === '}') {
      alternatives.push(pattern.slice(start, i));
      return { alternatives, close: i };
    } else if (c === ',' && depth === 0) {
      alternatives.push(pattern.slice(start, i));
      start = i + 1;
    }
  }
  return null;
}

/** glibc's glob() of one brace-free pattern: the directory part first, then the last name. */
function globOne(pattern: string, state: GlobState): GlobMatch[] {
  const slash = pattern.lastIndexOf('/');
  if (slash < 0) return globInDir(pattern, '', state);
  const dirPattern = slash === 0 ? '/' : pattern.slice(0, slash);
  const name = pattern.slice(slash + 1);
  const dirs = hasWildcard(dirPattern)
    ? globOne(dirPattern, state)
        .filter((m) => m.isDirectory)
        .map((m) => m.path)
        .sort(compareBytes)
    : [unescape(dirPattern)];
  const joined = (dir: string): string => (dir.endsWith('/') ? dir : `${dir}/`);
  return dirs.flatMap((dir) => globInDir(name, joined(dir), state));
}

/** Matches one name in one directory (`dir` is '' or ends with '/'). */
function globInDir(name: string, dir: string, state: GlobState): GlobMatch[] {
  if (state.count > MAX_GLOB_RESULTS) return [];
  const onDisk = (p: string): string => path.resolve(state.cwd, p);
  if (!hasWildcard(name)) {
    const full = dir + unescape(name);
    const stat = lstatOrNull(onDisk(full));
    if (stat === null) {
      state.missing++;
      return [];
    }
    state.count++;
    return [{ path: full, isDirectory: isDirectoryFollowingLinks(onDisk(full), stat) }];
  }
  state.usedWildcards = true;
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(onDisk(dir === '' ? '.' : dir), { withFileTypes: true });
  } catch {
    state.missing++;
    return [];
  }
  const matcher = nameMatcher(name);
  const found: GlobMatch[] = [];
  for (const entry of entries) {
    if (!matcher(entry.name)) continue;
    const full = dir + entry.name;
    const stat = lstatOrNull(onDisk(full));
    found.push({ path: full, isDirectory: stat !== null && isDirectoryFollowingLinks(onDisk(full), stat) });
    if (++state.count > MAX_GLOB_RESULTS) break;
  }
  return found;
}

function lstatOrNull(p: string): fs.Stats | null {
  try {
    return fs.lstatSync(p);
  } catch {
    return null;
  }
}

/** GLOB_MARK marks directories, symbolic links to directories included. */
function isDirectoryFollowingLinks(p: string, stat: fs.Stats): boolean {
  if (!stat.isSymbolicLink()) return stat.isDirectory();
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** glibc: `*`, `?` and a `[` that has a closing `]` are wildcards, unless escaped. */
function hasWildcard(pattern: string): boolean {
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') i++;
    else if (c === '*' || c === '?') return true;
    else if (c === '[' && pattern.indexOf(']', i + 2) > 0) return true;
  }
  return false;
}

function unescape(pattern: string): string {
  return pattern.replace(/\\(.)/g, '$1');
}

/** One element of a name pattern: `*`, or something that matches one character. */
type NamePart = { readonly star: true } | { readonly star: false; matches(c: string): boolean };

/**
 * fnmatch(FNM_PERIOD) for one path component. Matched without regular expressions, whose
 * backtracking would make `*a*a*a*...b` take exponential time.
 */
function nameMatcher(pattern: string): (name: string) => boolean {
  const parts = nameParts(pattern);
  const explicitDot = pattern.startsWith('.') || pattern.startsWith('\\.');
  return (name) => (explicitDot || !name.startsWith('.')) && matchParts(parts, name);
}

function nameParts(pattern: string): NamePart[] {
  const parts: NamePart[] = [];
  const literal = (c: string): NamePart => ({ star: false, matches: (x) => x === c });
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (c === '\\' && i + 1 < pattern.length) {
      parts.push(literal(pattern[++i] as string));
    } else if (c === '*') {
      parts.push({ star: true });
    } else if (c === '?') {
      parts.push({ star: false, matches: () => true });
    } else if (c === '[') {
      const bracket = bracketExpression(pattern, i);
      if (bracket === null) {
        parts.push(literal(c));
      } else {
        parts.push({ star: false, matches: bracket.matches });
        i = bracket.end;
      }
    } else {
      parts.push(literal(c));
    }
  }
  return parts;
}

/** Wildcard matching in O(pattern x name): on a mismatch, only the last `*` takes one more. */
function matchParts(parts: readonly NamePart[], name: string): boolean {
  let p = 0;
  let n = 0;
  let lastStar = -1;
  let starFrom = 0;
  while (n < name.length) {
    const part = parts[p];
    if (part?.star === false && part.matches(name[n] as string)) {
      p++;
      n++;
    } else if (part?.star === true) {
      lastStar = p++;
      starFrom = n;
    } else if (lastStar >= 0) {
      p = lastStar + 1;
      n = ++starFrom;
    } else {
      return false;
    }
  }
  while (parts[p]?.star === true) p++;
  return p === parts.length;
}

/** `[abc]`, `[a-z]`, `[!x]` or `[^x]` starting at `open`; `]` first in the set is literal. */
function bracketExpression(pattern: string, open: number): { matches: (c: string) => boolean; end: number } | null {
  let i = open + 1;
  const negated = pattern[i] === '!' || pattern[i] === '^';
  if (negated) i++;
  const ranges: Array<[string, string]> = [];
  for (let first = true; i < pattern.length; i++, first = false) {
    let c = pattern[i] as string;
    if (c === ']' && !first) {
      return { matches: (x) => ranges.some(([lo, hi]) => x >= lo && x <= hi) !== negated, end: i };
    }
    if (c === '\\' && i + 1 < pattern.length) c = pattern[++i] as string;
    if (pattern[i + 1] === '-' && pattern[i + 2] !== undefined && pattern[i + 2] !== ']') {
      ranges.push([c, pattern[i + 2] as string]);
      i += 2;
    } else {
      ranges.push([c, c]);
    }
  }
  return null;
}

function compareBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}
