/**
 * Parses `ipvsadm -S -n` (the save format) into vigil's table model, so the kernel's table as the
 * witness sees it can be compared with what IpvsBackend.read() returns.
 */
import { join } from 'node:path';

import type { DestinationSpec, Forwarding, PoolService, PoolTable, ServiceFlags, ServiceKey, ServiceSpec } from '../../../packages/core/dist/src/pool/types.js';
import type * as IpvsModule from '../../../packages/core/dist/src/pool/ipvs/index.js';
import type * as TypesModule from '../../../packages/core/dist/src/pool/types.js';
import { REPO_ROOT } from '../../lib/paths.js';

// Compiled tests sit one level deeper than their sources: load core from the repository root.
const core = join(REPO_ROOT, 'packages', 'core', 'dist', 'src', 'pool');
const { canonicalAddress } = (await import(join(core, 'ipvs', 'index.js'))) as typeof IpvsModule;
const { destinationId, serviceId } = (await import(join(core, 'types.js'))) as typeof TypesModule;

function hostPort(s: string): { family: 4 | 6; address: string; port: number } {
  const m = /^\[(.+)\]:(\d+)$/.exec(s) ?? /^([^:]+):(\d+)$/.exec(s);
  if (!m?.[1] || !m[2]) throw new Error(`bad address '${s}'`);
  const family = m[1].includes(':') ? 6 : 4;
  return { family, address: canonicalAddress(family, m[1]), port: Number(m[2]) };
}

function maskPrefix(family: 4 | 6, m: string): number {
  if (family === 6 || /^\d+$/.test(m)) return Number(m);
  return m.split('.').reduce((n, o) => n + Number(o).toString(2).replace(/0/g, '').length, 0);
}

/**
 * `ipvsadm -S` does not save thresholds: pass the lines of `ipvsadm -L -n --thresholds` (same sort
 * order) and they are matched to the `-a` lines one by one, checking the address.
 */
export function parseIpvsadmSave(text: string, thresholdsListing?: string): PoolTable {
  const thresholds = (thresholdsListing ?? '')
    .split('\n')
    .map((l) => /^\s+->\s+(\S+)\s+(\d+)\s+(\d+)/.exec(l))
    .filter((m): m is RegExpExecArray => m !== null);
  let destIndex = 0;
  const table = new Map<string, { service: ServiceSpec; destinations: Map<string, DestinationSpec> }>();
  for (const line of text.split('\n').map((l) => l.trim()).filter(Boolean)) {
    const t = line.split(/\s+/);
    const opt = (name: string): string | undefined => {
      const i = t.indexOf(name);
      return i < 0 ? undefined : t[i + 1];
    };
    const has = (name: string): boolean => t.includes(name);
    let key: ServiceKey;
    const six = has('-6');
    if (opt('-f') !== undefined) key = { kind: 'fwmark', family: six ? 6 : 4, fwmark: Number(opt('-f')) };
    else {
      const proto = opt('-t') !== undefined ? 'tcp' : opt('-u') !== undefined ? 'udp' : 'sctp';
      const hp = hostPort(opt('-t') ?? opt('-u') ?? opt('--sctp-service') ?? '');
      key = { kind: 'address', protocol: proto, ...hp };
    }
    if (t[0] === '-A') {
      const scheduler = opt('-s') ?? 'wlc';
      const b = (opt('-b') ?? '').split(',').filter(Boolean);
      const flags: { -readonly [K in keyof ServiceFlags]: ServiceFlags[K] } = {};
      if (opt('-p') !== undefined) flags.persistent = true;
      if (has('-o') || has('--ops')) flags.onePacket = true;
      if (b.includes('sh-fallback')) flags.shFallback = true;
      if (b.includes('sh-port')) flags.shPort = true;
      if (b.includes('mh-fallback')) flags.mhFallback = true;
      if (b.includes('mh-port')) flags.mhPort = true;
      const pe = opt('--pe');
      const mask = opt('-M');
      const spec: ServiceSpec = {
        key,
        scheduler,
        flags,
        timeout: Number(opt('-p') ?? 0),
        netmaskPrefix: mask === undefined ? (key.family === 4 ? 32 : 128) : maskPrefix(key.family, mask),
        ...(pe ? { persistenceEngine: pe } : {}),
      };
      table.set(serviceId(key), { service: spec, destinations: new Map() });
    } else if (t[0] === '-a') {
      const hp = hostPort(opt('-r') ?? '');
      const forwarding: Forwarding = has('-g') ? 'dr' : has('-i') ? 'tun' : 'nat';
      const tt = opt('--tun-type');
      const checksum: 'csum' | 'remcsum' | undefined = has('--tun-csum') ? 'csum' : has('--tun-remcsum') ? 'remcsum' : undefined;
      const tunnel =
        forwarding !== 'tun' || ((tt ?? 'ipip') === 'ipip' && !checksum)
          ? undefined
          : tt === 'gue'
            ? { type: 'gue' as const, port: Number(opt('--tun-port') ?? 0), ...(checksum ? { checksum } : {}) }
            : { type: (tt ?? 'ipip') as 'ipip' | 'gre', ...(checksum ? { checksum } : {}) };
      const th = thresholds[destIndex++];
      if (thresholdsListing !== undefined && th?.[1] !== opt('-r')) throw new Error(`ipvsadm -L and -S disagree at ${line}: ${th?.[0]}`);
      const d: DestinationSpec = {
        ...hp,
        forwarding,
        weight: Number(opt('-w') ?? 1),
        upperThreshold: Number(th?.[2] ?? opt('-x') ?? 0),
        lowerThreshold: Number(th?.[3] ?? opt('-y') ?? 0),
        ...(tunnel ? { tunnel } : {}),
      };
      const s = table.get(serviceId(key));
      if (!s) throw new Error(`destination before its service: ${line}`);
      s.destinations.set(destinationId(d), d);
    }
  }
  return table as ReadonlyMap<string, PoolService>;
}

/** Plain data for deepEqual: sorted entries. */
export function plain(t: PoolTable): unknown {
  return [...t.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => [k, v.service, [...v.destinations.entries()].sort(([a], [b]) => a.localeCompare(b))]);
}
