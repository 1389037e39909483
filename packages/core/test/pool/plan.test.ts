/**
 * planPool / applyPlan, and the reconcile loop against an in-memory test double of the kernel
 * interface (FakeKernelBackend: not a backend, a stand-in for the kernel's table). The real
 * backends are tested against the real kernel (test/nft, the IPVS test bed).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyPlan, isEmptyPlan, planPool, tableToJSON } from '../../src/pool/plan.js';
import { PoolReconciler } from '../../src/pool/reconciler.js';
import { destinationId, serviceId, type DestinationSpec, type PoolBackend, type PoolPlan, type PoolService, type PoolTable, type ServiceKey } from '../../src/pool/types.js';

const key = (address: string, port = 80): ServiceKey => ({ kind: 'address', family: 4, address, port, protocol: 'tcp' });
const dest = (address: string, weight = 1, port = 8080): DestinationSpec => ({ family: 4, address, port, forwarding: 'nat', weight, upperThreshold: 0, lowerThreshold: 0 });
function svc(k: ServiceKey, dests: DestinationSpec[], scheduler = 'wrr'): [string, PoolService] {
  return [serviceId(k), { service: { key: k, scheduler, flags: {}, timeout: 0, netmaskPrefix: 32 }, destinations: new Map(dests.map((d) => [destinationId(d), d])) }];
}
const table = (...s: [string, PoolService][]): PoolTable => new Map(s);

/** A test double of the kernel's table behind a PoolBackend: counts reads and applies, can be slowed or made to fail. */
class FakeKernelBackend implements PoolBackend {
  readonly name: 'ipvs' | 'nftables';
  table: PoolTable;
  reads = 0;
  applies: PoolPlan[] = [];
  inFlight = 0;
  maxInFlight = 0;
  delayMs = 0;
  failNext = 0;
  constructor(name: 'ipvs' | 'nftables', initial: PoolTable = new Map()) {
    this.name = name;
    this.table = initial;
  }
  available(): Promise<boolean> {
    return Promise.resolve(true);
  }
  read(): Promise<PoolTable> {
    this.reads++;
    return Promise.resolve(this.table);
  }
  async apply(plan: PoolPlan): Promise<void> {
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      if (this.delayMs) await new Promise((r) => setTimeout(r, this.delayMs));
      if (this.failNext > 0) {
        this.failNext--;
        throw new Error('kernel said no');
      }
      this.applies.push(plan);
      this.table = applyPlan(this.table, plan);
    } finally {
      this.inFlight--;
    }
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
}

describe('planPool', () => {
  const A = key('192.0.2.10');
  const B = key('192.0.2.11');
  const rows: { name: string; from: PoolTable; to: PoolTable; want: Record<string, number> }[] = [
    { name: 'equal tables: empty plan', from: table(svc(A, [dest('198.51.100.11')])), to: table(svc(A, [dest('198.51.100.11')])), want: {} },
    { name: 'from empty: services and destinations added', from: table(), to: table(svc(A, [dest('198.51.100.11'), dest('198.51.100.12')])), want: { addServices: 1, addDestinations: 2 } },
    { name: 'a weight change is an edit', from: table(svc(A, [dest('198.51.100.11', 1)])), to: table(svc(A, [dest('198.51.100.11', 0)])), want: { editDestinations: 1 } },
    { name: 'a scheduler change is an edit, destinations kept', from: table(svc(A, [dest('198.51.100.11')], 'rr')), to: table(svc(A, [dest('198.51.100.11')], 'wrr')), want: { editServices: 1 } },
    { name: 'a destination removed', from: table(svc(A, [dest('198.51.100.11'), dest('198.51.100.12')])), to: table(svc(A, [dest('198.51.100.11')])), want: { deleteDestinations: 1 } },
    { name: 'a service removed takes its destinations', from: table(svc(A, [dest('198.51.100.11')]), svc(B, [dest('198.51.100.12')])), to: table(svc(A, [dest('198.51.100.11')])), want: { deleteServices: 1 } },
    { name: 'to empty', from: table(svc(A, [dest('198.51.100.11')]), svc(B, [dest('198.51.100.12')])), to: table(), want: { deleteServices: 2 } },
  ];
  for (const r of rows) {
    it(r.name, () => {
      const plan = planPool(r.from, r.to);
      const counts = Object.fromEntries(Object.entries(plan).filter(([, v]) => (v as unknown[]).length).map(([k, v]) => [k, (v as unknown[]).length]));
      assert.deepEqual(counts, r.want);
      assert.deepEqual(tableToJSON(applyPlan(r.from, plan)), tableToJSON(r.to), 'applying the plan yields the target');
      assert.ok(isEmptyPlan(planPool(applyPlan(r.from, plan), r.to)));
    });
  }
  it('applying a plan twice yields the same table', () => {
    const from = table(svc(A, [dest('198.51.100.11')]));
    const to = table(svc(A, [dest('198.51.100.12', 2)]), svc(B, [dest('198.51.100.13')]));
    const plan = planPool(from, to);
    assert.deepEqual(tableToJSON(applyPlan(applyPlan(from, plan), plan)), tableToJSON(to));
  });
});

const tick = (ms = 20): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('PoolReconciler (with the FakeKernelBackend test double)', () => {
  const A = key('192.0.2.10');
  const B = key('192.0.2.11');
  const other = key('192.0.2.99');

  it('start adopts what is there: no flush, only the difference', async () => {
    const k = new FakeKernelBackend('ipvs', table(svc(A, [dest('198.51.100.11'), dest('198.51.100.12')])));
    const r = new PoolReconciler({ backend: k });
    const plan = await r.start(table(svc(A, [dest('198.51.100.11'), dest('198.51.100.12', 5)])));
    assert.deepEqual({ ...plan }, { addServices: [], editServices: [], addDestinations: [], editDestinations: [{ service: A, destination: dest('198.51.100.12', 5) }], deleteDestinations: [], deleteServices: [] });
    await r.stop({ keep: true });
  });

  it('IPVS: services not in the config are left alone; stop removes only vigil\'s', async () => {
    const k = new FakeKernelBackend('ipvs', table(svc(other, [dest('198.51.100.99')])));
    const r = new PoolReconciler({ backend: k });
    await r.start(table(svc(A, [dest('198.51.100.11')])));
    assert.deepEqual([...k.table.keys()].sort(), [serviceId(A), serviceId(other)].sort());
    // a service vigil made and then dropped from the config is still vigil's to delete
    r.setDesired(table(svc(B, [dest('198.51.100.12')])));
    await r.idle();
    assert.deepEqual([...k.table.keys()].sort(), [serviceId(B), serviceId(other)].sort());
    await r.stop();
    assert.deepEqual([...k.table.keys()], [serviceId(other)]);
  });

  it('nftables: the whole table is vigil\'s', async () => {
    const k = new FakeKernelBackend('nftables', table(svc(other, [dest('198.51.100.99')])));
    const r = new PoolReconciler({ backend: k });
    await r.start(table(svc(A, [dest('198.51.100.11')])));
    assert.deepEqual([...k.table.keys()], [serviceId(A)]);
    await r.stop({ keep: true });
    assert.deepEqual([...k.table.keys()], [serviceId(A)], 'keep leaves the table');
  });

  it('idempotent: a pass with nothing to change applies nothing', async () => {
    const k = new FakeKernelBackend('ipvs');
    const r = new PoolReconciler({ backend: k });
    const t = table(svc(A, [dest('198.51.100.11')]));
    await r.start(t);
    r.setDesired(t);
    await r.idle();
    r.setDesired(t);
    await r.idle();
    assert.equal(k.applies.length, 1);
    assert.ok(r.passes >= 3);
    await r.stop({ keep: true });
  });

  it('a burst of changes is coalesced, never more than one apply in flight', async () => {
    const k = new FakeKernelBackend('ipvs');
    const r = new PoolReconciler({ backend: k, debounceMs: 5 });
    await r.start(table());
    k.delayMs = 15;
    for (let w = 1; w <= 50; w++) {
      r.setDesired(table(svc(A, [dest('198.51.100.11', w)])));
      if (w % 10 === 0) await tick(8);
    }
    await r.idle();
    assert.equal(k.maxInFlight, 1);
    assert.ok(k.applies.length <= 6, `${k.applies.length} applies for 50 changes`);
    assert.equal(k.table.get(serviceId(A))?.destinations.get('198.51.100.11:8080')?.weight, 50, 'the last change wins');
    await r.stop({ keep: true });
  });

  it('a failed pass is retried', async () => {
    const k = new FakeKernelBackend('ipvs');
    const errors: unknown[] = [];
    const r = new PoolReconciler({ backend: k, retryMs: 10, onError: (e) => errors.push(e) });
    await r.start(table());
    k.failNext = 2;
    r.setDesired(table(svc(A, [dest('198.51.100.11')])));
    await r.idle();
    assert.equal(errors.length, 2);
    assert.ok(k.table.has(serviceId(A)));
    await r.stop();
    assert.equal(k.table.size, 0);
  });
});
