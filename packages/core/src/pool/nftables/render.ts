/**
 * A PoolTable as the nftables table `vigil` of one family, in the layout kube-proxy's nftables
 * mode uses (peers.md §1.11):
 *
 *   chain prerouting / output   (type nat, priority dstnat)
 *     meta mark vmap @marks                                              fwmark services first, as IPVS
 *     meta l4proto { tcp, udp, sctp } ip daddr . meta l4proto . th dport vmap @services
 *   chain svc-N                 one per service
 *     ip saddr & MASK @svc-N-aK goto svc-N-dK                            persistence: stick to the last pick
 *     numgen inc mod W vmap { 0-2 : goto svc-N-d0, 3 : goto svc-N-d1 }   rr / wrr (weights as ranges)
 *     jhash ip saddr mod W seed 0x0 vmap { ... }                         sh (dh: ip daddr)
 *     return comment "{...}"                                             the service's spec, for read()
 *   chain svc-N-dK              one per destination, also those of weight 0 (inhibited)
 *     update @svc-N-aK { ip saddr & MASK timeout T }                    persistence only
 *     meta l4proto tcp dnat to 198.51.100.11:8080 comment "{...}"        weight and thresholds, for read()
 *
 * What nftables cannot do is listed in NFTABLES_LIMITATIONS, as data the config checker can use.
 */
import { type DestinationSpec, type PoolService, type PoolTable, type ServiceSpec } from '../types.js';
import { goto, match, meta, NftBatch, payload, type Expr, type NftFamily, type Stmt, type Verdict } from './json.js';

export const NFT_TABLE = 'vigil';
/** NF_IP_PRI_NAT_DST: the priority of dnat in prerouting and output. */
export const NFT_DSTNAT_PRIORITY = -100;
/** nft limits a rule comment to 128 bytes (NFTNL_UDATA_COMMENT_MAXLEN). */
export const NFT_COMMENT_MAX = 128;

export interface NftLimitation {
  /** The config keyword or value, as written in keepalived.conf. */
  readonly option: string;
  readonly what: 'scheduler' | 'lvs_method' | 'persistence' | 'threshold' | 'flag';
  /** What the nftables backend does instead, or `refused` when it refuses the table. */
  readonly instead: string;
  readonly reason: string;
}

/** What the nftables backend cannot honour, for the config checker and for `vigil check`. */
export const NFTABLES_LIMITATIONS: readonly NftLimitation[] = [
  { option: 'lvs_sched lc', what: 'scheduler', instead: 'rr', reason: 'needs per-server connection counts, which nftables does not keep' },
  { option: 'lvs_sched wlc', what: 'scheduler', instead: 'wrr', reason: 'needs per-server connection counts, which nftables does not keep' },
  { option: 'lvs_sched lblc', what: 'scheduler', instead: 'wrr', reason: 'needs per-server connection counts and a destination table' },
  { option: 'lvs_sched lblcr', what: 'scheduler', instead: 'wrr', reason: 'needs per-server connection counts and destination sets' },
  { option: 'lvs_sched sed', what: 'scheduler', instead: 'wrr', reason: 'needs per-server connection counts' },
  { option: 'lvs_sched nq', what: 'scheduler', instead: 'wrr', reason: 'needs per-server connection counts' },
  { option: 'lvs_sched ovf', what: 'scheduler', instead: 'fo', reason: 'needs per-server connection counts (overflow at weight)' },
  { option: 'lvs_sched twos', what: 'scheduler', instead: 'wrr', reason: 'needs per-server connection counts (two random choices)' },
  { option: 'lvs_sched mh', what: 'scheduler', instead: 'sh', reason: 'nftables has jhash, not Maglev hashing: the mapping is consistent while the pool is stable but moves more clients when it changes' },
  { option: 'lvs_method DR', what: 'lvs_method', instead: 'refused', reason: 'direct routing needs IPVS (nftables can only rewrite the destination address: NAT)' },
  { option: 'lvs_method TUN', what: 'lvs_method', instead: 'refused', reason: 'tunnelling needs IPVS' },
  { option: 'persistence_engine', what: 'persistence', instead: 'ignored', reason: 'the sip persistence engine is an IPVS module' },
  { option: 'persistence_timeout', what: 'persistence', instead: 'per-destination sets of client addresses (or networks, with persistence_granularity) with that timeout', reason: 'the timeout restarts with every new connection, not with every packet as in IPVS templates' },
  { option: 'uthreshold', what: 'threshold', instead: 'ignored', reason: 'needs per-server connection counts' },
  { option: 'lthreshold', what: 'threshold', instead: 'ignored', reason: 'needs per-server connection counts' },
  { option: 'ops', what: 'flag', instead: 'ignored', reason: 'one-packet scheduling: nftables NAT binds each conntrack flow, not each packet' },
  { option: 'sh-fallback', what: 'flag', instead: 'ignored', reason: 'a destination is in the hash only while it is up, so there is nothing to fall back from' },
  { option: 'mh-fallback', what: 'flag', instead: 'ignored', reason: 'as sh-fallback' },
];

/** The schedulers nftables expresses as such. */
export const NFT_NATIVE_SCHEDULERS = ['rr', 'wrr', 'sh', 'dh', 'fo'] as const;

/** The scheduler the rules implement for an IPVS scheduler name. */
export function nftScheduler(ipvs: string): 'rr' | 'wrr' | 'sh' | 'dh' | 'fo' {
  if ((NFT_NATIVE_SCHEDULERS as readonly string[]).includes(ipvs)) return ipvs as 'rr' | 'wrr' | 'sh' | 'dh' | 'fo';
  const l = NFTABLES_LIMITATIONS.find((x) => x.option === `lvs_sched ${ipvs}`);
  return l ? (l.instead as 'rr' | 'wrr' | 'sh' | 'fo') : 'wrr';
}

export interface NftIssue {
  readonly service: string;
  readonly destination?: string;
  readonly limitation: NftLimitation;
}

function findLimit(option: string): NftLimitation {
  const l = NFTABLES_LIMITATIONS.find((x) => x.option === option);
  if (!l) throw new Error(`no limitation ${option}`);
  return l;
}

/** What of a table the nftables backend cannot honour: each service and destination concerned. */
export function nftablesIssues(table: PoolTable): NftIssue[] {
  const out: NftIssue[] = [];
  for (const [id, s] of table) {
    const sv = s.service;
    const l = NFTABLES_LIMITATIONS.find((x) => x.option === `lvs_sched ${sv.scheduler}`);
    if (l) out.push({ service: id, limitation: l });
    if (sv.persistenceEngine) out.push({ service: id, limitation: findLimit('persistence_engine') });
    if (sv.timeout > 0) out.push({ service: id, limitation: findLimit('persistence_timeout') });
    if (sv.flags.onePacket) out.push({ service: id, limitation: findLimit('ops') });
    if (sv.flags.shFallback) out.push({ service: id, limitation: findLimit('sh-fallback') });
    if (sv.flags.mhFallback) out.push({ service: id, limitation: findLimit('mh-fallback') });
    for (const [did, d] of s.destinations) {
      if (d.forwarding !== 'nat') out.push({ service: id, destination: did, limitation: findLimit(d.forwarding === 'dr' ? 'lvs_method DR' : 'lvs_method TUN') });
      if (d.upperThreshold) out.push({ service: id, destination: did, limitation: findLimit('uthreshold') });
      if (d.lowerThreshold) out.push({ service: id, destination: did, limitation: findLimit('lthreshold') });
    }
  }
  return out;
}

export class NftRefusedError extends Error {
  constructor(readonly issues: readonly NftIssue[]) {
    super(
      'the nftables backend cannot program this table: ' +
        issues.map((i) => `${i.service}${i.destination ? ` -> ${i.destination}` : ''}: ${i.limitation.option} (${i.limitation.reason})`).join('; '),
    );
    this.name = 'NftRefusedError';
  }
}

/** What read() cannot recover from the rules themselves, stored in rule comments. */
export interface ServiceComment {
  /** The IPVS scheduler name as configured. */
  readonly s: string;
  readonly t?: number;
  readonly m?: number;
  /** Flags: p persistent, o one-packet, sf/sp sh-fallback/sh-port, mf/mp mh-*. */
  readonly f?: string;
  readonly e?: string;
}
export interface DestinationComment {
  readonly w: number;
  readonly u?: number;
  readonly l?: number;
}

const FLAG_CODES = { persistent: 'p', onePacket: 'o', shFallback: 'sf', shPort: 'sp', mhFallback: 'mf', mhPort: 'mp' } as const;
export const FLAG_NAMES = Object.fromEntries(Object.entries(FLAG_CODES).map(([k, v]) => [v, k])) as Record<string, keyof typeof FLAG_CODES>;

function serviceComment(s: ServiceSpec): string {
  const full = s.key.family === 4 ? 32 : 128;
  const f = (Object.keys(FLAG_CODES) as (keyof typeof FLAG_CODES)[]).filter((k) => s.flags[k]).map((k) => FLAG_CODES[k]);
  const c: ServiceComment = { s: s.scheduler, ...(s.timeout ? { t: s.timeout } : {}), ...(s.netmaskPrefix !== full ? { m: s.netmaskPrefix } : {}), ...(f.length ? { f: f.join(',') } : {}), ...(s.persistenceEngine ? { e: s.persistenceEngine } : {}) };
  return JSON.stringify(c);
}

function destinationComment(d: DestinationSpec): string {
  return JSON.stringify({ w: d.weight, ...(d.upperThreshold ? { u: d.upperThreshold } : {}), ...(d.lowerThreshold ? { l: d.lowerThreshold } : {}) } satisfies DestinationComment);
}

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

const U32 = 0xffffffff;

/** Slots per destination (index into `live`): weights reduced by their gcd and kept under 2^32. */
export function slots(scheduler: 'rr' | 'wrr' | 'sh' | 'dh' | 'fo', weights: readonly number[]): number[] {
  if (weights.length === 0) return [];
  if (scheduler === 'rr') return weights.map(() => 1);
  if (scheduler === 'fo') {
    // Weighted failover: every new connection to the first destination of the highest weight.
    const max = Math.max(...weights);
    const first = weights.indexOf(max);
    return weights.map((_, i) => (i === first ? 1 : 0));
  }
  const g = weights.reduce(gcd);
  let w = weights.map((x) => x / g);
  const sum = w.reduce((a, b) => a + b, 0);
  if (sum > U32) w = w.map((x) => Math.max(1, Math.floor((x * (U32 - w.length)) / sum)));
  return w;
}

export function familyOf(f: 4 | 6): NftFamily {
  return f === 4 ? 'ip' : 'ip6';
}

function v4Mask(prefix: number): string {
  const n = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  return [24, 16, 8, 0].map((s) => (n >>> s) & 255).join('.');
}

function v6Mask(prefix: number): string {
  const groups: string[] = [];
  for (let i = 0; i < 8; i++) {
    const bits = Math.max(0, Math.min(16, prefix - i * 16));
    groups.push((bits === 0 ? 0 : (0xffff << (16 - bits)) & 0xffff).toString(16));
  }
  return new URL(`http://[${groups.join(':')}]`).hostname.slice(1, -1);
}

/** The chain names of the i-th service. */
export const svcChain = (i: number): string => `svc-${i}`;
export const destChain = (i: number, k: number): string => `svc-${i}-d${k}`;
export const affinitySet = (i: number, k: number): string => `svc-${i}-a${k}`;

/**
 * The batch that replaces the `vigil` table of `family` with `services` (all of that family),
 * or removes the table when there is none. Throws NftRefusedError for what NAT cannot do.
 */
export function renderFamily(family: NftFamily, services: readonly PoolService[], table = NFT_TABLE): NftBatch {
  const b = new NftBatch(family, table);
  if (services.length === 0) return b.removeTable();
  const refused = nftablesIssues(new Map(services.map((s, i) => [String(i), s]))).filter((x) => x.limitation.instead === 'refused');
  if (refused.length) throw new NftRefusedError(refused);

  const ipProto = family === 'ip' ? 'ip' : 'ip6';
  const addrType = family === 'ip' ? 'ipv4_addr' : 'ipv6_addr';
  b.replaceTable();
  b.chain('prerouting', { type: 'nat', hook: 'prerouting', prio: NFT_DSTNAT_PRIORITY });
  b.chain('output', { type: 'nat', hook: 'output', prio: NFT_DSTNAT_PRIORITY });

  // Every chain before anything that names it (map elements, gotos).
  services.forEach((s, i) => {
    b.chain(svcChain(i));
    [...s.destinations.keys()].forEach((_, k) => b.chain(destChain(i, k)));
  });
  const addrElems: [Expr, Verdict][] = [];
  const markElems: [Expr, Verdict][] = [];
  services.forEach((s, i) => {
    const k = s.service.key;
    if (k.kind === 'fwmark') markElems.push([k.fwmark, goto(svcChain(i))]);
    else addrElems.push([{ concat: [k.address, k.protocol, k.port] }, goto(svcChain(i))]);
  });
  b.map('marks', 'mark', markElems);
  b.map('services', [addrType, 'inet_proto', 'inet_service'], addrElems);
  for (const chain of ['prerouting', 'output']) {
    b.rule(chain, [{ vmap: { key: meta('mark'), data: '@marks' } }]);
    b.rule(chain, [
      match(meta('l4proto'), { set: ['tcp', 'udp', 'sctp'] }),
      { vmap: { key: { concat: [payload(ipProto, 'daddr'), meta('l4proto'), payload('th', 'dport')] }, data: '@services' } },
    ]);
  }

  services.forEach((s, i) => {
    const sv = s.service;
    const sched = nftScheduler(sv.scheduler);
    const dests = [...s.destinations.values()];
    const persistent = sv.timeout > 0;
    const full = family === 'ip' ? 32 : 128;
    const mask = Math.min(sv.netmaskPrefix, full);
    const client: Expr = mask >= full ? payload(ipProto, 'saddr') : { '&': [payload(ipProto, 'saddr'), family === 'ip' ? v4Mask(mask) : v6Mask(mask)] };
    const protocol = sv.key.kind === 'address' ? sv.key.protocol : undefined;

    const live = dests.map((d, k) => ({ d, k })).filter((x) => x.d.weight > 0);
    const n = slots(sched, live.map((x) => x.d.weight));
    const elems: (readonly [Expr, Verdict])[] = [];
    let at = 0;
    live.forEach((x, j) => {
      const w = n[j] ?? 0;
      if (w <= 0) return;
      elems.push([w === 1 ? at : { range: [at, at + w - 1] }, goto(destChain(i, x.k))]);
      at += w;
    });
    if (persistent) {
      live.forEach((x) => {
        b.set(affinitySet(i, x.k), addrType, { flags: ['timeout'], timeout: sv.timeout });
        b.rule(svcChain(i), [match(client, `@${affinitySet(i, x.k)}`), goto(destChain(i, x.k))]);
      });
    }
    if (at > 0) {
      let key: Expr;
      const pre: Stmt[] = [];
      if (sched === 'sh' || sched === 'dh') {
        let hashed: Expr = sched === 'dh' ? payload(ipProto, 'daddr') : payload(ipProto, 'saddr');
        if (sched === 'sh' && (sv.flags.shPort || sv.flags.mhPort) && protocol) {
          // nft adds the `meta l4proto` dependency of `udp sport` itself, and hides it when listing.
          hashed = { concat: [hashed, payload(protocol, 'sport')] };
        }
        key = { jhash: { mod: at, seed: 0, expr: hashed } };
      } else key = { numgen: { mode: 'inc', mod: at, offset: 0 } };
      b.rule(svcChain(i), [...pre, { vmap: { key, data: { set: elems } } }]);
    }
    b.rule(svcChain(i), [{ return: null }], serviceComment(sv));

    dests.forEach((d, k) => {
      const stmts: Stmt[] = [];
      if (persistent && d.weight > 0) stmts.push({ set: { op: 'update', elem: { elem: { val: client, timeout: sv.timeout } }, set: `@${affinitySet(i, k)}` } });
      if (d.port && protocol) stmts.push(match(meta('l4proto'), protocol));
      stmts.push({ dnat: { addr: d.address, ...(d.port && protocol ? { port: d.port } : {}) } });
      b.rule(destChain(i, k), stmts, destinationComment(d));
    });
  });
  return b;
}

/** Services of a table by family, in a stable order (by service id). */
export function splitByFamily(table: PoolTable): { ip: PoolService[]; ip6: PoolService[] } {
  const ids = [...table.keys()].sort();
  const out = { ip: [] as PoolService[], ip6: [] as PoolService[] };
  for (const id of ids) {
    const s = table.get(id);
    if (s) out[familyOf(s.service.key.family)].push(s);
  }
  return out;
}

/** Destinations sorted by id, so a table renders the same whatever its insertion order. */
export function sortedService(s: PoolService): PoolService {
  return { service: s.service, destinations: new Map([...s.destinations].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) };
}
