/**
 * Golden: the JSON the nftables backend writes is what `nft -j list table` prints back (less
 * the handles and nft's metainfo), on this host's kernel, for a table with every shape the
 * renderer makes: rr/wrr (numgen), sh with the port (jhash), fwmark with persistence (dynamic
 * sets), weight 0, IPv6.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { NetNs } from '../lib/netns.js';
import type * as PoolModule from '../../packages/core/dist/src/pool/index.js';
import type { DestinationSpec, NftablesBackend, PoolService, ServiceKey, ServiceSpec } from '../../packages/core/dist/src/pool/index.js';

const { destinationId, NftablesBackend: Backend, planPool, serviceId, tableToJSON } = (await import(
  new URL('../../../packages/core/dist/src/pool/index.js', import.meta.url).href
)) as typeof PoolModule;

const dest = (address: string, weight: number, port = 8080, family: 4 | 6 = 4): DestinationSpec => ({ family, address, port, forwarding: 'nat', weight, upperThreshold: 0, lowerThreshold: 0 });
function svc(key: ServiceKey, dests: DestinationSpec[], extra: Partial<ServiceSpec> = {}): [string, PoolService] {
  return [serviceId(key), { service: { key, scheduler: 'wrr', flags: {}, timeout: 0, netmaskPrefix: key.family === 4 ? 32 : 128, ...extra }, destinations: new Map(dests.map((d) => [destinationId(d), d])) }];
}
const TABLE = new Map([
  svc({ kind: 'address', family: 4, address: '192.0.2.10', port: 80, protocol: 'tcp' }, [dest('198.51.100.11', 3), dest('198.51.100.12', 1), dest('198.51.100.13', 0)]),
  svc({ kind: 'address', family: 4, address: '192.0.2.11', port: 53, protocol: 'udp' }, [dest('198.51.100.11', 1, 53), dest('198.51.100.12', 1, 53)], { scheduler: 'sh', flags: { shPort: true } }),
  svc({ kind: 'address', family: 4, address: '192.0.2.12', port: 80, protocol: 'tcp' }, [dest('198.51.100.11', 1), dest('198.51.100.12', 1)], { scheduler: 'rr' }),
  svc({ kind: 'fwmark', family: 4, fwmark: 7 }, [dest('198.51.100.11', 1, 0), dest('198.51.100.12', 2, 0)], { scheduler: 'rr', timeout: 300, netmaskPrefix: 24, flags: { persistent: true } }),
  svc({ kind: 'address', family: 6, address: '2001:db8::10', port: 443, protocol: 'tcp' }, [dest('2001:db8:1::11', 1, 443, 6)], { scheduler: 'wrr' }),
]);

/** Keys sorted at every level, map elements sorted (the kernel lists them in hash order). */
function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (v === null || typeof v !== 'object') return v;
  const o = v as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(o).sort()) out[k] = k === 'elem' && Array.isArray(o[k]) ? (o[k] as unknown[]).map(canonical).sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1)) : canonical(o[k]);
  return out;
}

/** Objects without what the kernel assigns (handles) and nft's own default (set size). */
function normalize(o: Record<string, unknown>): unknown {
  const [kind, body] = Object.entries(o)[0] as [string, Record<string, unknown>];
  const { handle: _h, size: _s, ...rest } = body;
  return canonical({ [kind]: rest });
}

describe('nftables JSON: golden against nft -j list', () => {
  let lb: NetNs;
  let backend: NftablesBackend;
  before(() => {
    lb = NetNs.create('nftgold');
    backend = new Backend({ command: ['ip', 'netns', 'exec', lb.name, 'nft'] });
  });
  after(() => lb?.destroy());

  for (const family of ['ip', 'ip6'] as const) {
    it(`table ${family} vigil lists back as written`, async () => {
      await backend.apply(planPool(await backend.read(), TABLE));
      const doc = backend.render(TABLE, [family]);
      // What the batch adds after its replace-table prologue (add, delete, add table).
      const written = doc.nftables.slice(2).flatMap((c) => ('add' in c ? [c.add as unknown as Record<string, unknown>] : []));
      const listed = ((await backend.listFamily(family)) as { nftables: Record<string, unknown>[] }).nftables.filter((o) => !('metainfo' in o));
      const key = (o: Record<string, unknown>): string => JSON.stringify(normalize(o));
      assert.deepEqual(listed.map(key).sort(), written.map(key).sort());
    });
  }

  it('read() returns the table', async () => {
    assert.deepEqual(tableToJSON(await backend.read()), tableToJSON(TABLE));
  });
});
