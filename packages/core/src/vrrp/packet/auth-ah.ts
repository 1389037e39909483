import { createHmac, timingSafeEqual } from 'node:crypto';
import { isMulticast } from './address.js';
import { passwordAuthData } from './auth-pass.js';
import { IPPROTO_VRRP } from './constants.js';

/**
 * The IPsec Authentication Header of Keepalived's auth_type AH (RFC 2402 §2, vrrp_ipsecah.h): next header,
 * payload length, reserved, SPI, sequence number, then a 96-bit ICV. No IPsec SA is involved: the SPI is the
 * sender's IPv4 address and the key the 8-byte auth_pass.
 */
export const AH_LENGTH = 24;
const ICV_OFFSET = 12;
/** HMAC-MD5 truncated to 96 bits: RFC 2403 §2. */
const ICV_LENGTH = 12;
/** RFC 2402 §2.2 Payload Length: the header's length in 32-bit words, minus 2. */
const AH_PAYLOAD_LENGTH = AH_LENGTH / 4 - 2;

export interface AhHeader {
  /** The protocol it protects: VRRP (112) in a good advert. */
  readonly nextHeader: number;
  readonly payloadLength: number;
  readonly reserved: number;
  /** The sender's IPv4 address as a 32-bit number. */
  readonly spi: number;
  /** Counts up from 1 with each advert; the receiver drops anything not above the last one it accepted. */
  readonly sequence: number;
  readonly icv: Buffer;
}

export function readAhHeader(buf: Buffer, offset: number): AhHeader {
  return {
    nextHeader: buf[offset]!,
    payloadLength: buf[offset + 1]!,
    reserved: buf.readUInt16BE(offset + 2),
    spi: buf.readUInt32BE(offset + 4),
    sequence: buf.readUInt32BE(offset + 8),
    icv: Buffer.from(buf.subarray(offset + ICV_OFFSET, offset + ICV_OFFSET + ICV_LENGTH)),
  };
}

/** Writes an AH header for VRRP with a zero ICV (computeAhIcv fills it once the packet is complete). */
export function writeAhHeader(buf: Buffer, offset: number, src: Uint8Array, sequence: number): void {
  if (!Number.isInteger(sequence) || sequence < 0 || sequence > 0xffffffff) {
    throw new RangeError(`AH sequence number out of range: ${sequence}`);
  }
  buf[offset] = IPPROTO_VRRP;
  buf[offset + 1] = AH_PAYLOAD_LENGTH;
  buf.writeUInt16BE(0, offset + 2);
  buf.set(src, offset + 4);
  buf.writeUInt32BE(sequence, offset + 8);
  buf.fill(0, offset + ICV_OFFSET, offset + ICV_OFFSET + ICV_LENGTH);
}

/**
 * The ICV of an IPv4 datagram whose AH header starts at `ahOffset`, as Keepalived computes it (vrrp_update_pkt,
 * vrrp_in_chk_ipsecah): HMAC-MD5-96 keyed with the 8-byte auth_pass, over
 * - the IP header (options included) with the fields that may change in transit zeroed: TOS, flags and fragment
 *   offset, header checksum, and the TTL only when the packet is unicast (a multicast advert's TTL is always 255);
 *   identification and total length stay in;
 * - the AH header with a zero ICV;
 * - the VRRP message.
 */
function computeAhIcv(datagram: Buffer, ahOffset: number, password: string): Buffer {
  const headers = Buffer.from(datagram.subarray(0, ahOffset + AH_LENGTH));
  headers[1] = 0;
  headers.writeUInt16BE(0, 6);
  headers.writeUInt16BE(0, 10);
  if (!isMulticast(headers.subarray(16, 20))) headers[8] = 0;
  headers.fill(0, ahOffset + ICV_OFFSET, ahOffset + ICV_OFFSET + ICV_LENGTH);
  return createHmac('md5', passwordAuthData(password))
    .update(headers)
    .update(datagram.subarray(ahOffset + AH_LENGTH))
    .digest()
    .subarray(0, ICV_LENGTH);
}

/** Fills in the ICV of a datagram built with writeAhHeader. */
export function signAh(datagram: Buffer, ahOffset: number, password: string): void {
  computeAhIcv(datagram, ahOffset, password).copy(datagram, ahOffset + ICV_OFFSET);
}

/** Whether the datagram's ICV is the one `password` gives, compared in constant time. */
export function ahIcvMatches(datagram: Buffer, ahOffset: number, password: string): boolean {
  const received = datagram.subarray(ahOffset + ICV_OFFSET, ahOffset + ICV_OFFSET + ICV_LENGTH);
  return timingSafeEqual(received, computeAhIcv(datagram, ahOffset, password));
}
