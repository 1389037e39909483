import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseConfigTextForTest } from './config-fixture.js';
import { advertIntUnits, deriveParams, instanceSpec, InstanceConfigError } from '../../../src/vrrp/runtime/params.js';

const inst = (body: string, globals = '') => parseConfigTextForTest(`${globals}\nvrrp_instance VI_1 {\n interface eth0\n virtual_router_id 51\n virtual_ipaddress {\n 192.0.2.100/24\n }\n${body}\n}\n`);

describe('vrrp runtime params', () => {
  it('defaults as Keepalived: priority 100, BACKUP, v2, 1 s, preempt, garp 5 x 5 s, accept', async () => {
    const { instance, globals } = await inst('');
    const p = deriveParams(instance, globals, '192.0.2.2');
    assert.equal(p.priority, 100);
    assert.equal(p.initialState, 'BACKUP');
    assert.equal(p.version, 2);
    assert.equal(p.advertInt, 1);
    assert.equal(p.preempt, true);
    assert.equal(p.preemptDelayMs, 0);
    assert.equal(p.accept, true);
    assert.equal(p.primaryAddress, '192.0.2.2');
    assert.equal(p.downTimerAdverts, 3);
    assert.deepEqual(p.garp, { masterDelayMs: 5000, masterRepeat: 5, masterRefreshMs: 0, masterRefreshRepeat: 1, lowerPrioDelayMs: 5000, lowerPrioRepeat: 5 });
    assert.deepEqual(p.resources, ['vips']);
  });

  it('state MASTER without a priority is the owner (255); priority 255 without a state wants MASTER', async () => {
    assert.equal(deriveParams((await inst('state MASTER')).instance, undefined, '192.0.2.2').priority, 255);
    const owner = deriveParams((await inst('priority 255')).instance, undefined, '192.0.2.2');
    assert.equal(owner.initialState, 'MASTER');
    const m150 = deriveParams((await inst('state MASTER\npriority 150')).instance, undefined, '192.0.2.2');
    assert.equal(m150.priority, 150);
    assert.equal(m150.initialState, 'MASTER');
  });

  it('advert_int per version: whole seconds in v2, centiseconds in v3', async () => {
    assert.equal(advertIntUnits(0.5, 2), 1);
    assert.equal(advertIntUnits(2.4, 2), 2);
    assert.equal(advertIntUnits(0.5, 3), 50);
    assert.equal(advertIntUnits(50, 3), 4095);
    const v3 = deriveParams((await inst('version 3\nadvert_int 0.25')).instance, undefined, '192.0.2.2');
    assert.equal(v3.version, 3);
    assert.equal(v3.advertInt, 25);
    const g3 = deriveParams((await inst('', 'global_defs {\n vrrp_version 3\n}')).instance, (await inst('', 'global_defs {\n vrrp_version 3\n}')).globals, '192.0.2.2');
    assert.equal(g3.version, 3);
    assert.equal(g3.advertInt, 100);
  });

  it('nopreempt, preempt_delay, and nopreempt cleared with state MASTER', async () => {
    const np = deriveParams((await inst('state BACKUP\nnopreempt')).instance, undefined, '192.0.2.2');
    assert.equal(np.preempt, false);
    assert.equal(np.preemptDelayMs, 0);
    const pd = deriveParams((await inst('preempt_delay 2.5')).instance, undefined, '192.0.2.2');
    assert.equal(pd.preemptDelayMs, 2500);
    // The validator rejects this combination; the derivation still follows Keepalived if it gets it.
    const base = (await inst('priority 200')).instance;
    const m = deriveParams({ ...base, state: 'MASTER', nopreempt: true }, undefined, '192.0.2.2');
    assert.equal(m.preempt, true);
  });

  it('garp_* from the instance, then global_defs; lower_prio follows the master ones; vrrp_min_garp', async () => {
    const g = await inst('garp_master_repeat 2', 'global_defs {\n vrrp_garp_master_delay 1\n vrrp_garp_master_refresh 60\n}');
    const p = deriveParams(g.instance, g.globals, '192.0.2.2');
    assert.deepEqual(p.garp, { masterDelayMs: 1000, masterRepeat: 2, masterRefreshMs: 60000, masterRefreshRepeat: 1, lowerPrioDelayMs: 1000, lowerPrioRepeat: 2 });
    const min = await inst('', 'global_defs {\n vrrp_min_garp true\n}');
    const q = deriveParams(min.instance, min.globals, '192.0.2.2');
    assert.equal(q.garp.masterRepeat, 1);
    assert.equal(q.garp.masterDelayMs, 0);
  });

  it('accept: default on, off in strict mode or with no_accept; mcast_src_ip is the primary address', async () => {
    assert.equal(deriveParams((await inst('no_accept')).instance, undefined, '192.0.2.2').accept, false);
    const s = await inst('', 'global_defs {\n vrrp_strict\n}');
    assert.equal(deriveParams(s.instance, s.globals, '192.0.2.2').accept, false);
    assert.equal(deriveParams((await inst('mcast_src_ip 192.0.2.9')).instance, undefined, '192.0.2.2').primaryAddress, '192.0.2.9');
  });

  it('the spec: VIPs with their device, PASS auth, what is not carried out', async () => {
    const { instance } = await inst('authentication {\n auth_type PASS\n auth_pass secret\n}\ntrack_interface {\n lo\n}');
    const spec = instanceSpec(instance, undefined);
    assert.deepEqual(spec.vips, [{ address: '192.0.2.100', prefixLength: 24, family: 4, dev: 'eth0' }]);
    assert.deepEqual(spec.auth, { type: 'pass', password: 'secret' });
    assert.equal(spec.vrid, 51);
    assert.deepEqual(spec.ignored, ['track_interface']);
  });

  it('an instance without an interface cannot run', async () => {
    const { instance } = await inst('');
    assert.throws(() => instanceSpec({ ...instance, interface: undefined }, undefined), InstanceConfigError);
  });
});
