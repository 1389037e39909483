import type { VigilConfig } from '../config/keywords/root.js';
import type { RealServerConfig, VirtualServerConfig, VirtualService } from '../config/keywords/lvs.js';
import type { IpAddress } from '../config/schema/ip.js';
import type { ScriptSpec } from '../config/schema/builders.js';
import type { CheckerDefinition, CheckTarget } from '../plugin/define.js';

/*
 * The checker child's part of the configuration: every (real server, checker block) with the
 * values Keepalived would use, resolved once (checker, then real_server, then virtual_server,
 * then the checker's or Keepalived's default). It is plain data: it crosses to the checker
 * process over IPC, and a reload compares it with the running one.
 */

/** Keepalived's defaults (check_data.h, check_api.c). */
export const DEFAULTS = {
  delayLoop: 60,
  connectTimeout: 5,
  retry: 1,
  delayBeforeRetry: 1,
  weight: 1,
  quorum: 1,
  hysteresis: 0,
} as const;

export interface CheckerPlan {
  /** Identity for a reload: the keyword and the block's values (locations left out). */
  readonly key: string;
  readonly keyword: string;
  /** The block as the plugin validated it, with the effective common values filled in. */
  readonly config: Record<string, unknown>;
  readonly target: CheckTarget;
  /** Seconds. */
  readonly delayLoop: number;
  readonly delayBeforeRetry: number;
  readonly warmup: number;
  readonly retry: number;
  readonly alpha: boolean;
  readonly logAllFailures: boolean;
  /** Seconds after which the scheduler aborts one check. */
  readonly maxDuration: number;
  /** Why this checker cannot run (a missing port), if it cannot; it is then left out. */
  readonly disabled?: string;
}

export interface RealServerPlan {
  /** `address|port` within its virtual server. */
  readonly key: string;
  /** `IP:PORT`, as events name it. */
  readonly name: string;
  /** The configured weight (Keepalived's iweight). */
  readonly weight: number;
  readonly inhibit: boolean;
  readonly notifyUp?: ScriptSpec;
  readonly notifyDown?: ScriptSpec;
  readonly checkers: readonly CheckerPlan[];
}

export interface VirtualServerPlan {
  readonly key: string;
  /** `192.0.2.10:80`, `fwmark 1` or `group NAME`. */
  readonly name: string;
  /** After Keepalived's corrections (at most the total weight; hysteresis below it). */
  readonly quorum: number;
  readonly hysteresis: number;
  readonly quorumUp?: ScriptSpec;
  readonly quorumDown?: ScriptSpec;
  readonly omega: boolean;
  readonly realServers: readonly RealServerPlan[];
}

export interface CheckPlanOptions {
  readonly scriptSecurity: boolean;
  readonly scriptUser?: { readonly user: string; readonly group?: string };
  readonly rsInitNotifies: boolean;
}

export interface CheckPlan {
  readonly virtualServers: readonly VirtualServerPlan[];
  readonly options: CheckPlanOptions;
}

export function formatEndpoint(a: IpAddress, port: number | undefined): string {
  if (port === undefined) return a.address;
  return a.family === 6 ? `[${a.address}]:${port}` : `${a.address}:${port}`;
}

export function describeService(s: VirtualService): string {
  switch (s.kind) {
    case 'address':
      return formatEndpoint(s.address, s.port);
    case 'fwmark':
      return `fwmark ${s.fwmark}`;
    case 'group':
      return `group ${s.name}`;
  }
}

function serviceKey(vs: VirtualServerConfig): string {
  const s = vs.service;
  switch (s.kind) {
    case 'address':
      return `address|${s.address.address}|${s.port ?? 0}|${vs.protocol ?? 'UDP'}`;
    case 'fwmark':
      return `fwmark|${s.fwmark}|${vs.ip_family ?? ''}`;
    case 'group':
      return `group|${s.name}|${vs.protocol ?? 'UDP'}|${vs.ip_family ?? ''}`;
  }
}

/** JSON with sorted keys and without source locations: equal blocks give equal keys. */
export function stableKey(v: unknown): string {
  return JSON.stringify(v, (k, x: unknown) => {
    if (k === '$loc' || k === '$locs' || k === 'loc') return undefined;
    if (x && typeof x === 'object' && !Array.isArray(x)) {
      const o = x as Record<string, unknown>;
      return Object.fromEntries(Object.keys(o).sort().map((key) => [key, o[key]]));
    }
    return x;
  });
}

type Lookup = (keyword: string) => CheckerDefinition | undefined;

interface CommonBlock {
  connect_ip?: IpAddress;
  connect_port?: number;
  bindto?: IpAddress;
  bind_port?: number;
  fwmark?: number;
  connect_timeout?: number;
  retry?: number;
  delay_before_retry?: number;
  warmup?: number;
  delay_loop?: number;
  alpha?: boolean;
  log_all_failures?: boolean;
}

function checkerPlan(
  ext: { type: string; config: Record<string, unknown> },
  rs: RealServerConfig,
  vs: VirtualServerConfig,
  def: CheckerDefinition | undefined,
  globalLogAll: boolean,
): CheckerPlan {
  const c = ext.config as CommonBlock;
  const connectionless = def?.connectionless === true;
  const delayLoop = c.delay_loop ?? rs.delay_loop ?? vs.delay_loop ?? DEFAULTS.delayLoop;
  const connectTimeout = (connectionless ? undefined : c.connect_timeout) ?? rs.connect_timeout ?? vs.connect_timeout ?? DEFAULTS.connectTimeout;
  const retry = c.retry ?? rs.retry ?? vs.retry ?? def?.defaults?.retry ?? DEFAULTS.retry;
  const dbrDefault = def?.defaults?.delay_before_retry;
  const delayBeforeRetry = c.delay_before_retry ?? rs.delay_before_retry ?? vs.delay_before_retry ?? (dbrDefault === 'delay_loop' ? delayLoop : dbrDefault ?? DEFAULTS.delayBeforeRetry);
  const warmup = c.warmup ?? rs.warmup ?? vs.warmup ?? delayLoop;
  const alpha = c.alpha ?? rs.alpha ?? vs.alpha === true;

  const svc = vs.service;
  const dst = (connectionless ? undefined : c.connect_ip) ?? rs.address;
  const port = (connectionless ? undefined : c.connect_port) ?? rs.port ?? (svc.kind === 'address' ? svc.port : undefined) ?? 0;
  const target: CheckTarget = {
    family: dst.family,
    address: dst.address,
    port,
    connectTimeout,
    ...(!connectionless && c.bindto ? { bindAddress: c.bindto.address } : {}),
    ...(!connectionless && c.bind_port !== undefined ? { bindPort: c.bind_port } : {}),
    ...(!connectionless && c.fwmark !== undefined ? { fwmark: c.fwmark } : {}),
  };

  // The plugin gets its block with the values Keepalived would use filled in, and the
  // keywords of its own schema that the real server or virtual server also carry (virtualhost).
  const config: Record<string, unknown> = { ...ext.config, delay_loop: delayLoop, retry, delay_before_retry: delayBeforeRetry, warmup };
  if (!connectionless) config.connect_timeout = connectTimeout;
  for (const k of Object.keys(def?.schema ?? {})) {
    if (config[k] !== undefined) continue;
    const inherited = (rs as unknown as Record<string, unknown>)[k] ?? (vs as unknown as Record<string, unknown>)[k];
    if (inherited !== undefined && typeof inherited !== 'object') config[k] = inherited;
  }
  let maxDuration = connectionless ? delayLoop + 5 : 3 * connectTimeout + 1;
  if (def?.maxDuration) {
    try {
      maxDuration = def.maxDuration(config);
    } catch {
      /* keep the default */
    }
  }
  const disabled = !connectionless && port === 0 ? `${ext.type} of ${formatEndpoint(rs.address, rs.port)} has no port to connect to: add 'connect_port' or give the real server a port` : undefined;
  return {
    key: `${ext.type}|${stableKey(ext.config)}`,
    keyword: ext.type,
    config,
    target,
    delayLoop,
    delayBeforeRetry,
    warmup,
    retry,
    alpha,
    logAllFailures: c.log_all_failures ?? globalLogAll,
    maxDuration,
    ...(disabled ? { disabled } : {}),
  };
}

/** The checker plan of a configuration. `lookup` gives each checker's definition (for its defaults). */
export function buildCheckPlan(config: VigilConfig, lookup: Lookup): CheckPlan {
  const g = config.global_defs;
  const globalLogAll = g?.checker_log_all_failures === true;
  const virtualServers: VirtualServerPlan[] = [];
  for (const vs of config.virtual_server ?? []) {
    const seen = new Set<string>();
    const realServers: RealServerPlan[] = [];
    for (const rs of vs.real_server ?? []) {
      const key = `${rs.address.address}|${rs.port ?? 0}`;
      if (seen.has(key)) continue; // Keepalived drops the second (reported at validation)
      seen.add(key);
      const checkers = (rs.$extensions ?? []).map((ext) => checkerPlan(ext, rs, vs, lookup(ext.type), globalLogAll));
      realServers.push({
        key,
        name: formatEndpoint(rs.address, rs.port),
        weight: rs.weight ?? vs.weight ?? DEFAULTS.weight,
        inhibit: rs.inhibit_on_failure ?? vs.inhibit_on_failure === true,
        ...(rs.notify_up ? { notifyUp: rs.notify_up } : {}),
        ...(rs.notify_down ? { notifyDown: rs.notify_down } : {}),
        checkers,
      });
    }
    if (realServers.length === 0) continue;
    // Keepalived lowers a quorum no set of live servers can reach, then the hysteresis.
    const total = realServers.reduce((s, r) => s + r.weight, 0);
    let quorum = vs.quorum ?? DEFAULTS.quorum;
    if (quorum > total) quorum = total;
    let hysteresis = vs.hysteresis ?? DEFAULTS.hysteresis;
    if (quorum > 0 && hysteresis >= quorum) hysteresis = quorum - 1;
    virtualServers.push({
      key: serviceKey(vs),
      name: describeService(vs.service),
      quorum,
      hysteresis,
      ...(vs.quorum_up ? { quorumUp: vs.quorum_up } : {}),
      ...(vs.quorum_down ? { quorumDown: vs.quorum_down } : {}),
      omega: vs.omega === true,
      realServers,
    });
  }
  return {
    virtualServers,
    options: {
      scriptSecurity: g?.enable_script_security === true,
      ...(g?.script_user ? { scriptUser: g.script_user } : {}),
      rsInitNotifies: g?.rs_init_notifies === true,
    },
  };
}

/** How many checkers a plan runs. */
export function countCheckers(plan: CheckPlan): number {
  let n = 0;
  for (const vs of plan.virtualServers) for (const rs of vs.realServers) n += rs.checkers.filter((c) => !c.disabled).length;
  return n;
}

/** The checker keywords a plan uses (the plugins to load). */
export function planKeywords(plan: CheckPlan): string[] {
  const s = new Set<string>();
  for (const vs of plan.virtualServers) for (const rs of vs.realServers) for (const c of rs.checkers) s.add(c.keyword);
  return [...s];
}
