import { isIPv4, isIPv6 } from 'node:net';
import type { IpFamily } from './types.js';

export function addressLength(family: IpFamily): 4 | 16 {
  return family === 4 ? 4 : 16;
}

/** 224.0.0.0/4 or ff00::/8, from the address bytes. */
export function isMulticast(address: Uint8Array): boolean {
  const first = address[0] ?? 0;
  return address.length === 4 ? first >= 224 && first <= 239 : first === 0xff;
}

/** The address at buf[offset..] as canonical text: dotted quad, or RFC 5952 §4 for IPv6. */
export function formatAddress(buf: Uint8Array, offset: number, family: IpFamily): string {
  const byte = (i: number): number => buf[offset + i] ?? 0;
  if (family === 4) return `${byte(0)}.${byte(1)}.${byte(2)}.${byte(3)}`;

  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((byte(i) << 8) | byte(i + 1));
  // The longest run of two or more zero groups becomes "::", the first one on a tie (RFC 5952 §4.2).
  let runStart = -1;
  let runLength = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let end = i;
    while (end < 8 && groups[end] === 0) end++;
    if (end - i > runLength) [runStart, runLength] = [i, end - i];
    i = end;
  }
  const hex = (list: number[]): string => list.map((g) => g.toString(16)).join(':');
  if (runStart < 0) return hex(groups);
  return `${hex(groups.slice(0, runStart))}::${hex(groups.slice(runStart + runLength))}`;
}

/** The bytes of an address of the given family, or undefined if `text` is not one (zone ids are not). */
export function parseAddress(text: string, family: IpFamily): Buffer | undefined {
  if (family === 4) return isIPv4(text) ? Buffer.from(text.split('.').map(Number)) : undefined;
  if (!isIPv6(text) || text.includes('%')) return undefined;

  const groups = (part: string): number[] =>
    part === ''
      ? []
      : part.split(':').flatMap((g) => {
          if (!g.includes('.')) return [parseInt(g, 16)];
          const [a = 0, b = 0, c = 0, d = 0] = g.split('.').map(Number);
          return [(a << 8) | b, (c << 8) | d];
        });
  const [head = '', tail] = text.split('::');
  const before = groups(head);
  const after = tail === undefined ? [] : groups(tail);
  const all = [...before, ...new Array<number>(8 - before.length - after.length).fill(0), ...after];
  const out = Buffer.alloc(16);
  all.forEach((g, i) => out.writeUInt16BE(g, i * 2));
  return out;
}

/** `text` as canonical text, or undefined if it is not an address. */
export function canonicalAddress(text: string): string | undefined {
  const family: IpFamily = text.includes(':') ? 6 : 4;
  const bytes = parseAddress(text, family);
  return bytes && formatAddress(bytes, 0, family);
}

/** Compares a canonical address with any spelling of one; canonical input costs no parsing. */
export function sameAddress(canonical: string, text: string): boolean {
  return canonical === text || canonical === canonicalAddress(text);
}
