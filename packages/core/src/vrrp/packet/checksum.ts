import { IPPROTO_VRRP } from './constants.js';
import type { ChecksumMode, IpFamily, VrrpVersion } from './types.js';

/** Where the checksum sits in a VRRP message, v2 and v3 alike. */
const CHECKSUM_OFFSET = 6;

/** Adds the carries back in until the sum fits 16 bits (end-around carry). */
function fold(sum: number): number {
  while (sum > 0xffff) sum = (sum & 0xffff) + Math.floor(sum / 0x10000);
  return sum;
}

/**
 * One's-complement sum (RFC 1071) of the big-endian 16-bit words of buf[start, end), added to `initial`,
 * folded to 16 bits; an odd last byte is padded with a zero.
 */
function onesComplementSum(buf: Uint8Array, start = 0, end = buf.length, initial = 0): number {
  let sum = initial;
  let i = start;
  for (; i + 1 < end; i += 2) sum += ((buf[i] ?? 0) << 8) | (buf[i + 1] ?? 0);
  if (i < end) sum += (buf[i] ?? 0) << 8;
  return fold(sum);
}

/** The Internet checksum of buf[start, end): 0 when the range holds a correct checksum of itself. */
export function internetChecksum(buf: Uint8Array, start = 0, end = buf.length, initial = 0): number {
  return ~onesComplementSum(buf, start, end, initial) & 0xffff;
}

/** What a VRRP checksum covers besides the message: the version and the IP packet's addresses. */
export interface ChecksumScope {
  readonly family: IpFamily;
  readonly version: VrrpVersion;
  readonly src: Uint8Array;
  /** The pseudo-header's destination: the packet's, or the group for Keepalived's old_unicast_checksum. */
  readonly dst: Uint8Array;
  readonly mode: ChecksumMode;
}

/**
 * Whether the checksum covers a pseudo-header:
 * - v2 over IPv4: never, the message only (RFC 3768 §5.3.8);
 * - v3 over IPv4: as RFC 5798 §5.2.8 is read by Keepalived (`rfc5798`), or not, as RFC 9568 §5.2.8 says;
 * - IPv6, v3 and Keepalived's v2 alike: always the IPv6 one (RFC 8200 §8.1; the kernel computes it there).
 */
function hasPseudoHeader(scope: ChecksumScope): boolean {
  return scope.family === 6 || (scope.version === 3 && scope.mode === 'rfc5798');
}

/** The sum of the IPv4 (src, dst, 0, proto, 16-bit length) or IPv6 (src, dst, 32-bit length, 0, next) pseudo-header. */
function pseudoHeaderSum(scope: ChecksumScope, length: number): number {
  const addresses = onesComplementSum(scope.dst, 0, scope.dst.length, onesComplementSum(scope.src));
  // Both layouts come to two more words: 0x0070 (zeros, then 112) and the length (IPv6's high length word is 0).
  return fold(addresses + IPPROTO_VRRP + length);
}

/**
 * The one's-complement sum a VRRP checksum covers, for the message at buf[start, end) as it stands: 0xffff when
 * its checksum field is right (either zero of one's complement, as Keepalived's in_csum accepts).
 */
export function vrrpChecksumSum(buf: Uint8Array, start: number, end: number, scope: ChecksumScope): number {
  return onesComplementSum(buf, start, end, initialSum(scope, end - start));
}

/** The checksum the message at buf[start, end) should carry; its checksum field (bytes 6-7) is left out. */
export function vrrpChecksum(buf: Uint8Array, start: number, end: number, scope: ChecksumScope): number {
  const head = onesComplementSum(buf, start, start + CHECKSUM_OFFSET, initialSum(scope, end - start));
  return ~onesComplementSum(buf, start + CHECKSUM_OFFSET + 2, end, head) & 0xffff;
}

function initialSum(scope: ChecksumScope, length: number): number {
  return hasPseudoHeader(scope) ? pseudoHeaderSum(scope, length) : 0;
}
