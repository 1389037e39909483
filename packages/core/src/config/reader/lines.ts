import { MAX_LINE_BYTES } from './limits.js';
import { BLANKS, LineText } from './line-text.js';
import type { Reporter } from './report.js';

/**
 * The physical lines of a file as Keepalived sees them: split at `\n` only (a lone `\r` is
 * part of the line) and with every trailing `\r` removed, so CRLF files read like LF files.
 */
export function physicalLines(content: string): string[] {
  const lines = content.split('\n');
  if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
  return lines.map((line) => line.replace(/\r+$/, ''));
}

/**
 * One physical line as Keepalived reads it, in pieces of at most MAX_LINE_BYTES: `fgets()`
 * returns an over-long line in several reads, each then taken as a line of its own. The
 * pieces keep their real columns. A NUL ends the line (Keepalived's C strings stop there).
 */
export function readPhysicalLine(raw: string, file: string, line: number, report: Reporter): LineText[] {
  let text = raw;
  const nul = text.indexOf('\0');
  if (nul >= 0) {
    report.error(
      { file, line, col: nul + 1 },
      'nul-byte',
      'NUL byte in the line: keepalived ignores the rest of the line; remove it (is this a binary file?)',
    );
    text = text.slice(0, nul);
  }
  const pieces: LineText[] = [];
  let rest = LineText.written(text, file, line);
  for (let cut = byteLimitIndex(rest.text); cut > 0; cut = byteLimitIndex(rest.text)) {
    if (pieces.length === 0) {
      report.error(
        rest.locAt(cut),
        'line-too-long',
        `line is longer than ${MAX_LINE_BYTES} bytes: keepalived reads it as two lines from here; ` +
          'shorten it (a macro can hold the long part)',
      );
    }
    pieces.push(rest.slice(0, cut));
    rest = rest.slice(cut);
  }
  pieces.push(rest);
  return pieces;
}

/** Index of the first character past MAX_LINE_BYTES bytes of UTF-8, or -1 if the text fits. */
function byteLimitIndex(text: string): number {
  if (text.length <= MAX_LINE_BYTES / 3) return -1;
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    bytes += code < 0x80 ? 1 : code < 0x800 ? 2 : code >= 0xd800 && code < 0xdc00 ? 4 : 3;
    if (bytes > MAX_LINE_BYTES) return i;
    if (code >= 0xd800 && code < 0xdc00) i++;
  }
  return -1;
}

/**
 * Keepalived's `decomment()`: strips leading blanks, cuts the line at the first `#` or `!`
 * outside double quotes, turns `\#` and `\!` outside quotes into `#` and `!`, and strips
 * trailing blanks. A `\` ending the line is kept as the last character (it continues a
 * multi-line `$NAME=` definition, and is a plain character anywhere else).
 */
export function decomment(line: LineText, report: Reporter): LineText {
  let text = line.trimStart(BLANKS);
  let inQuote = false;
  let quoteCol = 0;
  let commentAt = -1;
  let continuation: LineText | null = null;
  for (let i = 0; i < text.length; i++) {
    const c = text.text[i];
    if (c === '"') {
      if (commentAt < 0) {
        inQuote = !inQuote;
        quoteCol = text.colAt(i);
      }
    } else if (c === '\\') {
      if (i + 1 === text.length) {
        continuation = text.slice(i);
        text = text.slice(0, i);
        break;
      }
      const next = text.text[i + 1] as string;
      // `\#` and `\!` lose their backslash; any other escape is left for the tokeniser.
      if (!inQuote && (next === '#' || next === '!')) text = text.remove(i);
      else i++;
    } else if ((c === '#' || c === '!') && !inQuote && commentAt < 0 && !text.isLiteral(i)) {
      commentAt = i;
    }
  }
  if (inQuote) {
    report.error(
      { file: line.file, line: line.line, col: quoteCol },
      'unterminated-quote',
      'unterminated quote: add the closing " (until then, braces and comment characters are part of the quoted text)',
    );
  }
  if (commentAt >= 0) text = text.slice(0, commentAt);
  text = text.trimEnd(BLANKS);
  if (continuation !== null) text = text.replace(text.length, text.length, '\\', continuation.colAt(0), false);
  return text;
}
