/**
 * The quoted/escaped word splitter Keepalived applies to `regex` (alloc_strvec_quoted_escaped in
 * lib/parser.c): words are separated by white space, `"` and `'` quote (the other quote is
 * literal inside them), adjacent pieces join, and a backslash escapes the next character inside
 * quotes as well as outside: \a \b \E \f \n \r \t \v, \xHH... (every hex digit that follows; the
 * low 8 bits are kept), \cX (control character), \OOO (octal), anything else is itself (\\ is \).
 * Core applies the same rules to script keywords; plugins cannot import core's splitter.
 */
export type Split = { words: string[]; escapes: string[] } | { error: string; offset: number };

const WHITE_SPACE = ' \t\f\n\r\v';
const SIMPLE: Record<string, string> = { a: '\x07', b: '\b', E: '\x1b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' };

/** The character an escape stands for, and how many characters after the backslash it used. */
function escape(text: string, at: number): [string, number] {
  const c = text[at] as string;
  if (c === 'x') {
    const m = /^[0-9a-fA-F]+/.exec(text.slice(at + 1));
    if (m) return [String.fromCharCode(parseInt(m[0].slice(-2), 16)), 1 + m[0].length];
  }
  if (c === 'c' && at + 1 < text.length) return [String.fromCharCode(text.charCodeAt(at + 1) & 0x1f), 2];
  if (c >= '0' && c <= '7') {
    const m = /^[0-7]{1,3}/.exec(text.slice(at)) as RegExpExecArray;
    return [String.fromCharCode(parseInt(m[0], 8) & 0xff), m[0].length];
  }
  return [SIMPLE[c] ?? c, 1];
}

/** Splits `text`; `escapes` lists the escapes used other than `\\` (they change a regex). */
export function splitQuoted(text: string): Split {
  const words: string[] = [];
  const escapes: string[] = [];
  let i = 0;
  for (;;) {
    while (i < text.length && WHITE_SPACE.includes(text[i] as string)) i++;
    if (i >= text.length) return { words, escapes };
    let word = '';
    let quote = '';
    let quoteAt = 0;
    for (; i < text.length; i++) {
      const c = text[i] as string;
      if (c === '\\') {
        if (i + 1 === text.length) return { error: 'backslash at the end escapes nothing', offset: i };
        const [value, used] = escape(text, i + 1);
        if (text[i + 1] !== '\\') escapes.push(text.slice(i, i + 1 + used));
        word += value;
        i += used;
      } else if (quote !== '') {
        if (c === quote) quote = '';
        else word += c;
      } else if (c === '"' || c === "'") {
        quote = c;
        quoteAt = i;
      } else if (WHITE_SPACE.includes(c)) {
        break;
      } else {
        word += c;
      }
    }
    if (quote !== '') return { error: `unterminated ${quote === '"' ? 'double' : 'single'} quote`, offset: quoteAt };
    words.push(word);
  }
}
