// The gratuitous ARP frame, byte for byte as Keepalived builds it (keepalived/vrrp/vrrp_arp.c,
// send_gratuitous_arp_immediate): an ARP *request* broadcast on the Ethernet, whose sender and target protocol
// addresses are both the virtual IP, target hardware address all ones. 42 bytes: the NIC pads it on the wire.
import { formatAddress, parseAddress } from '../packet/address.js';
import {
  BROADCAST_MAC,
  ETHERNET_HEADER_LENGTH,
  ETHERTYPE_ARP,
  ETHERTYPE_IPV4,
  formatMac,
  macBytes,
  parseEthernetHeader,
  parseMac,
  writeEthernetHeader,
} from './ethernet.js';

/** RFC 826 hardware type of Ethernet, and the two operations. */
export const ARPHRD_ETHER = 1;
export const ARPOP_REQUEST = 1;
export const ARPOP_REPLY = 2;

/** The ARP payload for Ethernet/IPv4: 8 bytes of header, then sha(6) spa(4) tha(6) tpa(4). */
export const ARP_PAYLOAD_LENGTH = 28;
export const GARP_FRAME_LENGTH = ETHERNET_HEADER_LENGTH + ARP_PAYLOAD_LENGTH;

const BROADCAST = parseMac(BROADCAST_MAC);

/**
 * The gratuitous ARP Keepalived sends for `address` (an IPv4 VIP) from the interface whose MAC is `mac`.
 * Throws RangeError if the address is not IPv4 or the MAC is not 6 bytes.
 */
export function encodeGratuitousArp(mac: string | Uint8Array, address: string): Buffer {
  const sha = macBytes(mac);
  const ip = parseAddress(address, 4);
  if (!ip) throw new RangeError(`gratuitous ARP: '${address}' is not an IPv4 address`);

  const frame = Buffer.alloc(GARP_FRAME_LENGTH);
  writeEthernetHeader(frame, BROADCAST, sha, ETHERTYPE_ARP);
  const arp = ETHERNET_HEADER_LENGTH;
  frame.writeUInt16BE(ARPHRD_ETHER, arp);
  frame.writeUInt16BE(ETHERTYPE_IPV4, arp + 2);
  frame[arp + 4] = 6; // hardware address length
  frame[arp + 5] = 4; // protocol address length
  frame.writeUInt16BE(ARPOP_REQUEST, arp + 6);
  frame.set(sha, arp + 8);
  frame.set(ip, arp + 14);
  frame.set(BROADCAST, arp + 18);
  frame.set(ip, arp + 24);
  return frame;
}

/** An Ethernet/IPv4 ARP frame, decoded. */
export interface ArpFrame {
  readonly destination: string;
  readonly source: string;
  readonly operation: number;
  readonly senderMac: string;
  readonly senderIp: string;
  readonly targetMac: string;
  readonly targetIp: string;
}

/** Decodes an Ethernet frame carrying an Ethernet/IPv4 ARP message; undefined for anything else. */
export function decodeArpFrame(frame: Uint8Array): ArpFrame | undefined {
  const eth = parseEthernetHeader(frame);
  if (!eth || eth.etherType !== ETHERTYPE_ARP || frame.length < GARP_FRAME_LENGTH) return undefined;
  const buf = Buffer.from(frame.buffer, frame.byteOffset, frame.length);
  const arp = ETHERNET_HEADER_LENGTH;
  if (buf.readUInt16BE(arp) !== ARPHRD_ETHER || buf.readUInt16BE(arp + 2) !== ETHERTYPE_IPV4) return undefined;
  if (buf[arp + 4] !== 6 || buf[arp + 5] !== 4) return undefined;
  return {
    destination: eth.destination,
    source: eth.source,
    operation: buf.readUInt16BE(arp + 6),
    senderMac: formatMac(buf, arp + 8),
    senderIp: formatAddress(buf, arp + 14, 4),
    targetMac: formatMac(buf, arp + 18),
    targetIp: formatAddress(buf, arp + 24, 4),
  };
}

/** Whether a decoded frame is a gratuitous ARP as Keepalived sends them (request, sender IP = target IP). */
export function isGratuitousArp(arp: ArpFrame): boolean {
  return arp.operation === ARPOP_REQUEST && arp.senderIp === arp.targetIp && arp.destination === BROADCAST_MAC;
}
