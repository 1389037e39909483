import type { Diagnostics } from '../diagnostics.js';
import type { HostInfo } from '../host.js';
import type { VigilConfig } from '../keywords/root.js';
import type {
  AddressItem,
  NamedHeader,
  RouteItem,
  RuleItem,
  TrackItem,
  VrrpInstanceConfig,
  VrrpSyncGroupConfig,
} from '../keywords/vrrp.js';
import type { SourceLoc } from '../location.js';
import type { ListItem } from '../schema/block.js';
import type { IpFamily } from '../schema/ip.js';
import type { Located } from '../schema/keyword.js';
import type { SemanticContext } from './index.js';

/*
 * The checks Keepalived 2.2.7 makes once the whole file is read (vrrp_complete_init and the
 * parser's lookups): references between blocks, duplicate VRIDs, interfaces that must exist on the
 * host, and what the global defaults imply for each instance. A report that makes `keepalived -t`
 * fail is an error here; one Keepalived only logs is a warning.
 *
 * Keepalived reports most of these without a line number; vigil points at the keyword concerned.
 */

const DEFAULT_MCAST4 = '224.0.0.18';
const DEFAULT_MCAST6 = 'ff02::12';
/** RTPROT / VRRP_PRIO_OWNER */
const OWNER = 255;

type Instance = VrrpInstanceConfig;

function before(a: SourceLoc, b: SourceLoc): boolean {
  if (a.file !== b.file) return false;
  return a.line < b.line || (a.line === b.line && a.col < b.col);
}

/** Everything a check needs to know about one instance, worked out once. */
interface Derived {
  readonly inst: Instance;
  readonly family: IpFamily;
  readonly version: 2 | 3;
  readonly priority: number;
  readonly strict: boolean;
  readonly unicast: boolean;
  readonly syncGroup?: VrrpSyncGroupConfig;
}

class Checker {
  private readonly scripts = new Map<string, NamedHeader & { weight?: { weight: number } }>();
  private readonly trackFiles = new Map<string, NamedHeader & { weight?: { weight: number } }>();
  private readonly processes = new Set<string>();
  private readonly bfds = new Set<string>();
  private readonly instances = new Map<string, Instance>();
  private readonly trackGroups = new Set<string>();
  private readonly dynamicInterfaces: boolean;
  private readonly groupOf = new Map<string, VrrpSyncGroupConfig>();

  constructor(
    private readonly config: VigilConfig,
    private readonly diags: Diagnostics,
    private readonly host: HostInfo,
  ) {
    this.dynamicInterfaces = config.global_defs?.dynamic_interfaces !== undefined;
  }

  run(): void {
    this.collectNames();
    this.checkSyncGroups();
    const derived = (this.config.vrrp_instance ?? []).filter((i) => this.instances.get(i.name) === i).map((i) => this.derive(i));
    for (const d of derived) this.checkInstance(d);
    this.checkDuplicateVrids(derived);
    this.checkVmacNames(derived);
    this.checkStatic();
    this.checkRootInterfaces();
    this.checkScriptSecurity();
  }

  // --- helpers -----------------------------------------------------------------------------------

  private error(loc: SourceLoc, code: string, message: string): void {
    this.diags.error(loc, code, message);
  }

  private warn(loc: SourceLoc, code: string, message: string): void {
    this.diags.warn(loc, code, message);
  }

  /** Keepalived checks interfaces when it reads the file, unless dynamic_interfaces is set. */
  private checkInterface(name: Located<string> | undefined, what: string): void {
    if (!name || this.dynamicInterfaces) return;
    if (!this.host.interfaceExists(name.value)) {
      this.error(name.loc, 'unknown-interface', `interface ${name.value} for ${what} does not exist on this host (set dynamic_interfaces in global_defs to allow interfaces that appear later)`);
    }
  }

  private collectNames(): void {
    const c = this.config;
    for (const s of c.vrrp_script ?? []) {
      if (this.scripts.has(s.name)) this.warn(s.nameLoc, 'duplicate-name', `vrrp_script ${s.name} is already defined; the first one is used`);
      else this.scripts.set(s.name, s);
    }
    for (const f of c.track_file ?? []) {
      if (this.trackFiles.has(f.name)) this.warn(f.nameLoc, 'duplicate-name', `track_file ${f.name} is already defined; the first one is used`);
      else this.trackFiles.set(f.name, f);
    }
    for (const p of c.vrrp_track_process ?? []) this.processes.add(p.name);
    for (const b of c.bfd_instance ?? []) this.bfds.add(b.name);
    for (const i of c.vrrp_instance ?? []) {
      if (this.instances.has(i.name)) this.error(i.nameLoc, 'duplicate-name', `vrrp_instance ${i.name} is already defined; rename one of them`);
      else this.instances.set(i.name, i);
    }
    const tgSeen = new Set<string>();
    for (const g of c.track_group ?? []) {
      if (tgSeen.has(g.name)) this.error(g.nameLoc, 'duplicate-name', `track_group ${g.name} is already defined`);
      tgSeen.add(g.name);
      this.trackGroups.add(g.name);
    }
  }

  // --- sync groups ---------------------------------------------------------------------------------

  private checkSyncGroups(): void {
    const seen = new Set<string>();
    for (const g of this.config.vrrp_sync_group ?? []) {
      if (seen.has(g.name)) {
        this.error(g.nameLoc, 'duplicate-name', `vrrp_sync_group ${g.name} is already defined; Keepalived ignores this one`);
        continue;
      }
      seen.add(g.name);
      const members = g.group ?? [];
      if (members.length === 0) {
        this.error(g.$locs.group ?? g.$loc, 'empty-group', `sync group ${g.name} has no vrrp_instance; list its members in 'group { }'`);
        continue;
      }
      let valid = 0;
      for (const m of members) {
        if (!this.instances.has(m.value)) {
          this.error(m.loc, 'unknown-instance', `vrrp_instance ${m.value} in sync group ${g.name} is not defined`);
          continue;
        }
        const other = this.groupOf.get(m.value);
        if (other) {
          this.error(m.loc, 'instance-in-two-groups', `vrrp_instance ${m.value} is already in sync group ${other.name}; an instance can be in one sync group only`);
          continue;
        }
        this.groupOf.set(m.value, g);
        valid++;
      }
      if (valid === 0) this.error(g.$loc, 'empty-group', `sync group ${g.name} has no defined vrrp_instance`);
      else if (valid === 1) this.error(g.$loc, 'single-member-group', `sync group ${g.name} has only 1 vrrp_instance; a sync group is for 2 or more`);
      this.checkTrackRefs(g, `sync group ${g.name}`);
      for (const t of g.track_interface ?? []) this.checkInterface({ value: t.name, loc: t.loc }, `track_interface of sync group ${g.name}`);
    }
  }

  // --- instances ---------------------------------------------------------------------------------

  /** Family and version as Keepalived works them out (the first address-bearing keyword decides). */
  private derive(inst: Instance): Derived {
    const g = this.config.global_defs;
    const candidates: { loc: SourceLoc; family: IpFamily }[] = [];
    const vip = inst.virtual_ipaddress?.[0];
    if (vip) candidates.push({ loc: vip.loc, family: vip.address.family });
    for (const key of ['mcast_src_ip', 'unicast_src_ip', 'mcast_dst_ip'] as const) {
      const v = inst[key];
      const loc = inst.$locs[key];
      if (v && loc) candidates.push({ loc, family: v.family });
    }
    const peer = inst.unicast_peer?.[0];
    if (peer) candidates.push({ loc: peer.loc, family: peer.address.family });
    if (inst.native_ipv6 && inst.$locs.native_ipv6) candidates.push({ loc: inst.$locs.native_ipv6, family: 6 });
    candidates.sort((a, b) => (before(a.loc, b.loc) ? -1 : before(b.loc, a.loc) ? 1 : 0));
    const family: IpFamily = candidates[0]?.family ?? 4;
    const strict = inst.strict_mode ?? g?.vrrp_strict ?? false;
    const version: 2 | 3 = family === 6 && (strict || inst.version === undefined) ? 3 : ((inst.version ?? g?.vrrp_version ?? 2) as 2 | 3);
    const priority = inst.priority ?? (inst.state === 'MASTER' ? OWNER : 100);
    const unicast = (inst.unicast_peer?.length ?? 0) > 0;
    const syncGroup = this.groupOf.get(inst.name);
    return { inst, family, version, priority, strict, unicast, ...(syncGroup ? { syncGroup } : {}) };
  }

  private checkInstance(d: Derived): void {
    const { inst, family, version, priority, strict, unicast } = d;
    const name = `(${inst.name})`;
    const at = (key: keyof Instance['$locs']): SourceLoc => inst.$locs[key] ?? inst.$loc;

    // Required keywords.
    if (inst.virtual_router_id === undefined) {
      this.error(inst.$loc, 'missing-keyword', `vrrp_instance ${inst.name} needs 'virtual_router_id' (1..255)`);
    }
    if (!inst.interface) {
      this.error(inst.$loc, 'missing-keyword', `vrrp_instance ${inst.name} needs 'interface' (Keepalived 2.2.7 requires it, also with unicast peers)`);
    } else if (inst.interface.value === 'lo') {
      this.error(inst.interface.loc, 'loopback-interface', `${name} cannot use the loopback interface for VRRP`);
    } else {
      this.checkInterface(inst.interface, `vrrp_instance ${inst.name}`);
    }
    if (inst.vrf && inst.interface) this.error(inst.vrf.loc, 'bad-option', `${name} 'vrf' is only for instances without 'interface'`);

    // Address family: every VIP, source and peer must match the first one.
    for (const v of inst.virtual_ipaddress ?? []) {
      if (v.address.family !== family) this.error(v.loc, 'mixed-family', `${name} VIP ${v.address.address} is not IPv${family} like the instance; all VIPs must be of one family (use virtual_ipaddress_excluded for the others)`);
    }
    for (const key of ['mcast_src_ip', 'unicast_src_ip', 'mcast_dst_ip'] as const) {
      const v = inst[key];
      if (v && v.family !== family) this.error(at(key), 'mixed-family', `${name} ${key} ${v.address} is not IPv${family} like the instance`);
    }
    for (const p of inst.unicast_peer ?? []) {
      if (p.address.family !== family) this.error(p.loc, 'mixed-family', `${name} unicast peer ${p.address.address} is not IPv${family} like the instance`);
    }
    if (inst.version === 2 && family === 6) {
      const familyLoc = [inst.virtual_ipaddress?.[0]?.loc, inst.$locs.mcast_src_ip, inst.$locs.unicast_src_ip, inst.$locs.mcast_dst_ip, inst.unicast_peer?.[0]?.loc].find((l) => l !== undefined);
      if (strict) this.error(at('version'), 'bad-version', `${name} IPv6 needs VRRP version 3 in strict mode`);
      else if (familyLoc && before(familyLoc, at('version'))) this.error(at('version'), 'bad-version', `${name} 'version 2' conflicts with the IPv6 addresses above it (IPv6 instances use version 3)`);
      else this.warn(at('version'), 'bad-version', `${name} VRRP version 2 over IPv6 is not defined by any RFC; peers may not understand it`);
    }

    // VIPs.
    const vips = inst.virtual_ipaddress ?? [];
    if (vips.length === 0) {
      if (version === 3 || strict) this.error(inst.$loc, 'no-vip', `${name} has no virtual_ipaddress; at least one is required${strict ? ' in strict mode' : ' with VRRPv3'}`);
      else this.error(inst.$loc, 'no-vip', `${name} has no virtual_ipaddress; give it at least one`);
    }
    const maxVips = family === 4 ? 255 : 89;
    if (vips.length > maxVips) {
      const msg = `${name} has ${vips.length} VIPs; an advert holds at most ${maxVips}${family === 6 ? ' IPv6 addresses at MTU 1500' : ''}; move the others to virtual_ipaddress_excluded`;
      if (family === 4) this.error(at('virtual_ipaddress'), 'too-many-vips', msg);
      else this.warn(at('virtual_ipaddress'), 'too-many-vips', msg);
    }
    if (family === 6 && !unicast && vips[0] && !vips[0].address.address.startsWith('fe80:')) {
      if (strict) this.error(vips[0].loc, 'vip-not-link-local', `${name} the first IPv6 VIP must be link-local (fe80::/10) in strict mode`);
      else this.warn(vips[0].loc, 'vip-not-link-local', `${name} the first IPv6 VIP should be link-local (fe80::/10), as RFC 5798 says`);
    }
    for (const list of [inst.virtual_ipaddress, inst.virtual_ipaddress_excluded]) this.checkAddresses(list, `vrrp_instance ${inst.name}`);
    this.checkRoutes(inst.virtual_routes, `vrrp_instance ${inst.name}`);
    this.checkRules(inst.virtual_rules, `vrrp_instance ${inst.name}`);

    // Authentication (VRRPv2 over IPv4 only).
    const auth = inst.authentication;
    if (auth?.auth_type) {
      const aloc = at('authentication');
      if (strict) this.error(aloc, 'auth-not-allowed', `${name} strict mode does not allow authentication; remove the authentication block`);
      else if (version === 3) this.error(aloc, 'auth-not-allowed', `${name} VRRP version 3 has no authentication; remove the authentication block`);
      else if (!auth.auth_pass) this.error(aloc, 'missing-keyword', `${name} authentication needs 'auth_pass'`);
      else if (family === 6 && auth.auth_type === 'AH') this.error(aloc, 'auth-not-allowed', `${name} AH authentication is IPv4 only`);
      else if (auth.auth_type === 'AH' && inst.state === 'MASTER' && priority !== OWNER) {
        this.error(at('state'), 'auth-master', `${name} 'state MASTER' does not work with AH authentication unless priority is 255 (a master needs the peers' AH sequence number first)`);
      }
    }

    // State, priority and preemption.
    if (strict && inst.state !== undefined && (inst.state === 'MASTER') !== (priority === OWNER)) {
      this.error(at('state'), 'strict-state', `${name} in strict mode 'state MASTER' goes with priority 255 and only with it`);
    }
    let nopreempt = inst.nopreempt === true;
    if (nopreempt && priority === OWNER) {
      this.error(at('nopreempt'), 'nopreempt-owner', `${name} nopreempt does not apply to the address owner (priority 255${inst.priority === undefined ? ', implied by state MASTER' : ''}); remove it`);
      nopreempt = false;
    }
    if (inst.state === 'MASTER' && nopreempt) {
      this.error(at('nopreempt'), 'nopreempt-master', `${name} nopreempt does not work with 'state MASTER'; use 'state BACKUP' on every router`);
      nopreempt = false;
    }
    let preemptDelay = inst.preempt_delay ?? 0;
    if (inst.state === 'MASTER' && preemptDelay > 0) {
      this.error(at('preempt_delay'), 'preempt-delay-master', `${name} preempt_delay does not work with 'state MASTER'; use 'state BACKUP'`);
      preemptDelay = 0;
    }
    if (preemptDelay > 0 && strict) this.error(at('preempt_delay'), 'strict-conflict', `${name} preempt_delay is not allowed in strict mode`);
    else if (preemptDelay > 0 && nopreempt) this.error(at('preempt_delay'), 'preempt-delay-nopreempt', `${name} preempt_delay has no effect with nopreempt; remove one of them`);
    if (strict && inst.down_timer_adverts !== undefined && inst.down_timer_adverts !== 3) {
      this.error(at('down_timer_adverts'), 'strict-conflict', `${name} down_timer_adverts other than 3 is not allowed in strict mode`);
    }
    if (strict && inst.accept && priority !== OWNER && version === 2) {
      this.error(at('accept'), 'strict-conflict', `${name} accept mode with VRRP version 2 does not comply with RFC 3768 (strict mode)`);
    }
    if (strict && (inst.garp_lower_prio_repeat ?? 0) > 0) this.error(at('garp_lower_prio_repeat'), 'strict-conflict', `${name} strict mode does not allow garp_lower_prio_repeat`);
    if (strict && (inst.garp_lower_prio_delay ?? 0) > 0) this.error(at('garp_lower_prio_delay'), 'strict-conflict', `${name} strict mode does not allow garp_lower_prio_delay`);
    if (strict && inst.lower_prio_no_advert === false) this.error(at('lower_prio_no_advert'), 'strict-conflict', `${name} strict mode requires lower_prio_no_advert`);
    if (strict && inst.higher_prio_send_advert === true) this.error(at('higher_prio_send_advert'), 'strict-conflict', `${name} strict mode does not allow higher_prio_send_advert`);

    // Advert interval as the version can carry it.
    const adv = inst.advert_int;
    if (adv !== undefined) {
      if (version === 2 && !Number.isInteger(adv)) {
        this.error(at('advert_int'), 'bad-advert-int', `${name} VRRPv2 advert_int must be whole seconds; ${adv} would be rounded to ${Math.max(1, Math.round(adv))}`);
      } else if (version === 3 && adv >= 40.96) {
        this.error(at('advert_int'), 'bad-advert-int', `${name} VRRPv3 advert_int must be less than 40.96 seconds`);
      } else if (version === 3 && Math.abs(adv * 100 - Math.round(adv * 100)) > 1e-6) {
        this.error(at('advert_int'), 'bad-advert-int', `${name} VRRPv3 advert_int must be in hundredths of a second; ${adv} would be rounded`);
      }
    }

    // Unicast.
    const unicastKeyword = (['unicast_src_ip', 'unicast_peer', 'unicast_fault_no_peer', 'check_unicast_src', 'old_unicast_checksum'] as const).find((key) => inst.$locs[key] !== undefined);
    if (unicastKeyword && !unicast && !inst.unicast_fault_no_peer) {
      this.error(at(unicastKeyword), 'unicast-no-peer', `${name} '${unicastKeyword}' without unicast peers: Keepalived falls back to multicast (deprecated); add unicast_peer { }, or unicast_fault_no_peer`);
    }
    if (inst.unicast_ttl !== undefined && !unicast) this.error(at('unicast_ttl'), 'unicast-no-peer', `${name} unicast_ttl needs unicast peers`);
    if (inst.mcast_dst_ip && unicast) this.error(at('mcast_dst_ip'), 'bad-option', `${name} mcast_dst_ip has no effect with unicast peers; remove it`);
    if (strict && unicast) this.warn(at('unicast_peer'), 'strict-conflict', `${name} strict mode does not allow unicast peers on an interface that can multicast`);

    // VMAC.
    if (inst.vmac_xmit_base && !inst.use_vmac) this.error(at('vmac_xmit_base'), 'bad-option', `${name} vmac_xmit_base only applies with use_vmac`);
    if (inst.use_vmac) {
      if (unicast && !inst.vmac_xmit_base) this.error(at('use_vmac'), 'vmac-unicast', `${name} use_vmac with unicast peers needs vmac_xmit_base`);
      if (strict && inst.vmac_xmit_base) this.error(at('vmac_xmit_base'), 'strict-conflict', `${name} vmac_xmit_base is not allowed in strict mode`);
      if (strict && inst.use_vmac.mac) this.error(at('use_vmac'), 'strict-conflict', `${name} a VMAC MAC address cannot be given in strict mode`);
      if (inst.promote_secondaries) this.error(at('promote_secondaries'), 'bad-option', `${name} promote_secondaries is set automatically on VMACs; remove it`);
    }

    // Tracking.
    this.checkTrackRefs(inst, `vrrp_instance ${inst.name}`);
    for (const t of inst.track_interface ?? []) {
      if (inst.interface && t.name === inst.interface.value) {
        this.error(t.loc, 'track-own-interface', `${name} track_interface ${t.name} is the instance's own interface, which is always tracked; remove it (or use dont_track_primary)`);
      } else this.checkInterface({ value: t.name, loc: t.loc }, `track_interface of vrrp_instance ${inst.name}`);
    }
    this.checkWeights(d);
  }

  private checkTrackRefs(block: Pick<Instance, 'track_interface' | 'track_script' | 'track_file' | 'track_process' | 'track_bfd'>, where: string): void {
    // Keepalived reports a name listed twice in one block ("duplicate track_script X - ignoring").
    for (const [kind, list] of [['track_interface', block.track_interface], ['track_script', block.track_script], ['track_file', block.track_file], ['track_process', block.track_process], ['track_bfd', block.track_bfd]] as const) {
      const seen = new Set<string>();
      for (const t of list ?? []) {
        if (seen.has(t.name)) this.error(t.loc, 'duplicate-tracker', `${kind} ${t.name} is listed twice in ${where}; Keepalived keeps the first`);
        seen.add(t.name);
      }
    }
    for (const t of block.track_script ?? []) {
      if (!this.scripts.has(t.name)) this.error(t.loc, 'unknown-script', `track_script ${t.name} of ${where} is not a defined vrrp_script`);
    }
    for (const t of block.track_file ?? []) {
      if (!this.trackFiles.has(t.name)) this.error(t.loc, 'unknown-track-file', `track_file ${t.name} of ${where} is not a defined track_file`);
    }
    for (const t of block.track_process ?? []) {
      if (!this.processes.has(t.name)) this.error(t.loc, 'unknown-track-process', `track_process ${t.name} of ${where} is not a defined vrrp_track_process`);
    }
    for (const t of block.track_bfd ?? []) {
      if (!this.bfds.has(t.name)) this.error(t.loc, 'unknown-bfd', `track_bfd ${t.name} of ${where} is not a defined bfd_instance`);
    }
  }

  /**
   * Members of a sync group (unless sync_group_tracking_weight) and address owners must not have
   * weighted trackers: Keepalived drops them with an error.
   */
  private checkWeights(d: Derived): void {
    const { inst, priority, syncGroup } = d;
    const bySync = syncGroup !== undefined && !syncGroup.sync_group_tracking_weight;
    if (!bySync && priority !== OWNER) return;
    const why = bySync ? `it is in sync group ${syncGroup?.name}` : 'it is the address owner (priority 255)';
    const report = (t: ListItem<TrackItem>, kind: string, weight: number): void => {
      if (weight !== 0) this.error(t.loc, 'weighted-tracker', `(${inst.name}) ${kind} ${t.name} cannot have a weight (${weight}) because ${why}; set 'weight 0' or track it on the sync group`);
    };
    for (const t of inst.track_interface ?? []) report(t, 'track_interface', t.weight ?? 0);
    for (const t of inst.track_script ?? []) report(t, 'track_script', t.weight ?? this.scripts.get(t.name)?.weight?.weight ?? 0);
    for (const t of inst.track_file ?? []) report(t, 'track_file', t.weight ?? this.trackFiles.get(t.name)?.weight?.weight ?? 1);
    for (const t of inst.track_bfd ?? []) report(t, 'track_bfd', t.weight ?? 0);
    if (syncGroup && priority === OWNER) {
      for (const t of syncGroup.track_script ?? []) {
        const w = t.weight ?? this.scripts.get(t.name)?.weight?.weight ?? 0;
        if (w !== 0) this.error(t.loc, 'weighted-tracker', `(${syncGroup.name}) track_script ${t.name} cannot have a weight because member ${inst.name} has priority 255`);
      }
      for (const t of syncGroup.track_interface ?? []) {
        if ((t.weight ?? 0) !== 0) this.error(t.loc, 'weighted-tracker', `(${syncGroup.name}) track_interface ${t.name} cannot have a weight because member ${inst.name} has priority 255`);
      }
      for (const t of syncGroup.track_file ?? []) {
        const w = t.weight ?? this.trackFiles.get(t.name)?.weight?.weight ?? 1;
        if (w !== 0) this.error(t.loc, 'weighted-tracker', `(${syncGroup.name}) track_file ${t.name} cannot have a weight because member ${inst.name} has priority 255`);
      }
    }
  }

  private checkAddresses(list: readonly ListItem<AddressItem>[] | undefined, where: string): void {
    for (const a of list ?? []) {
      this.checkInterface(a.dev, `address ${a.address.address} of ${where}`);
      if (a.trackGroup && !this.trackGroups.has(a.trackGroup.value)) this.error(a.trackGroup.loc, 'unknown-track-group', `track_group ${a.trackGroup.value} is not defined`);
    }
  }

  private checkRoutes(list: readonly ListItem<RouteItem>[] | undefined, where: string): void {
    for (const r of list ?? []) {
      this.checkInterface(r.dev, `a route of ${where}`);
      for (const h of r.nexthops ?? []) this.checkInterface(h.dev, `a nexthop of ${where}`);
      if (r.vrf && !this.host.interfaceExists(r.vrf.value)) this.error(r.vrf.loc, 'unknown-interface', `VRF ${r.vrf.value} does not exist on this host`);
      if (r.trackGroup && !this.trackGroups.has(r.trackGroup.value)) this.error(r.trackGroup.loc, 'unknown-track-group', `track_group ${r.trackGroup.value} is not defined`);
    }
  }

  private checkRules(list: readonly ListItem<RuleItem>[] | undefined, where: string): void {
    for (const r of list ?? []) {
      this.checkInterface(r.iif, `a rule of ${where}`);
      this.checkInterface(r.oif, `a rule of ${where}`);
      if (r.trackGroup && !this.trackGroups.has(r.trackGroup.value)) this.error(r.trackGroup.loc, 'unknown-track-group', `track_group ${r.trackGroup.value} is not defined`);
    }
  }

  // --- duplicate VRIDs ------------------------------------------------------------------------------

  private checkDuplicateVrids(all: readonly Derived[]): void {
    const g = this.config.global_defs;
    for (let i = 0; i < all.length; i++) {
      const a = all[i] as Derived;
      for (let j = i + 1; j < all.length; j++) {
        const b = all[j] as Derived;
        if (a.inst.virtual_router_id === undefined || a.inst.virtual_router_id !== b.inst.virtual_router_id || a.family !== b.family) continue;
        if (a.unicast !== b.unicast) continue; // separate VRID spaces
        const ifa = a.inst.interface?.value;
        const ifb = b.inst.interface?.value;
        const loc = b.inst.$locs.virtual_router_id ?? b.inst.$loc;
        if (a.unicast) {
          if (ifa && ifb && ifa !== ifb) continue;
          const sa = a.inst.unicast_src_ip ?? a.inst.mcast_src_ip;
          const sb = b.inst.unicast_src_ip ?? b.inst.mcast_src_ip;
          // Without a configured source both use the interface's address; with one only, it cannot be compared.
          if ((sa === undefined) !== (sb === undefined)) continue;
          if (sa && sb && sa.address !== sb.address) continue;
          const peersA = new Set((a.inst.unicast_peer ?? []).map((p) => p.address.address));
          const shared = (b.inst.unicast_peer ?? []).find((p) => peersA.has(p.address.address));
          if (!shared) continue;
          this.error(loc, 'duplicate-vrid', `${b.inst.name} and ${a.inst.name} both use VRID ${b.inst.virtual_router_id} with unicast peer ${shared.address.address}; use another VRID or disjoint peers`);
          continue;
        }
        if (!ifa || ifa !== ifb) continue;
        const defaultGroup = a.family === 4 ? g?.vrrp_mcast_group4?.address ?? DEFAULT_MCAST4 : g?.vrrp_mcast_group6?.address ?? DEFAULT_MCAST6;
        const ga = a.inst.mcast_dst_ip?.address ?? defaultGroup;
        const gb = b.inst.mcast_dst_ip?.address ?? defaultGroup;
        if (ga !== gb) continue;
        this.error(loc, 'duplicate-vrid', `${a.inst.name} and ${b.inst.name} both use VRID ${b.inst.virtual_router_id} with IPv${a.family} on interface ${ifa}; use another VRID (or another mcast_dst_ip)`);
      }
    }
  }

  private checkVmacNames(all: readonly Derived[]): void {
    const used = new Map<string, string>();
    for (const d of all) {
      const n = d.inst.use_vmac?.ifname;
      if (!n) continue;
      const other = used.get(n.value);
      if (other) this.error(n.loc, 'duplicate-vmac', `(${d.inst.name}) VMAC name ${n.value} is already used by vrrp_instance ${other}`);
      else used.set(n.value, d.inst.name);
    }
  }

  // --- static entries and top-level interface blocks ----------------------------------------------------

  private checkStatic(): void {
    this.checkAddresses(this.config.static_ipaddress, 'static_ipaddress');
    this.checkRoutes(this.config.static_routes, 'static_routes');
    this.checkRules(this.config.static_rules, 'static_rules');
    const seen = new Map<string, SourceLoc>();
    for (const gg of this.config.garp_group ?? []) {
      const names: Located<string>[] = [...(gg.interface ? [gg.interface] : []), ...(gg.interfaces ?? [])];
      for (const n of names) {
        if (!this.dynamicInterfaces && !this.host.interfaceExists(n.value)) {
          this.error(n.loc, 'unknown-interface', `interface ${n.value} of garp_group does not exist on this host`);
          continue;
        }
        if (seen.has(n.value)) this.error(n.loc, 'duplicate-interface', `interface ${n.value} is already in another garp_group`);
        else seen.set(n.value, n.loc);
      }
    }
  }

  private checkRootInterfaces(): void {
    for (const l of this.config.linkbeat_interfaces ?? []) this.checkInterface({ value: l.interface, loc: l.loc }, 'linkbeat_interfaces');
    for (const l of this.config.interface_up_down_delays ?? []) this.checkInterface({ value: l.interface, loc: l.loc }, 'interface_up_down_delays');
  }

  /**
   * Keepalived 2.2.7 -t fails ("SECURITY VIOLATION", exit 6) when scripts are configured without
   * enable_script_security, although the daemon would run them; vigil reports it the same way.
   */
  private checkScriptSecurity(): void {
    const c = this.config;
    if (c.global_defs?.enable_script_security) return;
    const locs: (SourceLoc | undefined)[] = [c.global_defs?.$locs.notify_fifo_script, c.global_defs?.$locs.vrrp_notify_fifo_script];
    for (const v of c.vrrp_script ?? []) locs.push(v.$locs.script);
    for (const i of c.vrrp_instance ?? []) {
      for (const key of ['notify', 'notify_master', 'notify_backup', 'notify_fault', 'notify_stop', 'notify_master_rx_lower_pri'] as const) locs.push(i.$locs[key]);
      if (typeof i.notify_deleted === 'object') locs.push(i.$locs.notify_deleted);
    }
    for (const g of c.vrrp_sync_group ?? []) {
      for (const key of ['notify', 'notify_master', 'notify_backup', 'notify_fault', 'notify_stop'] as const) locs.push(g.$locs[key]);
    }
    const firstScript = locs.filter((l): l is SourceLoc => l !== undefined).sort((a, b) => (before(a, b) ? -1 : before(b, a) ? 1 : 0))[0];
    if (firstScript) {
      this.error(firstScript, 'script-security', `scripts are configured but global_defs has no enable_script_security; add it (and script_user if the scripts must run as root)`);
    }
  }
}

/** The VRRP checks Keepalived makes once the whole configuration is read. */
export function checkVrrp(config: VigilConfig, ctx: SemanticContext): void {
  new Checker(config, ctx.diags, ctx.host).run();
}
