// Links (RTM_NEWLINK / RTM_DELLINK): the kernel's report as plain info, and the macvlan Keepalived's use_vmac
// makes. Pure: no socket.
import type { ifla, rt } from 'netlink';
import { formatMac, parseMac } from './ethernet.js';
import { nla, parseNlas, readU32, u32 } from './netlink-attr.js';

/** IF_OPER_* (RFC 2863 operational status, linux/if.h). */
export const OPER_STATES = ['unknown', 'notpresent', 'down', 'lowerlayerdown', 'testing', 'dormant', 'up'] as const;
export type OperState = (typeof OPER_STATES)[number];

/** The IFF_* flags vigil looks at. */
export interface LinkFlags {
  /** Administratively up (IFF_UP). */
  readonly up: boolean;
  /** Operationally up: carrier and not dormant (IFF_RUNNING). */
  readonly running: boolean;
  readonly lowerUp: boolean;
  readonly broadcast: boolean;
  readonly multicast: boolean;
  readonly loopback: boolean;
  readonly pointopoint: boolean;
  readonly noarp: boolean;
  readonly promisc: boolean;
  readonly allmulti: boolean;
  readonly master: boolean;
  readonly slave: boolean;
}

/** macvlan modes (IFLA_MACVLAN_MODE); Keepalived's VMAC is 'private'. */
export const MACVLAN_MODES = { private: 1, vepa: 2, bridge: 4, passthru: 8, source: 16 } as const;
export type MacvlanMode = keyof typeof MACVLAN_MODES;

/** A link as the kernel reports it. */
export interface LinkInfo {
  readonly ifindex: number;
  readonly name: string;
  /** The link-layer address; undefined for links without one (e.g. some tunnels). */
  readonly mac: string | undefined;
  readonly mtu: number | undefined;
  readonly flags: LinkFlags;
  readonly operstate: OperState;
  /** IFLA_INFO_KIND: 'veth', 'macvlan', 'bridge'…; undefined for plain devices. */
  readonly kind: string | undefined;
  /** IFLA_LINK: the lower device of a macvlan / vlan, or a veth's peer index. */
  readonly parentIfindex: number | undefined;
  /** IFLA_MASTER: the bridge or bond this link is enslaved to. */
  readonly masterIfindex: number | undefined;
  readonly macvlanMode: MacvlanMode | undefined;
}

/** Whether a link can carry VRRP: administratively up and running (Keepalived's IF_ISUP: IFF_UP && IFF_RUNNING). */
export function isLinkUp(link: Pick<LinkInfo, 'flags'>): boolean {
  return link.flags.up && link.flags.running;
}

const IFLA_INFO_KIND = 1;
const IFLA_INFO_DATA = 2;
const IFLA_MACVLAN_MODE = 1;

/** An RTM_NEWLINK from the kernel as plain info. */
export function linkInfo(msg: rt.LinkMessage): LinkInfo {
  const f: rt.DeviceFlags = msg.data.flags ?? {};
  const a: ifla.LinkAttrs = msg.attrs;
  let kind: string | undefined;
  let macvlanMode: MacvlanMode | undefined;
  if (a.linkinfo) {
    const info = parseNlas(a.linkinfo);
    const rawKind = info.get(IFLA_INFO_KIND);
    kind = rawKind ? rawKind.toString('latin1').replace(/\0+$/, '') : undefined;
    const data = info.get(IFLA_INFO_DATA);
    if (kind === 'macvlan' && data) {
      const mode = parseNlas(data).get(IFLA_MACVLAN_MODE);
      if (mode && mode.length >= 4) {
        const value = readU32(mode);
        macvlanMode = (Object.keys(MACVLAN_MODES) as MacvlanMode[]).find((m) => MACVLAN_MODES[m] === value);
      }
    }
  }
  return {
    ifindex: msg.data.index ?? 0,
    name: a.ifname ?? '',
    mac: a.address && a.address.length === 6 ? formatMac(a.address) : undefined,
    mtu: a.mtu,
    flags: {
      up: !!f.up,
      running: !!f.running,
      lowerUp: !!f.lowerUp,
      broadcast: !!f.broadcast,
      multicast: !!f.multicast,
      loopback: !!f.loopback,
      pointopoint: !!f.pointopoint,
      noarp: !!f.noarp,
      promisc: !!f.promisc,
      allmulti: !!f.allmulti,
      master: !!f.master,
      slave: !!f.slave,
    },
    operstate: OPER_STATES[a.operstate ?? 0] ?? 'unknown',
    kind,
    parentIfindex: a.link && a.link.length >= 4 ? readU32(a.link) : undefined,
    masterIfindex: a.master,
    macvlanMode,
  };
}

/** A macvlan on top of a link: Keepalived's use_vmac. */
export interface MacvlanSpec {
  readonly parentIfindex: number;
  /** Keepalived names them `vrrp.<VRID>` (`vrrp6.<VRID>` when IPv4 took the name). At most 15 characters. */
  readonly name: string;
  /** Default: one the kernel makes up. For a VMAC: vmacAddress(vrid, family). */
  readonly mac?: string;
  /** Default 'private', as Keepalived. */
  readonly mode?: MacvlanMode;
  /** Bring it up once made; default true. */
  readonly up?: boolean;
}

/** RTM_NEWLINK creating the macvlan of a spec. */
export function macvlanMessage(spec: MacvlanSpec): rt.LinkMessage {
  if (!spec.name || Buffer.byteLength(spec.name) > 15 || /[\s/:]/.test(spec.name)) {
    throw new RangeError(`'${spec.name}' is not an interface name (1..15 characters, no '/', ':' or spaces)`);
  }
  if (!Number.isInteger(spec.parentIfindex) || spec.parentIfindex < 1) throw new RangeError(`ifindex ${spec.parentIfindex} is not a link index`);
  const mode = MACVLAN_MODES[spec.mode ?? 'private'];
  const linkinfo = Buffer.concat([nla(IFLA_INFO_KIND, Buffer.from('macvlan\0', 'latin1')), nla(IFLA_INFO_DATA, nla(IFLA_MACVLAN_MODE, u32(mode)))]);
  const attrs: ifla.LinkAttrs = { ifname: spec.name, link: u32(spec.parentIfindex), linkinfo };
  if (spec.mac !== undefined) attrs.address = parseMac(spec.mac);
  const up = spec.up ?? true;
  return { kind: 'link', data: up ? { flags: { up: true }, change: { up: true } } : {}, attrs };
}
