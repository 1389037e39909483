import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeVrrp } from '../../../src/vrrp/packet/decode.js';
import { encodeIpv4 } from '../../../src/vrrp/packet/encode-ipv4.js';
import { passwordAuthData } from '../../../src/vrrp/packet/auth-pass.js';
import { InstanceRunner, type InstanceIo, type RunnerEvent } from '../../../src/vrrp/runtime/instance-runner.js';
import { deriveParams, instanceSpec } from '../../../src/vrrp/runtime/params.js';
import { parseConfigTextForTest } from './config-fixture.js';

const GROUP = '224.0.0.18';
const silent = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

class FakeIo implements InstanceIo {
  readonly group = GROUP;
  readonly log: string[] = [];
  readonly sent: Buffer[] = [];
  closed = false;
  send(message: Buffer): Promise<void> {
    this.sent.push(message);
    const d = decodeVrrp(message, { family: 4, src: '192.0.2.2', dst: GROUP });
    this.log.push(d.ok ? `advert ${d.packet.priority}` : `bad advert ${d.reason}`);
    return Promise.resolve();
  }
  addAddress(vip: { address: string }): Promise<void> {
    this.log.push(`add ${vip.address}`);
    return Promise.resolve();
  }
  removeAddress(vip: { address: string }): Promise<void> {
    this.log.push(`remove ${vip.address}`);
    return Promise.resolve();
  }
  announce(addresses: readonly string[], repeat: number): Promise<void> {
    this.log.push(`garp ${addresses.join(',')} x${repeat}`);
    return Promise.resolve();
  }
  close(): void {
    this.closed = true;
  }
}

async function runner(body: string): Promise<{ r: InstanceRunner; io: FakeIo; events: RunnerEvent[] }> {
  const { instance, globals } = await parseConfigTextForTest(
    `vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 51\n authentication {\n auth_type PASS\n auth_pass secret\n }\n virtual_ipaddress {\n 192.0.2.100/24\n }\n${body}\n}\n`,
  );
  const io = new FakeIo();
  const events: RunnerEvent[] = [];
  const r = new InstanceRunner({ spec: instanceSpec(instance, globals), params: deriveParams(instance, globals, '192.0.2.2'), io, log: silent, onEvent: (e) => events.push(e) });
  return { r, io, events };
}

function advert(opts: { priority: number; vrid?: number; password?: string; src?: string }): { family: 4; data: Buffer; source: string; destination: string; ttl: number } {
  const src = opts.src ?? '192.0.2.1';
  const data = encodeIpv4(
    { type: 1, version: 2, vrid: opts.vrid ?? 51, priority: opts.priority, addresses: ['192.0.2.100'], authType: 1, advertInt: 1, authData: passwordAuthData(opts.password ?? 'secret') },
    { ip: { src, dst: GROUP, ttl: 255 } },
  );
  return { family: 4, data, source: src, destination: GROUP, ttl: 255 };
}

const settle = () => new Promise((r) => setImmediate(r));

describe('InstanceRunner', () => {
  it('a BACKUP takes valid adverts, counts drops by reason and never throws', async () => {
    const { r, io, events } = await runner('priority 100');
    await r.start();
    assert.equal(r.state, 'BACKUP');
    assert.deepEqual(io.log, ['remove 192.0.2.100'], 'a leftover VIP is cleared at start');
    assert.equal(events[0]?.type, 'vrrp.state');
    r.receive(advert({ priority: 150 }));
    r.receive(advert({ priority: 150, password: 'wrong' }));
    r.receive(advert({ priority: 150, vrid: 52 }));
    r.receive({ family: 4, data: Buffer.from([1, 2, 3]), source: '192.0.2.9', destination: GROUP, ttl: 255 });
    const bad = advert({ priority: 150 });
    bad.data[8] = 1; // TTL 1
    r.receive(bad);
    assert.equal(r.stats.accepted, 1);
    assert.equal(r.stats.otherVrid, 1);
    assert.equal(r.stats.dropped['auth-failed'], 1);
    assert.equal(r.stats.dropped.truncated, 1);
    assert.ok((r.stats.dropped['bad-ip-header'] ?? 0) + (r.stats.dropped['bad-ttl'] ?? 0) >= 1);
    assert.equal(r.state, 'BACKUP');
    await r.stop();
    assert.equal(r.state, 'STOP');
    assert.ok(io.closed);
    assert.ok(!io.log.some((l) => l.startsWith('advert')), 'a BACKUP sends nothing, not even on stop');
  });

  it('an owner goes MASTER at once: advert, VIP, gratuitous ARP; stop sends priority 0 and removes the VIP', async () => {
    const { r, io, events } = await runner('state MASTER\npriority 255');
    await r.start();
    assert.equal(r.state, 'MASTER');
    await settle();
    assert.deepEqual(io.log.slice(1), ['advert 255', 'add 192.0.2.100', 'garp 192.0.2.100 x5']);
    assert.deepEqual(
      events.map((e) => (e.type === 'vrrp.state' ? `${e.from}->${e.to}` : e.type)),
      ['INIT->MASTER'],
    );
    // PASS authentication in what is sent.
    const sent = io.sent[0];
    assert.ok(sent);
    assert.equal(sent.subarray(sent.length - 8).toString('latin1').replace(/\0+$/, ''), 'secret');
    await r.stop();
    assert.deepEqual(io.log.slice(-2), ['advert 0', 'remove 192.0.2.100']);
    assert.equal(events.at(-1)?.type === 'vrrp.state' && events.at(-1)?.to, 'STOP');
  });

  it('a BACKUP takes over one Skew_Time after a priority 0 advert (timer on hrtime), then yields to a higher priority', async () => {
    const b = await runner('priority 100');
    await b.r.start();
    b.r.receive(advert({ priority: 0 }));
    const deadline = b.r.instance.timers['master-down'];
    assert.ok(deadline !== undefined);
    await new Promise((res) => setTimeout(res, Math.max(0, deadline - Number(process.hrtime.bigint()) / 1e6) + 50));
    assert.equal(b.r.state, 'MASTER', 'took over one Skew_Time after a priority 0 advert');
    await settle();
    assert.ok(b.io.log.includes('add 192.0.2.100'));
    b.r.receive(advert({ priority: 200 }));
    assert.equal(b.r.state, 'BACKUP');
    await settle();
    assert.equal(b.io.log.at(-1), 'remove 192.0.2.100');
    await b.r.stop();
    assert.ok(b.io.closed);
  });
});
