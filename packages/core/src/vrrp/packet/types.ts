import type { IpFamily } from '../../config/schema/ip.js';

export type { IpFamily };

export type VrrpVersion = 2 | 3;

/** RFC 3768 §5.3.6: 0 none, 1 simple text password (PASS), 2 IP Authentication Header (AH). */
export type AuthType = 0 | 1 | 2;

interface AdvertFields {
  /** Always ADVERTISEMENT (1): a packet of another type does not decode. */
  readonly type: 1;
  readonly vrid: number;
  /** 0 = the master is leaving, 255 = the address owner. */
  readonly priority: number;
  /** The VIPs in packet order, as canonical text (RFC 5952 for IPv6); Count IPvX Addr is their number. */
  readonly addresses: readonly string[];
}

/** RFC 3768 §5.1 (Keepalived also sends it over IPv6, without the authentication data). */
export interface VrrpV2Packet extends AdvertFields {
  readonly version: 2;
  readonly authType: AuthType;
  /** Adver Int, whole seconds. */
  readonly advertInt: number;
  /** The 8 Authentication Data bytes over IPv4 (the password for PASS, zeros otherwise); null over IPv6. */
  readonly authData: Buffer | null;
}

/** RFC 5798 §5.1 / RFC 9568 §5.1. */
export interface VrrpV3Packet extends AdvertFields {
  readonly version: 3;
  /** Max Adver Int, centiseconds (12 bits). */
  readonly maxAdvertInt: number;
  /**
   * The 4 bits before Max Adver Int: sent as 0 and ignored on receipt (RFC 5798 §5.2.6). Decoding keeps them
   * so that a packet re-encodes to the bytes it came from.
   */
  readonly reserved?: number;
}

export type VrrpPacket = VrrpV2Packet | VrrpV3Packet;

/** A packet as decoded: its fields plus the checksum it carried. */
export type DecodedVrrpPacket = VrrpPacket & { readonly checksum: number };

/**
 * How the checksum of VRRPv3 over IPv4 is computed; v2 (message only) and IPv6 (with the IPv6 pseudo-header)
 * have a single rule each.
 * - `rfc5798`: with the IPv4 pseudo-header (src, dst, 0, 112, length): Keepalived's default.
 * - `rfc9568`: the VRRP message only: Keepalived's `v3_checksum_as_v2` (2.2.8 on), Cisco, Juniper, FRR.
 */
export type ChecksumMode = 'rfc5798' | 'rfc9568';

/** The ways a received packet is dropped; the receive path counts drops by these. */
export const DROP_REASONS = [
  /** Too short for the headers it must hold: IPv4, AH, the 8-byte VRRP header. */
  'truncated',
  /** Not an IPv4 header (version, IHL, header checksum), or an unusable source/destination address. */
  'bad-ip-header',
  /** IP protocol neither VRRP nor AH, or an AH header that protects another protocol. */
  'not-vrrp',
  /** AH present when not configured or missing when configured; a v2 Auth Type other than the configured. */
  'auth-type-mismatch',
  /** Size is not 8 + count x 4|16 (+8 authentication data in v2 over IPv4); IPv4 Total Length not the size. */
  'bad-length',
  /** TTL / hop limit not 255 on a multicast advert, or outside a unicast peer's min_ttl..max_ttl. */
  'bad-ttl',
  /** Version neither 2 nor 3, or not the configured one. */
  'bad-version',
  /** v2 Auth Type not 0, 1 or 2. */
  'bad-auth-type',
  /** Wrong PASS password; AH ICV, SPI or sequence number (replay) not valid. */
  'auth-failed',
  /** v2 Adver Int differs from the configured advert_int (RFC 3768 §7.1: MUST drop). */
  'advert-int-mismatch',
  /** Type is not ADVERTISEMENT. */
  'bad-type',
  /** Count IPvX Addr is not the number of configured VIPs. */
  'bad-address-count',
  'bad-checksum',
  /** A multicast advert reaching a unicast instance, or a unicast one reaching a multicast instance. */
  'bad-destination',
  /** A configured VIP is missing from the advert. */
  'address-mismatch',
  /** With check_unicast_src: the source is not one of the unicast peers. */
  'not-a-peer',
] as const;

export type DropReason = (typeof DROP_REASONS)[number];

export interface Dropped {
  readonly ok: false;
  readonly reason: DropReason;
  /** What was wrong, for the log: values seen and expected. */
  readonly detail: string;
}

/** The outcome of a decode: its fields when the packet is good, why it was dropped when not. */
export type Decoded<T> = ({ readonly ok: true } & T) | Dropped;

/** RFC 3768 / Keepalived `authentication {}` of the receiving instance. */
export type AuthConfig =
  | { readonly type: 'none' }
  | { readonly type: 'pass'; readonly password: string }
  | {
      readonly type: 'ah';
      readonly password: string;
      /** The highest AH sequence number accepted so far: anything not above it is a replay. */
      readonly lastSequence?: number;
    };

/** A `unicast_peer` entry; the TTL range is checked only when the peer list is (check_unicast_src). */
export interface UnicastPeer {
  readonly address: string;
  /** Default 0. */
  readonly minTtl?: number;
  /** Default 255. */
  readonly maxTtl?: number;
}

/**
 * What the receiving instance is configured with: the checks of Keepalived's vrrp_check_packet that compare a
 * packet with the configuration. Each runs only when its field is given.
 */
export interface ReceiverConfig {
  readonly version?: VrrpVersion;
  /** v2 only (Keepalived rejects authentication in v3): with PASS or AH, only v2 adverts pass. */
  readonly auth?: AuthConfig;
  /** v2: advert_int in seconds. */
  readonly advertInt?: number;
  /** The VIPs; leave out to skip the count and address checks (skip_check_adv_addr, same master). */
  readonly addresses?: readonly string[];
  /** Multicast adverts must arrive with TTL 255 and a multicast destination; unicast ones with a unicast one. */
  readonly mode?: 'multicast' | 'unicast';
  /** With check_unicast_src: the only sources accepted, each with its TTL range. */
  readonly peers?: readonly UnicastPeer[];
}

export function dropped(reason: DropReason, detail: string): Dropped {
  return { ok: false, reason, detail };
}
