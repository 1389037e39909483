/**
 * Codec for the IPVS generic netlink messages: the payload after the nlmsghdr, i.e. the 4-byte
 * genlmsghdr and the attributes, laid out the way ipvsadm's libipvs and the kernel's ip_vs_ctl.c
 * (ip_vs_genl_parse_service / ip_vs_genl_parse_dest / ip_vs_genl_fill_*) do.
 *
 * Conventions: netlink is host-endian (lengths, types, u16/u32 values); ports, tunnel ports and the
 * IPv4 netmask are network order; addresses are the 16-byte `union nf_inet_addr`. Nested attributes
 * carry NLA_F_NESTED, exactly like libnl's nla_nest_start as ipvsadm uses it. Parsers keep
 * attributes they do not know in `unparsed`, in order.
 */
import { endianness } from 'node:os';

import type { DestinationSpec, Forwarding, IpFamily, Protocol, ServiceFlags, ServiceKey, ServiceSpec, TunnelSpec } from '../types.js';
import {
  AF_INET,
  AF_INET6,
  IP_VS_CONN_F_FWD_MASK,
  IP_VS_SCHEDNAME_MAXLEN,
  IP_VS_SVC_F_ONEPACKET,
  IP_VS_SVC_F_PERSISTENT,
  IP_VS_SVC_F_SCHED1,
  IP_VS_SVC_F_SCHED2,
  IP_VS_TUNNEL_ENCAP_FLAG_CSUM,
  IP_VS_TUNNEL_ENCAP_FLAG_REMCSUM,
  IPPROTO_SCTP,
  IPPROTO_TCP,
  IPPROTO_UDP,
  IPVS_GENL_VERSION,
  IpvsCmd,
  IpvsCmdAttr,
  IpvsDaemonAttr,
  IpvsDestAttr,
  IpvsFwd,
  IpvsInfoAttr,
  IpvsSvcAttr,
  IpvsTunnelType,
} from './ipvs-constants.js';
import { canonicalAddress, fromInetAddr, toInetAddr } from './inet-address.js';

const LE = endianness() === 'LE';
/** NLA_F_NESTED | NLA_F_NET_BYTEORDER: masked off the type when parsing. */
const NLA_TYPE_MASK = 0x3fff;
const NLA_HDRLEN = 4;
const GENL_HDRLEN = 4;

const pad4 = (n: number): number => (n + 3) & ~3;

export function u16(v: number): Buffer {
  const b = Buffer.alloc(2);
  if (LE) b.writeUInt16LE(v);
  else b.writeUInt16BE(v);
  return b;
}
export function u32(v: number): Buffer {
  const b = Buffer.alloc(4);
  if (LE) b.writeUInt32LE(v >>> 0);
  else b.writeUInt32BE(v >>> 0);
  return b;
}
export function be16(v: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(v);
  return b;
}
export function be32(v: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(v >>> 0);
  return b;
}
export function u8(v: number): Buffer {
  return Buffer.from([v & 0xff]);
}
export function cstring(s: string): Buffer {
  return Buffer.concat([Buffer.from(s, 'latin1'), Buffer.alloc(1)]);
}
const readU16 = (b: Buffer): number => (LE ? b.readUInt16LE(0) : b.readUInt16BE(0));
const readU32 = (b: Buffer): number => (LE ? b.readUInt32LE(0) : b.readUInt32BE(0));
const readCString = (b: Buffer): string => {
  const nul = b.indexOf(0);
  return b.subarray(0, nul < 0 ? b.length : nul).toString('latin1');
};

/** One netlink attribute: type and payload (unpadded). */
export type Attr = readonly [type: number, payload: Buffer];

/** struct nlattr { u16 nla_len; u16 nla_type; } + payload, padded to 4 bytes. */
export function formatAttr(type: number, payload: Buffer): Buffer {
  const len = NLA_HDRLEN + payload.length;
  const out = Buffer.alloc(pad4(len));
  if (LE) {
    out.writeUInt16LE(len, 0);
    out.writeUInt16LE(type, 2);
  } else {
    out.writeUInt16BE(len, 0);
    out.writeUInt16BE(type, 2);
  }
  payload.copy(out, NLA_HDRLEN);
  return out;
}

export function formatAttrs(attrs: readonly Attr[]): Buffer {
  return Buffer.concat(attrs.map(([t, p]) => formatAttr(t, p)));
}

/** Parses a run of attributes; throws on a truncated one. */
export function parseAttrs(r: Buffer): Attr[] {
  const out: Attr[] = [];
  let off = 0;
  while (off + NLA_HDRLEN <= r.length) {
    const len = LE ? r.readUInt16LE(off) : r.readUInt16BE(off);
    const type = (LE ? r.readUInt16LE(off + 2) : r.readUInt16BE(off + 2)) & NLA_TYPE_MASK;
    if (len < NLA_HDRLEN || off + len > r.length) throw new RangeError(`truncated netlink attribute (type ${type}, len ${len}) at ${off}`);
    out.push([type, r.subarray(off + NLA_HDRLEN, off + len)]);
    off += pad4(len);
  }
  return out;
}

/** struct genlmsghdr { u8 cmd; u8 version; u16 reserved; } */
export function formatGenlHeader(cmd: IpvsCmd, version = IPVS_GENL_VERSION): Buffer {
  return Buffer.from([cmd, version, 0, 0]);
}

/** The genl payload of one IPVS request: genlmsghdr + attributes. */
export interface IpvsMessage {
  readonly cmd: IpvsCmd;
  readonly attrs: readonly Attr[];
}

export function formatIpvsMessage(m: IpvsMessage): Buffer {
  return Buffer.concat([formatGenlHeader(m.cmd), formatAttrs(m.attrs)]);
}

export function parseIpvsMessage(r: Buffer): IpvsMessage & { readonly version: number } {
  if (r.length < GENL_HDRLEN) throw new RangeError('truncated genlmsghdr');
  return { cmd: r[0] as IpvsCmd, version: r[1] ?? 0, attrs: parseAttrs(r.subarray(GENL_HDRLEN)) };
}

// ---- model <-> attribute values -------------------------------------------------------------

const PROTOCOLS: Record<Protocol, number> = { tcp: IPPROTO_TCP, udp: IPPROTO_UDP, sctp: IPPROTO_SCTP };
const FORWARDING: Record<Forwarding, IpvsFwd> = { nat: IpvsFwd.MASQ, dr: IpvsFwd.DROUTE, tun: IpvsFwd.TUNNEL };
const TUNNEL_TYPES: Record<TunnelSpec['type'], IpvsTunnelType> = { ipip: IpvsTunnelType.IPIP, gue: IpvsTunnelType.GUE, gre: IpvsTunnelType.GRE };

export const afOf = (f: IpFamily): number => (f === 4 ? AF_INET : AF_INET6);
function familyOf(af: number): IpFamily {
  if (af === AF_INET) return 4;
  if (af === AF_INET6) return 6;
  throw new RangeError(`unknown address family ${af}`);
}
function protocolOf(p: number): Protocol {
  const hit = (Object.keys(PROTOCOLS) as Protocol[]).find((k) => PROTOCOLS[k] === p);
  if (hit === undefined) throw new RangeError(`unknown IPVS protocol ${p}`);
  return hit;
}

/** The IPVS_SVC_ATTR_NETMASK value: an IPv4 mask in network order; an IPv6 prefix length as the raw u32. */
export function formatNetmask(family: IpFamily, prefix: number): Buffer {
  if (family === 6) return u32(prefix);
  return be32(prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0);
}
export function parseNetmask(family: IpFamily, b: Buffer): number {
  if (family === 6) return readU32(b);
  let m = b.readUInt32BE(0);
  let n = 0;
  while (m & 0x80000000) {
    n++;
    m = (m << 1) >>> 0;
  }
  return n;
}

/** struct ip_vs_flags { u32 flags; u32 mask; } as vigil sends it: every bit it models, mask all ones (as ipvsadm). */
export function serviceFlagBits(scheduler: string, f: ServiceFlags): number {
  let bits = 0;
  if (f.persistent) bits |= IP_VS_SVC_F_PERSISTENT;
  if (f.onePacket) bits |= IP_VS_SVC_F_ONEPACKET;
  if (scheduler === 'mh') {
    if (f.mhFallback) bits |= IP_VS_SVC_F_SCHED1;
    if (f.mhPort) bits |= IP_VS_SVC_F_SCHED2;
  } else {
    if (f.shFallback) bits |= IP_VS_SVC_F_SCHED1;
    if (f.shPort) bits |= IP_VS_SVC_F_SCHED2;
  }
  return bits;
}

/** The flags the model can express, only those set (a canonical form: no `false` keys). */
export function serviceFlagsOf(scheduler: string, bits: number): ServiceFlags {
  const f: { -readonly [K in keyof ServiceFlags]: ServiceFlags[K] } = {};
  if (bits & IP_VS_SVC_F_PERSISTENT) f.persistent = true;
  if (bits & IP_VS_SVC_F_ONEPACKET) f.onePacket = true;
  if (scheduler === 'sh') {
    if (bits & IP_VS_SVC_F_SCHED1) f.shFallback = true;
    if (bits & IP_VS_SVC_F_SCHED2) f.shPort = true;
  } else if (scheduler === 'mh') {
    if (bits & IP_VS_SVC_F_SCHED1) f.mhFallback = true;
    if (bits & IP_VS_SVC_F_SCHED2) f.mhPort = true;
  }
  return f;
}

/** The attributes that name a service (enough for DEL_SERVICE and for the service part of *_DEST). */
export function serviceKeyAttrs(key: ServiceKey): Attr[] {
  const attrs: Attr[] = [[IpvsSvcAttr.AF, u16(afOf(key.family))]];
  if (key.kind === 'fwmark') {
    attrs.push([IpvsSvcAttr.FWMARK, u32(key.fwmark)]);
  } else {
    attrs.push([IpvsSvcAttr.PROTOCOL, u16(PROTOCOLS[key.protocol])]);
    attrs.push([IpvsSvcAttr.ADDR, toInetAddr(key.family, key.address)]);
    attrs.push([IpvsSvcAttr.PORT, be16(key.port)]);
  }
  return attrs;
}

/** A whole service (NEW_SERVICE / SET_SERVICE): the key, scheduler, flags, timeout, netmask, and the PE if any. */
export function serviceAttrs(s: ServiceSpec): Attr[] {
  if (Buffer.byteLength(s.scheduler, 'latin1') >= IP_VS_SCHEDNAME_MAXLEN) throw new RangeError(`scheduler name too long: '${s.scheduler}'`);
  const flags = Buffer.concat([u32(serviceFlagBits(s.scheduler, s.flags)), u32(0xffffffff)]);
  // The order of libipvs' ipvs_nl_fill_service_attr, so the bytes match ipvsadm's.
  return [
    ...serviceKeyAttrs(s.key),
    [IpvsSvcAttr.SCHED_NAME, cstring(s.scheduler)],
    ...(s.persistenceEngine ? [[IpvsSvcAttr.PE_NAME, cstring(s.persistenceEngine)] as Attr] : []),
    [IpvsSvcAttr.FLAGS, flags],
    [IpvsSvcAttr.TIMEOUT, u32(s.timeout)],
    [IpvsSvcAttr.NETMASK, formatNetmask(s.key.family, s.netmaskPrefix)],
  ];
}

/** The attributes that name a destination (DEL_DEST). ADDR_FAMILY first, as libipvs. */
export function destinationKeyAttrs(d: Pick<DestinationSpec, 'family' | 'address' | 'port'>): Attr[] {
  return [
    [IpvsDestAttr.ADDR_FAMILY, u16(afOf(d.family))],
    [IpvsDestAttr.ADDR, toInetAddr(d.family, d.address)],
    [IpvsDestAttr.PORT, be16(d.port)],
  ];
}

/**
 * A whole destination (NEW_DEST / SET_DEST), in the order of libipvs' ipvs_nl_fill_dest_attr. The
 * tunnel attributes are always sent, zero unless TUN (kernels before 5.2 ignore them).
 */
export function destinationAttrs(d: DestinationSpec): Attr[] {
  const t = d.forwarding === 'tun' ? (d.tunnel ?? { type: 'ipip' as const }) : undefined;
  let tflags = 0;
  if (t?.checksum === 'csum') tflags |= IP_VS_TUNNEL_ENCAP_FLAG_CSUM;
  if (t?.checksum === 'remcsum') tflags |= IP_VS_TUNNEL_ENCAP_FLAG_REMCSUM;
  return [
    ...destinationKeyAttrs(d),
    [IpvsDestAttr.FWD_METHOD, u32(FORWARDING[d.forwarding])],
    [IpvsDestAttr.WEIGHT, u32(d.weight)],
    [IpvsDestAttr.TUN_TYPE, u8(t ? TUNNEL_TYPES[t.type] : 0)],
    [IpvsDestAttr.TUN_PORT, be16(t?.port ?? 0)],
    [IpvsDestAttr.TUN_FLAGS, u16(tflags)],
    [IpvsDestAttr.U_THRESH, u32(d.upperThreshold)],
    [IpvsDestAttr.L_THRESH, u32(d.lowerThreshold)],
  ];
}

// ---- messages -------------------------------------------------------------------------------

/** NLA_F_NESTED: set on nests, as libnl's nla_nest_start does for ipvsadm (the kernel accepts both). */
export const NLA_F_NESTED = 0x8000;
const nest = (type: IpvsCmdAttr, attrs: readonly Attr[]): Attr => [type | NLA_F_NESTED, formatAttrs(attrs)];

export const msgNewService = (s: ServiceSpec): IpvsMessage => ({ cmd: IpvsCmd.NEW_SERVICE, attrs: [nest(IpvsCmdAttr.SERVICE, serviceAttrs(s))] });
export const msgSetService = (s: ServiceSpec): IpvsMessage => ({ cmd: IpvsCmd.SET_SERVICE, attrs: [nest(IpvsCmdAttr.SERVICE, serviceAttrs(s))] });
export const msgDelService = (k: ServiceKey): IpvsMessage => ({ cmd: IpvsCmd.DEL_SERVICE, attrs: [nest(IpvsCmdAttr.SERVICE, serviceKeyAttrs(k))] });
/** GET_SERVICE is sent with NLM_F_DUMP and no attributes. */
export const msgGetServices = (): IpvsMessage => ({ cmd: IpvsCmd.GET_SERVICE, attrs: [] });
export const msgNewDest = (k: ServiceKey, d: DestinationSpec): IpvsMessage => ({
  cmd: IpvsCmd.NEW_DEST,
  attrs: [nest(IpvsCmdAttr.SERVICE, serviceKeyAttrs(k)), nest(IpvsCmdAttr.DEST, destinationAttrs(d))],
});
export const msgSetDest = (k: ServiceKey, d: DestinationSpec): IpvsMessage => ({
  cmd: IpvsCmd.SET_DEST,
  attrs: [nest(IpvsCmdAttr.SERVICE, serviceKeyAttrs(k)), nest(IpvsCmdAttr.DEST, destinationAttrs(d))],
});
export const msgDelDest = (k: ServiceKey, d: Pick<DestinationSpec, 'family' | 'address' | 'port'>): IpvsMessage => ({
  cmd: IpvsCmd.DEL_DEST,
  attrs: [nest(IpvsCmdAttr.SERVICE, serviceKeyAttrs(k)), nest(IpvsCmdAttr.DEST, destinationKeyAttrs(d))],
});
/** GET_DEST is sent with NLM_F_DUMP and the service's key. */
export const msgGetDests = (k: ServiceKey): IpvsMessage => ({ cmd: IpvsCmd.GET_DEST, attrs: [nest(IpvsCmdAttr.SERVICE, serviceKeyAttrs(k))] });
export const msgGetInfo = (): IpvsMessage => ({ cmd: IpvsCmd.GET_INFO, attrs: [] });
export const msgFlush = (): IpvsMessage => ({ cmd: IpvsCmd.FLUSH, attrs: [] });

/** An LVS connection-sync daemon (ipvsadm --start-daemon). */
export interface SyncDaemonSpec {
  readonly state: 'master' | 'backup';
  readonly interface: string;
  readonly syncId: number;
  readonly maxLength?: number;
  readonly group?: { readonly family: IpFamily; readonly address: string };
  readonly port?: number;
  readonly ttl?: number;
}

function daemonAttrs(d: SyncDaemonSpec, full: boolean): Attr[] {
  const attrs: Attr[] = [
    [IpvsDaemonAttr.STATE, u32(d.state === 'master' ? 1 : 2)],
    [IpvsDaemonAttr.MCAST_IFN, cstring(d.interface)],
    [IpvsDaemonAttr.SYNC_ID, u32(d.syncId)],
  ];
  if (!full) return attrs.slice(0, 1);
  if (d.maxLength !== undefined) attrs.push([IpvsDaemonAttr.SYNC_MAXLEN, u16(d.maxLength)]);
  if (d.group) {
    attrs.push(
      d.group.family === 4
        ? [IpvsDaemonAttr.MCAST_GROUP, toInetAddr(4, d.group.address).subarray(0, 4)]
        : [IpvsDaemonAttr.MCAST_GROUP6, toInetAddr(6, d.group.address)],
    );
  }
  if (d.port !== undefined) attrs.push([IpvsDaemonAttr.MCAST_PORT, be16(d.port)]);
  if (d.ttl !== undefined) attrs.push([IpvsDaemonAttr.MCAST_TTL, u8(d.ttl)]);
  return attrs;
}
export const msgNewDaemon = (d: SyncDaemonSpec): IpvsMessage => ({ cmd: IpvsCmd.NEW_DAEMON, attrs: [nest(IpvsCmdAttr.DAEMON, daemonAttrs(d, true))] });
/** DEL_DAEMON needs only the state. */
export const msgDelDaemon = (state: SyncDaemonSpec['state']): IpvsMessage => ({
  cmd: IpvsCmd.DEL_DAEMON,
  attrs: [nest(IpvsCmdAttr.DAEMON, daemonAttrs({ state, interface: '', syncId: 0 }, false))],
});
export const msgGetDaemons = (): IpvsMessage => ({ cmd: IpvsCmd.GET_DAEMON, attrs: [] });

// ---- replies --------------------------------------------------------------------------------

function toMap(attrs: readonly Attr[]): Map<number, Buffer> {
  return new Map(attrs.map(([t, p]) => [t, p]));
}
function nested(msg: Buffer, type: IpvsCmdAttr): Attr[] | undefined {
  const hit = parseIpvsMessage(msg).attrs.find(([t]) => t === type);
  return hit ? parseAttrs(hit[1]) : undefined;
}

export interface ParsedService {
  readonly spec: ServiceSpec;
  /** The raw struct ip_vs_flags.flags the kernel reported (includes IP_VS_SVC_F_HASHED). */
  readonly rawFlags: number;
  /** Attributes this codec does not model (stats are read and dropped on purpose). */
  readonly unparsed: readonly Attr[];
}

const SVC_KNOWN = new Set<number>([
  IpvsSvcAttr.AF,
  IpvsSvcAttr.PROTOCOL,
  IpvsSvcAttr.ADDR,
  IpvsSvcAttr.PORT,
  IpvsSvcAttr.FWMARK,
  IpvsSvcAttr.SCHED_NAME,
  IpvsSvcAttr.FLAGS,
  IpvsSvcAttr.TIMEOUT,
  IpvsSvcAttr.NETMASK,
  IpvsSvcAttr.STATS,
  IpvsSvcAttr.STATS64,
  IpvsSvcAttr.PE_NAME,
]);

/** The IPVS_SVC_ATTR_* run of a service (the payload of IPVS_CMD_ATTR_SERVICE). */
export function parseServiceAttrs(attrs: readonly Attr[]): ParsedService {
  const m = toMap(attrs);
  const get = (t: IpvsSvcAttr): Buffer => {
    const b = m.get(t);
    if (!b) throw new RangeError(`IPVS service without attribute ${IpvsSvcAttr[t]}`);
    return b;
  };
  const family = familyOf(readU16(get(IpvsSvcAttr.AF)));
  const fwmark = m.get(IpvsSvcAttr.FWMARK);
  const fw = fwmark ? readU32(fwmark) : 0;
  const key: ServiceKey =
    fw !== 0
      ? { kind: 'fwmark', family, fwmark: fw }
      : {
          kind: 'address',
          family,
          address: fromInetAddr(family, get(IpvsSvcAttr.ADDR)),
          port: get(IpvsSvcAttr.PORT).readUInt16BE(0),
          protocol: protocolOf(readU16(get(IpvsSvcAttr.PROTOCOL))),
        };
  const scheduler = readCString(get(IpvsSvcAttr.SCHED_NAME));
  const rawFlags = readU32(get(IpvsSvcAttr.FLAGS));
  const pe = m.get(IpvsSvcAttr.PE_NAME);
  const peName = pe ? readCString(pe) : '';
  const spec: ServiceSpec = {
    key,
    scheduler,
    flags: serviceFlagsOf(scheduler, rawFlags),
    timeout: readU32(get(IpvsSvcAttr.TIMEOUT)),
    netmaskPrefix: parseNetmask(family, get(IpvsSvcAttr.NETMASK)),
    ...(peName ? { persistenceEngine: peName } : {}),
  };
  return { spec, rawFlags, unparsed: attrs.filter(([t]) => !SVC_KNOWN.has(t)) };
}

/** A NEW_SERVICE reply of a GET_SERVICE dump (genl payload). */
export function parseServiceReply(msg: Buffer): ParsedService {
  const attrs = nested(msg, IpvsCmdAttr.SERVICE);
  if (!attrs) throw new RangeError('IPVS service reply without IPVS_CMD_ATTR_SERVICE');
  return parseServiceAttrs(attrs);
}

export interface DestinationCounters {
  readonly activeConnections: number;
  readonly inactiveConnections: number;
  readonly persistentConnections: number;
}

export interface ParsedDestination {
  readonly spec: DestinationSpec;
  readonly counters: DestinationCounters;
  readonly unparsed: readonly Attr[];
}

const DEST_KNOWN = new Set<number>(
  Object.values(IpvsDestAttr).filter((v): v is number => typeof v === 'number' && v !== IpvsDestAttr.UNSPEC),
);

/**
 * The IPVS_DEST_ATTR_* run of a destination. `serviceFamily` is used when the kernel predates
 * IPVS_DEST_ATTR_ADDR_FAMILY. A TUN destination gets `tunnel` only when it is not plain ipip
 * (canonical form: `{ forwarding: 'tun' }` means ipip); checksum only when not nocsum.
 */
export function parseDestinationAttrs(attrs: readonly Attr[], serviceFamily: IpFamily): ParsedDestination {
  const m = toMap(attrs);
  const num = (t: IpvsDestAttr): number => {
    const b = m.get(t);
    return b ? readU32(b) : 0;
  };
  const afb = m.get(IpvsDestAttr.ADDR_FAMILY);
  const family = afb ? familyOf(readU16(afb)) : serviceFamily;
  const addr = m.get(IpvsDestAttr.ADDR);
  const port = m.get(IpvsDestAttr.PORT);
  if (!addr || !port) throw new RangeError('IPVS destination without address or port');
  const fwd = num(IpvsDestAttr.FWD_METHOD) & IP_VS_CONN_F_FWD_MASK;
  // LOCALNODE is what the kernel reports for a destination on a local address, whatever was asked;
  // BYPASS is never set on a destination. Both read as NAT, the method that keeps them working.
  const forwarding: Forwarding = fwd === IpvsFwd.DROUTE ? 'dr' : fwd === IpvsFwd.TUNNEL ? 'tun' : 'nat';
  let tunnel: TunnelSpec | undefined;
  if (forwarding === 'tun') {
    const tt = m.get(IpvsDestAttr.TUN_TYPE)?.[0] ?? IpvsTunnelType.IPIP;
    const tp = m.get(IpvsDestAttr.TUN_PORT);
    const tfb = m.get(IpvsDestAttr.TUN_FLAGS);
    const tf = tfb ? readU16(tfb) : 0;
    const checksum = tf & IP_VS_TUNNEL_ENCAP_FLAG_REMCSUM ? 'remcsum' : tf & IP_VS_TUNNEL_ENCAP_FLAG_CSUM ? 'csum' : undefined;
    if (tt === IpvsTunnelType.GUE) {
      tunnel = { type: 'gue', port: tp ? tp.readUInt16BE(0) : 0, ...(checksum ? { checksum } : {}) };
    } else if (tt === IpvsTunnelType.GRE) {
      tunnel = { type: 'gre', ...(checksum ? { checksum } : {}) };
    } else if (checksum) {
      tunnel = { type: 'ipip', checksum };
    }
  }
  const spec: DestinationSpec = {
    family,
    address: fromInetAddr(family, addr),
    port: port.readUInt16BE(0),
    forwarding,
    weight: num(IpvsDestAttr.WEIGHT) | 0,
    upperThreshold: num(IpvsDestAttr.U_THRESH),
    lowerThreshold: num(IpvsDestAttr.L_THRESH),
    ...(tunnel ? { tunnel } : {}),
  };
  return {
    spec,
    counters: {
      activeConnections: num(IpvsDestAttr.ACTIVE_CONNS),
      inactiveConnections: num(IpvsDestAttr.INACT_CONNS),
      persistentConnections: num(IpvsDestAttr.PERSIST_CONNS),
    },
    unparsed: attrs.filter(([t]) => !DEST_KNOWN.has(t)),
  };
}

/** A NEW_DEST reply of a GET_DEST dump (genl payload). */
export function parseDestinationReply(msg: Buffer, serviceFamily: IpFamily): ParsedDestination {
  const attrs = nested(msg, IpvsCmdAttr.DEST);
  if (!attrs) throw new RangeError('IPVS destination reply without IPVS_CMD_ATTR_DEST');
  return parseDestinationAttrs(attrs, serviceFamily);
}

export interface IpvsInfo {
  /** e.g. "1.2.1" */
  readonly version: string;
  readonly connectionTableSize: number;
}

/** The SET_INFO reply to GET_INFO. */
export function parseInfoReply(msg: Buffer): IpvsInfo {
  const m = toMap(parseIpvsMessage(msg).attrs);
  const v = m.get(IpvsInfoAttr.VERSION);
  const n = m.get(IpvsInfoAttr.CONN_TAB_SIZE);
  const ver = v ? readU32(v) : 0;
  return { version: `${(ver >> 16) & 0xff}.${(ver >> 8) & 0xff}.${ver & 0xff}`, connectionTableSize: n ? readU32(n) : 0 };
}

/** A NEW_DAEMON reply of a GET_DAEMON dump. */
export function parseDaemonReply(msg: Buffer): SyncDaemonSpec {
  const attrs = nested(msg, IpvsCmdAttr.DAEMON);
  if (!attrs) throw new RangeError('IPVS daemon reply without IPVS_CMD_ATTR_DAEMON');
  const m = toMap(attrs);
  const state = m.get(IpvsDaemonAttr.STATE);
  const g4 = m.get(IpvsDaemonAttr.MCAST_GROUP);
  const g6 = m.get(IpvsDaemonAttr.MCAST_GROUP6);
  const maxlen = m.get(IpvsDaemonAttr.SYNC_MAXLEN);
  const port = m.get(IpvsDaemonAttr.MCAST_PORT);
  const ttl = m.get(IpvsDaemonAttr.MCAST_TTL);
  const ifn = m.get(IpvsDaemonAttr.MCAST_IFN);
  const id = m.get(IpvsDaemonAttr.SYNC_ID);
  const group = g6 ? { family: 6 as const, address: fromInetAddr(6, g6) } : g4 && g4.readUInt32BE(0) !== 0 ? { family: 4 as const, address: fromInetAddr(4, g4) } : undefined;
  return {
    state: state && readU32(state) === 2 ? 'backup' : 'master',
    interface: ifn ? readCString(ifn) : '',
    syncId: id ? readU32(id) : 0,
    ...(maxlen ? { maxLength: readU16(maxlen) } : {}),
    ...(group ? { group } : {}),
    ...(port ? { port: port.readUInt16BE(0) } : {}),
    ...(ttl ? { ttl: ttl[0] ?? 0 } : {}),
  };
}

/** Normalises the text of the addresses in a service key (RFC 5952 for IPv6). */
export function canonicalServiceKey(k: ServiceKey): ServiceKey {
  return k.kind === 'fwmark' ? k : { ...k, address: canonicalAddress(k.family, k.address) };
}
