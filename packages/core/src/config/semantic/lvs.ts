import { didYouMean } from '../schema/block.js';
import type { IpAddress, IpFamily } from '../schema/ip.js';
import { formatLoc, type SourceLoc } from '../location.js';
import type { VigilConfig } from '../keywords/root.js';
import {
  DEFAULT_LVS_SCHEDULER,
  PERSISTENCE_TIMEOUT_DEFAULT,
  type ForwardingKind,
  type RealServerConfig,
  type VirtualServerConfig,
  type VirtualServerGroupConfig,
  type VirtualService,
} from '../keywords/lvs.js';
import type { SemanticContext } from './index.js';

/*
 * The checks Keepalived 2.2.7 makes once the checker configuration is read
 * (validate_check_config in check_data.c), plus those it only makes when it programs IPVS
 * (ipwrapper.c: virtual server groups) and a few of its own omissions (duplicate services).
 *
 * keepalived -t fails on all of validate_check_config's messages. vigil makes errors of those
 * where Keepalived discards or changes what was written, and warnings of those it words as a
 * warning or where it only supplies a default (see keywords/lvs.ts); what Keepalived only
 * finds at run time (an undefined group, a duplicate service) is a warning, since -t passes.
 */

function describeService(s: VirtualService): string {
  switch (s.kind) {
    case 'address':
      return s.port === undefined ? s.address.address : s.address.family === 6 ? `[${s.address.address}]:${s.port}` : `${s.address.address}:${s.port}`;
    case 'fwmark':
      return `fwmark ${s.fwmark}`;
    case 'group':
      return `group ${s.name}`;
  }
}

function describeServer(a: IpAddress, port: number | undefined): string {
  if (port === undefined) return a.address;
  return a.family === 6 ? `[${a.address}]:${port}` : `${a.address}:${port}`;
}

function describeLoc(loc: SourceLoc, from: SourceLoc): string {
  return loc.file === from.file ? `line ${loc.line}` : formatLoc(loc);
}

/** Whether `a` was written after `b` (same file; across files the order is unknown: false). */
function isAfter(a: SourceLoc, b: SourceLoc): boolean {
  return a.file === b.file && (a.line > b.line || (a.line === b.line && a.col > b.col));
}

function isLinkLocal(a: IpAddress): boolean {
  return a.family === 6 && /^fe[89ab][0-9a-f]:/.test(a.address);
}

/** The forwarding method a real server ends up with: its own, else the virtual server's, else NAT. */
function methodOf(rs: RealServerConfig, vs: VirtualServerConfig): ForwardingKind {
  return rs.lvs_method?.method ?? vs.lvs_method?.method ?? 'NAT';
}

function sorryMethodOf(vs: VirtualServerConfig): ForwardingKind {
  return vs.sorry_server_lvs_method?.method ?? vs.lvs_method?.method ?? 'NAT';
}

/** The address family of the service: its address, ip_family, else the first non-tunnelled server's. */
function familyOf(vs: VirtualServerConfig, servers: readonly RealServerConfig[]): IpFamily | undefined {
  if (vs.service.kind === 'address') return vs.service.address.family;
  if (vs.ip_family) return vs.ip_family === 'inet' ? 4 : 6;
  const direct = servers.find((rs) => methodOf(rs, vs) !== 'TUN');
  if (direct) return direct.address.family;
  if (vs.sorry_server && sorryMethodOf(vs) !== 'TUN') return vs.sorry_server.address.family;
  return undefined;
}

/** Keepalived compares servers by address and port as written (no port = 0). */
function serverKey(a: IpAddress, port: number | undefined): string {
  return `${a.address}|${port ?? 0}`;
}

function serviceKey(vs: VirtualServerConfig): string {
  const s = vs.service;
  const proto = vs.protocol ?? 'UDP';
  switch (s.kind) {
    case 'address':
      return `address|${s.address.address}|${s.port ?? 0}|${proto}`;
    case 'fwmark':
      return `fwmark|${s.fwmark}|${vs.ip_family ?? ''}`;
    case 'group':
      return `group|${s.name}|${proto}|${vs.ip_family ?? ''}`;
  }
}

interface CheckerConnection {
  readonly connect_ip?: IpAddress;
  readonly bindto?: IpAddress;
  readonly bind_if?: string;
  readonly $locs?: { readonly connect_ip?: SourceLoc; readonly bindto?: SourceLoc };
}

function checkCheckers(rs: RealServerConfig, ctx: SemanticContext): void {
  for (const ext of rs.$extensions ?? []) {
    const c = ext.config as CheckerConnection;
    const ipLoc = c.$locs?.connect_ip;
    const bindLoc = c.$locs?.bindto;
    if (c.connect_ip && c.bindto && c.connect_ip.family !== c.bindto.family && ipLoc && bindLoc) {
      const [later, what] = isAfter(ipLoc, bindLoc) ? [ipLoc, 'connect_ip'] : [bindLoc, 'bindto'];
      ctx.diags.error(
        later,
        'family-mismatch',
        `${ext.type}: '${what}' is IPv${what === 'bindto' ? c.bindto.family : c.connect_ip.family} but '${what === 'bindto' ? 'connect_ip' : 'bindto'}' is IPv${what === 'bindto' ? c.connect_ip.family : c.bindto.family}; Keepalived ignores this '${what}'`,
      );
    }
    const dst = c.connect_ip ?? rs.address;
    if (isLinkLocal(dst) && !c.bind_if) {
      ctx.diags.error(ipLoc ?? ext.loc, 'needs-bind-if', `${ext.type}: the link-local address ${dst.address} needs 'bind_if IFNAME' to say which interface to use`);
    }
  }
}

function checkVirtualServer(vs: VirtualServerConfig, groups: ReadonlyMap<string, VirtualServerGroupConfig>, ctx: SemanticContext): void {
  const { diags } = ctx;
  const svc = vs.service;
  const name = `virtual server ${describeService(svc)}`;
  const group = svc.kind === 'group' ? groups.get(svc.name) : undefined;
  const servers = vs.real_server ?? [];

  if (servers.length === 0) {
    diags.error(vs.$loc, 'no-real-servers', `${name} has no real servers; Keepalived ignores it: add a real_server block`);
    return;
  }

  const groupAddresses = group?.entries.filter((e) => e.kind === 'address') ?? [];
  const groupFwmarks = group?.entries.filter((e) => e.kind === 'fwmark') ?? [];
  const hasAddresses = svc.kind === 'address' || groupAddresses.length > 0;
  const hasFwmarks = svc.kind === 'fwmark' || groupFwmarks.length > 0;
  const persistent = vs.persistence_timeout !== undefined || vs.persistence_granularity !== undefined;

  if (vs.ha_suspend && hasFwmarks) {
    diags.error(vs.$locs.ha_suspend ?? vs.$loc, 'ha-suspend-fwmark', `'ha_suspend' cannot be used with firewall marks (it watches the service address); Keepalived clears it`);
  }

  if (hasAddresses && (svc.kind !== 'group' || group)) {
    if (vs.protocol === undefined && !vs.$locs.protocol) {
      diags.warn(vs.$loc, 'default-protocol', `${name} has no 'protocol': Keepalived makes it a UDP service; add 'protocol TCP', 'protocol UDP' or 'protocol SCTP'`);
    }
    if (vs.ops && (vs.protocol ?? 'UDP') !== 'UDP') {
      diags.error(vs.$locs.ops ?? vs.$loc, 'ops-needs-udp', `'ops' (one-packet scheduling) needs 'protocol UDP' (or a firewall mark); Keepalived turns it off for ${vs.protocol}`);
    }
    if (svc.kind === 'address' && svc.port === undefined && !persistent) {
      diags.error(
        svc.loc,
        'port-needs-persistence',
        `${name} has no port, which only a persistent service may omit: add the port, or 'persistence_timeout' (Keepalived makes it persistent for ${PERSISTENCE_TIMEOUT_DEFAULT} s)`,
      );
    }
  }
  if (group && !persistent) {
    const noPort = groupAddresses.find((e) => e.port === undefined);
    if (noPort) {
      diags.error(
        svc.loc,
        'port-needs-persistence',
        `virtual_server_group '${group.name}' has an entry without a port (${noPort.text} at ${describeLoc(noPort.loc, svc.loc)}), which only a persistent service may have: add the port, or 'persistence_timeout' here`,
      );
    }
  }

  if (vs.protocol !== undefined && hasFwmarks && !hasAddresses) {
    diags.warn(vs.$locs.protocol ?? vs.$loc, 'protocol-ignored', `a firewall-mark service has no protocol: Keepalived ignores 'protocol ${vs.protocol}'`);
  }

  if (vs.lvs_sched === undefined && !vs.$locs.lvs_sched) {
    diags.warn(vs.$loc, 'default-scheduler', `${name} has no 'lvs_sched': Keepalived uses '${DEFAULT_LVS_SCHEDULER}'`);
  }

  // Duplicate real servers: Keepalived removes the second.
  const seen = new Map<string, RealServerConfig>();
  const kept: RealServerConfig[] = [];
  for (const rs of servers) {
    const key = serverKey(rs.address, rs.port);
    const prev = seen.get(key);
    if (prev) {
      diags.error(rs.$loc, 'duplicate-real-server', `real server ${describeServer(rs.address, rs.port)} is already in this virtual server (${describeLoc(prev.$loc, rs.$loc)}); Keepalived removes this one`);
      continue;
    }
    seen.set(key, rs);
    kept.push(rs);
  }

  if (vs.lvs_method === undefined && !vs.$locs.lvs_method && (kept.some((rs) => rs.lvs_method === undefined) || (vs.sorry_server && !vs.sorry_server_lvs_method))) {
    diags.warn(vs.$loc, 'default-method', `${name} has no 'lvs_method': Keepalived uses NAT`);
  }

  const sorry = vs.sorry_server;
  if (sorry) {
    const twin = seen.get(serverKey(sorry.address, sorry.port));
    if (twin) {
      const rsInhibit = twin.inhibit_on_failure ?? vs.inhibit_on_failure === true;
      const sorryInhibit = vs.sorry_server_inhibit === true;
      if (rsInhibit !== sorryInhibit) {
        diags.error(
          sorry.loc,
          'sorry-inhibit-mismatch',
          `the sorry server is also a real server (${describeLoc(twin.$loc, sorry.loc)}) whose inhibit_on_failure is ${rsInhibit ? 'on' : 'off'}, but sorry_server_inhibit is ${sorryInhibit ? 'on' : 'off'}; Keepalived changes the sorry server's to match: make them agree`,
        );
      }
    }
  }

  // Quorum against the weights (Keepalived lowers the quorum, then the hysteresis).
  const weightSum = kept.reduce((sum, rs) => sum + (rs.weight ?? vs.weight ?? 1), 0);
  const quorum = vs.quorum ?? 1;
  let effectiveQuorum = quorum;
  if (quorum > weightSum) {
    effectiveQuorum = weightSum;
    diags.warn(
      vs.$locs.quorum ?? vs.$loc,
      'quorum-above-weights',
      weightSum === 0
        ? `every real server of ${name} has weight 0, so quorum ${quorum} can never be reached; Keepalived lowers the quorum to 0`
        : `quorum ${quorum} exceeds the total weight of the real servers (${weightSum}), so it could never be reached; Keepalived lowers it to ${weightSum}`,
    );
  }
  if (vs.hysteresis !== undefined && effectiveQuorum > 0 && vs.hysteresis >= effectiveQuorum) {
    diags.error(
      vs.$locs.hysteresis ?? vs.$loc,
      'hysteresis-above-quorum',
      `hysteresis ${vs.hysteresis} must be below the quorum (${effectiveQuorum}); Keepalived lowers it to ${effectiveQuorum - 1}`,
    );
  }

  // Ports: only NAT translates ports; DR and TUN deliver to the service's own port.
  if (group) {
    for (const rs of kept) {
      if (methodOf(rs, vs) === 'NAT' || rs.port === undefined) continue;
      if (groupFwmarks.length) {
        diags.warn(rs.$addressLoc, 'port-ignored', `real server ${describeServer(rs.address, rs.port)}: with ${methodOf(rs, vs)} a firewall-mark service ignores the real server's port`);
      }
      const other = groupAddresses.find((e) => e.port !== rs.port);
      if (other) {
        diags.warn(
          rs.$addressLoc,
          'port-mismatch',
          `real server port ${rs.port} differs from the group's port ${other.port ?? 'none'} (${other.text}); with ${methodOf(rs, vs)} the real server must use the service's port`,
        );
      }
    }
    if (sorry && sorryMethodOf(vs) !== 'NAT' && sorry.port !== undefined && (groupFwmarks.length || groupAddresses.some((e) => e.port !== sorry.port))) {
      diags.warn(sorry.loc, 'port-ignored', `the sorry server's port is ignored: with ${sorryMethodOf(vs)} it must use the service's port`);
    }
  } else if (svc.kind !== 'group') {
    for (const rs of kept) {
      if (methodOf(rs, vs) === 'NAT' || rs.port === undefined) continue;
      if (svc.kind === 'fwmark') {
        diags.warn(rs.$addressLoc, 'port-ignored', `real server ${describeServer(rs.address, rs.port)}: a firewall-mark service with ${methodOf(rs, vs)} takes no real server port; Keepalived clears it`);
      } else if (rs.port !== svc.port) {
        diags.warn(
          rs.$addressLoc,
          'port-mismatch',
          `real server port ${rs.port} differs from the service port ${svc.port ?? 'none'}; with ${methodOf(rs, vs)} Keepalived uses ${svc.port ?? 'no port'}`,
        );
      }
    }
    if (sorry && sorryMethodOf(vs) !== 'NAT' && sorry.port !== undefined) {
      if (svc.kind === 'fwmark') {
        diags.warn(sorry.loc, 'port-ignored', `a firewall-mark service with ${sorryMethodOf(vs)} takes no sorry server port; Keepalived clears it`);
      } else if (sorry.port !== svc.port) {
        diags.warn(sorry.loc, 'port-mismatch', `sorry server port ${sorry.port} differs from the service port ${svc.port ?? 'none'}; with ${sorryMethodOf(vs)} Keepalived uses ${svc.port ?? 'no port'}`);
      }
    }
  }

  // persistence_granularity means a netmask for IPv4 and a prefix length for IPv6.
  const family = familyOf(vs, kept);
  const pg = vs.persistence_granularity;
  const pgLoc = vs.$locs.persistence_granularity ?? vs.$loc;
  if (pg && family === 6) {
    if (pg.kind === 'netmask') diags.error(pgLoc, 'bad-granularity', `an IPv6 service takes a prefix length (1..128) as persistence_granularity, not the netmask ${pg.netmask}; Keepalived ignores it`);
    else if (pg.value < 1 || pg.value > 128) diags.error(pgLoc, 'bad-granularity', `persistence_granularity ${pg.value} is out of range 1..128 for an IPv6 service; Keepalived ignores it`);
  } else if (pg && family === 4 && pg.kind === 'number') {
    const n = pg.value;
    const asMask = [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');
    diags.warn(pgLoc, 'granularity-not-netmask', `an IPv4 service takes a netmask as persistence_granularity: Keepalived reads '${n}' as ${asMask}; write e.g. 255.255.255.0`);
  }

  // Virtual server groups are matched against the servers' family when IPVS is programmed.
  if (group && family !== undefined && kept.some((rs) => methodOf(rs, vs) !== 'TUN')) {
    const other = group.entries.find((e) => (e.kind === 'address' ? e.first.family : e.family ?? family) !== family);
    if (other) {
      diags.warn(
        svc.loc,
        'group-family',
        `virtual_server_group '${group.name}' has IPv${family === 4 ? 6 : 4} entries (${describeLoc(other.loc, svc.loc)}) but this virtual server's real servers are IPv${family}; Keepalived ignores the virtual server`,
      );
    }
  }

  for (const rs of kept) checkCheckers(rs, ctx);
}

/** Virtual servers and groups across the whole file. */
export function checkLvs(config: VigilConfig, ctx: SemanticContext): void {
  const groups = new Map<string, VirtualServerGroupConfig>();
  for (const g of config.virtual_server_group ?? []) {
    const prev = groups.get(g.name);
    if (prev) {
      ctx.diags.warn(g.$nameLoc, 'duplicate-group', `virtual_server_group '${g.name}' is already defined at ${describeLoc(prev.$loc, g.$nameLoc)}; only one of them is used: rename or merge them`);
      continue;
    }
    groups.set(g.name, g);
  }

  const services = new Map<string, VirtualServerConfig>();
  for (const vs of config.virtual_server ?? []) {
    const svc = vs.service;
    if (svc.kind === 'group' && !groups.has(svc.name)) {
      const guess = didYouMean(svc.name, [...groups.keys()]);
      ctx.diags.warn(
        svc.loc,
        'unknown-group',
        `no usable virtual_server_group '${svc.name}' (it is not defined, or was dropped for its errors); Keepalived ignores this virtual server` +
          (guess ? `. Did you mean '${guess}'?` : ''),
      );
    }
    const key = serviceKey(vs);
    const prev = services.get(key);
    if (prev) {
      ctx.diags.warn(
        svc.loc,
        'duplicate-virtual-server',
        `virtual server ${describeService(svc)}${svc.kind === 'fwmark' ? '' : ` (${vs.protocol ?? 'UDP'})`} is already defined at ${describeLoc(prev.$loc, svc.loc)}; IPVS holds one such service: merge them`,
      );
    } else services.set(key, vs);
    checkVirtualServer(vs, groups, ctx);
  }
}
