import type { Token } from '../ast.js';
import type { SourceLoc } from '../location.js';
import type { LineText } from './line-text.js';
import type { Reporter } from './report.js';

/** Keepalived's WHITE_SPACE: what separates words. */
const WHITE_SPACE = ' \t\f\n\r\v';

/** The words of a logical line, and the raw text after the first one (for script keywords). */
export interface LineWords {
  readonly tokens: readonly Token[];
  /** The text after the first word, blanks before it skipped, quotes kept. */
  readonly rest: string;
  readonly restLoc: SourceLoc;
}

/**
 * Keepalived's default tokeniser (`alloc_strvec_r`): words are separated by white space; a
 * word starting with `"` runs to the next `"` and loses its quotes, with no escapes. A `"`
 * inside a word ends it. `'` is an ordinary character. An unterminated quote is reported and
 * ends the line.
 *
 * A quoted token's location is that of its opening quote.
 */
export function tokenizeLine(line: LineText, report: Reporter): LineWords {
  const text = line.text;
  const tokens: Token[] = [];
  let firstEnd = -1;
  let p = 0;
  for (;;) {
    while (p < text.length && WHITE_SPACE.includes(text[p] as string)) p++;
    if (p >= text.length) break;
    const start = p;
    if (text[p] === '"') {
      const close = text.indexOf('"', p + 1);
      if (close < 0) {
        report.error(
          line.locAt(p),
          'unterminated-quote',
          'unterminated quote: add the closing " (until then, braces and comment characters are part of the quoted text)',
        );
        break;
      }
      tokens.push({ text: text.slice(p + 1, close), loc: line.locAt(start), quoted: true });
      p = close + 1;
    } else {
      while (p < text.length && !WHITE_SPACE.includes(text[p] as string) && text[p] !== '"') p++;
      tokens.push({ text: text.slice(start, p), loc: line.locAt(start), quoted: false });
    }
    if (firstEnd < 0) firstEnd = p;
  }
  let restStart = firstEnd < 0 ? text.length : firstEnd;
  while (restStart < text.length && WHITE_SPACE.includes(text[restStart] as string)) restStart++;
  return { tokens, rest: text.slice(restStart), restLoc: line.locAt(restStart) };
}
