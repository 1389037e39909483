/**
 * IPv4/IPv6 text <-> bytes, with IPv6 written in the RFC 5952 canonical form so that addresses the
 * kernel returns compare equal to the ones vigil asked for.
 */
import type { IpFamily } from '../types.js';

export function parseIpv4(text: string): Buffer {
  const parts = text.split('.');
  if (parts.length !== 4) throw new TypeError(`not an IPv4 address: '${text}'`);
  const out = Buffer.alloc(4);
  parts.forEach((p, i) => {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) throw new TypeError(`not an IPv4 address: '${text}'`);
    out[i] = Number(p);
  });
  return out;
}

export function parseIpv6(text: string): Buffer {
  let s = text;
  const out = Buffer.alloc(16);
  // An embedded IPv4 tail (::ffff:192.0.2.1) becomes two groups.
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(s);
  if (v4?.[1] !== undefined) {
    const b = parseIpv4(v4[1]);
    s = `${s.slice(0, -v4[1].length)}${b.readUInt16BE(0).toString(16)}:${b.readUInt16BE(2).toString(16)}`;
  }
  const halves = s.split('::');
  if (halves.length > 2) throw new TypeError(`not an IPv6 address: '${text}'`);
  const head = halves[0] ? halves[0].split(':') : [];
  const tail = halves.length === 2 && halves[1] ? halves[1].split(':') : [];
  const missing = 8 - head.length - tail.length;
  if ((halves.length === 1 && missing !== 0) || (halves.length === 2 && missing < 1)) {
    throw new TypeError(`not an IPv6 address: '${text}'`);
  }
  const groups = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...tail];
  groups.forEach((g, i) => {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) throw new TypeError(`not an IPv6 address: '${text}'`);
    out.writeUInt16BE(parseInt(g, 16), i * 2);
  });
  return out;
}

/** RFC 5952: lower case, no leading zeros, the longest run (>1) of zero groups as `::`, the first on ties. */
export function formatIpv6(b: Uint8Array): string {
  const buf = Buffer.from(b.buffer, b.byteOffset, 16);
  const groups = Array.from({ length: 8 }, (_, i) => buf.readUInt16BE(i * 2));
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}

export function formatIpv4(b: Uint8Array): string {
  return `${b[0]}.${b[1]}.${b[2]}.${b[3]}`;
}

/** The 16-byte `union nf_inet_addr` the kernel uses for every IPVS address (IPv4 in the first 4 bytes). */
export function toInetAddr(family: IpFamily, text: string): Buffer {
  const out = Buffer.alloc(16);
  (family === 4 ? parseIpv4(text) : parseIpv6(text)).copy(out);
  return out;
}

export function fromInetAddr(family: IpFamily, b: Uint8Array): string {
  if (b.length < (family === 4 ? 4 : 16)) throw new RangeError(`address attribute too short (${b.length} bytes)`);
  return family === 4 ? formatIpv4(b) : formatIpv6(b);
}

/** The canonical text form of an address (RFC 5952 for IPv6). */
export function canonicalAddress(family: IpFamily, text: string): string {
  return fromInetAddr(family, toInetAddr(family, text));
}
