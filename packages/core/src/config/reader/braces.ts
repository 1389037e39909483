import { BLANKS, type LineText } from './line-text.js';

/**
 * Keepalived ends a line at its first `{` or `}` outside double quotes, so that blocks can be
 * written on one line (`virtual_ipaddress { 192.0.2.1 }`) or with `{` on a line of its own.
 *
 * A line starting with a brace yields the brace alone; any other line yields the text before
 * the brace. What follows is the residue, read next as if it were a new line (so it goes
 * through conditionals, definitions and substitution again). After an unterminated quote
 * nothing is split.
 */
export function splitAtBrace(line: LineText): { head: LineText; residue: LineText | null } {
  const text = line.text;
  let brace = -1;
  if (text[0] === '{' || text[0] === '}') {
    brace = 0;
  } else {
    for (let i = 0; i < text.length; i++) {
      const c = text[i];
      if (c === '{' || c === '}') {
        brace = i;
        break;
      }
      if (c === '"') {
        const close = text.indexOf('"', i + 1);
        if (close < 0) break;
        i = close;
      }
    }
  }
  if (brace < 0) return { head: line.trimEnd(BLANKS), residue: null };
  let cut = brace;
  if (brace === 0) {
    cut = 1;
    while (cut < text.length && BLANKS.includes(text[cut] as string)) cut++;
  }
  const residue = line.slice(cut).trimEnd(BLANKS);
  return { head: line.slice(0, cut).trimEnd(BLANKS), residue: residue.length > 0 ? residue : null };
}
