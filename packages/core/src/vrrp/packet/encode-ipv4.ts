import { parseAddress } from './address.js';
import { AH_LENGTH, signAh, writeAhHeader } from './auth-ah.js';
import { IPPROTO_AH, IPPROTO_VRRP } from './constants.js';
import { vrrpMessageLength, writeVrrpMessage } from './encode.js';
import { ipv4HeaderLength, writeIpv4Header, type Ipv4Fields } from './ipv4-header.js';
import type { ChecksumMode, VrrpPacket } from './types.js';

export interface Ipv4EncodeOptions {
  readonly ip: Ipv4Fields;
  /** The checksum rule of v3 over IPv4. Default 'rfc5798', Keepalived's default. */
  readonly checksumMode?: ChecksumMode;
  /** The pseudo-header's destination instead of ip.dst: the group, for Keepalived's old_unicast_checksum. */
  readonly checksumDst?: string;
  /**
   * Send it inside an IPsec AH header (Keepalived's auth_type AH; the packet's authType should be 2): the
   * auth_pass, and this advert's sequence number (one more than the last sent, from 1).
   */
  readonly ah?: { readonly password: string; readonly sequence: number };
}

/**
 * Encodes a whole IPv4 datagram, as sent on a raw socket with IP_HDRINCL the way Keepalived does: IP header
 * (checksum included), the AH header when asked for, the VRRP message. Throws RangeError on fields that do
 * not fit.
 */
export function encodeIpv4(packet: VrrpPacket, options: Ipv4EncodeOptions): Buffer {
  const { ah } = options;
  const headerLength = ipv4HeaderLength(options.ip);
  const vrrpOffset = headerLength + (ah ? AH_LENGTH : 0);
  const datagram = Buffer.alloc(vrrpOffset + vrrpMessageLength(packet, 4));
  writeIpv4Header(datagram, options.ip, ah ? IPPROTO_AH : IPPROTO_VRRP, datagram.length);

  const src = datagram.subarray(12, 16);
  const dst = options.checksumDst === undefined ? datagram.subarray(16, 20) : parseAddress(options.checksumDst, 4);
  if (!dst) throw new RangeError(`checksum destination ${options.checksumDst} is not IPv4`);
  if (ah) writeAhHeader(datagram, headerLength, src, ah.sequence);
  writeVrrpMessage(datagram, vrrpOffset, packet, {
    family: 4,
    version: packet.version,
    src,
    dst,
    mode: options.checksumMode ?? 'rfc5798',
  });
  // The ICV covers the VRRP message, so it comes last.
  if (ah) signAh(datagram, headerLength, ah.password);
  return datagram;
}
