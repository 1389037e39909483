// Addresses on links (RTM_NEWADDR / RTM_DELADDR): a virtual_ipaddress line as a spec, the netlink message for
// it, and the kernel's report back as plain info. Defaults follow ip-address(8). Pure: no socket.
import type { rt } from 'netlink';
import { formatAddress } from '../packet/address.js';
import { addressBytes, addressText, familyCode, familyOf, parsePrefix, scopeName, scopeValue, type Family, type Scope } from './netlink-attr.js';

/** A lifetime in seconds; 'forever' is the kernel's INFINITY_LIFE_TIME. */
export type Lifetime = number | 'forever';
const FOREVER = 0xffffffff;

function lifetimeValue(value: Lifetime): number {
  if (value === 'forever') return FOREVER;
  if (!Number.isInteger(value) || value < 0 || value >= FOREVER) throw new RangeError(`lifetime ${value} is not a number of seconds or 'forever'`);
  return value;
}

function lifetime(value: number | undefined): Lifetime | undefined {
  return value === undefined ? undefined : value === FOREVER ? 'forever' : value;
}

/** An address to put on (or take off) a link: one virtual_ipaddress line. */
export interface AddressSpec {
  readonly ifindex: number;
  /** `192.0.2.10`, or with its prefix `192.0.2.10/24`. */
  readonly address: string;
  /** Default: the prefix written in `address`, else 32 / 128 (Keepalived's default for a VIP). */
  readonly prefixLength?: number;
  /** IPv4 label (`eth0:vip`); the kernel keeps at most 15 characters. */
  readonly label?: string;
  /** Default 'global'. IPv6 ignores it (the kernel derives the scope from the address). */
  readonly scope?: Scope;
  /** IPv4 broadcast: an address, or 'auto' for the prefix's broadcast (ip's `brd +`). Default none. */
  readonly broadcast?: string | 'auto';
  /** The peer of a point-to-point address. */
  readonly peer?: string;
  /** Add no prefix route for the address (IFA_F_NOPREFIXROUTE). */
  readonly noprefixroute?: boolean;
  /** IPv6: skip duplicate address detection (IFA_F_NODAD; Keepalived's `-nodad` turns it off). */
  readonly nodad?: boolean;
  /** IPv6 `home` (IFA_F_HOMEADDRESS). */
  readonly homeaddress?: boolean;
  /** IPv6 `mngtmpaddr` (IFA_F_MANAGETEMPADDR). */
  readonly managetempaddr?: boolean;
  /** Join the multicast group on the link (IFA_F_MCAUTOJOIN, `autojoin`). */
  readonly autojoin?: boolean;
  /** Seconds the address stays preferred (`preferred_lft`); 0 makes it deprecated at once. */
  readonly preferredLifetime?: Lifetime;
  /** Seconds the address stays valid (`valid_lft`); default forever when preferredLifetime is given. */
  readonly validLifetime?: Lifetime;
}

/** The flags of an address as the kernel reports them (IFA_F_*). */
export type AddressFlags = Readonly<Omit<rt.AddressFlags, '__unknown'>>;

/** An address on a link, as the kernel reports it. */
export interface AddressInfo {
  readonly family: Family;
  readonly ifindex: number;
  readonly address: string;
  readonly prefixLength: number;
  readonly scope: Scope;
  readonly label: string | undefined;
  readonly broadcast: string | undefined;
  readonly peer: string | undefined;
  readonly flags: AddressFlags;
  readonly preferredLifetime: Lifetime | undefined;
  readonly validLifetime: Lifetime | undefined;
}

/** The address, family and prefix length a spec means. */
export function resolveAddress(spec: Pick<AddressSpec, 'address' | 'prefixLength'>): { address: string; family: Family; bytes: Buffer; prefixLength: number } {
  const parsed = parsePrefix(spec.address);
  const prefixLength = spec.prefixLength ?? parsed.prefixLength ?? (parsed.family === 4 ? 32 : 128);
  if (!Number.isInteger(prefixLength) || prefixLength < 0 || prefixLength > (parsed.family === 4 ? 32 : 128)) {
    throw new RangeError(`prefix length ${prefixLength} does not fit an IPv${parsed.family} address`);
  }
  return { ...parsed, prefixLength };
}

/** The IPv4 broadcast address of a prefix: the address with all host bits set. */
export function broadcastOf(address: string, prefixLength: number): string {
  const bytes = addressBytes(address, 4, 'address');
  const value = (bytes.readUInt32BE(0) | (prefixLength >= 32 ? 0 : 0xffffffff >>> prefixLength)) >>> 0;
  const out = Buffer.alloc(4);
  out.writeUInt32BE(value);
  return formatAddress(out, 0, 4);
}

/** "192.0.2.10/24 on ifindex 3", for messages. */
export function describeAddress(spec: AddressSpec): string {
  const { address, prefixLength } = resolveAddress(spec);
  return `${address}/${prefixLength} on ifindex ${spec.ifindex}`;
}

/** RTM_NEWADDR / RTM_DELADDR for a spec (a removal needs only the link, address, prefix and peer). */
export function addressMessage(spec: AddressSpec, purpose: 'add' | 'remove'): rt.AddressMessage {
  const { family, bytes, prefixLength, address } = resolveAddress(spec);
  if (!Number.isInteger(spec.ifindex) || spec.ifindex < 1) throw new RangeError(`ifindex ${spec.ifindex} is not a link index`);
  const peer = spec.peer === undefined ? undefined : addressBytes(spec.peer, family, 'peer');
  const attrs: rt.AddressAttrs = { local: bytes, address: peer ?? bytes };
  const data: rt.Address = { family: familyCode(family), prefixlen: prefixLength, index: spec.ifindex };
  if (purpose === 'remove') return { kind: 'address', data, attrs };

  if (spec.label !== undefined) {
    if (family === 6) throw new RangeError(`address ${address}: IPv6 addresses have no label`);
    attrs.label = spec.label;
  }
  if (spec.broadcast !== undefined) {
    if (family === 6) throw new RangeError(`address ${address}: IPv6 has no broadcast address`);
    attrs.broadcast = addressBytes(spec.broadcast === 'auto' ? broadcastOf(address, prefixLength) : spec.broadcast, 4, 'broadcast');
  }
  if (spec.scope !== undefined) data.scope = scopeValue(spec.scope);
  const flags: rt.AddressFlags = {};
  if (spec.noprefixroute) flags.noprefixroute = true;
  if (spec.nodad) flags.nodad = true;
  if (spec.homeaddress) flags.homeaddress = true;
  if (spec.managetempaddr) flags.managetempaddr = true;
  if (spec.autojoin) flags.mcautojoin = true;
  if (Object.keys(flags).length) attrs.flags = flags;
  if (spec.preferredLifetime !== undefined || spec.validLifetime !== undefined) {
    const valid = lifetimeValue(spec.validLifetime ?? 'forever');
    const preferred = lifetimeValue(spec.preferredLifetime ?? spec.validLifetime ?? 'forever');
    if (preferred > valid) throw new RangeError(`address ${address}: the preferred lifetime is longer than the valid one`);
    attrs.cacheInfo = { ifaPrefered: preferred, ifaValid: valid, cstamp: 0, tstamp: 0 };
  }
  return { kind: 'address', data, attrs };
}

/** An RTM_NEWADDR from the kernel as plain info; undefined for families other than IPv4/IPv6. */
export function addressInfo(msg: rt.AddressMessage): AddressInfo | undefined {
  const family = familyOf(msg.data.family);
  if (!family) return undefined;
  const local = addressText(msg.attrs.local, family);
  const address = addressText(msg.attrs.address, family);
  const { __unknown: _unknown, ...flags } = msg.attrs.flags ?? msg.data.flags ?? {};
  return {
    family,
    ifindex: msg.data.index ?? 0,
    address: local ?? address ?? '',
    prefixLength: msg.data.prefixlen ?? 0,
    scope: scopeName(msg.data.scope ?? 0),
    label: msg.attrs.label,
    broadcast: addressText(msg.attrs.broadcast, family),
    peer: local !== undefined && address !== undefined && local !== address ? address : undefined,
    flags,
    preferredLifetime: lifetime(msg.attrs.cacheInfo?.ifaPrefered),
    validLifetime: lifetime(msg.attrs.cacheInfo?.ifaValid),
  };
}
