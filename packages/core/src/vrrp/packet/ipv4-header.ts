import { formatAddress, parseAddress } from './address.js';
import { internetChecksum } from './checksum.js';
import { VRRP_IPV4_TOS, VRRP_TTL } from './constants.js';
import { dropped, type Decoded } from './types.js';

const MIN_HEADER_LENGTH = 20;
const MAX_OPTIONS_LENGTH = 40;

/** The IPv4 header fields a sender chooses; the rest (length, protocol, checksum) follow from the packet. */
export interface Ipv4Fields {
  readonly src: string;
  readonly dst: string;
  /** Default 255 (RFC 5798 §5.1.1.3); Keepalived's unicast_ttl may lower it for unicast. */
  readonly ttl?: number;
  /** Default 0xc0, as Keepalived sends. */
  readonly tos?: number;
  /** Identification; Keepalived counts up from 1 (0 would let the kernel pick one). Default 0. */
  readonly id?: number;
  /** The flags and fragment offset word. Default 0. */
  readonly fragment?: number;
  /** IP options, a multiple of 4 bytes, at most 40. Default none. */
  readonly options?: Uint8Array;
}

/** An IPv4 header as received: what a raw IPv4 socket delivers in front of the payload. */
export interface Ipv4Header extends Required<Ipv4Fields> {
  readonly headerLength: number;
  readonly totalLength: number;
  readonly protocol: number;
  readonly checksum: number;
  readonly options: Buffer;
}

/**
 * Reads the IPv4 header at the start of a raw-socket read. Drops what the kernel would not deliver: a version
 * other than 4, a header length under 20 bytes or past the end, a bad header checksum.
 */
export function parseIpv4Header(buf: Buffer): Decoded<{ header: Ipv4Header }> {
  if (buf.length < MIN_HEADER_LENGTH) {
    return dropped('truncated', `${buf.length} bytes, an IPv4 header needs ${MIN_HEADER_LENGTH}`);
  }
  const version = buf[0]! >> 4;
  const headerLength = (buf[0]! & 0x0f) * 4;
  if (version !== 4) return dropped('bad-ip-header', `IP version ${version}, expected 4`);
  if (headerLength < MIN_HEADER_LENGTH) {
    return dropped('bad-ip-header', `IPv4 header length ${headerLength} bytes`);
  }
  if (headerLength > buf.length) {
    return dropped('truncated', `${buf.length} bytes, the IPv4 header says ${headerLength}`);
  }
  if (internetChecksum(buf, 0, headerLength) !== 0) {
    return dropped('bad-ip-header', `bad IPv4 header checksum 0x${buf.readUInt16BE(10).toString(16)}`);
  }
  return {
    ok: true,
    header: {
      headerLength,
      tos: buf[1]!,
      totalLength: buf.readUInt16BE(2),
      id: buf.readUInt16BE(4),
      fragment: buf.readUInt16BE(6),
      ttl: buf[8]!,
      protocol: buf[9]!,
      checksum: buf.readUInt16BE(10),
      src: formatAddress(buf, 12, 4),
      dst: formatAddress(buf, 16, 4),
      options: Buffer.from(buf.subarray(MIN_HEADER_LENGTH, headerLength)),
    },
  };
}

/** The header length `fields` make: 20 bytes plus the options. Throws RangeError on options it cannot send. */
export function ipv4HeaderLength(fields: Ipv4Fields): number {
  const options = fields.options?.length ?? 0;
  if (options % 4 !== 0 || options > MAX_OPTIONS_LENGTH) {
    throw new RangeError(`IPv4 options must be a multiple of 4 bytes, at most ${MAX_OPTIONS_LENGTH}: ${options}`);
  }
  return MIN_HEADER_LENGTH + options;
}

function checkField(name: string, value: number, max: number): number {
  if (!Number.isInteger(value) || value < 0 || value > max) throw new RangeError(`IPv4 ${name} out of range: ${value}`);
  return value;
}

/**
 * Writes the header of an IPv4 packet of `totalLength` bytes at the start of `buf`, checksum included, and
 * returns its length. Throws RangeError on fields that do not fit.
 */
export function writeIpv4Header(buf: Buffer, fields: Ipv4Fields, protocol: number, totalLength: number): number {
  const headerLength = ipv4HeaderLength(fields);
  const src = parseAddress(fields.src, 4);
  const dst = parseAddress(fields.dst, 4);
  if (!src || !dst) throw new RangeError(`not IPv4 addresses: ${fields.src} -> ${fields.dst}`);
  buf[0] = 0x40 | (headerLength / 4);
  buf[1] = checkField('TOS', fields.tos ?? VRRP_IPV4_TOS, 0xff);
  buf.writeUInt16BE(checkField('total length', totalLength, 0xffff), 2);
  buf.writeUInt16BE(checkField('id', fields.id ?? 0, 0xffff), 4);
  buf.writeUInt16BE(checkField('fragment', fields.fragment ?? 0, 0xffff), 6);
  buf[8] = checkField('TTL', fields.ttl ?? VRRP_TTL, 0xff);
  buf[9] = protocol;
  buf.writeUInt16BE(0, 10);
  src.copy(buf, 12);
  dst.copy(buf, 16);
  if (fields.options) buf.set(fields.options, MIN_HEADER_LENGTH);
  buf.writeUInt16BE(internetChecksum(buf, 0, headerLength), 10);
  return headerLength;
}
