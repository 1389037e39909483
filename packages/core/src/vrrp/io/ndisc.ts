// The unsolicited neighbour advertisement (RFC 4861 §4.4, §7.2.6), byte for byte as Keepalived builds it
// (keepalived/vrrp/vrrp_ndisc.c, ndisc_send_unsolicited_na_immediate): Ethernet to 33:33:00:00:00:01, IPv6 from
// the VIP to ff02::1 with hop limit 255, ICMPv6 type 136 with Override set, Solicited clear and Router set when
// the interface forwards IPv6; target = the VIP; one option, the target link-layer address. 86 bytes.
import { formatAddress, parseAddress } from '../packet/address.js';
import { internetChecksum } from '../packet/checksum.js';
import { ETHERNET_HEADER_LENGTH, ETHERTYPE_IPV6, formatMac, macBytes, parseEthernetHeader, parseMac, writeEthernetHeader } from './ethernet.js';

export const IPV6_HEADER_LENGTH = 40;
export const IPPROTO_ICMPV6 = 58;
/** RFC 4861 §4.4 Neighbor Advertisement; §6.1.2/§7.1.2 a receiver drops ND packets whose hop limit is not 255. */
export const ND_NEIGHBOR_ADVERT = 136;
export const ND_HOP_LIMIT = 255;
/** RFC 4861 §4.6.1 Target Link-Layer Address option. */
export const ND_OPT_TARGET_LL_ADDR = 2;

/** The flags word's high bits: Router, Solicited, Override (RFC 4861 §4.4). */
const FLAG_ROUTER = 0x80;
const FLAG_SOLICITED = 0x40;
const FLAG_OVERRIDE = 0x20;

/** ICMPv6 header (4) + flags/reserved (4) + target (16) + option type, length (2) + MAC (6). */
export const NA_ICMP_LENGTH = 32;
export const UNSOLICITED_NA_FRAME_LENGTH = ETHERNET_HEADER_LENGTH + IPV6_HEADER_LENGTH + NA_ICMP_LENGTH;

/** All-nodes multicast ff02::1 (RFC 4291 §2.7.1) and its Ethernet mapping 33:33:00:00:00:01 (RFC 2464 §7). */
export const ALL_NODES = 'ff02::1';
export const ALL_NODES_MAC = '33:33:00:00:00:01';

const ALL_NODES_BYTES = parseAddress(ALL_NODES, 6) ?? Buffer.alloc(16);
const ALL_NODES_MAC_BYTES = parseMac(ALL_NODES_MAC);

export interface UnsolicitedNaOptions {
  /**
   * The Router flag. Keepalived sets it when the interface forwards IPv6
   * (/proc/sys/net/ipv6/conf/IF/forwarding: see garp.ts ipv6Forwarding). Default false.
   */
  readonly router?: boolean;
}

/**
 * The ICMPv6 checksum (RFC 4443 §2.3) of `message` sent from `src` to `dst` (16-byte addresses): the Internet
 * checksum over the RFC 8200 §8.1 pseudo-header and the message, whose checksum field must hold 0 or the
 * checksum (which then gives 0).
 */
export function icmpv6Checksum(src: Uint8Array, dst: Uint8Array, message: Uint8Array): number {
  const pseudo = Buffer.alloc(40);
  pseudo.set(src.subarray(0, 16), 0);
  pseudo.set(dst.subarray(0, 16), 16);
  pseudo.writeUInt32BE(message.length, 32);
  pseudo[39] = IPPROTO_ICMPV6;
  return internetChecksum(Buffer.concat([pseudo, message]));
}

/**
 * The unsolicited neighbour advertisement Keepalived sends for `address` (an IPv6 VIP) from the interface whose
 * MAC is `mac`. Throws RangeError if the address is not IPv6 or the MAC is not 6 bytes.
 */
export function encodeUnsolicitedNa(mac: string | Uint8Array, address: string, options: UnsolicitedNaOptions = {}): Buffer {
  const lladdr = macBytes(mac);
  const target = parseAddress(address, 6);
  if (!target) throw new RangeError(`unsolicited NA: '${address}' is not an IPv6 address`);

  const frame = Buffer.alloc(UNSOLICITED_NA_FRAME_LENGTH);
  writeEthernetHeader(frame, ALL_NODES_MAC_BYTES, lladdr, ETHERTYPE_IPV6);

  const ip = ETHERNET_HEADER_LENGTH;
  frame[ip] = 0x60; // version 6, traffic class 0, flow label 0
  frame.writeUInt16BE(NA_ICMP_LENGTH, ip + 4);
  frame[ip + 6] = IPPROTO_ICMPV6;
  frame[ip + 7] = ND_HOP_LIMIT;
  frame.set(target, ip + 8); // source: the VIP itself
  frame.set(ALL_NODES_BYTES, ip + 24);

  const icmp = ip + IPV6_HEADER_LENGTH;
  frame[icmp] = ND_NEIGHBOR_ADVERT;
  frame[icmp + 4] = FLAG_OVERRIDE | (options.router ? FLAG_ROUTER : 0);
  frame.set(target, icmp + 8);
  frame[icmp + 24] = ND_OPT_TARGET_LL_ADDR;
  frame[icmp + 25] = 1; // option length in units of 8 bytes
  frame.set(lladdr, icmp + 26);
  frame.writeUInt16BE(icmpv6Checksum(target, ALL_NODES_BYTES, frame.subarray(icmp)), icmp + 2);
  return frame;
}

/** An Ethernet frame carrying an IPv6 neighbour advertisement, decoded. */
export interface NeighbourAdvertFrame {
  readonly destination: string;
  readonly source: string;
  readonly ipSource: string;
  readonly ipDestination: string;
  readonly hopLimit: number;
  readonly router: boolean;
  readonly solicited: boolean;
  readonly override: boolean;
  readonly target: string;
  /** The target link-layer address option, if the advert has one. */
  readonly targetMac: string | undefined;
  /** Whether the ICMPv6 checksum is right. */
  readonly checksumOk: boolean;
}

/** Decodes an Ethernet frame carrying an ICMPv6 neighbour advertisement (no extension headers); else undefined. */
export function decodeNeighbourAdvert(frame: Uint8Array): NeighbourAdvertFrame | undefined {
  const eth = parseEthernetHeader(frame);
  if (!eth || eth.etherType !== ETHERTYPE_IPV6) return undefined;
  const buf = Buffer.from(frame.buffer, frame.byteOffset, frame.length);
  const ip = ETHERNET_HEADER_LENGTH;
  const icmp = ip + IPV6_HEADER_LENGTH;
  if (buf.length < icmp + 24 || (buf[ip] ?? 0) >> 4 !== 6 || buf[ip + 6] !== IPPROTO_ICMPV6) return undefined;
  const end = Math.min(buf.length, icmp + buf.readUInt16BE(ip + 4));
  if (buf[icmp] !== ND_NEIGHBOR_ADVERT || end < icmp + 24) return undefined;

  let targetMac: string | undefined;
  for (let opt = icmp + 24; opt + 2 <= end; ) {
    const length = (buf[opt + 1] ?? 0) * 8;
    if (length === 0 || opt + length > end) break;
    if (buf[opt] === ND_OPT_TARGET_LL_ADDR && length >= 8) targetMac = formatMac(buf, opt + 2);
    opt += length;
  }
  const flags = buf[icmp + 4] ?? 0;
  return {
    destination: eth.destination,
    source: eth.source,
    ipSource: formatAddress(buf, ip + 8, 6),
    ipDestination: formatAddress(buf, ip + 24, 6),
    hopLimit: buf[ip + 7] ?? 0,
    router: (flags & FLAG_ROUTER) !== 0,
    solicited: (flags & FLAG_SOLICITED) !== 0,
    override: (flags & FLAG_OVERRIDE) !== 0,
    target: formatAddress(buf, icmp + 8, 6),
    targetMac,
    checksumOk: icmpv6Checksum(buf.subarray(ip + 8, ip + 24), buf.subarray(ip + 24, ip + 40), buf.subarray(icmp, end)) === 0,
  };
}
