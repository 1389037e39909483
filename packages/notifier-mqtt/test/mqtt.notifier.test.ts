import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { VigilEvent } from '@vigil/core/plugin';
import { MqttNotifier, resolveOptions } from '../src/mqtt.notifier.js';
import { ev, oneOfEach } from './helpers/events.js';
import { haveMosquitto, Mosquitto } from './helpers/mosquitto.js';
import { stop, track, until } from './helpers/processes.js';
import { assertValid, type SchemaName } from './helpers/schemas.js';
import { block, captureServices, LEVEL } from '@vigil/core/testing';
import { Subscriber } from './helpers/subscriber.js';

/**
 * Against a real mosquitto, private to this file, on a free loopback port. It keeps sessions and
 * retained messages across a restart (persistence), so a subscriber misses nothing while the
 * broker is down and back.
 */
let broker: Mosquitto;
const open: { close(): Promise<void> }[] = [];

function notifier(config: Record<string, unknown>, level: Parameters<typeof captureServices>[0] = 'info') {
  const { services, lines } = captureServices(level);
  const n = new MqttNotifier(resolveOptions(block({ broker: broker.url, reconnect_delay: 0.05, reconnect_max_delay: 0.2, ...config })), services);
  open.push(n);
  return { n, lines };
}

async function sub(filter: string, options: Parameters<typeof Subscriber.connect>[2] = {}): Promise<Subscriber> {
  const s = await Subscriber.connect(broker.url, filter, options);
  open.push(s);
  return s;
}

const connected = (n: MqttNotifier): Promise<void> => until(() => n.stats().connected, 'the notifier to connect');
const disconnected = (n: MqttNotifier): Promise<void> => until(() => !n.stats().connected, 'the notifier to see the broker gone');

before(async () => {
  assert.ok(await haveMosquitto(), 'mosquitto, mosquitto_sub and mosquitto_passwd are needed: `bash test/setup.sh` installs them');
  broker = await Mosquitto.start({ persistence: true });
});

after(async () => {
  for (const o of open.reverse()) await o.close().catch(() => {});
  await broker?.close();
});

describe('MQTT notifier against mosquitto', () => {
  it('publishes every event type on its topic, state topics retained, payloads valid against the schemas', async () => {
    const s = await sub('vigil/lb1/#');
    const { n, lines } = notifier({ router_id: 'lb1' });
    await connected(n);
    await s.waitFor((m) => m.some((x) => x.topic === 'vigil/lb1/status' && x.payload === 'online'), 'status online');

    const events = oneOfEach();
    for (const e of events) n.handle(e);
    const got = await s.waitCount('vigil/lb1/events', events.length);
    assert.deepEqual(
      got.map((m) => assertValid('event', m.payload)),
      events.map((e) => JSON.parse(JSON.stringify(e)) as unknown),
      'every event, in order, on <prefix>/events',
    );

    const stateTopics: [string, SchemaName][] = [
      ['vigil/lb1/vrrp/VI_1/state', 'vrrp-instance-state'],
      ['vigil/lb1/vrrp_group/G_web/state', 'vrrp-group-state'],
      ['vigil/lb1/pool/192.0.2.10:80/198.51.100.11:80/state', 'real-server-state'],
      ['vigil/lb1/pool/fwmark_1/198.51.100.12:0/state', 'real-server-state'],
      ['vigil/lb1/pool/192.0.2.10:80/quorum', 'quorum'],
    ];
    await s.waitFor((m) => stateTopics.every(([t]) => m.some((x) => x.topic === t)), 'the state topics');
    const vi = assertValid('vrrp-instance-state', s.last('vigil/lb1/vrrp/VI_1/state')?.payload ?? '') as Record<string, unknown>;
    assert.equal(vi.state, 'MASTER');
    assert.equal(vi.previous, 'BACKUP');
    assert.equal(vi.priority, 100);
    const rs = assertValid('real-server-state', s.last('vigil/lb1/pool/fwmark_1/198.51.100.12:0/state')?.payload ?? '') as Record<string, unknown>;
    assert.deepEqual([rs.up, rs.weight, rs.checker, rs.detail, rs.virtualServer], [false, 0, null, null, 'fwmark 1']);
    const q = assertValid('quorum', s.last('vigil/lb1/pool/192.0.2.10:80/quorum')?.payload ?? '') as Record<string, unknown>;
    assert.deepEqual([q.up, q.alive, q.quorum], [true, 3, 2]);

    // A subscriber arriving now gets the retained state, and not the events.
    const late = await sub('vigil/lb1/#');
    await late.waitFor((m) => stateTopics.every(([t]) => m.some((x) => x.topic === t)), 'the retained state topics');
    await late.waitFor((m) => m.some((x) => x.topic === 'vigil/lb1/status'), 'the retained status');
    for (const [topic, schema] of stateTopics) {
      const m = late.last(topic);
      assert.equal(m?.retain, true, `${topic} is retained`);
      assertValid(schema, m?.payload ?? '');
    }
    assert.equal(late.last('vigil/lb1/status')?.payload, 'online');
    assert.equal(late.on('vigil/lb1/events').length, 0, 'events are not retained');
    assert.equal(n.stats().dropped, 0);

    await n.close();
    await s.waitFor((m) => m.at(-1)?.topic === 'vigil/lb1/status' && m.at(-1)?.payload === 'offline', 'status offline after close()');
    assert.deepEqual(lines.filter((l) => l.level >= LEVEL.warn), [], 'no warning on a clean run');
  });

  it('leaves retain off for state topics when told, never for status', async () => {
    const { n } = notifier({ router_id: 'lb-noretain', retain: false });
    await connected(n);
    n.handle(ev.instance('VI_2', 'BACKUP', 'INIT'));
    await n.close();
    const late = await sub('vigil/lb-noretain/#');
    await late.waitFor((m) => m.some((x) => x.topic === 'vigil/lb-noretain/status'), 'the retained status');
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(late.on('vigil/lb-noretain/vrrp/VI_2/state').length, 0);
    assert.equal(late.last('vigil/lb-noretain/status')?.payload, 'offline');
  });

  it('turns status to offline through the last will when the process dies', async () => {
    const s = await sub('vigil/lb-will/status');
    const child = track(
      spawn(process.execPath, [fileURLToPath(new URL('./fixtures/mqtt-child.js', import.meta.url)), JSON.stringify({ broker: broker.url, router_id: 'lb-will' })], {
        stdio: ['ignore', 'pipe', 'inherit'],
      }),
    );
    try {
      let out = '';
      child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
      await until(() => out.includes('connected'), 'the child to connect');
      await s.waitFor((m) => m.at(-1)?.payload === 'online', 'status online');
      child.kill('SIGKILL');
      await s.waitFor((m) => m.at(-1)?.payload === 'offline', 'the last will: status offline');
      const late = await sub('vigil/lb-will/status');
      await late.waitFor((m) => m.length > 0, 'the retained status');
      assert.equal(late.last('vigil/lb-will/status')?.payload, 'offline');
      assert.equal(late.last('vigil/lb-will/status')?.retain, true);
    } finally {
      await stop(child);
    }
  });

  it('buffers while the broker is down and delivers in order when it is back', async () => {
    // A persistent session: the broker keeps what is published for it while it reconnects.
    const s = await sub('vigil/lb-down/events', { clientId: 'vigil-test-down', clean: false });
    const { n, lines } = notifier({ router_id: 'lb-down', max_buffered: 100 });
    await connected(n);
    n.handle(ev.priority('VI_1', 100, 0));
    await s.waitCount('vigil/lb-down/events', 1);

    await broker.stop();
    await disconnected(n);
    for (let i = 1; i <= 30; i++) n.handle(ev.priority('VI_1', 100, i));
    assert.equal(n.stats().buffered, 30);
    await broker.restart();
    await connected(n);
    const got = await s.waitCount('vigil/lb-down/events', 31, 10_000);
    assert.deepEqual(
      got.map((m) => (JSON.parse(m.payload) as { to: number }).to),
      Array.from({ length: 31 }, (_, i) => i),
      'all 30 buffered, after the one before, in order',
    );
    assert.equal(n.stats().dropped, 0);
    assert.equal(n.stats().buffered, 0);
    assert.ok(lines.some((l) => /lost the connection/.test(l.msg)), 'says it lost the broker');
    assert.ok(lines.some((l) => /reconnected after .*30 buffered/.test(l.msg)), 'says it is back');
  });

  it('drops the oldest beyond max_buffered, counts them, one log line per burst', async () => {
    const s = await sub('vigil/lb-bound/events', { clientId: 'vigil-test-bound', clean: false });
    const { n, lines } = notifier({ router_id: 'lb-bound', max_buffered: 5 });
    await connected(n);
    const dropLines = (): number => lines.filter((l) => /buffer full/.test(l.msg)).length;

    for (let burst = 1; burst <= 2; burst++) {
      await broker.stop();
      await disconnected(n);
      for (let i = 0; i < 12; i++) n.handle(ev.priority('VI_1', burst, i));
      assert.equal(n.stats().buffered, 5);
      assert.equal(n.stats().dropped, 7 * burst, 'the 7 oldest of 12 are dropped and counted');
      assert.equal(dropLines(), burst, 'one line for the burst');
      assert.equal(lines.find((l) => /buffer full/.test(l.msg))?.level, LEVEL.warn);
      await broker.restart();
      const got = await s.waitCount('vigil/lb-bound/events', 5 * burst, 10_000);
      const last5 = got.slice(-5).map((m) => JSON.parse(m.payload) as { from: number; to: number });
      assert.deepEqual(last5.map((e) => [e.from, e.to]), [7, 8, 9, 10, 11].map((to) => [burst, to]), 'the 5 newest arrive, in order');
      await until(() => n.stats().buffered === 0, 'the buffer to drain');
    }
  });

  it('a stalled broker (SIGSTOP) never makes handle() wait', async () => {
    const s = await sub('vigil/lb-stall/events');
    const { n } = notifier({ router_id: 'lb-stall', max_buffered: 20_000 });
    await connected(n);
    broker.pause();
    try {
      // Fill the socket and the in-flight window while the broker reads nothing.
      const stuck = (i: number): VigilEvent => ev.check('192.0.2.10:80', `198.51.100.${i % 250}:80`, i % 2 === 0);
      for (let i = 0; i < 2000; i++) n.handle(stuck(i));
      await new Promise((r) => setTimeout(r, 300));
      assert.ok(n.stats().inflight <= n.options.window, 'never more than the window in flight');
      assert.ok(n.stats().buffered >= 2000 - n.options.window, 'the rest waits in the buffer');

      // Now measure what handle() does: it returns nothing to await, and it has queued the
      // message before it returns, with no turn of the event loop in between.
      let turned = false;
      setImmediate(() => (turned = true));
      const before = n.stats().buffered;
      for (let i = 0; i < 1000; i++) {
        const r: unknown = n.handle(stuck(i));
        assert.equal(r, undefined, 'handle() returns nothing (no promise)');
        assert.equal(n.stats().buffered, before + i + 1, 'queued by the time handle() returns');
      }
      assert.equal(turned, false, 'the 1000 calls ran without yielding to the event loop');
    } finally {
      broker.resume();
    }
    await s.waitCount('vigil/lb-stall/events', 3000, 20_000);
    assert.equal(n.stats().dropped, 0);
  });

  it('never throws out of handle(): a bad event is logged and skipped', async () => {
    const { n, lines } = notifier({ router_id: 'lb-bad' });
    const bad = { ...ev.check('192.0.2.10:80', '198.51.100.1:80', true), latencyMs: 1n } as unknown as VigilEvent;
    assert.doesNotThrow(() => n.handle(bad));
    assert.equal(lines.filter((l) => l.level === LEVEL.error && /could not queue/.test(l.msg)).length, 1);
    await n.close();
    await n.close();
  });
});
