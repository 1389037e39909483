import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Diagnostics, discoverPlugins, formatDiagnostic, PluginRegistry, readConfigText, validateDocument } from '@vigil/core';
import { messagesFor, topicSegment } from '../src/topics.js';
import { BoundedQueue } from '../src/bounded-queue.js';
import { resolveOptions } from '../src/mqtt.notifier.js';
import { ev, oneOfEach } from './helpers/events.js';
import { assertValid } from './helpers/schemas.js';
import { block } from '@vigil/core/testing';

const registry = new PluginRegistry(discoverPlugins());

async function notifierBlock(lines: string[]): Promise<{ errors: string[]; config: Record<string, unknown> | undefined }> {
  const diags = new Diagnostics();
  const text = ['notifier mqtt {', ...lines.map((l) => '    ' + l), '}', ''].join('\n');
  const { config } = await validateDocument(readConfigText(text, 'test.conf', diags), diags, { registry });
  const blocks = (config as { notifier?: { type: string; config: Record<string, unknown> }[] } | undefined)?.notifier;
  return { errors: diags.errors.map(formatDiagnostic), config: blocks?.[0]?.config };
}

describe('topic segments', () => {
  it('keeps addresses and names, maps spaces to _ and escapes what MQTT forbids', () => {
    const cases: [string, string][] = [
      ['192.0.2.10:80', '192.0.2.10:80'],
      ['[2001:db8::10]:443', '[2001:db8::10]:443'],
      ['VI_1', 'VI_1'],
      ['fwmark 1', 'fwmark_1'],
      ['group web', 'group_web'],
      ['a/b', 'a%2Fb'],
      ['a+b#c', 'a%2Bb%23c'],
      ['50%', '50%25'],
      ['tab\there', 'tab_here'],
      ['nul\u0000', 'nul%00'],
      ['', '_'],
      ['é', 'é'],
    ];
    for (const [name, seg] of cases) assert.equal(topicSegment(name), seg, name);
  });
});

describe('messages', () => {
  it('renders each event type to its state topic and to <prefix>/events, valid against the schemas', () => {
    const topics: string[] = [];
    for (const e of oneOfEach()) {
      const msgs = messagesFor(e, 'vigil/r1', true);
      const events = msgs.at(-1);
      assert.equal(events?.topic, 'vigil/r1/events');
      assert.equal(events?.retain, false);
      assert.deepEqual(assertValid('event', events?.payload ?? ''), JSON.parse(JSON.stringify(e)));
      for (const m of msgs.slice(0, -1)) {
        assert.equal(m.retain, true);
        topics.push(m.topic);
      }
    }
    assert.deepEqual(topics, [
      'vigil/r1/vrrp/VI_1/state',
      'vigil/r1/vrrp_group/G_web/state',
      'vigil/r1/pool/192.0.2.10:80/198.51.100.11:80/state',
      'vigil/r1/pool/fwmark_1/198.51.100.12:0/state',
      'vigil/r1/pool/192.0.2.10:80/quorum',
    ]);
  });

  it('gives the state payloads of the schemas, names unescaped', () => {
    const [state] = messagesFor(ev.instance('VI/1', 'MASTER', 'BACKUP', 150), 'p', true);
    assert.equal(state?.topic, 'p/vrrp/VI%2F1/state');
    const payload = assertValid('vrrp-instance-state', state?.payload ?? '') as Record<string, unknown>;
    assert.deepEqual(Object.keys(payload), ['instance', 'state', 'previous', 'priority', 'reason', 'time']);
    assert.equal(payload.instance, 'VI/1');
    assert.equal(payload.state, 'MASTER');
    assert.equal(payload.previous, 'BACKUP');
    assert.equal(payload.priority, 150);

    const [rs] = messagesFor(ev.pool('fwmark 1', '198.51.100.12:0', false, { checker: undefined, detail: undefined }), 'p', false);
    assert.equal(rs?.retain, false, 'retain off applies to state topics');
    const rsPayload = assertValid('real-server-state', rs?.payload ?? '') as Record<string, unknown>;
    assert.equal(rsPayload.checker, null);
    assert.equal(rsPayload.virtualServer, 'fwmark 1');

    const [q] = messagesFor(ev.quorum('group web', false, 1, 2), 'p', true);
    assert.equal(q?.topic, 'p/pool/group_web/quorum');
    assertValid('quorum', q?.payload ?? '');
  });

  it('rejects payloads that do not match (the schemas are strict)', () => {
    assert.throws(() => assertValid('quorum', JSON.stringify({ virtualServer: 'x', up: 'yes', alive: 1, quorum: 1, time: new Date().toISOString() })), /up/);
    assert.throws(() => assertValid('event', JSON.stringify({ type: 'vrrp.state', time: 'yesterday' })));
  });
});

describe('bounded queue', () => {
  it('drops the oldest beyond its capacity and keeps order', () => {
    const q = new BoundedQueue<number>(3);
    const dropped: number[] = [];
    for (let i = 1; i <= 5; i++) {
      const d = q.push(i);
      if (d) dropped.push(d.dropped);
    }
    assert.deepEqual(dropped, [1, 2]);
    assert.deepEqual([q.shift(), q.shift(), q.shift(), q.shift()], [3, 4, 5, undefined]);
  });
});

describe('notifier mqtt block', () => {
  it('is found from package.json as the plugin @vigil/notifier-mqtt', () => {
    const claim = registry.claim('notifier', 'mqtt');
    assert.equal(claim?.plugin.name, '@vigil/notifier-mqtt');
    assert.equal(claim?.plugin.apiVersion, '^1.0.0');
  });

  it('validates every keyword', async () => {
    const r = await notifierBlock([
      'broker mqtts://broker.example.net:8883',
      'client_id vigil-lb1',
      'username vigil',
      'password s3cret',
      'ca_file /etc/vigil/ca.pem',
      'cert_file /etc/vigil/client.pem',
      'key_file /etc/vigil/client.key',
      'router_id lb1',
      'topic_prefix site/a/',
      'qos 2',
      'retain off',
      'max_buffered 500',
      'keepalive 15',
      'connect_timeout 2.5',
      'reconnect_delay 0.5',
      'reconnect_max_delay 60',
    ]);
    assert.deepEqual(r.errors, []);
    assert.equal(r.config?.broker, 'mqtts://broker.example.net:8883');
    assert.equal(r.config?.topic_prefix, 'site/a');
    assert.equal(r.config?.qos, 2);
    assert.equal(r.config?.retain, false);
    assert.equal(r.config?.connect_timeout, 2.5);
  });

  it('reports a bad broker, prefix or qos at its line and column', async () => {
    const r = await notifierBlock(['broker http://example.net', 'topic_prefix a/+/b', 'qos 3', 'brokr mqtt://x']);
    assert.equal(r.errors.length, 4, r.errors.join('\n'));
    assert.match(r.errors[0] ?? '', /^test\.conf:2:12: .*http:\/\/ is not supported/);
    assert.match(r.errors[1] ?? '', /^test\.conf:3:18: .*'\+' or '#'/);
    assert.match(r.errors[2] ?? '', /^test\.conf:4:9: .*out of range 0\.\.2/);
    assert.match(r.errors[3] ?? '', /^test\.conf:5:5: .*did you mean 'broker'/);
  });

  it('defaults: prefix vigil/<router_id>, QoS 1, retain on', () => {
    const o = resolveOptions(block({ router_id: 'lb 1' }));
    assert.equal(o.prefix, 'vigil/lb_1');
    assert.equal(o.qos, 1);
    assert.equal(o.retain, true);
    assert.equal(o.broker, 'mqtt://localhost:1883');
    assert.match(o.clientId, /^vigil-lb_1-[0-9a-f]{6}$/);
  });

  it('names the option when a PEM file cannot be read', () => {
    assert.throws(() => resolveOptions(block({ ca_file: '/nonexistent/ca.pem' })), /notifier mqtt: ca_file \/nonexistent\/ca\.pem: ENOENT/);
    assert.throws(() => resolveOptions(block({ cert_file: '/x.pem' })), /cert_file and key_file go together/);
  });
});
