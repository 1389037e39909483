import { parseAddress } from './address.js';
import { AH_LENGTH, ahIcvMatches, readAhHeader, type AhHeader } from './auth-ah.js';
import { IPPROTO_AH, IPPROTO_VRRP, VRRP_HEADER_LENGTH } from './constants.js';
import { decodeMessage, type VrrpDecodeOptions } from './decode.js';
import { parseIpv4Header, type Ipv4Header } from './ipv4-header.js';
import { dropped, type AuthConfig, type Decoded, type DecodedVrrpPacket, type Dropped } from './types.js';

export type Ipv4DecodeOptions = Pick<VrrpDecodeOptions, 'checksum' | 'checksumDst' | 'expect'>;

export type Ipv4Decoded = Decoded<{ packet: DecodedVrrpPacket; ip: Ipv4Header; ah: AhHeader | null }>;

/**
 * Decodes an IPv4 datagram as a raw IPv4 socket reads it, IP header first: VRRP (protocol 112) or VRRP inside
 * Keepalived's IPsec AH (protocol 51). The TTL and addresses come from the header, so every check of
 * Keepalived's vrrp_check_packet runs here. Never throws.
 */
export function decodeIpv4(datagram: Buffer, options: Ipv4DecodeOptions = {}): Ipv4Decoded {
  const parsed = parseIpv4Header(datagram);
  if (!parsed.ok) return parsed;
  const ip = parsed.header;

  const hasAh = ip.protocol === IPPROTO_AH;
  if (!hasAh && ip.protocol !== IPPROTO_VRRP) return dropped('not-vrrp', `IP protocol ${ip.protocol}`);
  const vrrpOffset = ip.headerLength + (hasAh ? AH_LENGTH : 0);
  if (datagram.length < vrrpOffset + VRRP_HEADER_LENGTH) {
    return dropped('truncated', `${datagram.length} bytes, the headers need ${vrrpOffset + VRRP_HEADER_LENGTH}`);
  }
  const ah = hasAh ? readAhHeader(datagram, ip.headerLength) : null;

  const dst = datagram.subarray(16, 20);
  const checksumDst = options.checksumDst === undefined ? dst : parseAddress(options.checksumDst, 4);
  if (!checksumDst) return dropped('bad-ip-header', `checksum destination ${options.checksumDst} is not IPv4`);
  const auth = options.expect?.auth;

  const decoded = decodeMessage(datagram, vrrpOffset, {
    family: 4,
    src: datagram.subarray(12, 16),
    dst,
    checksumDst,
    hopLimit: ip.ttl,
    checksum: options.checksum ?? 'rfc5798',
    expect: options.expect ?? {},
    hasAh,
    checkAh: () => (ah && auth?.type === 'ah' ? checkAh(datagram, ip, ah, auth) : null),
    ipLengthError:
      ip.totalLength === datagram.length
        ? null
        : `IPv4 total length ${ip.totalLength}, received ${datagram.length} bytes`,
  });
  return decoded.ok ? { ok: true, packet: decoded.packet, ip, ah } : decoded;
}

type AhConfig = Extract<AuthConfig, { type: 'ah' }>;

/** Keepalived's vrrp_in_chk_ipsecah: protects VRRP, the ICV, the SPI is the source, no replay. */
function checkAh(datagram: Buffer, ip: Ipv4Header, ah: AhHeader, auth: AhConfig): Dropped | null {
  // Not an advert: Keepalived ignores it (VRRP_PACKET_DROP), no authentication failure.
  if (ah.nextHeader !== IPPROTO_VRRP) return dropped('not-vrrp', `AH protects IP protocol ${ah.nextHeader}`);
  if (!ahIcvMatches(datagram, ip.headerLength, auth.password)) {
    return dropped('auth-failed', 'AH ICV does not match: wrong password, or the packet was changed');
  }
  if (ah.spi !== datagram.readUInt32BE(12)) {
    return dropped('auth-failed', `AH SPI 0x${ah.spi.toString(16)} is not the source ${ip.src}`);
  }
  if (auth.lastSequence !== undefined && ah.sequence <= auth.lastSequence) {
    return dropped('auth-failed', `AH sequence number ${ah.sequence} replayed (last accepted ${auth.lastSequence})`);
  }
  return null;
}
