import path from 'node:path';
import type { SourceLoc } from '../location.js';
import { ExpansionBudget } from './budget.js';
import { splitAtBrace } from './braces.js';
import { applyConditional } from './conditional.js';
import { readSourceFile, type SourceFile } from './files.js';
import { applyIncludeCheck, IncludeCheck, parseIncludeDirective, resolveInclude } from './include.js';
import { MAX_FILES_READ, MAX_INCLUDE_DEPTH, MAX_SEQUENCE_NESTING, MAX_SUBSTITUTIONS_PER_LINE } from './limits.js';
import { LineText } from './line-text.js';
import { decomment, physicalLines, readPhysicalLine } from './lines.js';
import {
  continueDefinition,
  endDefinition,
  parseDefinition,
  substitute,
  type Continuation,
  type Definitions,
  type SubstitutionLimits,
  type UserDefinition,
} from './macros.js';
import type { Reporter } from './report.js';
import { isRepetitionLine, parseRepetition, type Repetition } from './sequence.js';
import { tokenizeLine } from './tokens.js';

/** A file being read, line by line. */
interface OpenFile {
  readonly source: SourceFile;
  readonly lines: readonly string[];
  /** Lines read so far, which is also the number of the last line read. */
  read: number;
  /** The rest of an over-long line, which Keepalived reads as several lines. */
  readonly pieces: LineText[];
}

/** One `include` (or the main file): its matches are read one after the other. */
interface IncludeFrame {
  readonly pending: string[];
  current: OpenFile | null;
  /** Include checks that make this include's problems errors. */
  readonly checks: number;
  /** `include_check` as it was when the include was read, restored after each of its files. */
  readonly savedIncludeCheck: number;
  readonly at: SourceLoc;
}

/** The rest of a multi-line macro being read. */
interface MacroLines {
  readonly lines: readonly string[];
  next: number;
  readonly at: SourceLoc;
  /** `~SEQ`s open when the macro was used: they wait until its lines are read. */
  readonly repetitionDepth: number;
}

interface ActiveRepetition {
  readonly repetition: Repetition;
  remaining: bigint;
}

export interface PipelineOptions {
  readonly configId: string;
  readonly expansion: ExpansionBudget;
}

/**
 * Keepalived's `read_line()`: turns the files into logical lines, one at a time, applying in
 * Keepalived's order decommenting, conditionals, definitions, `~SEQ`/`~LST`, substitution,
 * includes and brace splitting.
 *
 * Where the next line comes from follows Keepalived exactly: first the residue of a line
 * split at a brace, then a repetition of the innermost `~SEQ`/`~LST`, then the next line of a
 * multi-line macro, then the file at the top of the include stack. So an include read from a
 * `~SEQ` or a macro is read only once the repetition or the macro is done, as in Keepalived.
 */
export class Preprocessor {
  private residue: LineText | null = null;
  private readonly repetitions: ActiveRepetition[] = [];
  private macro: MacroLines | null = null;
  private readonly suspendedMacros: MacroLines[] = [];
  private readonly includes: IncludeFrame[] = [];
  private includeCheck = 0;
  private definition: UserDefinition | null = null;
  /**
   * Substitutions left for the current line and the residues split from it: a residue is
   * substituted again, so `$X={$X` would otherwise regrow it after every split, for ever.
   */
  private limits: SubstitutionLimits;
  private readonly read = new Set<string>();
  private opened = 0;

  constructor(
    private readonly defs: Definitions,
    private readonly report: Reporter,
    private readonly options: PipelineOptions,
  ) {
    this.limits = this.freshLimits();
  }

  /** Every file read so far, in the order first read. */
  get files(): string[] {
    return [...this.read];
  }

  /** Starts with the main file. */
  start(source: SourceFile): void {
    const at = { file: source.path, line: 0, col: 0 };
    const frame: IncludeFrame = { pending: [], current: null, checks: 0, savedIncludeCheck: 0, at };
    this.includes.push(frame);
    this.openFile(frame, source);
  }

  /** The next logical line: `{`, `}`, or a line that does not start with a brace. */
  next(): LineText | null {
    for (;;) {
      if (this.residue === null) this.limits = this.freshLimits();
      const line = this.fetch();
      if (line === null) {
        if (this.definition) endDefinition(this.definition);
        this.definition = null;
        return null;
      }
      if (this.definition) {
        this.continueDefinition(line);
        continue;
      }
      const processed = line.length > 0 ? this.process(line) : null;
      if (processed === null) continue;
      const include = parseIncludeDirective(processed.text);
      if (include) {
        this.include(processed, include.patternStart, include.checks);
        continue;
      }
      const { head, residue } = splitAtBrace(processed);
      this.residue = residue;
      if (head.text.startsWith('include_check')) this.noteIncludeCheck(head);
      return head;
    }
  }

  private continueDefinition(line: LineText): void {
    const def = this.definition as UserDefinition;
    if (line.length === 0) {
      endDefinition(def);
      this.definition = null;
    } else if (!continueDefinition(def, line.text)) {
      this.definition = null;
    }
  }

  /**
   * Conditionals, definitions, `~SEQ`/`~LST` and substitution, repeated while substitution
   * leaves something to do. Returns null when nothing of the line is left.
   */
  private process(input: LineText): LineText | null {
    let line = input;
    for (;;) {
      const kept = applyConditional(line, this.options.configId);
      if (kept === null || kept.length === 0) return null;
      line = kept;
      const definition = parseDefinition(line.text);
      if (definition) {
        const def = this.defs.set(definition.name, definition.value, definition.multiline);
        if (def.multiline) this.definition = def;
        return null;
      }
      if (isRepetitionLine(line.text)) {
        this.startRepetition(line);
        return null;
      }
      // Keepalived substitutes nothing on other lines starting with '~'.
      if (line.text[0] === '~' || !line.text.includes('$')) return line;
      const result = substitute(line, this.defs, this.report, this.limits);
      if (result.runaway) return null;
      if (result.exhausted) this.abandonExpansions();
      this.startMacros(result.continuations);
      line = result.line;
      if (!result.changed || result.exhausted) return line;
      line = decomment(line, this.report);
      if (line.length === 0) return null;
      if (line.text[0] !== '@' && !line.text.includes('$')) return line;
    }
  }

  private fetch(): LineText | null {
    if (this.residue) {
      const residue = this.residue;
      this.residue = null;
      return residue;
    }
    const waiting = this.macro?.repetitionDepth ?? 0;
    if (this.repetitions.length > waiting) return this.repeat();
    if (this.macro) return this.nextMacroLine(this.macro);
    return this.nextFileLine();
  }

  private startRepetition(line: LineText): void {
    const at = line.locAt(0);
    if (this.repetitions.length >= MAX_SEQUENCE_NESTING) {
      const message = `~SEQ/~LST nested more than ${MAX_SEQUENCE_NESTING} deep (a macro that repeats itself?): the line is ignored`;
      this.report.error(at, 'sequence-too-deep', message);
      return;
    }
    const repetition = parseRepetition(line, this.defs, this.report, this.limits);
    if (repetition === null) return;
    const cost = repetition.count * BigInt(ExpansionBudget.costOf(repetition.text.length));
    if (cost > BigInt(this.options.expansion.remaining)) {
      this.report.error(
        at,
        'sequence-too-large',
        `this repeats the line ${repetition.count} times, more than expansion may still produce ` +
          `(maxExpansion ${this.options.expansion.limit}): the line is ignored; use fewer values`,
      );
      return;
    }
    this.repetitions.push({ repetition, remaining: repetition.count });
  }

  private repeat(): LineText | null {
    const top = this.repetitions[this.repetitions.length - 1] as ActiveRepetition;
    const { text } = top.repetition;
    if (!this.spendExpansion(text.length, text.locAt(0))) return this.fetch();
    for (const [name, value] of top.repetition.next()) this.defs.set(name, value);
    if (--top.remaining === 0n) this.repetitions.pop();
    return text;
  }

  /** Multi-line macros met while substituting: each one met suspends the one before. */
  private startMacros(continuations: readonly Continuation[]): void {
    for (const { lines, at } of continuations) {
      if (this.macro) this.suspendedMacros.push(this.macro);
      this.macro = { lines, next: 0, at, repetitionDepth: this.repetitions.length };
    }
  }

  private nextMacroLine(macro: MacroLines): LineText | null {
    const text = macro.lines[macro.next++] ?? '';
    if (!this.spendExpansion(text.length, macro.at)) return this.fetch();
    if (macro.next >= macro.lines.length) this.macro = this.suspendedMacros.pop() ?? null;
    return LineText.placedAt(text, macro.at);
  }

  /** Counts a line made by `~SEQ`/`~LST` or a multi-line macro against the expansion budget. */
  private spendExpansion(chars: number, at: SourceLoc): boolean {
    if (this.options.expansion.spend(chars, at)) return true;
    this.abandonExpansions();
    return false;
  }

  /** Once the budget is spent, every repetition and macro under way is dropped. */
  private abandonExpansions(): void {
    this.repetitions.length = 0;
    this.macro = null;
    this.suspendedMacros.length = 0;
  }

  private freshLimits(): SubstitutionLimits {
    return { perLine: { remaining: MAX_SUBSTITUTIONS_PER_LINE }, expansion: this.options.expansion };
  }

  private nextFileLine(): LineText | null {
    for (;;) {
      const frame = this.includes[this.includes.length - 1];
      if (frame === undefined) return null;
      const file = frame.current;
      if (file === null) {
        if (!this.openNextMatch(frame)) this.includes.pop();
        continue;
      }
      const piece = file.pieces.shift();
      if (piece !== undefined) {
        const line = decomment(piece, this.report);
        if (line.length > 0) return line;
        continue;
      }
      if (file.read >= file.lines.length) {
        frame.current = null;
        this.includeCheck = frame.savedIncludeCheck;
        continue;
      }
      const number = ++file.read;
      const pieces = readPhysicalLine(file.lines[number - 1] as string, file.source.path, number, this.report);
      // An empty line ends a multi-line definition; a line with only a comment does not.
      const [only] = pieces;
      if (pieces.length === 1 && only?.length === 0) return only;
      file.pieces.push(...pieces);
    }
  }

  private include(line: LineText, patternStart: number, variantChecks: number): void {
    const at = line.locAt(patternStart);
    if (this.includes.length >= MAX_INCLUDE_DEPTH) {
      const message = `includes nested more than ${MAX_INCLUDE_DEPTH} deep: the include is ignored; flatten them`;
      this.report.error(at, 'include-too-deep', message);
      return;
    }
    const checks = this.includeCheck | variantChecks;
    const cwd = path.dirname(line.file);
    const matches = resolveInclude(line.text.slice(patternStart), cwd, checks, at, this.report);
    if (matches.length === 0) return;
    this.includes.push({
      pending: matches.map((m) => path.join(cwd, m.path)),
      current: null,
      checks,
      savedIncludeCheck: this.includeCheck,
      at,
    });
  }

  private openNextMatch(frame: IncludeFrame): boolean {
    for (let file = frame.pending.shift(); file !== undefined; file = frame.pending.shift()) {
      // Files that include the same files several times each would multiply without end.
      if (++this.opened > MAX_FILES_READ) {
        const message = `more than ${MAX_FILES_READ} files included in all: '${file}' and the rest are ignored`;
        this.report.error(frame.at, 'include-too-many', message);
        frame.pending.length = 0;
        return false;
      }
      const strict = (frame.checks & IncludeCheck.readable) !== 0;
      const source = readSourceFile(file, frame.at, strict, this.report);
      if (source === null) continue;
      const including = this.includes.find((f) => f.current?.source.realPath === source.realPath);
      if (including) {
        const message = `'${file}' is already being read (it includes itself): the include is ignored; remove it`;
        this.report.error(frame.at, 'include-loop', message);
        continue;
      }
      this.openFile(frame, source);
      return true;
    }
    return false;
  }

  private openFile(frame: IncludeFrame, source: SourceFile): void {
    frame.current = { source, lines: physicalLines(source.content), read: 0, pieces: [] };
    this.read.add(source.path);
  }

  /** `include_check` sets the checks of the includes that follow, in this file only. */
  private noteIncludeCheck(line: LineText): void {
    const [keyword, ...options] = tokenizeLine(line, this.report).tokens;
    if (keyword?.text === 'include_check') this.includeCheck = applyIncludeCheck(this.includeCheck, options, this.report);
  }
}
