import type { SourceLoc } from '../location.js';

/**
 * The text of one line being preprocessed, with the column every character was written at.
 *
 * Every character of a line keeps the file and line of the source line it came from: text
 * produced by macro expansion takes the location of the `$` that referenced the macro, lines of
 * a multi-line macro take the location of that `$` too, and lines repeated by `~SEQ`/`~LST`
 * keep the columns of the `~SEQ` line they were written on. So one line has one file and one
 * line number, and only columns vary.
 *
 * `literal` marks characters that must never start a comment (`${_HASH}`, `${_BANG}`).
 */
export class LineText {
  private constructor(
    readonly text: string,
    readonly file: string,
    readonly line: number,
    /** Column of each character, or null when they run on from `firstCol` (the common case). */
    private readonly cols: Int32Array | null,
    private readonly firstCol: number,
    /** 1 for each literal character, or null when there is none. Never changed once made. */
    private readonly literal: Uint8Array | null,
  ) {}

  /** Text as written in a file, starting at column `col`. */
  static written(text: string, file: string, line: number, col = 1): LineText {
    return new LineText(text, file, line, null, col, null);
  }

  /** Text that was not written at this place (a macro's value): every character is at `loc`. */
  static placedAt(text: string, loc: SourceLoc): LineText {
    return new LineText(text, loc.file, loc.line, new Int32Array(text.length).fill(loc.col), loc.col, null);
  }

  get length(): number {
    return this.text.length;
  }

  colAt(index: number): number {
    if (this.cols === null) return this.firstCol + index;
    if (index < this.cols.length) return this.cols[index] as number;
    // Just past the end: one column after the last character.
    const last = this.cols[this.cols.length - 1];
    return last === undefined ? this.firstCol : last + 1;
  }

  locAt(index: number): SourceLoc {
    return { file: this.file, line: this.line, col: this.colAt(index) };
  }

  isLiteral(index: number): boolean {
    return this.literal?.[index] === 1;
  }

  slice(start: number, end = this.text.length): LineText {
    const s = Math.max(0, Math.min(start, this.text.length));
    const e = Math.max(s, Math.min(end, this.text.length));
    if (s === 0 && e === this.text.length) return this;
    return new LineText(
      this.text.slice(s, e),
      this.file,
      this.line,
      this.cols?.subarray(s, e) ?? null,
      this.colAt(s),
      this.literal?.subarray(s, e) ?? null,
    );
  }

  /** Removes the character at `index` (used to drop the `\` of `\#`). */
  remove(index: number): LineText {
    return this.replace(index, index + 1, '', 0, false);
  }

  /**
   * Replaces `[start, end)` with `insert`, whose characters are all placed at column `col`.
   * `literal` marks the inserted characters as never starting a comment.
   */
  replace(start: number, end: number, insert: string, col: number, literal: boolean): LineText {
    const length = this.text.length - (end - start) + insert.length;
    const cols = new Int32Array(length);
    this.copyCols(cols, 0, 0, start);
    cols.fill(col, start, start + insert.length);
    this.copyCols(cols, start + insert.length, end, this.text.length);
    let flags: Uint8Array | null = null;
    if (this.literal !== null || literal) {
      flags = new Uint8Array(length);
      if (this.literal !== null) {
        flags.set(this.literal.subarray(0, start));
        flags.set(this.literal.subarray(end), start + insert.length);
      }
      if (literal) flags.fill(1, start, start + insert.length);
    }
    return new LineText(
      this.text.slice(0, start) + insert + this.text.slice(end),
      this.file,
      this.line,
      cols,
      this.firstCol,
      flags,
    );
  }

  /** Drops leading characters in `chars`. */
  trimStart(chars: string): LineText {
    let i = 0;
    while (i < this.text.length && chars.includes(this.text[i] as string)) i++;
    return this.slice(i);
  }

  /** Drops trailing characters in `chars`. */
  trimEnd(chars: string): LineText {
    let i = this.text.length;
    while (i > 0 && chars.includes(this.text[i - 1] as string)) i--;
    return this.slice(0, i);
  }

  /** Copies the columns of characters `[from, to)` into `target` at `at`. */
  private copyCols(target: Int32Array, at: number, from: number, to: number): void {
    if (this.cols !== null) target.set(this.cols.subarray(from, to), at);
    else for (let i = from; i < to; i++) target[at + i - from] = this.firstCol + i;
  }
}

/** Keepalived's `isblank()`: what it strips from line ends. */
export const BLANKS = ' \t';
