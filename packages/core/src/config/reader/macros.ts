import type { SourceLoc } from '../location.js';
import type { ExpansionBudget } from './budget.js';
import { MAX_LINE_BYTES } from './limits.js';
import { BLANKS, type LineText } from './line-text.js';
import type { Reporter } from './report.js';

/** A `$NAME=VALUE` definition. A multi-line value holds its lines separated by `\n`. */
export interface UserDefinition {
  readonly kind: 'user';
  value: string;
  multiline: boolean;
}

/** A pre-defined `${_NAME}` whose value is computed where it is used. */
export interface BuiltinDefinition {
  readonly kind: 'builtin';
  /** Whether `${NAME PARAMS}` is a reference at all; if not, Keepalived leaves the text as is. */
  accepts(params: string | undefined): boolean;
  expand(params: string | undefined, at: SourceLoc): string;
  /** The value is a character that must not start a comment (`${_HASH}`, `${_BANG}`). */
  readonly literal: boolean;
}

type Definition = UserDefinition | BuiltinDefinition;

/** The definitions in force while reading; defining a built-in's name replaces the built-in. */
export class Definitions {
  private readonly byName: Map<string, Definition>;

  constructor(builtins: ReadonlyMap<string, BuiltinDefinition>) {
    this.byName = new Map(builtins);
  }

  get(name: string): Definition | undefined {
    return this.byName.get(name);
  }

  set(name: string, value: string, multiline = false): UserDefinition {
    const def: UserDefinition = { kind: 'user', value, multiline };
    this.byName.set(name, def);
    return def;
  }
}

const NAME_START = /[A-Za-z_]/;
const NAME_CHAR = /[A-Za-z0-9_]/;

/**
 * Parses `$NAME=VALUE` (no blank before `=`; blanks after it are skipped). A value ending in
 * `\` starts a multi-line definition: the `\` becomes a line break and the following lines
 * are added by `continueDefinition`.
 */
export function parseDefinition(text: string): { name: string; value: string; multiline: boolean } | null {
  if (text[0] !== '$' || !NAME_START.test(text[1] ?? '')) return null;
  let p = 2;
  while (p < text.length && text[p] !== '=') {
    if (!NAME_CHAR.test(text[p] as string)) return null;
    p++;
  }
  if (p === text.length) return null;
  let valueStart = p + 1;
  while (valueStart < text.length && BLANKS.includes(text[valueStart] as string)) valueStart++;
  const raw = text.slice(valueStart);
  if (!raw.endsWith('\\')) return { name: text.slice(1, p), value: raw, multiline: false };
  const firstLine = raw.slice(0, -1).replace(/[ \t]+$/, '');
  return { name: text.slice(1, p), value: firstLine === '' ? '' : `${firstLine}\n`, multiline: true };
}

/**
 * Adds the next line to a multi-line definition; returns whether the definition goes on.
 * A line ending in `\` continues it, any other line is its last one. Lines holding only `\`
 * add nothing.
 */
export function continueDefinition(def: UserDefinition, text: string): boolean {
  const continues = text.endsWith('\\');
  if (!continues) endDefinition(def);
  const piece = continues ? `${text.slice(0, -1).replace(/[ \t]+$/, '')}\n` : text;
  if (piece.length >= 2 || (piece.length > 0 && !continues)) def.value += piece;
  return continues;
}

/** A definition ended by an empty line, a last line or the end of input. */
export function endDefinition(def: UserDefinition): void {
  // Keepalived decides this before adding the last line: `$X=\` + `value` is a one-line macro.
  if (def.value === '') def.multiline = false;
}

/** A `$NAME` or `${NAME PARAMS}` reference in a line. */
interface Reference {
  readonly start: number;
  readonly end: number;
  readonly name: string;
  readonly params: string | undefined;
}

/**
 * The reference starting at the `$` at `at`, if there is one. `$NAME` must be followed by a
 * blank, `,`, `)` or the end of the line; `${NAME}` may be followed by anything and may carry
 * blank-separated parameters (`${_RANDOM 1 10}`).
 */
function referenceAt(text: string, at: number): Reference | null {
  const braced = text[at + 1] === '{';
  let p = at + (braced ? 2 : 1);
  if (!NAME_START.test(text[p] ?? '')) return null;
  const nameStart = p;
  while (p < text.length && NAME_CHAR.test(text[p] as string)) p++;
  const name = text.slice(nameStart, p);
  if (!braced) {
    const next = text[p];
    return next === undefined || ' \t,)'.includes(next) ? { start: at, end: p, name, params: undefined } : null;
  }
  if (text[p] === '}') return { start: at, end: p + 1, name, params: undefined };
  if (text[p] !== ' ') return null;
  const close = text.indexOf('}', p);
  if (close < 0) return null;
  const params = text.slice(p, close).trim();
  return { start: at, end: close + 1, name, params: params === '' ? undefined : params };
}

/** The definition a reference uses, or undefined when Keepalived would leave it as text. */
function definitionFor(ref: Reference, defs: Definitions, lineLength: number): Definition | undefined {
  const def = defs.get(ref.name);
  if (def === undefined) return undefined;
  if (def.kind === 'builtin') return def.accepts(ref.params) ? def : undefined;
  if (ref.params !== undefined) return undefined;
  // A multi-line macro can only end a line: its later lines follow as lines of their own.
  if (def.multiline && ref.end !== lineLength) return undefined;
  return def;
}

/** The lines after the first of a multi-line macro, still to be read, and where it was used. */
export interface Continuation {
  readonly lines: readonly string[];
  readonly at: SourceLoc;
}

export interface Substitution {
  readonly line: LineText;
  /** False when nothing was replaced, or a replacement would make the line too long. */
  readonly changed: boolean;
  /** Multi-line macros met, in the order met. */
  readonly continuations: readonly Continuation[];
  /** Too many substitutions: the definitions refer to each other without end. */
  readonly runaway: boolean;
  /** The expansion budget ran out: the rest of the line is left as it is. */
  readonly exhausted: boolean;
}

export interface SubstitutionLimits {
  /** Substitutions left for the line (shared by its re-scans and the residues split from it). */
  readonly perLine: { remaining: number };
  readonly expansion: ExpansionBudget;
}

/**
 * Keepalived's `replace_param()`: replaces each reference to a defined name with its value.
 * Replaced text is scanned again at once, so values that contain references are expanded at
 * use time. A value starting with `~` stops the scan, so that a `~SEQ` it starts expands the
 * rest of the line each time round.
 *
 * When the line's substitutions run out the line is abandoned (`runaway`); when the document's
 * expansion budget does, the line is left as it is (`exhausted`).
 */
export function substitute(
  line: LineText,
  defs: Definitions,
  report: Reporter,
  limits: SubstitutionLimits,
): Substitution {
  let text = line;
  let changed = false;
  const continuations: Continuation[] = [];
  let from = 0;
  for (;;) {
    const at = text.text.indexOf('$', from);
    if (at < 0 || at + 1 >= text.length) break;
    const ref = referenceAt(text.text, at);
    const def = ref && definitionFor(ref, defs, text.length);
    if (!ref || !def) {
      from = at + 1;
      continue;
    }
    const site = text.locAt(at);
    if (limits.perLine.remaining-- <= 0) {
      report.error(
        site,
        'macro-recursion',
        `'$${ref.name}' expands without end (a definition that refers to itself?): the line is ignored; break the cycle`,
      );
      return { line: text, changed, continuations, runaway: true, exhausted: false };
    }
    let value: string;
    if (def.kind === 'builtin') {
      value = def.expand(ref.params, site);
    } else if (def.multiline) {
      const [first = '', ...rest] = def.value.split('\n');
      value = first;
      continuations.push({ lines: rest, at: site });
    } else {
      value = def.value;
    }
    if (tooLong(text.text, at, ref.end, value)) {
      report.error(
        site,
        'line-too-long',
        `substituting '$${ref.name}' makes the line longer than ${MAX_LINE_BYTES} bytes, so keepalived leaves ` +
          'the rest of the line unsubstituted; shorten the value or split the line',
      );
      return { line: text, changed: false, continuations: [], runaway: false, exhausted: false };
    }
    if (!limits.expansion.spend(text.length - (ref.end - at) + value.length, site)) {
      return { line: text, changed, continuations: [], runaway: false, exhausted: true };
    }
    text = text.replace(at, ref.end, value, site.col, def.kind === 'builtin' && def.literal);
    changed = true;
    const whole = def.kind === 'user' ? def.value : value;
    if (whole.replace(/^[ \t]*/, '').startsWith('~')) break;
  }
  return { line: text, changed, continuations, runaway: false, exhausted: false };
}

/** Whether replacing `[start, end)` of `text` with `value` makes it longer than Keepalived's buffer. */
function tooLong(text: string, start: number, end: number, value: string): boolean {
  const chars = text.length - (end - start) + value.length;
  // A character is 1 to 3 UTF-8 bytes (4 for a surrogate pair, which is 2 characters).
  if (chars * 3 <= MAX_LINE_BYTES) return false;
  return chars > MAX_LINE_BYTES || Buffer.byteLength(text.slice(0, start) + value + text.slice(end)) > MAX_LINE_BYTES;
}
