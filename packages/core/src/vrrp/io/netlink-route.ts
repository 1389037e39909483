// Routes (RTM_NEWROUTE / RTM_DELROUTE): a virtual_routes line as a spec, its netlink message, and the kernel's
// report as plain info. Defaults follow ip-route(8); a removal leaves unset fields as wildcards, as
// `ip route del`. Pure: no socket.
import type { rt } from 'netlink';
import { addressBytes, addressText, familyCode, familyOf, nla, parsePrefix, scopeName, scopeValue, SCOPES, u16, u32, type Family, type Scope } from './netlink-attr.js';

/** RTN_* route types, by ip-route(8)'s names. */
export const ROUTE_TYPES = {
  unicast: 'UNICAST',
  local: 'LOCAL',
  broadcast: 'BROADCAST',
  anycast: 'ANYCAST',
  multicast: 'MULTICAST',
  blackhole: 'BLACKHOLE',
  unreachable: 'UNREACHABLE',
  prohibit: 'PROHIBIT',
  throw: 'THROW',
  nat: 'NAT',
} as const satisfies Record<string, keyof typeof rt.RouteType>;
export type RouteType = keyof typeof ROUTE_TYPES;

/** RTPROT_* by the names of /etc/iproute2/rt_protos, plus Keepalived's own (18). */
export const ROUTE_PROTOCOLS = { unspec: 0, redirect: 1, kernel: 2, boot: 3, static: 4, ra: 9, dhcp: 16, keepalived: 18 } as const;
export type RouteProtocol = keyof typeof ROUTE_PROTOCOLS | number;

/** RT_TABLE_MAIN, and the limit above which the table only fits RTA_TABLE / FRA_TABLE. */
export const TABLE_MAIN = 254;

export interface NextHopSpec {
  readonly gateway?: string;
  readonly ifindex?: number;
  /** 1..256, default 1. */
  readonly weight?: number;
  readonly onlink?: boolean;
}

/** A route to add or remove: one virtual_routes / static_routes line. */
export interface RouteSpec {
  /** `198.51.100.0/24`, `2001:db8:1::/64`, a host address, or 'default' (then give `family`, a gateway or a source). */
  readonly destination: string;
  readonly family?: Family;
  /** `via` */
  readonly gateway?: string;
  /** `dev` */
  readonly ifindex?: number;
  /** `src`: the preferred source address (RTA_PREFSRC). */
  readonly source?: string;
  /** `from`: a source prefix (IPv6 source routing, RTA_SRC). */
  readonly from?: string;
  /** Default main (254). */
  readonly table?: number;
  /** `metric` / `priority` */
  readonly metric?: number;
  /** Default 'boot', as ip(8). */
  readonly protocol?: RouteProtocol;
  /** Default as ip(8): link for a unicast route without gateway, host for local/nat, link for broadcast/multicast/anycast, else global. */
  readonly scope?: Scope;
  /** Default 'unicast'. */
  readonly type?: RouteType;
  readonly tos?: number;
  readonly onlink?: boolean;
  readonly mtu?: number;
  readonly advmss?: number;
  /** IPv6 router preference (RTA_PREF). */
  readonly preference?: 'low' | 'medium' | 'high';
  /** Several next hops (multipath); then give no gateway / ifindex above. */
  readonly nexthops?: readonly NextHopSpec[];
}

/** A route as the kernel reports it. */
export interface RouteInfo {
  readonly family: Family;
  /** `198.51.100.0/24`, or 'default'. */
  readonly destination: string;
  readonly gateway: string | undefined;
  readonly ifindex: number | undefined;
  readonly source: string | undefined;
  readonly table: number;
  readonly metric: number | undefined;
  readonly protocol: number;
  readonly scope: Scope;
  readonly type: RouteType | number;
}

const RTNH_F_ONLINK = 4;
const RTA_GATEWAY = 5;
const ICMPV6_ROUTER_PREF = { low: 3, medium: 0, high: 1 } as const;

function routeFamily(spec: RouteSpec): Family {
  if (spec.family) return spec.family;
  if (spec.destination !== 'default') return parsePrefix(spec.destination).family;
  const hint = spec.gateway ?? spec.source ?? spec.nexthops?.find((n) => n.gateway)?.gateway;
  return hint?.includes(':') ? 6 : 4;
}

/** "198.51.100.0/24 via 192.0.2.254 table 254", for messages. */
export function describeRoute(spec: RouteSpec): string {
  const parts = [spec.type && spec.type !== 'unicast' ? `${spec.type} ${spec.destination}` : spec.destination];
  if (spec.gateway) parts.push(`via ${spec.gateway}`);
  if (spec.ifindex) parts.push(`dev ifindex ${spec.ifindex}`);
  if (spec.table !== undefined) parts.push(`table ${spec.table}`);
  if (spec.metric !== undefined) parts.push(`metric ${spec.metric}`);
  return parts.join(' ');
}

function multipath(family: Family, hops: readonly NextHopSpec[]): Buffer {
  return Buffer.concat(
    hops.map((hop) => {
      const gateway = hop.gateway === undefined ? Buffer.alloc(0) : nla(RTA_GATEWAY, addressBytes(hop.gateway, family, 'next hop'));
      const weight = hop.weight ?? 1;
      if (!Number.isInteger(weight) || weight < 1 || weight > 256) throw new RangeError(`next hop weight ${weight} is not 1..256`);
      const head = Buffer.alloc(8);
      u16(8 + gateway.length).copy(head, 0);
      head[2] = hop.onlink ? RTNH_F_ONLINK : 0;
      head[3] = weight - 1;
      u32(hop.ifindex ?? 0).copy(head, 4);
      return Buffer.concat([head, gateway]);
    }),
  );
}

/** RTM_NEWROUTE / RTM_DELROUTE for a spec; a removal leaves unset fields as wildcards, as `ip route del`. */
export function routeMessage(spec: RouteSpec, purpose: 'add' | 'remove'): rt.RouteMessage {
  const family = routeFamily(spec);
  const data: rt.Route = { family: familyCode(family), table: TABLE_MAIN };
  const attrs: rt.RouteAttrs = {};
  if (spec.destination !== 'default') {
    const dst = parsePrefix(spec.destination);
    if (dst.family !== family) throw new RangeError(`route ${spec.destination}: not IPv${family}`);
    data.dstLen = dst.prefixLength ?? (family === 4 ? 32 : 128);
    attrs.dst = dst.bytes;
  }
  if (spec.from !== undefined) {
    const src = parsePrefix(spec.from);
    data.srcLen = src.prefixLength ?? (family === 4 ? 32 : 128);
    attrs.src = addressBytes(src.address, family, 'from');
  }
  if (spec.table !== undefined) {
    if (!Number.isInteger(spec.table) || spec.table < 1 || spec.table > 0xffffffff) throw new RangeError(`table ${spec.table} is not 1..2^32-1`);
    data.table = spec.table < 256 ? spec.table : 0;
    attrs.table = spec.table;
  }
  if (spec.gateway !== undefined) attrs.gateway = addressBytes(spec.gateway, family, 'gateway');
  if (spec.ifindex !== undefined) attrs.oif = spec.ifindex;
  if (spec.source !== undefined) attrs.prefsrc = addressBytes(spec.source, family, 'source');
  if (spec.metric !== undefined) attrs.priority = spec.metric;
  if (spec.tos !== undefined) data.tos = spec.tos;
  if (spec.onlink) data.flags = { __unknown: RTNH_F_ONLINK };
  if (spec.nexthops?.length) attrs.multipath = multipath(family, spec.nexthops);
  if (spec.mtu !== undefined || spec.advmss !== undefined) {
    attrs.metrics = {};
    if (spec.mtu !== undefined) attrs.metrics.mtu = u32(spec.mtu);
    if (spec.advmss !== undefined) attrs.metrics.advmss = u32(spec.advmss);
  }
  if (spec.preference !== undefined) attrs.pref = Buffer.from([ICMPV6_ROUTER_PREF[spec.preference]]);

  const type = spec.type ?? (purpose === 'add' ? 'unicast' : undefined);
  if (type) data.type = ROUTE_TYPES[type];
  if (spec.protocol !== undefined) data.protocol = typeof spec.protocol === 'number' ? spec.protocol : ROUTE_PROTOCOLS[spec.protocol];
  else if (purpose === 'add') data.protocol = ROUTE_PROTOCOLS.boot;
  if (spec.scope !== undefined) data.scope = scopeValue(spec.scope);
  else if (purpose === 'remove') data.scope = SCOPES.nowhere;
  else if (type === 'local' || type === 'nat') data.scope = SCOPES.host;
  else if (type === 'broadcast' || type === 'multicast' || type === 'anycast') data.scope = SCOPES.link;
  else if (type === 'unicast' && spec.gateway === undefined && !spec.nexthops?.length) data.scope = SCOPES.link;
  else data.scope = SCOPES.global;
  return { kind: 'route', data, attrs };
}

/** An RTM_NEWROUTE from the kernel as plain info; undefined for families other than IPv4/IPv6. */
export function routeInfo(msg: rt.RouteMessage): RouteInfo | undefined {
  const family = familyOf(msg.data.family);
  if (!family) return undefined;
  const dst = addressText(msg.attrs.dst, family);
  const typeName = typeof msg.data.type === 'string' ? msg.data.type : undefined;
  const type = (Object.keys(ROUTE_TYPES) as RouteType[]).find((t) => ROUTE_TYPES[t] === typeName);
  return {
    family,
    destination: dst === undefined ? 'default' : `${dst}/${msg.data.dstLen ?? 0}`,
    gateway: addressText(msg.attrs.gateway, family),
    ifindex: msg.attrs.oif,
    source: addressText(msg.attrs.prefsrc, family),
    table: msg.attrs.table ?? msg.data.table ?? 0,
    metric: msg.attrs.priority,
    protocol: enumNumber(msg.data.protocol, KERNEL_ROUTE_PROTOCOLS),
    scope: scopeName(enumNumber(msg.data.scope, KERNEL_ROUTE_SCOPES)),
    type: type ?? enumNumber(msg.data.type, {}),
  };
}

// The `netlink` package reports enum fields by its own names ('BOOT', 'LINK') where it knows the value.
const KERNEL_ROUTE_SCOPES: Readonly<Record<string, number>> = { UNIVERSE: 0, SITE: 200, LINK: 253, HOST: 254, NOWHERE: 255 };
const KERNEL_ROUTE_PROTOCOLS: Readonly<Record<string, number>> = {
  REDIRECT: 1,
  KERNEL: 2,
  BOOT: 3,
  STATIC: 4,
  GATED: 8,
  RA: 9,
  MRT: 10,
  ZEBRA: 11,
  BIRD: 12,
  DNROUTED: 13,
  XORP: 14,
  NTK: 15,
  DHCP: 16,
  MROUTED: 17,
  BABEL: 42,
  BGP: 186,
  ISIS: 187,
  OSPF: 188,
  RIP: 189,
  EIGRP: 192,
};

/** A field the `netlink` package reports by name where it knows the value, as the number. */
export function enumNumber(value: string | number | undefined, names: Readonly<Record<string, number>>): number {
  if (typeof value === 'number') return value;
  return value === undefined ? 0 : (names[value] ?? 0);
}
