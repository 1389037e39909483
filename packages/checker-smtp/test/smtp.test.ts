import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import type { CheckTarget } from '@vigil/core/plugin';
import smtpCheck from '../src/index.js';
import type { SmtpConfig } from '../src/schema.js';
import { block, testServices } from './services.js';

/** How the test SMTP server behaves; each test sets what it needs. */
interface Script {
  greeting: string | null; // null: say nothing
  helo: string | null;
  quit: string | null;
}

const GOOD: Script = { greeting: '220 mx.example.com ESMTP ready\r\n', helo: '250 mx.example.com\r\n', quit: '221 bye\r\n' };

/** A small SMTP responder: the greeting, a reply to HELO, a reply to QUIT, as scripted. */
class SmtpResponder {
  readonly server: Server;
  script: Script = GOOD;
  readonly received: string[] = [];
  readonly open = new Set<Socket>();
  port = 0;

  constructor() {
    this.server = createServer((s) => {
      this.open.add(s);
      s.on('close', () => this.open.delete(s));
      s.on('error', () => {});
      s.setEncoding('latin1');
      const script = this.script;
      if (script.greeting !== null) s.write(script.greeting);
      let buf = '';
      s.on('data', (d: string) => {
        buf += d;
        let nl: number;
        while ((nl = buf.indexOf('\r\n')) >= 0) {
          const line = buf.slice(0, nl);
          buf = buf.slice(nl + 2);
          this.received.push(line);
          if (/^HELO /i.test(line) && script.helo !== null) s.write(script.helo);
          if (/^QUIT$/i.test(line) && script.quit !== null) s.end(script.quit);
        }
      });
    });
  }

  async start(host = '127.0.0.1'): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, host, resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    for (const s of this.open) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  async drained(ms = 1000): Promise<boolean> {
    const until = performance.now() + ms;
    while (this.open.size > 0 && performance.now() < until) await new Promise((r) => setTimeout(r, 10));
    return this.open.size === 0;
  }
}

describe('SMTP_CHECK', () => {
  const services = testServices();
  const smtp = new SmtpResponder();
  const other = new SmtpResponder();
  const target = (port: number, extra: Partial<CheckTarget> = {}): CheckTarget => ({ family: 4, address: '127.0.0.1', port, connectTimeout: 2, ...extra });
  const check = (config: Partial<SmtpConfig>, t: CheckTarget, signal = new AbortController().signal) => smtpCheck.create(block(config), services).check(t, signal);

  before(async () => {
    await smtp.start();
    await other.start('127.0.0.2');
  });
  after(async () => {
    await smtp.stop();
    await other.stop();
  });
  beforeEach(() => {
    smtp.script = GOOD;
    smtp.received.length = 0;
    other.script = GOOD;
    other.received.length = 0;
  });

  it('is up after 220, HELO 250 and QUIT, sending Keepalived\'s default HELO name', async () => {
    const r = await check({}, target(smtp.port));
    assert.equal(r.ok, true, r.detail);
    assert.equal(r.detail, `127.0.0.1:${smtp.port} answered HELO with 250`);
    assert.deepEqual(smtp.received, ['HELO smtpchecker.keepalived.org', 'QUIT']);
    assert.ok(await smtp.drained());
  });

  it('sends helo_name', async () => {
    const r = await check({ helo_name: 'lb check.example.org' }, target(smtp.port));
    assert.equal(r.ok, true, r.detail);
    assert.equal(smtp.received[0], 'HELO lb check.example.org');
  });

  it('reads multi-line replies whole', async () => {
    smtp.script = { ...GOOD, greeting: '220-mx.example.com ESMTP\r\n220-no UCE\r\n220 ready\r\n', helo: '250-mx.example.com\r\n250 SIZE 1000\r\n' };
    const r = await check({}, target(smtp.port));
    assert.equal(r.ok, true, r.detail);
  });

  it('is down when nothing listens', async () => {
    const s = createServer();
    await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
    const port = (s.address() as AddressInfo).port;
    await new Promise((resolve) => s.close(resolve));
    const r = await check({}, target(port));
    assert.equal(r.ok, false);
    assert.equal(r.detail, 'connection refused');
  });

  it('is down on a greeting other than 220, and does not send HELO', async () => {
    smtp.script = { ...GOOD, greeting: '554 no service for you\r\n' };
    const r = await check({}, target(smtp.port));
    assert.equal(r.ok, false);
    assert.equal(r.detail, "greeting '554 no service for you', expected 220");
    assert.deepEqual(smtp.received, []);
    assert.ok(await smtp.drained());
  });

  it('is down when HELO is not answered with 250', async () => {
    smtp.script = { ...GOOD, helo: '501 syntax error\r\n' };
    const r = await check({}, target(smtp.port));
    assert.equal(r.ok, false);
    assert.equal(r.detail, "HELO answered '501 syntax error', expected 250");
  });

  it('is down on a reply that is not SMTP', async () => {
    smtp.script = { ...GOOD, greeting: 'HTTP/1.1 400 Bad Request\r\n' };
    const r = await check({}, target(smtp.port));
    assert.equal(r.ok, false);
    assert.match(r.detail, /^malformed greeting: 'HTTP\/1\.1 400 Bad Request'$/);
  });

  it('is down when the server closes before greeting', async () => {
    smtp.script = { ...GOOD, greeting: null };
    const closing = createServer((s) => s.end());
    await new Promise<void>((resolve) => closing.listen(0, '127.0.0.1', resolve));
    try {
      const r = await check({}, target((closing.address() as AddressInfo).port));
      assert.equal(r.ok, false);
      assert.equal(r.detail, 'connection closed by the server while waiting for greeting');
    } finally {
      await new Promise((resolve) => closing.close(resolve));
    }
  });

  it('is down when the greeting is slower than connect_timeout', async () => {
    smtp.script = { ...GOOD, greeting: null };
    const t0 = performance.now();
    const r = await check({}, target(smtp.port, { connectTimeout: 0.3 }));
    const took = performance.now() - t0;
    assert.equal(r.ok, false);
    assert.equal(r.detail, 'no greeting within 0.3s (connect_timeout)');
    assert.ok(took >= 250 && took < 1500, `took ${took} ms`);
    assert.ok(await smtp.drained(), 'the checker closed its connection');
  });

  it('is down when HELO is never answered within connect_timeout', async () => {
    smtp.script = { ...GOOD, helo: null };
    const r = await check({}, target(smtp.port, { connectTimeout: 0.3 }));
    assert.equal(r.ok, false);
    assert.equal(r.detail, 'no reply to HELO within 0.3s (connect_timeout)');
  });

  it('settles promptly when aborted mid-conversation, and closes its connection', async () => {
    smtp.script = { ...GOOD, helo: null };
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 50);
    const t0 = performance.now();
    const r = await check({}, target(smtp.port, { connectTimeout: 30 }), ac.signal);
    assert.equal(r.ok, false);
    assert.equal(r.detail, 'check aborted');
    assert.ok(performance.now() - t0 < 500);
    assert.ok(await smtp.drained(), 'the checker closed its connection');
  });

  it('accepts a server that closes after QUIT without replying', async () => {
    smtp.script = { ...GOOD, quit: null };
    const closeOnQuit = createServer((s) => {
      s.setEncoding('latin1');
      s.write('220 hi\r\n');
      s.on('data', (d: string) => {
        if (d.startsWith('HELO')) s.write('250 ok\r\n');
        if (d.startsWith('QUIT')) s.end();
      });
    });
    await new Promise<void>((resolve) => closeOnQuit.listen(0, '127.0.0.1', resolve));
    try {
      const r = await check({}, target((closeOnQuit.address() as AddressInfo).port));
      assert.equal(r.ok, true, r.detail);
    } finally {
      await new Promise((resolve) => closeOnQuit.close(resolve));
    }
  });

  it('checks every (deprecated) host block instead of the real server, all must pass', async () => {
    const loc = { file: 'test.conf', line: 1, col: 1 };
    const hosts: SmtpConfig['host'] = [
      { connect_ip: { family: 4, address: '127.0.0.1' }, connect_port: smtp.port, $loc: loc },
      { connect_ip: { family: 4, address: '127.0.0.2' }, connect_port: other.port, $loc: loc },
    ];
    // The real server's own address (port 1) is not checked when hosts are given.
    const r = await check({ host: hosts }, target(1));
    assert.equal(r.ok, true, r.detail);
    assert.equal(r.detail, '2 hosts answered HELO with 250');
    assert.equal(smtp.received.length, 2);
    assert.equal(other.received.length, 2);

    other.script = { ...GOOD, helo: '421 closing\r\n' };
    const down = await check({ host: hosts }, target(1));
    assert.equal(down.ok, false);
    assert.equal(down.detail, `127.0.0.2:${other.port}: HELO answered '421 closing', expected 250`);
  });
});
