import type { Diagnostics } from '../diagnostics.js';
import { formatLoc, type SourceLoc } from '../location.js';

/** Every diagnostic code the reader emits. Stable: tools and tests match on them. */
export type ReaderCode =
  // Files
  | 'file-missing'
  | 'file-unreadable'
  | 'file-not-regular'
  | 'file-too-large'
  // Physical lines
  | 'nul-byte'
  | 'line-too-long'
  | 'unterminated-quote'
  // include
  | 'include-missing'
  | 'include-loop'
  | 'include-too-deep'
  | 'include-too-many'
  | 'include-check-invalid'
  // Macros
  | 'macro-recursion'
  | 'macro-invalid-argument'
  | 'env-undefined'
  // ~SEQ / ~LST
  | 'sequence-invalid'
  | 'sequence-too-large'
  | 'sequence-too-deep'
  | 'expansion-too-large'
  // Blocks
  | 'unmatched-brace'
  | 'unclosed-brace'
  | 'unexpected-brace';

/** The reader's view of Diagnostics: typed codes, and each problem reported once. */
export class Reporter {
  private readonly seen = new Set<string>();

  constructor(readonly diags: Diagnostics) {}

  error(loc: SourceLoc, code: ReaderCode, message: string): void {
    if (this.first(loc, code, message)) this.diags.error(loc, code, message);
  }

  warn(loc: SourceLoc, code: ReaderCode, message: string): void {
    if (this.first(loc, code, message)) this.diags.warn(loc, code, message);
  }

  /**
   * The same text is often examined more than once (a line is decommented again after each
   * substitution, and repeated by `~SEQ`), so one mistake would otherwise be reported many times.
   */
  private first(loc: SourceLoc, code: ReaderCode, message: string): boolean {
    const key = `${formatLoc(loc)} ${code} ${message}`;
    if (this.seen.has(key)) return false;
    this.seen.add(key);
    return true;
  }
}
