import type { SourceLoc } from '../location.js';
import type { Reporter } from './report.js';

/** What any line costs beyond its characters: the objects that hold it and its words. */
const LINE_COST = 64;

/**
 * How much text expansion may produce in one document. A line repeated by `~SEQ`/`~LST` or
 * read from a multi-line macro costs its length, and a substitution the length of the line it
 * makes, each plus LINE_COST. The reader's work grows with that text, so this bounds its time
 * and memory whatever the input (Keepalived has no bound: `$A=$A` hangs it).
 */
export class ExpansionBudget {
  private left: number;
  private reported = false;

  constructor(
    readonly limit: number,
    private readonly report: Reporter,
  ) {
    this.left = limit;
  }

  get remaining(): number {
    return this.left;
  }

  /** What producing a line of `chars` characters would cost. */
  static costOf(chars: number): number {
    return chars + LINE_COST;
  }

  /**
   * Spends the cost of a line of `chars` characters; once it is not there, reports it (once)
   * and refuses from then on.
   */
  spend(chars: number, at: SourceLoc): boolean {
    const cost = ExpansionBudget.costOf(chars);
    if (cost <= this.left) {
      this.left -= cost;
      return true;
    }
    if (!this.reported) {
      this.reported = true;
      this.report.error(
        at,
        'expansion-too-large',
        `~SEQ, ~LST and macros have produced as much text as allowed (maxExpansion ${this.limit}): ` +
          'expansion stops here and later lines are read as written; generate less',
      );
    }
    this.left = 0;
    return false;
  }
}
