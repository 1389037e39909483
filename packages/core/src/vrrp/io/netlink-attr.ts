// The pieces the rtnetlink messages share: attributes in host byte order (the `netlink` package formats the
// messages; the few attributes it leaves as raw bytes are encoded with these), families, prefixes, scopes.
import { endianness } from 'node:os';
import { formatAddress, parseAddress } from '../packet/address.js';

export type Family = 4 | 6;

/** Linux address families (socket.h). */
export const AF_INET = 2;
export const AF_INET6 = 10;

const HOST_LE = endianness() === 'LE';

/** A u32 in host byte order, as netlink attributes carry it. */
export function u32(value: number): Buffer {
  const b = Buffer.alloc(4);
  if (HOST_LE) b.writeUInt32LE(value >>> 0);
  else b.writeUInt32BE(value >>> 0);
  return b;
}

export function readU32(b: Uint8Array, offset = 0): number {
  const buf = Buffer.from(b.buffer, b.byteOffset, b.length);
  return HOST_LE ? buf.readUInt32LE(offset) : buf.readUInt32BE(offset);
}

export function u16(value: number): Buffer {
  const b = Buffer.alloc(2);
  if (HOST_LE) b.writeUInt16LE(value);
  else b.writeUInt16BE(value);
  return b;
}

/** One netlink attribute (struct nlattr): length, type, payload, padding to 4 bytes. */
export function nla(type: number, payload: Uint8Array): Buffer {
  const length = 4 + payload.length;
  const out = Buffer.alloc((length + 3) & ~3);
  u16(length).copy(out, 0);
  u16(type).copy(out, 2);
  out.set(payload, 4);
  return out;
}

/** The attributes of a nested attribute's payload, by type (NLA_F_NESTED / NLA_F_NET_BYTEORDER masked off). */
export function parseNlas(payload: Uint8Array): Map<number, Buffer> {
  const buf = Buffer.from(payload.buffer, payload.byteOffset, payload.length);
  const out = new Map<number, Buffer>();
  for (let at = 0; at + 4 <= buf.length; ) {
    const length = HOST_LE ? buf.readUInt16LE(at) : buf.readUInt16BE(at);
    const type = (HOST_LE ? buf.readUInt16LE(at + 2) : buf.readUInt16BE(at + 2)) & 0x3fff;
    if (length < 4 || at + length > buf.length) break;
    out.set(type, buf.subarray(at + 4, at + length));
    at += (length + 3) & ~3;
  }
  return out;
}

export function familyCode(family: Family): number {
  return family === 4 ? AF_INET : AF_INET6;
}

export function familyOf(code: number | undefined): Family | undefined {
  return code === AF_INET ? 4 : code === AF_INET6 ? 6 : undefined;
}

/** `192.0.2.10`, `192.0.2.10/24`, `2001:db8::/32`: the address, its family, and the prefix length if written. */
export function parsePrefix(text: string): { address: string; family: Family; bytes: Buffer; prefixLength: number | undefined } {
  const [address = '', length, extra] = text.split('/');
  const family: Family = address.includes(':') ? 6 : 4;
  const bytes = parseAddress(address, family);
  const max = family === 4 ? 32 : 128;
  const prefixLength = length === undefined ? undefined : Number(length);
  if (!bytes || extra !== undefined || (prefixLength !== undefined && !(Number.isInteger(prefixLength) && prefixLength >= 0 && prefixLength <= max) || length === '')) {
    throw new RangeError(`not an IPv4 or IPv6 address or prefix: '${text}'`);
  }
  return { address, family, bytes, prefixLength };
}

/** The bytes of an address of `family`; RangeError naming `what` it is otherwise. */
export function addressBytes(text: string, family: Family, what: string): Buffer {
  const bytes = parseAddress(text, family);
  if (!bytes) throw new RangeError(`${what} '${text}' is not an IPv${family} address`);
  return bytes;
}

/** Address bytes as text, if they have the family's length. */
export function addressText(bytes: Buffer | undefined, family: Family): string | undefined {
  return bytes && bytes.length === (family === 4 ? 4 : 16) ? formatAddress(bytes, 0, family) : undefined;
}

/** RT_SCOPE_* (rtnetlink.h), by the names ip(8) uses. */
export const SCOPES = { global: 0, site: 200, link: 253, host: 254, nowhere: 255 } as const;
export type ScopeName = keyof typeof SCOPES;
export type Scope = ScopeName | number;

export function scopeValue(scope: Scope): number {
  const value = typeof scope === 'number' ? scope : SCOPES[scope];
  if (!Number.isInteger(value) || value < 0 || value > 255) throw new RangeError(`scope ${scope} is not 0..255 or a scope name`);
  return value;
}

export function scopeName(value: number): Scope {
  const entry = Object.entries(SCOPES).find(([, v]) => v === value);
  return entry ? (entry[0] as ScopeName) : value;
}
