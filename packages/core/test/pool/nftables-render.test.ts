/**
 * The nftables rendering, pure: what a table becomes (checked against the kernel's own listing in
 * test/nft), read back from the rendered objects, and the limitations as data.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { tableToJSON } from '../../src/pool/plan.js';
import { NFTABLES_LIMITATIONS, NftRefusedError, nftablesIssues, nftScheduler, parseNftTable, renderFamily } from '../../src/pool/nftables/index.js';
import { slots, splitByFamily } from '../../src/pool/nftables/render.js';
import { destinationId, serviceId, type DestinationSpec, type PoolService, type ServiceKey, type ServiceSpec } from '../../src/pool/types.js';

const dest = (address: string, weight: number, port = 8080, family: 4 | 6 = 4): DestinationSpec => ({ family, address, port, forwarding: 'nat', weight, upperThreshold: 0, lowerThreshold: 0 });
function svc(key: ServiceKey, dests: DestinationSpec[], extra: Partial<ServiceSpec> = {}): [string, PoolService] {
  return [serviceId(key), { service: { key, scheduler: 'wrr', flags: {}, timeout: 0, netmaskPrefix: key.family === 4 ? 32 : 128, ...extra }, destinations: new Map(dests.map((d) => [destinationId(d), d])) }];
}

const table = new Map([
  svc({ kind: 'address', family: 4, address: '192.0.2.10', port: 80, protocol: 'tcp' }, [dest('198.51.100.11', 3), dest('198.51.100.12', 1), dest('198.51.100.13', 0)]),
  svc({ kind: 'address', family: 4, address: '192.0.2.11', port: 53, protocol: 'udp' }, [dest('198.51.100.11', 1, 53)], { scheduler: 'sh', flags: { shPort: true } }),
  svc({ kind: 'fwmark', family: 4, fwmark: 7 }, [dest('198.51.100.11', 1, 0), dest('198.51.100.12', 2, 0)], { scheduler: 'rr', timeout: 300, netmaskPrefix: 24, flags: { persistent: true } }),
  svc({ kind: 'address', family: 6, address: '2001:db8::10', port: 443, protocol: 'tcp' }, [dest('2001:db8:1::11', 1, 443, 6)], { scheduler: 'wlc' }),
]);

/** The objects a listing would print for what a batch adds. */
function asListing(family: 'ip' | 'ip6'): unknown {
  const b = renderFamily(family, splitByFamily(table)[family]);
  const added = b.commands.flatMap((c) => ('add' in c ? [c.add] : []));
  return { nftables: added };
}

describe('nftables render', () => {
  it('reads back what it renders (both families)', () => {
    const back = new Map([...parseNftTable(asListing('ip')), ...parseNftTable(asListing('ip6'))]);
    assert.deepEqual(tableToJSON(back), tableToJSON(table));
  });
  it('replaces the table atomically: add, delete, add, then its content', () => {
    const c = renderFamily('ip', splitByFamily(table).ip).commands;
    assert.deepEqual(c.slice(0, 3), [{ add: { table: { family: 'ip', name: 'vigil' } } }, { delete: { table: { family: 'ip', name: 'vigil' } } }, { add: { table: { family: 'ip', name: 'vigil' } } }]);
    assert.deepEqual(renderFamily('ip6', []).commands, [{ add: { table: { family: 'ip6', name: 'vigil' } } }, { delete: { table: { family: 'ip6', name: 'vigil' } } }]);
  });
  it('slots: rr equal, wrr reduced by the gcd, fo to the heaviest', () => {
    assert.deepEqual(slots('rr', [3, 1, 5]), [1, 1, 1]);
    assert.deepEqual(slots('wrr', [4, 2, 6]), [2, 1, 3]);
    assert.deepEqual(slots('fo', [1, 5, 5]), [0, 1, 0]);
    const big = slots('wrr', [2 ** 31 - 1, 2 ** 31 - 2, 3]);
    assert.ok(big.reduce((a, b) => a + b, 0) <= 0xffffffff && big.every((x) => x >= 1));
  });
  it('DR and TUN are refused, with the reason', () => {
    const t = new Map([svc({ kind: 'address', family: 4, address: '192.0.2.10', port: 80, protocol: 'tcp' }, [{ ...dest('198.51.100.11', 1), forwarding: 'dr' }])]);
    assert.throws(() => renderFamily('ip', [...t.values()]), (e: unknown) => e instanceof NftRefusedError && /lvs_method DR/.test(e.message));
  });
  it('limitations are data: schedulers that need connection counts, DR/TUN, thresholds, persistence', () => {
    const options = NFTABLES_LIMITATIONS.map((l) => l.option);
    for (const o of ['lvs_sched lc', 'lvs_sched wlc', 'lvs_sched lblc', 'lvs_sched lblcr', 'lvs_sched sed', 'lvs_sched nq', 'lvs_method DR', 'lvs_method TUN', 'uthreshold', 'lthreshold', 'persistence_engine']) assert.ok(options.includes(o), o);
    assert.equal(nftScheduler('wlc'), 'wrr');
    assert.equal(nftScheduler('lc'), 'rr');
    assert.equal(nftScheduler('sh'), 'sh');
    const issues = nftablesIssues(table).map((i) => `${i.service} ${i.limitation.option}`);
    assert.deepEqual(issues.sort(), ['fwmark:4:7 persistence_timeout', 'tcp:[2001:db8::10]:443 lvs_sched wlc']);
  });
});
