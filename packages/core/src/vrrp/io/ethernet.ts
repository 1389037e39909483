// Ethernet: MAC addresses as text and bytes, the VRRP virtual MAC, and the frame header the gratuitous ARP and
// unsolicited NA frames start with.

/** EtherType of ARP (RFC 826) and of IPv6 (RFC 2464). */
export const ETHERTYPE_ARP = 0x0806;
export const ETHERTYPE_IPV4 = 0x0800;
export const ETHERTYPE_IPV6 = 0x86dd;

/** Destination MAC (6), source MAC (6), EtherType (2). */
export const ETHERNET_HEADER_LENGTH = 14;
export const MAC_LENGTH = 6;

export const BROADCAST_MAC = 'ff:ff:ff:ff:ff:ff';

const MAC_TEXT = /^[0-9a-f]{1,2}(?::[0-9a-f]{1,2}){5}$/i;

/** The 6 bytes of a MAC written `aa:bb:cc:dd:ee:ff` (one-digit groups allowed); RangeError otherwise. */
export function parseMac(text: string): Buffer {
  if (!MAC_TEXT.test(text)) throw new RangeError(`not a MAC address: '${text}' (write it aa:bb:cc:dd:ee:ff)`);
  return Buffer.from(text.split(':').map((g) => parseInt(g, 16)));
}

/** A MAC as lower-case `aa:bb:cc:dd:ee:ff`, from 6 bytes at `offset`. */
export function formatMac(bytes: Uint8Array, offset = 0): string {
  if (bytes.length < offset + MAC_LENGTH) throw new RangeError(`a MAC is 6 bytes, got ${bytes.length - offset}`);
  return Array.from(bytes.subarray(offset, offset + MAC_LENGTH), (b) => b.toString(16).padStart(2, '0')).join(':');
}

/** A MAC given as text or as 6 bytes, as bytes. */
export function macBytes(mac: string | Uint8Array): Buffer {
  if (typeof mac === 'string') return parseMac(mac);
  if (mac.length !== MAC_LENGTH) throw new RangeError(`a MAC is 6 bytes, got ${mac.length}`);
  return Buffer.from(mac);
}

/**
 * The virtual router MAC of a VRID: 00-00-5E-00-01-{VRID} for IPv4 (RFC 5798 §7.3), 00-00-5E-00-02-{VRID} for
 * IPv6; what Keepalived's use_vmac gives the macvlan it creates.
 */
export function vmacAddress(vrid: number, family: 4 | 6): string {
  if (!Number.isInteger(vrid) || vrid < 1 || vrid > 255) throw new RangeError(`VRID ${vrid} is not 1..255`);
  return `00:00:5e:00:0${family === 4 ? 1 : 2}:${vrid.toString(16).padStart(2, '0')}`;
}

/** Writes the 14-byte Ethernet header at frame[0..]. */
export function writeEthernetHeader(frame: Buffer, destination: Uint8Array, source: Uint8Array, etherType: number): void {
  frame.set(destination.subarray(0, MAC_LENGTH), 0);
  frame.set(source.subarray(0, MAC_LENGTH), MAC_LENGTH);
  frame.writeUInt16BE(etherType, 12);
}

export interface EthernetHeader {
  readonly destination: string;
  readonly source: string;
  readonly etherType: number;
}

/** The Ethernet header of a frame, or undefined if the frame is shorter than one. */
export function parseEthernetHeader(frame: Uint8Array): EthernetHeader | undefined {
  if (frame.length < ETHERNET_HEADER_LENGTH) return undefined;
  return {
    destination: formatMac(frame, 0),
    source: formatMac(frame, MAC_LENGTH),
    etherType: ((frame[12] ?? 0) << 8) | (frame[13] ?? 0),
  };
}
