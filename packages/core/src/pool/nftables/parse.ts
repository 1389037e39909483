/**
 * `nft -j list table FAMILY vigil` back into a PoolTable: the service keys from the dispatch maps
 * (`services`, `marks`), the destinations' addresses and ports from their dnat rules, and what the
 * rules cannot say (the configured scheduler name, weights of 0, thresholds, persistence details)
 * from the rule comments vigil writes. A chain without vigil's comment is read from its rules
 * alone (weight 1 for each destination the service chain reaches).
 */
import { destinationId, serviceId, type DestinationSpec, type IpFamily, type PoolService, type Protocol, type ServiceFlags, type ServiceKey } from '../types.js';
import { FLAG_NAMES, type DestinationComment, type ServiceComment } from './render.js';

type Json = Record<string, unknown>;

function obj(v: unknown): Json | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : undefined;
}

function parseComment<T>(c: unknown): T | undefined {
  if (typeof c !== 'string') return undefined;
  try {
    const v: unknown = JSON.parse(c);
    return obj(v) as T | undefined;
  } catch {
    return undefined;
  }
}

function gotoTarget(v: unknown): string | undefined {
  const g = obj(obj(v)?.goto) ?? obj(obj(v)?.jump);
  return typeof g?.target === 'string' ? g.target : undefined;
}

/** Chains a rule's vmap reaches, with the width of each key (a range a-b counts b-a+1). */
function vmapTargets(expr: readonly unknown[]): { target: string; width: number }[] {
  const out: { target: string; width: number }[] = [];
  for (const st of expr) {
    const vm = obj(obj(st)?.vmap);
    const set = obj(vm?.data)?.set;
    if (!Array.isArray(set)) continue;
    for (const e of set) {
      if (!Array.isArray(e)) continue;
      const [k, v] = e as unknown[];
      const target = gotoTarget(v);
      if (!target) continue;
      const r = obj(k)?.range;
      const width = Array.isArray(r) && typeof r[0] === 'number' && typeof r[1] === 'number' ? r[1] - r[0] + 1 : 1;
      out.push({ target, width });
    }
  }
  return out;
}

/** Parses the `nftables` array of one table's listing. */
export function parseNftTable(doc: unknown): Map<string, PoolService> {
  const items = obj(doc)?.nftables;
  if (!Array.isArray(items)) throw new Error('nft -j output has no "nftables" array');
  const maps = new Map<string, Json>();
  const rules = new Map<string, Json[]>();
  let family: IpFamily = 4;
  for (const it of items) {
    const o = obj(it);
    if (!o) continue;
    const t = obj(o.table);
    if (t) family = t.family === 'ip6' ? 6 : 4;
    const m = obj(o.map);
    if (m && typeof m.name === 'string') maps.set(m.name, m);
    const r = obj(o.rule);
    if (r && typeof r.chain === 'string') {
      const list = rules.get(r.chain) ?? [];
      list.push(r);
      rules.set(r.chain, list);
    }
  }

  const keys: { key: ServiceKey; chain: string }[] = [];
  for (const e of (maps.get('services')?.elem as unknown[] | undefined) ?? []) {
    if (!Array.isArray(e)) continue;
    const [k, v] = e as unknown[];
    const c = obj(k)?.concat;
    const chain = gotoTarget(v);
    if (!Array.isArray(c) || !chain) continue;
    const [address, protocol, port] = c as unknown[];
    if (typeof address !== 'string' || typeof protocol !== 'string' || typeof port !== 'number') continue;
    keys.push({ key: { kind: 'address', family, address, port, protocol: protocol as Protocol }, chain });
  }
  for (const e of (maps.get('marks')?.elem as unknown[] | undefined) ?? []) {
    if (!Array.isArray(e)) continue;
    const [k, v] = e as unknown[];
    const chain = gotoTarget(v);
    if (typeof k !== 'number' || !chain) continue;
    keys.push({ key: { kind: 'fwmark', family, fwmark: k }, chain });
  }

  const table = new Map<string, PoolService>();
  for (const { key, chain } of keys) {
    const svcRules = rules.get(chain) ?? [];
    let sc: ServiceComment | undefined;
    const reached = new Map<string, number>();
    for (const r of svcRules) {
      sc ??= parseComment<ServiceComment>(r.comment);
      for (const { target, width } of vmapTargets((r.expr as unknown[] | undefined) ?? [])) reached.set(target, (reached.get(target) ?? 0) + width);
    }
    const full = family === 4 ? 32 : 128;
    const flags: { -readonly [K in keyof ServiceFlags]: ServiceFlags[K] } = {};
    for (const code of sc?.f?.split(',') ?? []) {
      const name = FLAG_NAMES[code];
      if (name) flags[name] = true;
    }
    const service = {
      key,
      scheduler: sc?.s ?? 'wrr',
      flags,
      timeout: sc?.t ?? 0,
      netmaskPrefix: sc?.m ?? full,
      ...(sc?.e ? { persistenceEngine: sc.e } : {}),
    };
    const destinations = new Map<string, DestinationSpec>();
    const prefix = `${chain}-d`;
    for (const [dchain, drules] of rules) {
      if (!dchain.startsWith(prefix) || !/^\d+$/.test(dchain.slice(prefix.length))) continue;
      for (const r of drules) {
        const dn = (r.expr as unknown[] | undefined)?.map((s) => obj(obj(s)?.dnat)).find((x) => x);
        if (!dn || typeof dn.addr !== 'string') continue;
        const dc = parseComment<DestinationComment>(r.comment);
        const d: DestinationSpec = {
          family,
          address: dn.addr,
          port: typeof dn.port === 'number' ? dn.port : 0,
          forwarding: 'nat',
          weight: dc?.w ?? (reached.get(dchain) !== undefined ? 1 : 0),
          upperThreshold: dc?.u ?? 0,
          lowerThreshold: dc?.l ?? 0,
        };
        destinations.set(destinationId(d), d);
      }
    }
    table.set(serviceId(key), { service, destinations });
  }
  return table;
}
