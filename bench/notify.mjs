#!/usr/bin/env node
// bench/notify: the MQTT notifier against a local mosquitto (started here on a free loopback port,
// stopped at the end).
//
//   node bench/notify.mjs [--events N]
//
// 1. Throughput: N events emitted on the kernel's event bus in one burst, through the MQTT notifier,
//    until the broker has acknowledged every message (QoS 1, then QoS 0), and a subscriber's count.
// 2. A stalled broker (SIGSTOP): the time one bus emit takes with the MQTT notifier subscribed,
//    beside the same emit with no notifier: what a broker that stops reading costs the kernel.
// Each part reports the event loop's delay (p99 / max) while it ran.
//
// Needs `npm run build` and mosquitto (bash test/setup.sh installs it). Prints figures; writes nothing.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { MqttNotifier, resolveOptions } = await import(pathToFileURL(join(root, 'packages/notifier-mqtt/dist/src/index.js')).href);
const { EventBus, createLogger, systemClock } = await import(pathToFileURL(join(root, 'packages/core/dist/src/index.js')).href);
const mqtt = await import('mqtt');

const eventsArg = process.argv.indexOf('--events');
const N = eventsArg > 0 ? Number(process.argv[eventsArg + 1]) : 100_000;
const STALLED_CALLS = 100_000;

const dir = mkdtempSync(join(tmpdir(), 'vigil-bench-notify-'));
let broker;

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

async function startBroker(port) {
  const conf = join(dir, 'mosquitto.conf');
  writeFileSync(conf, [`listener ${port} 127.0.0.1`, 'allow_anonymous true', 'user root', 'persistence false', 'max_queued_messages 0', 'log_dest stderr', 'log_type error', 'log_type information', ''].join('\n'));
  const proc = spawn('mosquitto', ['-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  await new Promise((resolve, reject) => {
    const onExit = (code) => reject(new Error(`mosquitto exited (${code}): ${err}`));
    proc.once('error', reject);
    proc.once('exit', onExit);
    proc.stderr.setEncoding('utf8');
    proc.stderr.on('data', (d) => {
      err += d;
      if (/mosquitto version \S+ running/.test(err)) {
        proc.off('exit', onExit);
        proc.off('error', reject);
        resolve();
      }
    });
  });
  return proc;
}

const until = async (cond, what, ms = 60_000) => {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
};

const time = new Date().toISOString();
/** Alternates the event types that have a state topic (2 messages) and one that has none (1). */
function event(i) {
  switch (i % 3) {
    case 0:
      return { type: 'vrrp.state', time, scope: 'instance', name: `VI_${i % 100}`, from: 'BACKUP', to: 'MASTER', priority: 100, reason: 'master down timer expired' };
    case 1:
      return { type: 'pool.change', time, virtualServer: '192.0.2.10:80', realServer: `198.51.100.${i % 250}:80`, change: 'added', up: true, weight: 1, checker: 'HTTP_GET', detail: 'HTTP status 200' };
    default:
      return { type: 'check.result', time, virtualServer: '192.0.2.10:80', realServer: `198.51.100.${i % 250}:80`, checker: 'HTTP_GET', ok: true, detail: 'HTTP status 200', latencyMs: 1.2 };
  }
}
const messagesPerEvent = (i) => (i % 3 === 2 ? 1 : 2);

const services = (bus) => ({ log: createLogger({ level: 'silent' }), clock: systemClock, events: bus });
const ms = (ns) => (ns / 1e6).toFixed(2);
const fmt = (n) => Math.round(n).toLocaleString('en-US');

async function throughput(url, qos) {
  const bus = new EventBus();
  const sub = mqtt.connect(url, { clientId: `bench-sub-${qos}` });
  let received = 0;
  sub.on('message', () => received++);
  await new Promise((r) => sub.on('connect', () => sub.subscribe(`bench/q${qos}/#`, { qos: 0 }, r)));
  const n = new MqttNotifier(resolveOptions({ broker: url, topic_prefix: `bench/q${qos}`, qos, max_buffered: 4 * N, $loc: {}, $locs: {} }), services(bus));
  bus.onAny((e) => n.handle(e));
  await until(() => n.stats().connected, 'the notifier to connect');
  await until(() => received >= 1, 'the status message');
  received = 0;
  let total = 0;
  for (let i = 0; i < N; i++) total += messagesPerEvent(i);

  const t0 = performance.now();
  for (let i = 0; i < N; i++) bus.emit(event(i));
  const tEmit = performance.now();
  // The event loop's delay while the notifier delivers the burst (the burst itself is the emitter's).
  const h = monitorEventLoopDelay({ resolution: 1 });
  h.enable();
  await until(() => n.stats().sent >= total, 'every message to be acknowledged');
  const tAck = performance.now();
  await until(() => received >= total, 'the subscriber to receive every message', 30_000).catch(() => {});
  const tSub = performance.now();
  h.disable();
  await n.close();
  await new Promise((r) => sub.end(true, r));
  return {
    qos,
    total,
    emitMs: tEmit - t0,
    eventsPerS: N / ((tAck - t0) / 1000),
    messagesPerS: total / ((tAck - t0) / 1000),
    subPerS: received >= total ? total / ((tSub - t0) / 1000) : NaN,
    received,
    dropped: n.stats().dropped,
    lagP99: h.percentile(99),
    lagMax: h.max,
  };
}

/** ns per bus.emit() over `calls` calls, timed in blocks of 1000 (p50 / p99 of the blocks' means). */
function emitCost(bus, calls) {
  const block = 1000;
  const means = [];
  for (let b = 0; b < calls / block; b++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < block; i++) bus.emit(event(b * block + i));
    means.push(Number(process.hrtime.bigint() - t0) / block);
  }
  means.sort((a, b) => a - b);
  return { mean: means.reduce((a, b) => a + b, 0) / means.length, p50: means[Math.floor(means.length / 2)], p99: means[Math.floor(means.length * 0.99)] };
}

async function stalled(url) {
  // Baseline: the bus with no notifier.
  const bare = new EventBus();
  emitCost(bare, STALLED_CALLS); // warm-up
  const none = emitCost(bare, STALLED_CALLS);

  const bus = new EventBus();
  const n = new MqttNotifier(resolveOptions({ broker: url, topic_prefix: 'bench/stall', max_buffered: 10_000, $loc: {}, $locs: {} }), services(bus));
  bus.onAny((e) => n.handle(e));
  await until(() => n.stats().connected, 'the notifier to connect');
  broker.kill('SIGSTOP');
  try {
    // Let the in-flight window and the socket fill while the broker reads nothing.
    for (let i = 0; i < 5000; i++) bus.emit(event(i));
    await new Promise((r) => setTimeout(r, 500));
    const h = monitorEventLoopDelay({ resolution: 1 });
    h.enable();
    emitCost(bus, STALLED_CALLS); // warm-up
    const withMqtt = emitCost(bus, STALLED_CALLS);
    await new Promise((r) => setTimeout(r, 200));
    h.disable();
    return { none, withMqtt, stats: n.stats(), lagP99: h.percentile(99), lagMax: h.max, notifier: n };
  } finally {
    broker.kill('SIGCONT');
  }
}

try {
  const port = await freePort();
  broker = await startBroker(port);
  const url = `mqtt://127.0.0.1:${port}`;
  const v = process.versions;
  console.log(`bench/notify: MQTT notifier -> mosquitto on 127.0.0.1 (node ${v.node}, ${N.toLocaleString('en-US')} events per run)`);
  console.log('');
  console.log('1. throughput, one burst on the event bus until the broker acknowledged everything');
  console.log('qos | messages | emit loop ms | events/s | messages/s | at subscriber msg/s | dropped | loop delay while delivering p99/max ms');
  for (const qos of [1, 0]) {
    const r = await throughput(url, qos);
    console.log(
      `${r.qos} | ${fmt(r.total)} | ${r.emitMs.toFixed(0)} | ${fmt(r.eventsPerS)} | ${fmt(r.messagesPerS)} | ${Number.isNaN(r.subPerS) ? `${fmt(r.received)} received` : fmt(r.subPerS)} | ${r.dropped} | ${ms(r.lagP99)}/${ms(r.lagMax)}`,
    );
  }
  console.log('');
  console.log(`2. stalled broker (SIGSTOP): ns per bus.emit(), ${STALLED_CALLS.toLocaleString('en-US')} calls, blocks of 1000`);
  const s = await stalled(url);
  console.log('subscriber | mean ns | p50 ns | p99 ns');
  console.log(`no notifier | ${s.none.mean.toFixed(0)} | ${s.none.p50.toFixed(0)} | ${s.none.p99.toFixed(0)}`);
  console.log(`mqtt notifier, broker stopped | ${s.withMqtt.mean.toFixed(0)} | ${s.withMqtt.p50.toFixed(0)} | ${s.withMqtt.p99.toFixed(0)}`);
  console.log(
    `while stopped: in flight ${s.stats.inflight}, buffered ${s.stats.buffered} (max_buffered 10000), dropped ${fmt(s.stats.dropped)}, loop delay p99/max ${ms(s.lagP99)}/${ms(s.lagMax)} ms`,
  );
  await s.notifier.close();
  console.log('');
  console.log('reproduce: node bench/notify.mjs' + (eventsArg > 0 ? ` --events ${N}` : ''));
} finally {
  if (broker && broker.exitCode === null) {
    broker.kill('SIGCONT');
    broker.kill('SIGTERM');
    await new Promise((r) => broker.once('exit', r));
  }
  rmSync(dir, { recursive: true, force: true });
}
