import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { MqttNotifier, resolveOptions } from '../src/mqtt.notifier.js';
import { haveMosquitto, Mosquitto } from './helpers/mosquitto.js';
import { stop, track, until } from './helpers/processes.js';
import { block, captureServices } from '@vigil/core/testing';
import type { PoolChangeEvent, PoolQuorumEvent, VrrpStateEvent } from '@vigil/core/plugin';

/**
 * docs/mqtt.md shows a mosquitto_sub one-liner, examples/subscribe.mjs, and what each prints.
 * This runs both, as written (pointed at a private broker), and compares with the documented output.
 */
const pkgDir = fileURLToPath(new URL('../../', import.meta.url));
const doc = readFileSync(fileURLToPath(new URL('../../../../docs/mqtt.md', import.meta.url)), 'utf8');

/** The fenced block that follows `<!-- name -->` in the doc. */
function docBlock(name: string): string[] {
  const m = new RegExp(`<!-- ${name} -->\\n\`\`\`[a-z]*\\n([\\s\\S]*?)\\n\`\`\``).exec(doc);
  assert.ok(m?.[1], `docs/mqtt.md has a block marked <!-- ${name} -->`);
  return m[1].split('\n');
}

const TIME = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z/g;
const DOC_TIME = '2025-06-01T09:30:00.000Z';

/** A line with its timestamps replaced, and its JSON parsed so that key order does not matter. */
function normal(line: string): unknown {
  const l = line.replace(TIME, DOC_TIME);
  const json = l.indexOf(' {');
  return json < 0 ? l : [l.slice(0, json), JSON.parse(l.slice(json + 1)) as unknown];
}

/** The events behind the documented output: lb1 takes VI_1 and adds one real server. */
function docEvents(): [VrrpStateEvent, PoolChangeEvent, PoolQuorumEvent] {
  const time = new Date().toISOString();
  return [
    { type: 'vrrp.state', time, scope: 'instance', name: 'VI_1', from: 'BACKUP', to: 'MASTER', priority: 100, reason: 'master down timer expired' },
    { type: 'pool.change', time, virtualServer: '192.0.2.10:80', realServer: '198.51.100.11:80', change: 'added', up: true, weight: 1, checker: 'HTTP_GET', detail: 'HTTP status 200' },
    { type: 'pool.quorum', time, virtualServer: '192.0.2.10:80', up: true, alive: 1, quorum: 1 },
  ];
}

let broker: Mosquitto;
const children: ChildProcess[] = [];
const notifiers: MqttNotifier[] = [];

before(async () => {
  assert.ok(await haveMosquitto(), 'mosquitto and mosquitto-clients are needed: `bash test/setup.sh` installs them');
  broker = await Mosquitto.start();
});

after(async () => {
  for (const n of notifiers) await n.close();
  for (const c of children) await stop(c);
  await broker?.close();
});

/**
 * Starts vigil's notifier as lb1 on a fresh broker, then the command (`sh -c`), waits until the command prints the
 * retained status (it is subscribed), sends the documented events, and returns the lines printed.
 */
async function runAgainstBroker(command: string, expected: number, firstLine: string): Promise<string[]> {
  await broker.restart(); // no retained messages from the test before
  const { services } = captureServices('warn');
  const n = new MqttNotifier(resolveOptions(block({ broker: broker.url, router_id: 'lb1' })), services);
  notifiers.push(n);
  await until(() => n.stats().connected, 'the notifier to connect');
  const child = track(spawn('sh', ['-c', `exec ${command}`], { cwd: pkgDir, stdio: ['ignore', 'pipe', 'pipe'] }));
  children.push(child);
  let out = '';
  let err = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  const lines = (): string[] => out.split('\n').filter((l) => l !== '');
  try {
    await until(() => lines().includes(firstLine), `'${firstLine}' from ${command}`);
    for (const e of docEvents()) n.handle(e);
    await until(() => lines().length >= expected, `${expected} lines from ${command}`);
  } catch (e) {
    throw new Error(`${(e as Error).message}\nstdout:\n${out}\nstderr:\n${err}`, { cause: e });
  } finally {
    await stop(child);
    await n.close();
  }
  return lines();
}

describe('docs/mqtt.md', () => {
  it('the mosquitto_sub one-liner prints the documented lines', async () => {
    const [command] = docBlock('mosquitto_sub-command');
    assert.equal(command, "mosquitto_sub -v -t 'vigil/#'");
    const expected = docBlock('mosquitto_sub-output');
    const got = await runAgainstBroker(`${command} -h 127.0.0.1 -p ${broker.port}`, expected.length, 'vigil/lb1/status online');
    assert.deepEqual(got.map(normal), expected.map(normal));
  });

  it('examples/subscribe.mjs prints the documented lines', async () => {
    const [command] = docBlock('subscribe.mjs-command');
    assert.equal(command, "node examples/subscribe.mjs mqtt://localhost:1883 'vigil/#'");
    const expected = docBlock('subscribe.mjs-output');
    const got = await runAgainstBroker((command ?? '').replace('mqtt://localhost:1883', broker.url), expected.length, 'vigil/lb1/status: online');
    assert.deepEqual(got.map(normal), expected.map(normal));
  });
});
