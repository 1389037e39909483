/**
 * The shell-like tokeniser Keepalived applies to script keywords (notify*, script,
 * misc_path, ...), `alloc_strvec_quoted_escaped()`: `"` and `'` both quote, adjacent pieces
 * join, and backslash escapes work inside quotes as well as outside.
 */
/** `escapes` lists the escapes used other than a doubled backslash (a regex written in a script keyword changes with them). */
export type SplitResult = { words: string[]; escapes: string[] } | { error: string; offset: number };

/** Keepalived's WHITE_SPACE: what separates words. */
const WHITE_SPACE = ' \t\f\n\r\v';

const SIMPLE_ESCAPES: Record<string, string> = {
  a: '\x07', b: '\b', E: '\x1b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v',
};

export function splitScriptWords(text: string): SplitResult {
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
        const [value, used] = readEscape(text, i + 1);
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

/** Reads the escape after a backslash at `at`; returns the character and how many were used. */
function readEscape(text: string, at: number): [string, number] {
  const c = text[at] as string;
  if (c === 'x') {
    // Every hex digit that follows is taken; the character keeps the low 8 bits.
    const m = /^[0-9a-fA-F]+/.exec(text.slice(at + 1));
    if (m) return [String.fromCharCode(parseInt(m[0].slice(-2), 16)), 1 + m[0].length];
  }
  if (c === 'c' && at + 1 < text.length) {
    return [String.fromCharCode(text.charCodeAt(at + 1) & 0x1f), 2];
  }
  if (c >= '0' && c <= '7') {
    const m = /^[0-7]{1,3}/.exec(text.slice(at)) as RegExpExecArray;
    return [String.fromCharCode(parseInt(m[0], 8) & 0xff), m[0].length];
  }
  return [SIMPLE_ESCAPES[c] ?? c, 1];
}
