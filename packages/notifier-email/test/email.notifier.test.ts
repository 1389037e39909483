import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { VigilEvent } from '@vigil/core/plugin';
import { EmailNotifier, resolveOptions, type EmailOptions } from '../src/email.notifier.js';
import { ev } from './helpers/events.js';
import { block, captureServices, LEVEL, type LogLine } from '@vigil/core/testing';
import { closedPort, silentServer, TestSmtp, until } from './helpers/smtp.js';
import { makePki, type TestPki } from './helpers/tls.js';

/** Real SMTP servers (the smtp-server package) on loopback ports: plain, STARTTLS, STARTTLS + AUTH. */
let pki: TestPki;
const servers: TestSmtp[] = [];
const notifiers: EmailNotifier[] = [];

async function smtp(options: ConstructorParameters<typeof TestSmtp>[0] = {}, port = 0): Promise<TestSmtp> {
  const s = new TestSmtp(options);
  servers.push(s);
  await s.listen(port);
  return s;
}

function notifier(config: Record<string, unknown>, patch: Partial<EmailOptions> = {}, level: Parameters<typeof captureServices>[0] = 'info'): { n: EmailNotifier; lines: LogLine[] } {
  const { services, lines } = captureServices(level);
  const options = resolveOptions(
    block({ from: 'lb1@example.net', to: [['ops@example.net', 'oncall@example.net']], router_id: 'lb1', smtp_connect_timeout: 2, starttls: 'off', ...config }),
  );
  const n = new EmailNotifier({ ...options, ...patch }, services);
  notifiers.push(n);
  return { n, lines };
}

const at = (port: number): { host: string; port: number } => ({ host: '127.0.0.1', port });

before(async () => {
  pki = await makePki();
});

after(async () => {
  for (const n of notifiers) await n.close();
  for (const s of servers) await s.close();
  await pki?.remove();
});

describe('e-mail notifier against an SMTP server', () => {
  it("sends each alert with Keepalived's subject, body and headers", async () => {
    const server = await smtp();
    const { n, lines } = notifier({ smtp_server: at(server.port), smtp_helo_name: 'lb1.example.net' });
    const events: [VigilEvent, string, string][] = [
      [ev.instance('VI_1', 'MASTER'), '[lb1] VRRP Instance VI_1 - Entering MASTER state', '=> VRRP Instance is now owning VRRP VIPs <='],
      [ev.group('G_web', 'BACKUP', 'MASTER'), '[lb1] VRRP Group G_web - Entering BACKUP state', '=> All VRRP group instances are now in BACKUP state <='],
      [
        ev.pool('192.0.2.10:80', '198.51.100.11:80', true, 'HTTP_GET'),
        '[lb1] Realserver [198.51.100.11]:tcp:80 of virtual server [192.0.2.10]:tcp:80 - UP',
        '=> CHECK succeed on service <=',
      ],
      [
        ev.pool('192.0.2.10:80', '198.51.100.11:80', false, 'TCP_CHECK'),
        '[lb1] Realserver [198.51.100.11]:tcp:80 of virtual server [192.0.2.10]:tcp:80 - DOWN',
        '=> TCP CHECK failed on service <=',
      ],
      [ev.quorum('192.0.2.10:80', false, 0, 1), '[lb1] Virtualserver [192.0.2.10]:tcp:80 - DOWN', '=> Lost quorum 1+0=1 <= 0 <='],
      [ev.instance('VI_1', 'STOP', 'MASTER'), '[lb1] VRRP Instance VI_1 - Stopping', '=> VRRP Instance stopping <='],
    ];
    for (const [e] of events) n.handle(e);
    await until(() => server.mails.length === events.length, `${events.length} mails`);
    events.forEach(([e, subject, body], i) => {
      const m = server.mails[i];
      assert.ok(m);
      assert.equal(m.headers.get('subject'), subject, 'subject');
      assert.equal(m.body, `${body}\r\n`, 'body: the line and CRLF, as Keepalived');
      assert.equal(m.headers.get('from'), 'lb1@example.net');
      assert.equal(m.headers.get('to'), 'ops@example.net, oncall@example.net');
      assert.equal(m.headers.get('x-mailer'), 'Keepalived');
      assert.equal(m.headers.get('content-transfer-encoding'), '7bit');
      assert.equal(new Date(m.headers.get('date') ?? '').getTime(), Math.floor(new Date(e.time).getTime() / 1000) * 1000, 'Date: the time of the event');
      assert.equal(m.mailFrom, 'lb1@example.net');
      assert.deepEqual(m.rcptTo, ['ops@example.net', 'oncall@example.net']);
      assert.equal(m.helo, 'lb1.example.net');
      assert.equal(m.secure, false);
    });
    // The server has the last message before the client has its 250 reply.
    await until(() => n.stats().sent === events.length, 'the last reply');
    assert.equal(lines.filter((l) => l.msg === 'SMTP alert successfully sent.').length, events.length);
    assert.deepEqual(lines.filter((l) => l.level >= LEVEL.warn), []);
  });

  it('when SMTP is down: retried, then dropped with exactly one log line', async () => {
    const port = await closedPort();
    const { n, lines } = notifier({ smtp_server: at(port), retries: 2, retry_delay: 0.02 });
    n.handle(ev.instance('VI_1', 'MASTER'));
    await until(() => n.stats().dropped === 1, 'the alert to be dropped');
    assert.equal(n.stats().retried, 2, 'tried 1 + 2 times');
    assert.equal(n.stats().sent, 0);
    assert.equal(lines.length, 1, `one line: ${JSON.stringify(lines)}`);
    assert.equal(lines[0]?.level, LEVEL.warn);
    assert.match(lines[0]?.msg ?? '', /alert dropped after 3 attempts: .*ECONNREFUSED/);
    assert.equal(lines[0]?.subject, '[lb1] VRRP Instance VI_1 - Entering MASTER state');
  });

  it('when SMTP comes back before the last retry, the alert goes out', async () => {
    const port = await closedPort();
    const { n, lines } = notifier({ smtp_server: at(port), retries: 10, retry_delay: 0.05 });
    n.handle(ev.instance('VI_3', 'MASTER'));
    await until(() => n.stats().retried >= 1, 'a first failure');
    const server = await smtp({}, port);
    await until(() => server.mails.length === 1, 'the mail after a retry');
    assert.equal(server.mails[0]?.headers.get('subject'), '[lb1] VRRP Instance VI_3 - Entering MASTER state');
    assert.equal(n.stats().dropped, 0);
    assert.deepEqual(lines.filter((l) => l.level >= LEVEL.warn), []);
  });

  it('a full queue drops its oldest alerts, with one line per burst, and sends the rest in order', async () => {
    const port = await closedPort();
    const { n, lines } = notifier({ smtp_server: at(port), queue_size: 3, retries: 100, retry_delay: 0.05 });
    for (let i = 1; i <= 6; i++) n.handle(ev.instance(`VI_${i}`, 'MASTER'));
    assert.equal(n.stats().dropped, 3);
    assert.equal(lines.filter((l) => /queue full/.test(l.msg)).length, 1);
    const server = await smtp({}, port);
    await until(() => server.mails.length === 3, '3 mails');
    assert.deepEqual(
      server.mails.map((m) => m.headers.get('subject')),
      [4, 5, 6].map((i) => `[lb1] VRRP Instance VI_${i} - Entering MASTER state`),
    );
  });

  it('a hanging server never makes handle() wait, and close() gives up on it promptly', async () => {
    const hang = await silentServer();
    try {
      const { n, lines } = notifier({ smtp_server: at(hang.port), smtp_connect_timeout: 30 }, { closeTimeoutMs: 300 });
      n.handle(ev.instance('VI_1', 'MASTER'));
      await until(() => hang.sockets.size === 1, 'the connection to the silent server');
      let turned = false;
      setImmediate(() => (turned = true));
      for (let i = 0; i < 50; i++) {
        const r: unknown = n.handle(ev.pool('192.0.2.10:80', `198.51.100.${i}:80`, true));
        assert.equal(r, undefined, 'handle() returns nothing to await');
        assert.equal(n.stats().queued, 2 + i, 'queued by the time handle() returns');
      }
      assert.equal(turned, false, 'no turn of the event loop during the calls');
      const t0 = Date.now();
      await n.close();
      assert.ok(Date.now() - t0 < 2000, `close() took ${Date.now() - t0} ms`);
      assert.equal(n.stats().dropped, 51);
      assert.equal(lines.filter((l) => /closing with 51 alerts not sent/.test(l.msg)).length, 1);
      await until(() => hang.sockets.size === 0, 'the connection to be closed');
    } finally {
      await hang.close();
    }
  });

  it('uses STARTTLS when offered, verifying the server with ca_file', async () => {
    const server = await smtp({ tls: { key: pki.key, cert: pki.cert } });
    const { n, lines } = notifier({ smtp_server: at(server.port), starttls: 'on', ca_file: pki.caFile });
    n.handle(ev.instance('VI_1', 'BACKUP', 'MASTER'));
    await until(() => server.mails.length === 1, 'the mail');
    assert.equal(server.mails[0]?.secure, true, 'sent over TLS');
    assert.deepEqual(lines.filter((l) => l.level >= LEVEL.warn), []);
  });

  it('refuses an unverified certificate unless tls_verify is off', async () => {
    const server = await smtp({ tls: { key: pki.key, cert: pki.cert } });
    const bad = notifier({ smtp_server: at(server.port), starttls: 'on', retries: 0 });
    bad.n.handle(ev.instance('VI_1', 'MASTER'));
    await until(() => bad.n.stats().dropped === 1, 'the alert to be dropped');
    assert.match(bad.lines[0]?.msg ?? '', /certificate/i);
    assert.equal(server.mails.length, 0);

    const lax = notifier({ smtp_server: at(server.port), starttls: 'on', tls_verify: false });
    lax.n.handle(ev.instance('VI_1', 'MASTER'));
    await until(() => server.mails.length === 1, 'the mail');
    assert.equal(server.mails[0]?.secure, true);
  });

  it('starttls required fails on a server without STARTTLS; off never upgrades', async () => {
    const plain = await smtp();
    const required = notifier({ smtp_server: at(plain.port), starttls: 'required', retries: 0 });
    required.n.handle(ev.instance('VI_1', 'MASTER'));
    await until(() => required.n.stats().dropped === 1, 'the alert to be dropped');
    assert.match(required.lines[0]?.msg ?? '', /STARTTLS/);
    assert.equal(plain.mails.length, 0);

    const tls = await smtp({ tls: { key: pki.key, cert: pki.cert } });
    const off = notifier({ smtp_server: at(tls.port), starttls: 'off' });
    off.n.handle(ev.instance('VI_1', 'MASTER'));
    await until(() => tls.mails.length === 1, 'the mail');
    assert.equal(tls.mails[0]?.secure, false);
  });

  it('authenticates with username and password over STARTTLS; a wrong password is dropped with one line', async () => {
    const server = await smtp({ tls: { key: pki.key, cert: pki.cert }, auth: { user: 'lb1', password: 's3cret' } });
    const good = notifier({ smtp_server: at(server.port), starttls: 'required', ca_file: pki.caFile, username: 'lb1', password: 's3cret' });
    good.n.handle(ev.instance('VI_1', 'MASTER'));
    await until(() => server.mails.length === 1, 'the mail');
    assert.equal(server.mails[0]?.user, 'lb1');
    assert.equal(server.mails[0]?.secure, true);

    const bad = notifier({ smtp_server: at(server.port), starttls: 'required', ca_file: pki.caFile, username: 'lb1', password: 'wrong', retries: 1, retry_delay: 0.02 });
    bad.n.handle(ev.instance('VI_1', 'MASTER'));
    await until(() => bad.n.stats().dropped === 1, 'the alert to be dropped');
    assert.equal(bad.lines.length, 1);
    assert.match(bad.lines[0]?.msg ?? '', /dropped after 2 attempts: .*Invalid (login|username)/i);
    assert.equal(server.mails.length, 1);
  });

  it('never throws out of handle()', () => {
    const { n } = notifier({ smtp_server: at(1) });
    assert.doesNotThrow(() => n.handle({ type: 'vrrp.state' } as unknown as VigilEvent));
    assert.doesNotThrow(() => n.handle(null as unknown as VigilEvent));
  });
});
