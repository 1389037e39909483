import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { connect as tcpConnect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { createWebSocketStream, WebSocketServer } from 'ws';
import { MqttNotifier, resolveOptions } from '../src/mqtt.notifier.js';
import { makePki, type TestPki } from './helpers/certs.js';
import { ev } from './helpers/events.js';
import { haveMosquitto, Mosquitto } from './helpers/mosquitto.js';
import { sleep, until } from './helpers/processes.js';
import { block, captureServices, LEVEL, type LogLine } from '@vigil/core/testing';
import { Subscriber } from './helpers/subscriber.js';

/**
 * Password authentication (mosquitto_passwd), TLS with a CA and client certificates made now with
 * openssl, and MQTT over WebSockets — each against a private mosquitto on a free loopback port.
 */
let pki: TestPki;
let auth: Mosquitto;
let tls: Mosquitto;
let plain: Mosquitto;
const open: { close(): Promise<void> }[] = [];

function notifier(config: Record<string, unknown>): { n: MqttNotifier; lines: LogLine[] } {
  const { services, lines } = captureServices('info');
  const n = new MqttNotifier(resolveOptions(block({ reconnect_delay: 0.05, reconnect_max_delay: 0.2, connect_timeout: 2, ...config })), services);
  open.push(n);
  return { n, lines };
}

async function delivered(url: string, sub: Parameters<typeof Subscriber.connect>[2], config: Record<string, unknown>, routerId: string): Promise<void> {
  const s = await Subscriber.connect(url, `vigil/${routerId}/#`, sub);
  open.push(s);
  const { n, lines } = notifier({ ...config, router_id: routerId });
  await until(() => n.stats().connected, `${routerId} to connect`);
  n.handle(ev.instance('VI_1', 'MASTER'));
  await s.waitFor((m) => m.some((x) => x.topic === `vigil/${routerId}/vrrp/VI_1/state`), 'the state topic');
  await n.close();
  assert.deepEqual(lines.filter((l) => l.level >= LEVEL.warn), []);
}

/** Fails to connect: one error line naming the cause, handle() keeps buffering, close() is prompt. */
async function refused(config: Record<string, unknown>, cause: RegExp): Promise<void> {
  const { n, lines } = notifier(config);
  await until(() => lines.some((l) => l.level === LEVEL.error), 'the error to be logged');
  await sleep(400); // several reconnect attempts
  const errors = lines.filter((l) => l.level === LEVEL.error);
  assert.equal(errors.length, 1, 'one error line per outage, not one per attempt');
  assert.match(errors[0]?.msg ?? '', cause);
  assert.equal(n.stats().connected, false);
  assert.doesNotThrow(() => n.handle(ev.instance('VI_1', 'BACKUP')));
  assert.equal(n.stats().buffered, 2);
  const t0 = Date.now();
  await n.close();
  assert.ok(Date.now() - t0 < 1000, 'close() does not wait for a broker it cannot reach');
}

before(async () => {
  assert.ok(await haveMosquitto(), 'mosquitto, mosquitto_sub and mosquitto_passwd are needed: `bash test/setup.sh` installs them');
  pki = await makePki();
  auth = await Mosquitto.start({ auth: { user: 'vigil', password: 's3cret pass' } });
  tls = await Mosquitto.start({ tls: { ca: pki.ca, cert: pki.serverCert, key: pki.serverKey, requireCertificate: true } });
  plain = await Mosquitto.start();
});

after(async () => {
  for (const o of open.reverse()) await o.close().catch(() => {});
  await auth?.close();
  await tls?.close();
  await plain?.close();
  await pki?.remove();
});

describe('MQTT notifier: authentication, TLS, WebSockets', () => {
  it('logs in with username and password', async () => {
    await delivered(auth.url, { username: 'vigil', password: 's3cret pass' }, { broker: auth.url, username: 'vigil', password: 's3cret pass' }, 'lb-auth');
  });

  it('reports a wrong password once and keeps buffering', async () => {
    await refused({ broker: auth.url, username: 'vigil', password: 'wrong', router_id: 'lb-badpass' }, /Not authorized|Bad username or password/);
  });

  it('connects over TLS with ca_file and a client certificate', async () => {
    await delivered(
      tls.url,
      { ca: readFileSync(pki.ca), cert: readFileSync(pki.clientCert), key: readFileSync(pki.clientKey) },
      { broker: tls.url, ca_file: pki.ca, cert_file: pki.clientCert, key_file: pki.clientKey },
      'lb-tls',
    );
  });

  it('refuses a broker whose certificate the CA did not sign', async () => {
    await refused({ broker: tls.url, ca_file: pki.otherCa, cert_file: pki.clientCert, key_file: pki.clientKey, router_id: 'lb-wrongca' }, /certificate/i);
  });

  it('speaks MQTT over WebSockets (ws://)', async () => {
    // Debian's mosquitto cannot open a loopback-only WebSockets listener here, so a small bridge
    // (the `ws` package) carries each WebSocket connection to mosquitto's TCP listener.
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
    let bridged = 0;
    wss.on('connection', (socket) => {
      bridged++;
      const ws = createWebSocketStream(socket);
      const tcp = tcpConnect(plain.port, '127.0.0.1');
      ws.pipe(tcp).pipe(ws);
      ws.on('error', () => tcp.destroy());
      tcp.on('error', () => ws.destroy());
    });
    open.push({ close: () => new Promise<void>((resolve) => { for (const c of wss.clients) c.terminate(); wss.close(() => resolve()); }) });
    const url = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/mqtt`;
    await delivered(plain.url, {}, { broker: url }, 'lb-ws');
    assert.equal(bridged, 1, 'the notifier came in through the WebSocket bridge');
  });
});
