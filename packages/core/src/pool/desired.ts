/**
 * The desired table: what the kernel should hold, as a pure function of the config model
 * (virtual_server, virtual_server_group) and of what the checkers see (each real server up or
 * down, and its weight when a dynamic checker changed it). No I/O, no clock: the reconcile loop
 * calls it on every change and hands the result to `planPool` and a backend.
 *
 * Keepalived's rules (check/ipwrapper.c: init_service_vs, perform_svr_state, update_quorum_state,
 * perform_quorum_state, update_svr_wgt):
 * - a live real server is in its service with its weight (the dynamic one when a checker set it);
 * - a dead one is removed, or kept with weight 0 with inhibit_on_failure (connections drain);
 * - a real server with no state yet is up, unless alpha (then down until its first success);
 * - quorum is gained when the live weight reaches quorum + hysteresis and lost when it falls
 *   below quorum - hysteresis or to 0; while it is lost and a sorry_server is set, every real
 *   server leaves (inhibit_on_failure ones go to weight 0) and the sorry server serves alone;
 *   with sorry_server_inhibit the sorry server stays at weight 0 while the quorum holds;
 * - without a sorry_server, losing the quorum changes nothing in the table (scripts only).
 */
import type { ForwardingMethod, RealServerConfig, VirtualServerConfig, VirtualServerGroupConfig, VirtualServerGroupEntry } from '../config/keywords/lvs.js';
import { DEFAULT_LVS_SCHEDULER, PERSISTENCE_TIMEOUT_DEFAULT } from '../config/keywords/lvs.js';
import { ipv4ToInt, intToIpv4, ipv6ToBigInt, bigIntToIpv6, type IpAddress } from '../config/schema/ip.js';
import { destinationId, serviceId, type DestinationSpec, type IpFamily, type PoolService, type PoolTable, type Protocol, type ServiceFlags, type ServiceKey, type ServiceSpec, type TunnelSpec } from './types.js';

/** The parts of the config model the table depends on. */
export interface PoolConfig {
  readonly virtual_server?: readonly VirtualServerConfig[];
  readonly virtual_server_group?: readonly VirtualServerGroupConfig[];
}

/** What the checkers say about one real server. */
export interface RealServerState {
  readonly up: boolean;
  /** The effective weight when a dynamic checker (misc_dynamic, FILE_CHECK) set one. */
  readonly weight?: number;
}

/** What the checkers say about one virtual server, keyed as the pool events name them. */
export interface VirtualServerState {
  /** The checkers' quorum state when they track it; computed here when absent. */
  readonly quorumUp?: boolean;
  /** Keyed by the real server's event name (`IP:PORT`, `[IPv6]:PORT`, or `IP` without a port). */
  readonly servers?: ReadonlyMap<string, RealServerState>;
}

/** Keyed by the virtual server's event name (`192.0.2.10:80`, `fwmark 1`, `group NAME`). */
export type PoolState = ReadonlyMap<string, VirtualServerState>;

export interface QuorumStatus {
  readonly up: boolean;
  /** Sum of the weights of the live real servers. */
  readonly alive: number;
  readonly quorum: number;
  readonly hysteresis: number;
}

export interface DesiredPool {
  readonly table: PoolTable;
  /** Per virtual server (event name): the quorum state the table was built with. */
  readonly quorum: ReadonlyMap<string, QuorumStatus>;
  /** Things left out, each with why (a group that does not exist, an empty range...). */
  readonly skipped: readonly string[];
}

/** The name pool events give an endpoint (same form as the checker scheduler's). */
export function endpointName(a: IpAddress, port: number | undefined): string {
  if (port === undefined) return a.address;
  return a.family === 6 ? `[${a.address}]:${port}` : `${a.address}:${port}`;
}

/** The name pool events give a virtual server. */
export function virtualServerName(vs: VirtualServerConfig): string {
  const s = vs.service;
  return s.kind === 'address' ? endpointName(s.address, s.port) : s.kind === 'fwmark' ? `fwmark ${s.fwmark}` : `group ${s.name}`;
}

/** update_quorum_state: gained at quorum + hysteresis, lost below quorum - hysteresis or at 0. */
export function nextQuorumUp(previousUp: boolean, alive: number, quorum: number, hysteresis: number): boolean {
  if (previousUp) return !(alive === 0 || alive < quorum - hysteresis);
  return alive >= quorum + hysteresis;
}

/** At most this many services from one virtual_server_group range (a /8 would be 16M). */
export const MAX_GROUP_RANGE = 65536;

/** The addresses of a group range, first to last. */
export function expandRange(first: IpAddress, last: IpAddress, max = MAX_GROUP_RANGE): string[] | undefined {
  const out: string[] = [];
  if (first.family === 4) {
    const a = ipv4ToInt(first.address);
    const b = ipv4ToInt(last.address);
    if (b - a + 1 > max) return undefined;
    for (let n = a; n <= b; n++) out.push(intToIpv4(n));
    return out;
  }
  const a = ipv6ToBigInt(first.address);
  const b = ipv6ToBigInt(last.address);
  if (b - a + 1n > BigInt(max)) return undefined;
  for (let n = a; n <= b; n++) out.push(bigIntToIpv6(n));
  return out;
}

function protocolOf(vs: VirtualServerConfig): Protocol {
  // The config model documents Keepalived's default (UDP) when the keyword is left out.
  const p = vs.protocol ?? 'UDP';
  return p === 'TCP' ? 'tcp' : p === 'SCTP' ? 'sctp' : 'udp';
}

function prefixOfNetmask(mask: string): number {
  return ipv4ToInt(mask).toString(2).replace(/0+$/, '').length;
}

function flagsOf(vs: VirtualServerConfig, scheduler: string): ServiceFlags {
  const f: { -readonly [K in keyof ServiceFlags]: ServiceFlags[K] } = {};
  if (vs.persistence_timeout !== undefined || vs.persistence_granularity !== undefined) f.persistent = true;
  if (vs.ops) f.onePacket = true;
  // flag-1 / flag-2 are IP_VS_SVC_F_SCHED1 / SCHED2: the fallback and port bits of sh and mh.
  const mh = scheduler === 'mh';
  if (vs['sh-fallback'] || (vs['flag-1'] && !mh)) f.shFallback = true;
  if (vs['sh-port'] || (vs['flag-2'] && !mh)) f.shPort = true;
  if (vs['mh-fallback'] || (vs['flag-1'] && mh)) f.mhFallback = true;
  if (vs['mh-port'] || (vs['flag-2'] && mh)) f.mhPort = true;
  return f;
}

function serviceSpec(vs: VirtualServerConfig, key: ServiceKey): ServiceSpec {
  const scheduler = vs.lvs_sched ?? DEFAULT_LVS_SCHEDULER;
  const persistent = vs.persistence_timeout !== undefined || vs.persistence_granularity !== undefined;
  const g = vs.persistence_granularity;
  const fullPrefix = key.family === 4 ? 32 : 128;
  const netmaskPrefix = g === undefined ? fullPrefix : g.kind === 'netmask' ? prefixOfNetmask(g.netmask) : Math.min(g.value, fullPrefix);
  return {
    key,
    scheduler,
    flags: flagsOf(vs, scheduler),
    timeout: persistent ? (vs.persistence_timeout ?? PERSISTENCE_TIMEOUT_DEFAULT) : 0,
    netmaskPrefix,
    ...(vs.persistence_engine !== undefined ? { persistenceEngine: vs.persistence_engine } : {}),
  };
}

function forwardingOf(m: ForwardingMethod | undefined): { forwarding: DestinationSpec['forwarding']; tunnel?: TunnelSpec } {
  if (!m || m.method === 'NAT') return { forwarding: 'nat' };
  if (m.method === 'DR') return { forwarding: 'dr' };
  const t = m.tunnel;
  return { forwarding: 'tun', tunnel: { type: t?.type ?? 'ipip', ...(t?.port !== undefined ? { port: t.port } : {}), checksum: t?.checksum ?? 'nocsum' } };
}

/** The family of a fwmark service: ip_family, else its first non-tunnelled real server's, else IPv4. */
function fwmarkFamily(vs: VirtualServerConfig, explicit?: IpFamily): IpFamily {
  if (explicit) return explicit;
  if (vs.ip_family) return vs.ip_family === 'inet6' ? 6 : 4;
  for (const rs of vs.real_server ?? []) {
    if ((rs.lvs_method ?? vs.lvs_method)?.method !== 'TUN') return rs.address.family;
  }
  return 4;
}

/** The kernel services one virtual_server stands for (several for a group). */
function serviceKeys(vs: VirtualServerConfig, groups: ReadonlyMap<string, VirtualServerGroupConfig>, skipped: string[]): { key: ServiceKey; port: number }[] {
  const s = vs.service;
  const protocol = protocolOf(vs);
  if (s.kind === 'address') return [{ key: { kind: 'address', family: s.address.family, address: s.address.address, port: s.port ?? 0, protocol }, port: s.port ?? 0 }];
  if (s.kind === 'fwmark') return [{ key: { kind: 'fwmark', family: fwmarkFamily(vs), fwmark: s.fwmark }, port: 0 }];
  const group = groups.get(s.name);
  if (!group) {
    skipped.push(`virtual_server group ${s.name}: no virtual_server_group of that name`);
    return [];
  }
  const out: { key: ServiceKey; port: number }[] = [];
  for (const e of group.entries as readonly VirtualServerGroupEntry[]) {
    if (e.kind === 'fwmark') {
      out.push({ key: { kind: 'fwmark', family: fwmarkFamily(vs, e.family), fwmark: e.fwmark }, port: 0 });
      continue;
    }
    const addresses = expandRange(e.first, e.last);
    if (!addresses) {
      skipped.push(`virtual_server_group ${group.name}: range ${e.text} has more than ${MAX_GROUP_RANGE} addresses`);
      continue;
    }
    for (const address of addresses) out.push({ key: { kind: 'address', family: e.first.family, address, port: e.port ?? 0, protocol }, port: e.port ?? 0 });
  }
  return out;
}

interface Server {
  readonly rs: RealServerConfig;
  readonly name: string;
  readonly up: boolean;
  readonly weight: number;
  readonly inhibit: boolean;
}

/**
 * The desired table for a config and the checkers' state. Services of one group share the
 * pool; a real server without a port takes the port of each service (0 for fwmark services).
 */
export function desiredPool(config: PoolConfig, state: PoolState = new Map()): DesiredPool {
  const groups = new Map((config.virtual_server_group ?? []).map((g) => [g.name, g] as const));
  const table = new Map<string, PoolService>();
  const quorumOut = new Map<string, QuorumStatus>();
  const skipped: string[] = [];

  for (const vs of config.virtual_server ?? []) {
    const vsName = virtualServerName(vs);
    const vsState = state.get(vsName);
    const seen = new Set<string>();
    const servers: Server[] = [];
    for (const rs of vs.real_server ?? []) {
      const name = endpointName(rs.address, rs.port);
      if (seen.has(name)) continue; // Keepalived drops the second
      seen.add(name);
      const configured = rs.weight ?? vs.weight ?? 1;
      const st = vsState?.servers?.get(name);
      const alpha = rs.alpha ?? vs.alpha === true;
      servers.push({ rs, name, up: st ? st.up : !alpha, weight: st?.weight ?? configured, inhibit: rs.inhibit_on_failure ?? vs.inhibit_on_failure === true });
    }

    // Keepalived lowers a quorum that no set of live servers can reach, then the hysteresis.
    const total = servers.reduce((n, s) => n + (s.rs.weight ?? vs.weight ?? 1), 0);
    let quorum = vs.quorum ?? 1;
    if (quorum > total) quorum = total;
    let hysteresis = vs.hysteresis ?? 0;
    if (quorum > 0 && hysteresis >= quorum) hysteresis = quorum - 1;
    const alive = servers.reduce((n, s) => n + (s.up ? s.weight : 0), 0);
    const quorumUp = vsState?.quorumUp ?? alive >= quorum + hysteresis;
    quorumOut.set(vsName, { up: quorumUp, alive, quorum, hysteresis });
    const sorryMode = !quorumUp && vs.sorry_server !== undefined;

    for (const { key, port } of serviceKeys(vs, groups, skipped)) {
      const destinations = new Map<string, DestinationSpec>();
      const add = (address: IpAddress, rsPort: number | undefined, weight: number, method: ForwardingMethod | undefined, thresholds?: { u: number; l: number }): void => {
        const d: DestinationSpec = {
          family: address.family,
          address: address.address,
          port: rsPort ?? port,
          ...forwardingOf(method),
          weight,
          upperThreshold: thresholds?.u ?? 0,
          lowerThreshold: thresholds?.l ?? 0,
        };
        destinations.set(destinationId(d), d);
      };
      for (const s of servers) {
        const method = s.rs.lvs_method ?? vs.lvs_method;
        const th = { u: s.rs.uthreshold ?? 0, l: s.rs.lthreshold ?? 0 };
        if (s.up && !sorryMode) add(s.rs.address, s.rs.port, s.weight, method, th);
        else if (s.inhibit) add(s.rs.address, s.rs.port, 0, method, th);
      }
      const sorry = vs.sorry_server;
      if (sorry && (sorryMode || vs.sorry_server_inhibit)) {
        add(sorry.address, sorry.port, sorryMode ? 1 : 0, vs.sorry_server_lvs_method ?? vs.lvs_method);
      }
      const service = serviceSpec(vs, key);
      table.set(serviceId(key), { service, destinations });
    }
  }
  return { table, quorum: quorumOut, skipped };
}
