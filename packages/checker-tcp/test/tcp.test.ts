import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import type { CheckTarget } from '@vigil/core/plugin';
import tcpCheck from '../src/index.js';
import { blackhole, type Blackhole } from './blackhole.js';
import { block, testServices } from './services.js';

function listen(server: Server, host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve) => server.listen(0, host, () => resolve((server.address() as AddressInfo).port)));
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

/** A port nothing listens on: bound once, then released. */
async function freePort(): Promise<number> {
  const s = createServer();
  const port = await listen(s);
  await close(s);
  return port;
}

const target = (port: number, extra: Partial<CheckTarget> = {}): CheckTarget => ({ family: 4, address: '127.0.0.1', port, connectTimeout: 2, ...extra });

describe('TCP_CHECK', () => {
  const checker = tcpCheck.create(block({}), testServices());
  let server: Server;
  let port: number;
  const peers: { address: string | undefined; port: number | undefined }[] = [];
  const sockets = new Set<Socket>();
  let hole: Blackhole;

  before(async () => {
    server = createServer((s) => {
      peers.push({ address: s.remoteAddress, port: s.remotePort });
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => {});
    });
    port = await listen(server);
    hole = await blackhole();
  });

  after(async () => {
    for (const s of sockets) s.destroy();
    await close(server);
    await hole.close();
  });

  it('is up when the server accepts the connection', async () => {
    const r = await checker.check(target(port), new AbortController().signal);
    assert.equal(r.ok, true, r.detail);
    assert.match(r.detail, /connected to 127\.0\.0\.1:/);
    assert.ok(r.latencyMs >= 0 && r.latencyMs < 2000);
  });

  it('is down when nothing listens (connection refused)', async () => {
    const r = await checker.check(target(await freePort()), new AbortController().signal);
    assert.equal(r.ok, false);
    assert.match(r.detail, /connection refused/);
  });

  it('connects from bindto and bind_port', async () => {
    const bindPort = await freePort();
    const before = peers.length;
    const r = await checker.check(target(port, { bindAddress: '127.0.0.2', bindPort }), new AbortController().signal);
    assert.equal(r.ok, true, r.detail);
    // The server logs the peer when it accepts, which may come just after the client's connect.
    for (let i = 0; i < 50 && peers.length === before; i++) await new Promise((res) => setTimeout(res, 10));
    const peer = peers.at(-1);
    assert.equal(peer?.address, '127.0.0.2');
    assert.equal(peer?.port, bindPort);
  });

  it('is down, with the reason, when bindto is not an address of this host', async () => {
    const r = await checker.check(target(port, { bindAddress: '203.0.113.77' }), new AbortController().signal);
    assert.equal(r.ok, false);
    assert.match(r.detail, /bindto address is not an address of this host/);
  });

  it('is down when the connection does not complete within connect_timeout', async () => {
    const t0 = performance.now();
    const r = await checker.check(target(hole.port, { connectTimeout: 0.3 }), new AbortController().signal);
    const took = performance.now() - t0;
    assert.equal(r.ok, false);
    assert.match(r.detail, /within 0\.3s \(connect_timeout\)/);
    assert.ok(took >= 250 && took < 1500, `took ${took} ms`);
  });

  it('settles promptly when aborted mid-connect', async () => {
    const ac = new AbortController();
    const t0 = performance.now();
    setTimeout(() => ac.abort(), 50);
    const r = await checker.check(target(hole.port, { connectTimeout: 30 }), ac.signal);
    const took = performance.now() - t0;
    assert.equal(r.ok, false);
    assert.equal(r.detail, 'check aborted');
    assert.ok(took < 500, `took ${took} ms`);
  });

  it('does not start when the signal is already aborted', async () => {
    const before = peers.length;
    const r = await checker.check(target(port), AbortSignal.abort());
    assert.equal(r.ok, false);
    assert.equal(r.detail, 'check aborted');
    await new Promise((res) => setTimeout(res, 50));
    assert.equal(peers.length, before);
  });

  it('leaves no socket open after a check', async () => {
    await checker.check(target(port), new AbortController().signal);
    // The server sees the close: every accepted socket is gone shortly after.
    for (let i = 0; i < 100 && sockets.size > 0; i++) await new Promise((res) => setTimeout(res, 10));
    assert.equal(sockets.size, 0);
  });
});
