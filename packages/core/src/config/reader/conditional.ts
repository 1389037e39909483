import { BLANKS, type LineText } from './line-text.js';

/**
 * Conditional lines: `@ID rest` keeps `rest` only when ID is the config-id, `@^ID rest` only
 * when it is not. The ID runs to the first blank; a line with nothing after the ID is dropped
 * (whatever the ID), as Keepalived does.
 *
 * Returns the line without its `@ID` prefix, the line itself if it is not conditional, or
 * null when the line is to be dropped.
 */
export function applyConditional(line: LineText, configId: string): LineText | null {
  if (line.text[0] !== '@') return line;
  const negated = line.text[1] === '^';
  const idStart = negated ? 2 : 1;
  let idEnd = idStart;
  while (idEnd < line.length && !BLANKS.includes(line.text[idEnd] as string)) idEnd++;
  if (idEnd === line.length) return null;
  const matches = line.text.slice(idStart, idEnd) === configId;
  return matches !== negated ? line.slice(idEnd).trimStart(BLANKS) : null;
}
