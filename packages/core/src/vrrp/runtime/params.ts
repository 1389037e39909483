/*
 * From a parsed `vrrp_instance` (and the VRRP defaults of global_defs) to what the runtime needs: the
 * fully-defaulted InstanceParams of the state machine, and the I/O settings of the instance (interface,
 * VRID, VIPs, authentication). Defaults and derivations follow Keepalived 2.2.7 (vrrp_parser.c,
 * vrrp_complete_instance in vrrp.c). Pure: the interface's primary address is looked up by the caller.
 */
import type { VigilConfig } from '../../config/keywords/root.js';
import type { VrrpInstanceConfig } from '../../config/keywords/vrrp.js';
import { OWNER_PRIORITY } from '../fsm/timers.js';
import type { InstanceParams, VirtualResource, WantedState } from '../fsm/types.js';
import type { AuthConfig, VrrpVersion } from '../packet/types.js';

export type GlobalDefs = NonNullable<VigilConfig['global_defs']>;

/** Keepalived's defaults (vrrp.h, global_data.c). */
export const DEFAULTS = {
  priority: 100,
  advertIntSeconds: 1,
  version: 2 as VrrpVersion,
  garpMasterDelaySeconds: 5,
  garpMasterRepeat: 5,
  garpMasterRefreshRepeat: 1,
  downTimerAdverts: 3,
  /** The largest VRRPv3 Max Adver Int, centiseconds (12 bits). */
  maxAdvertIntCs: 4095,
} as const;

/** One VIP: the address and where it goes. */
export interface VipSpec {
  readonly address: string;
  readonly prefixLength: number;
  readonly family: 4 | 6;
  /** `dev IF`; default the instance's interface. */
  readonly dev: string;
  readonly label?: string;
}

/** What the runner needs besides InstanceParams, derived from the configuration alone. */
export interface InstanceSpec {
  readonly name: string;
  readonly ifname: string;
  readonly vrid: number;
  readonly family: 4 | 6;
  readonly version: VrrpVersion;
  /** advert_int in wire units (v2 seconds, v3 centiseconds). */
  readonly advertInt: number;
  /** virtual_ipaddress: in the adverts, added on MASTER. */
  readonly vips: readonly VipSpec[];
  /** virtual_ipaddress_excluded: added on MASTER, not advertised. */
  readonly excludedVips: readonly VipSpec[];
  readonly auth: AuthConfig;
  /** mcast_src_ip, when given. */
  readonly sourceAddress?: string;
  /** mcast_dst_ip, else vrrp_mcast_group4/6, else undefined (the RFC's group). */
  readonly group?: string;
  /** vrrp_garp_interval / vrrp_gna_interval, seconds. */
  readonly garpInterval?: number;
  readonly gnaInterval?: number;
  /** Things of the configuration the runtime does not carry out yet, to log once. */
  readonly ignored: readonly string[];
}

/** What is wrong with an instance the runtime cannot run. */
export class InstanceConfigError extends Error {
  constructor(
    readonly instance: string,
    message: string,
  ) {
    super(`vrrp_instance ${instance}: ${message}`);
    this.name = 'InstanceConfigError';
  }
}

function vipOf(item: NonNullable<VrrpInstanceConfig['virtual_ipaddress']>[number], ifname: string): VipSpec {
  const { address } = item;
  return {
    address: address.address,
    // Keepalived: a VIP written without a prefix is a host address (/32, /128).
    prefixLength: address.prefixLength,
    family: address.family,
    dev: item.dev?.value ?? ifname,
    ...(item.label !== undefined ? { label: item.label } : {}),
  };
}

/** advert_int (seconds, decimal) in wire units for the version, as Keepalived rounds it. */
export function advertIntUnits(seconds: number, version: VrrpVersion): number {
  if (version === 2) return Math.max(1, Math.min(255, Math.round(seconds)));
  return Math.max(1, Math.min(DEFAULTS.maxAdvertIntCs, Math.round(seconds * 100)));
}

/** The configuration-only half of an instance: interface, VRID, family, VIPs, auth. */
export function instanceSpec(inst: VrrpInstanceConfig, globals: GlobalDefs | undefined): InstanceSpec {
  const name = inst.name;
  const ifname = inst.interface?.value;
  if (!ifname) throw new InstanceConfigError(name, 'no interface (vigil needs one: it does not run unicast instances without an interface)');
  const vrid = inst.virtual_router_id;
  if (vrid === undefined) throw new InstanceConfigError(name, 'no virtual_router_id');
  const vips = (inst.virtual_ipaddress ?? []).map((v) => vipOf(v, ifname));
  const excludedVips = (inst.virtual_ipaddress_excluded ?? []).map((v) => vipOf(v, ifname));
  // The family is the VIPs' (Keepalived: the first VIP's; native_ipv6 forces IPv6).
  const family: 4 | 6 = inst.native_ipv6 ? 6 : (vips[0]?.family ?? 4);
  if (vips.some((v) => v.family !== family)) throw new InstanceConfigError(name, 'virtual_ipaddress mixes IPv4 and IPv6');
  // Keepalived runs IPv6 instances as VRRPv3.
  const version: VrrpVersion = family === 6 ? 3 : ((inst.version ?? globals?.vrrp_version ?? DEFAULTS.version) as VrrpVersion);
  const advertInt = advertIntUnits(inst.advert_int ?? DEFAULTS.advertIntSeconds, version);

  let auth: AuthConfig = { type: 'none' };
  const a = inst.authentication;
  if (a && version === 2 && family === 4) {
    if (a.auth_type === 'PASS') auth = { type: 'pass', password: a.auth_pass ?? '' };
    else if (a.auth_type === 'AH') throw new InstanceConfigError(name, 'auth_type AH is not carried out by the runtime yet; use PASS or none');
  }

  const ignored: string[] = [];
  const unhonoured: [keyof VrrpInstanceConfig, string][] = [
    ['unicast_peer', 'unicast_peer (adverts still go by multicast)'],
    ['use_vmac', 'use_vmac'],
    ['virtual_routes', 'virtual_routes'],
    ['virtual_rules', 'virtual_rules'],
    ['track_interface', 'track_interface'],
    ['track_script', 'track_script'],
    ['track_file', 'track_file'],
    ['track_process', 'track_process'],
    ['track_bfd', 'track_bfd'],
    ['no_accept', 'no_accept (no filter is installed)'],
  ];
  for (const [kw, what] of unhonoured) {
    const v = inst[kw];
    if (v !== undefined && !(Array.isArray(v) && v.length === 0)) ignored.push(what);
  }
  if (globals?.vrrp_strict || inst.strict_mode) ignored.push('strict mode filter (no_accept)');

  const group = inst.mcast_dst_ip?.address ?? (family === 4 ? globals?.vrrp_mcast_group4?.address : globals?.vrrp_mcast_group6?.address);
  return {
    name,
    ifname,
    vrid,
    family,
    version,
    advertInt,
    vips,
    excludedVips,
    auth,
    ...(inst.mcast_src_ip ? { sourceAddress: inst.mcast_src_ip.address } : {}),
    ...(group ? { group } : {}),
    ...(globals?.vrrp_garp_interval !== undefined ? { garpInterval: globals.vrrp_garp_interval } : {}),
    ...(globals?.vrrp_gna_interval !== undefined ? { gnaInterval: globals.vrrp_gna_interval } : {}),
    ignored,
  };
}

/**
 * InstanceParams as Keepalived derives them:
 * - priority: given, else 255 with `state MASTER` and 100 otherwise;
 * - initial state: given, else MASTER for priority 255 and BACKUP otherwise (a MASTER below 255 waits as
 *   BACKUP: the state machine only takes over at once for an owner);
 * - nopreempt is cleared with `state MASTER` (Keepalived: "nopreempt will not work with initial state
 *   MASTER"), preempt_delay only counts while preempting;
 * - garp_*: the instance's, else global_defs vrrp_garp_*, else 5 / 5 s, lower_prio_* default to the
 *   master ones; vrrp_min_garp makes it one packet and no second burst;
 * - accept: `accept` / `no_accept`, else true unless strict mode.
 */
export function deriveParams(inst: VrrpInstanceConfig, globals: GlobalDefs | undefined, primaryAddress: string): InstanceParams {
  const spec = instanceSpec(inst, globals);
  const wanted: WantedState | undefined = inst.state;
  const priority = inst.priority ?? (wanted === 'MASTER' ? OWNER_PRIORITY : DEFAULTS.priority);
  const initialState: WantedState = wanted ?? (priority === OWNER_PRIORITY ? 'MASTER' : 'BACKUP');
  const preempt = !(inst.nopreempt && initialState !== 'MASTER');
  const preemptDelayMs = preempt && inst.preempt_delay ? Math.round(inst.preempt_delay * 1000) : 0;

  const minGarp = globals?.vrrp_min_garp === true;
  const masterRepeat = inst.garp_master_repeat ?? globals?.vrrp_garp_master_repeat ?? (minGarp ? 1 : DEFAULTS.garpMasterRepeat);
  const masterDelayS = inst.garp_master_delay ?? globals?.vrrp_garp_master_delay ?? (minGarp ? 0 : DEFAULTS.garpMasterDelaySeconds);
  const strict = globals?.vrrp_strict === true || inst.strict_mode === true;
  const accept = inst.no_accept ? false : inst.accept ? true : !strict;

  const resources: Exclude<VirtualResource, 'no-accept-filter'>[] = [];
  if (spec.vips.length > 0) resources.push('vips');
  if (spec.excludedVips.length > 0) resources.push('evips');

  return {
    name: inst.name,
    version: spec.version,
    priority,
    advertInt: spec.advertInt,
    initialState,
    primaryAddress: spec.sourceAddress ?? primaryAddress,
    preempt,
    preemptDelayMs,
    accept,
    // Unicast is not carried out yet: the instance advertises by multicast (see instanceSpec's `ignored`).
    unicast: false,
    downTimerAdverts: inst.down_timer_adverts ?? globals?.vrrp_down_timer_adverts ?? DEFAULTS.downTimerAdverts,
    lowerPrioNoAdvert: inst.lower_prio_no_advert ?? globals?.vrrp_lower_prio_no_advert ?? false,
    higherPrioSendAdvert: inst.higher_prio_send_advert ?? globals?.vrrp_higher_prio_send_advert ?? false,
    ownerIgnoresAdverts: false,
    garp: {
      masterDelayMs: masterDelayS * 1000,
      masterRepeat,
      masterRefreshMs: (inst.garp_master_refresh ?? globals?.vrrp_garp_master_refresh ?? 0) * 1000,
      masterRefreshRepeat: inst.garp_master_refresh_repeat ?? globals?.vrrp_garp_master_refresh_repeat ?? DEFAULTS.garpMasterRefreshRepeat,
      lowerPrioDelayMs: (inst.garp_lower_prio_delay ?? globals?.vrrp_garp_lower_prio_delay ?? masterDelayS) * 1000,
      lowerPrioRepeat: inst.garp_lower_prio_repeat ?? globals?.vrrp_garp_lower_prio_repeat ?? masterRepeat,
    },
    resources,
    // Trackers are not fed by the runtime yet: none is given to the machine, or a weight-0 tracker that never
    // reports would hold the instance in FAULT.
    trackers: [],
  };
}
