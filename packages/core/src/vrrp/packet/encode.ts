import { addressLength, parseAddress } from './address.js';
import { vrrpChecksum, type ChecksumScope } from './checksum.js';
import {
  AUTH_AH,
  AUTH_DATA_LENGTH,
  MAX_ADVERT_INT_CS,
  VRRP_HEADER_LENGTH,
  VRRP_TYPE_ADVERTISEMENT,
} from './constants.js';
import type { ChecksumMode, IpFamily, VrrpPacket } from './types.js';

export interface VrrpEncodeOptions {
  readonly family: IpFamily;
  /** The IP packet's addresses, for the checksum's pseudo-header (v3 over IPv4 in rfc5798 mode, IPv6). */
  readonly src: string;
  readonly dst: string;
  /** The checksum rule of v3 over IPv4. Default 'rfc5798', Keepalived's default. */
  readonly checksumMode?: ChecksumMode;
  /** The pseudo-header's destination instead of dst: the group, for Keepalived's old_unicast_checksum. */
  readonly checksumDst?: string;
}

/** Bytes of the VRRP message of `packet`: header, addresses, and in v2 over IPv4 the authentication data. */
export function vrrpMessageLength(packet: VrrpPacket, family: IpFamily): number {
  const authLength = packet.version === 2 && family === 4 ? AUTH_DATA_LENGTH : 0;
  return VRRP_HEADER_LENGTH + packet.addresses.length * addressLength(family) + authLength;
}

/**
 * Encodes the VRRP message of `packet` (the payload of its IP packet), checksum included; the same input gives
 * the same bytes. Throws RangeError on a field that does not fit the wire format: it is the sender's own data.
 */
export function encodeVrrp(packet: VrrpPacket, options: VrrpEncodeOptions): Buffer {
  const { family } = options;
  const src = parseAddress(options.src, family);
  const dst = parseAddress(options.checksumDst ?? options.dst, family);
  if (!src || !dst) {
    throw new RangeError(`not IPv${family} addresses: ${options.src} -> ${options.checksumDst ?? options.dst}`);
  }
  const buf = Buffer.alloc(vrrpMessageLength(packet, family));
  const mode = options.checksumMode ?? 'rfc5798';
  writeVrrpMessage(buf, 0, packet, { family, version: packet.version, src, dst, mode });
  return buf;
}

/** Writes the message at buf[offset..]; buf must end where the message ends (vrrpMessageLength). */
export function writeVrrpMessage(buf: Buffer, offset: number, packet: VrrpPacket, scope: ChecksumScope): void {
  const { family } = scope;
  buf[offset] = (packet.version << 4) | VRRP_TYPE_ADVERTISEMENT;
  buf[offset + 1] = checkField('VRID', packet.vrid, 0xff);
  buf[offset + 2] = checkField('priority', packet.priority, 0xff);
  buf[offset + 3] = checkField('address count', packet.addresses.length, 0xff);
  if (packet.version === 2) {
    buf[offset + 4] = checkField('auth type', packet.authType, AUTH_AH);
    buf[offset + 5] = checkField('advert interval', packet.advertInt, 0xff);
  } else {
    const reserved = checkField('reserved bits', packet.reserved ?? 0, 0x0f);
    const interval = checkField('max advert interval', packet.maxAdvertInt, MAX_ADVERT_INT_CS);
    buf.writeUInt16BE((reserved << 12) | interval, offset + 4);
  }

  let at = offset + VRRP_HEADER_LENGTH;
  for (const text of packet.addresses) {
    const address = parseAddress(text, family);
    if (!address) throw new RangeError(`not an IPv${family} address: ${text}`);
    buf.set(address, at);
    at += address.length;
  }

  if (packet.version === 2) {
    if (family === 4) {
      const authData = packet.authData ?? Buffer.alloc(AUTH_DATA_LENGTH);
      if (authData.length !== AUTH_DATA_LENGTH) {
        throw new RangeError(`authentication data must be ${AUTH_DATA_LENGTH} bytes`);
      }
      buf.set(authData, at);
    } else if (packet.authData) {
      throw new RangeError('v2 over IPv6 carries no authentication data');
    }
  }

  buf.writeUInt16BE(vrrpChecksum(buf, offset, buf.length, scope), offset + 6);
}

function checkField(name: string, value: number, max: number): number {
  if (!Number.isInteger(value) || value < 0 || value > max) throw new RangeError(`VRRP ${name} out of range: ${value}`);
  return value;
}
