/**
 * The shell-like tokeniser Keepalived applies to script keywords (notify*, script,
 * misc_path, ...): `"` and `'` both quote, adjacent pieces join, backslash escapes.
 */
export type SplitResult = { words: string[] } | { error: string; offset: number };

const SIMPLE_ESCAPES: Record<string, string> = {
  a: '\x07', b: '\b', E: '\x1b', e: '\x1b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v',
};

export function splitScriptWords(text: string): SplitResult {
  const words: string[] = [];
  let cur = '';
  let inWord = false;
  let i = 0;
  while (i < text.length) {
    const c = text[i] as string;
    if (c === ' ' || c === '\t') {
      if (inWord) words.push(cur);
      cur = '';
      inWord = false;
      i++;
      continue;
    }
    inWord = true;
    if (c === '"' || c === "'") {
      const close = text.indexOf(c, i + 1);
      if (close < 0) return { error: `unterminated ${c === '"' ? 'double' : 'single'} quote`, offset: i };
      cur += text.slice(i + 1, close);
      i = close + 1;
      continue;
    }
    if (c === '\\' && i + 1 < text.length) {
      const [value, used] = readEscape(text, i + 1);
      cur += value;
      i += 1 + used;
      continue;
    }
    cur += c;
    i++;
  }
  if (inWord) words.push(cur);
  return { words };
}

/** Reads the escape after a backslash at `at`; returns the character and how many were used. */
function readEscape(text: string, at: number): [string, number] {
  const c = text[at] as string;
  if (c in SIMPLE_ESCAPES) return [SIMPLE_ESCAPES[c] as string, 1];
  if (c === 'x') {
    const m = /^[0-9a-fA-F]{1,2}/.exec(text.slice(at + 1));
    if (m) return [String.fromCharCode(parseInt(m[0], 16)), 1 + m[0].length];
    return ['x', 1];
  }
  if (c >= '0' && c <= '7') {
    const m = /^[0-7]{1,3}/.exec(text.slice(at)) as RegExpExecArray;
    return [String.fromCharCode(parseInt(m[0], 8) & 0xff), m[0].length];
  }
  if (c === 'c' && at + 1 < text.length) {
    return [String.fromCharCode((text.charCodeAt(at + 1) & 0x1f)), 2];
  }
  return [c, 1];
}
