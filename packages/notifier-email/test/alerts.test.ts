import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Diagnostics, discoverPlugins, formatDiagnostic, PluginRegistry, readConfigText, validateDocument } from '@vigil/core';
import type { VigilEvent } from '@vigil/core/plugin';
import { AlertRenderer, type AlertOptions } from '../src/alerts.js';
import { resolveOptions } from '../src/email.notifier.js';
import { formatRealServer, formatVirtualServer } from '../src/keepalived-format.js';
import { ev } from './helpers/events.js';
import { block } from '@vigil/core/testing';

const registry = new PluginRegistry(discoverPlugins());
const opts: AlertOptions = { routerId: 'lb1', vrrp: true, checker: true, noFaults: false };

function render(events: VigilEvent[], o: AlertOptions = opts): ([string, string] | undefined)[] {
  const r = new AlertRenderer(o);
  return events.map((e) => {
    const a = r.render(e);
    return a ? [a.subject, a.body] : undefined;
  });
}

describe("Keepalived's alert texts", () => {
  it('VRRP instance: one alert per state entered, as vrrp_smtp_notifier words it', () => {
    assert.deepEqual(
      render([
        ev.instance('VI_1', 'BACKUP', 'INIT'),
        ev.instance('VI_1', 'MASTER'),
        ev.instance('VI_1', 'MASTER', 'MASTER'),
        ev.instance('VI_1', 'FAULT', 'MASTER'),
        ev.instance('VI_1', 'STOP', 'FAULT'),
        ev.instance('VI_1', 'DELETED', 'STOP'),
        ev.instance('VI_2', 'INIT', 'STOP'),
      ]),
      [
        ['[lb1] VRRP Instance VI_1 - Entering BACKUP state', '=> VRRP Instance is no longer owning VRRP VIPs <='],
        ['[lb1] VRRP Instance VI_1 - Entering MASTER state', '=> VRRP Instance is now owning VRRP VIPs <='],
        undefined, // the same state again: Keepalived's last_email_state
        ['[lb1] VRRP Instance VI_1 - Entering FAULT state', '=> VRRP Instance is no longer owning VRRP VIPs <='],
        ['[lb1] VRRP Instance VI_1 - Stopping', '=> VRRP Instance stopping <='],
        ['[lb1] VRRP Instance VI_1 - Deleted', '=> VRRP Deleted at reload <='],
        undefined, // INIT is never mailed
      ],
    );
  });

  it('VRRP sync group, as vrrp_sync_smtp_notifier words it', () => {
    assert.deepEqual(
      render([ev.group('G1', 'MASTER'), ev.group('G1', 'BACKUP', 'MASTER'), ev.group('G1', 'FAULT', 'BACKUP'), ev.group('G1', 'STOP', 'FAULT'), ev.group('G2', 'DELETED')]),
      [
        ['[lb1] VRRP Group G1 - Entering MASTER state', '=> All VRRP group instances are now in MASTER state <='],
        ['[lb1] VRRP Group G1 - Entering BACKUP state', '=> All VRRP group instances are now in BACKUP state <='],
        ['[lb1] VRRP Group G1 - Entering FAULT state', '=> All VRRP group instances are now in FAULT state <='],
        ['[lb1] VRRP Group G1 - Stopping', '=> All VRRP group instances are now stopping <='],
        undefined, // Keepalived 2.2.7 mails no DELETED for groups
      ],
    );
  });

  it('real server up and down, with each checker\'s body', () => {
    const vs = '192.0.2.10:80';
    const rs = '198.51.100.11:80';
    const subject = (s: string): string => `[lb1] Realserver [198.51.100.11]:tcp:80 of virtual server [192.0.2.10]:tcp:80 - ${s}`;
    const cases: [string, string | undefined, string, string][] = [
      ['TCP_CHECK', undefined, '=> TCP CHECK succeed on service <=', '=> TCP CHECK failed on service <='],
      ['HTTP_GET', 'HTTP status 503', '=> CHECK succeed on service <=', '=> CHECK failed on service : HTTP request failed <='],
      ['SSL_GET', undefined, '=> CHECK succeed on service <=', '=> CHECK failed on service : HTTP request failed <='],
      ['SMTP_CHECK', 'Bad HELO response', '=> CHECK succeed on service <=', '=> CHECK failed on service : Bad HELO response <='],
      ['MISC_CHECK', 'exit status 1', '=> MISC CHECK succeeded on service <=', '=> MISC CHECK failed on service <='],
      ['MISC_CHECK', 'timed out after 5s', '=> MISC CHECK succeeded on service <=', '=> MISC CHECK timed out on service <='],
      ['DNS_CHECK', undefined, '=> DNS_CHECK: succeed on service <=', '=> DNS_CHECK: failed on service <='],
      ['vigil-checker-x', undefined, '=> CHECK succeed on service <=', '=> CHECK failed on service <='],
    ];
    for (const [checker, detail, up, down] of cases) {
      assert.deepEqual(render([ev.pool(vs, rs, false, checker, detail), ev.pool(vs, rs, true, checker, detail), ev.pool(vs, rs, false, checker, detail)]), [
        [subject('DOWN'), down],
        [subject('UP'), up],
        [subject('DOWN'), down],
      ], checker);
    }
  });

  it('a real server removed without a checker: Removing, or Shutting down at shutdown', () => {
    assert.deepEqual(render([ev.pool('192.0.2.10:80', '198.51.100.11:80', false, null), ev.lifecycle('stopping'), ev.pool('192.0.2.10:80', '198.51.100.12:80', false, null)]), [
      ['[lb1] Realserver [198.51.100.11]:tcp:80 of virtual server [192.0.2.10]:tcp:80 - DOWN', '=> Removing <='],
      undefined,
      ['[lb1] Realserver [198.51.100.12]:tcp:80 of virtual server [192.0.2.10]:tcp:80 - DOWN', '=> Shutting down <='],
    ]);
  });

  it('a weight change is not mailed', () => {
    assert.deepEqual(render([{ ...ev.pool('192.0.2.10:80', '198.51.100.11:80', true), change: 'weight', weight: 5 }]), [undefined]);
  });

  it('quorum gained and lost, as do_vs_notifies words it', () => {
    assert.deepEqual(
      render([ev.quorum('192.0.2.10:80', true, 3, 2), ev.quorum('192.0.2.10:80', true, 4, 2), ev.quorum('192.0.2.10:80', false, 1, 2), ev.quorum('fwmark 7', true, 1, 1)]),
      [
        ['[lb1] Virtualserver [192.0.2.10]:tcp:80 - UP', '=> Gained quorum 2+0=2 <= 3 <='],
        undefined,
        ['[lb1] Virtualserver [192.0.2.10]:tcp:80 - DOWN', '=> Lost quorum 2+0=2 <= 1 <='],
        ['[lb1] Virtualserver FWM 7 - UP', '=> Gained quorum 1+0=1 <= 1 <='],
      ],
    );
    // A hysteresis, once events carry one, is printed as Keepalived prints it.
    const withH = { ...ev.quorum('192.0.2.10:80', false, 1, 3), hysteresis: 1 } as VigilEvent;
    assert.deepEqual(render([withH]), [['[lb1] Virtualserver [192.0.2.10]:tcp:80 - DOWN', '=> Lost quorum 3+1=2 <= 1 <=']]);
  });

  it('smtp_alert_vrrp off, smtp_alert_checker off, no_email_faults', () => {
    assert.deepEqual(render([ev.instance('VI_1', 'MASTER'), ev.pool('192.0.2.10:80', '198.51.100.11:80', true)], { ...opts, vrrp: false }), [undefined, ['[lb1] Realserver [198.51.100.11]:tcp:80 of virtual server [192.0.2.10]:tcp:80 - UP', '=> TCP CHECK succeed on service <=']]);
    assert.deepEqual(render([ev.pool('192.0.2.10:80', '198.51.100.11:80', true), ev.quorum('192.0.2.10:80', true, 1, 1)], { ...opts, checker: false }), [undefined, undefined]);
    assert.deepEqual(render([ev.instance('VI_1', 'FAULT'), ev.instance('VI_1', 'MASTER', 'FAULT')], { ...opts, noFaults: true }).map((a) => a?.[0]), [undefined, '[lb1] VRRP Instance VI_1 - Entering MASTER state']);
  });

  it("formats servers as Keepalived's FMT_VS / FMT_RS", () => {
    assert.equal(formatVirtualServer('192.0.2.10:80'), '[192.0.2.10]:tcp:80');
    assert.equal(formatVirtualServer('192.0.2.10 80', 'udp'), '[192.0.2.10]:udp:80');
    assert.equal(formatVirtualServer('[2001:db8::10]:443'), '[2001:db8::10]:tcp:443');
    assert.equal(formatVirtualServer('fwmark 1'), 'FWM 1');
    assert.equal(formatVirtualServer('group web'), '[web]:0');
    assert.equal(formatRealServer('198.51.100.11:8080', '192.0.2.10:80'), '[198.51.100.11]:tcp:8080');
    assert.equal(formatRealServer('198.51.100.11:0', 'fwmark 1'), '[198.51.100.11]:none:0');
    assert.equal(formatRealServer('[2001:db8::11]:80', '[2001:db8::10]:80', 'sctp'), '[2001:db8::11]:sctp:80');
  });
});

async function notifierBlock(lines: string[]): Promise<{ errors: string[]; config: Record<string, unknown> | undefined }> {
  const diags = new Diagnostics();
  const text = ['notifier email {', ...lines.map((l) => '    ' + l), '}', ''].join('\n');
  const { config } = await validateDocument(readConfigText(text, 'test.conf', diags), diags, { registry });
  const blocks = (config as { notifier?: { type: string; config: Record<string, unknown> }[] } | undefined)?.notifier;
  return { errors: diags.errors.map(formatDiagnostic), config: blocks?.[0]?.config };
}

describe('notifier email block', () => {
  it('is found from package.json as the plugin @vigil/notifier-email', () => {
    const claim = registry.claim('notifier', 'email');
    assert.equal(claim?.plugin.name, '@vigil/notifier-email');
  });

  it('validates every keyword', async () => {
    const r = await notifierBlock([
      'smtp_server 192.0.2.25 2525',
      'smtp_helo_name lb1.example.net',
      'smtp_connect_timeout 10',
      'from lb1@example.net',
      'to ops@example.net oncall@example.net',
      'to boss@example.net',
      'starttls required',
      'tls_verify off',
      'ca_file /etc/vigil/smtp-ca.pem',
      'username lb1',
      'password s3cret',
      'router_id lb1',
      'queue_size 50',
      'retries 5',
      'retry_delay 2.5',
      'smtp_alert_vrrp on',
      'smtp_alert_checker off',
      'no_email_faults',
    ]);
    assert.deepEqual(r.errors, []);
    assert.deepEqual(r.config?.smtp_server, { host: '192.0.2.25', port: 2525 });
    assert.deepEqual(r.config?.to, [['ops@example.net', 'oncall@example.net'], ['boss@example.net']]);
    assert.equal(r.config?.no_email_faults, true);
  });

  it('reports bad values at their line and column', async () => {
    const r = await notifierBlock(['smtp_server mail.example.net 99999', 'to ops@example.net not-an-address', 'starttls maybe', 'retries -1']);
    assert.equal(r.errors.length, 4, r.errors.join('\n'));
    assert.match(r.errors[0] ?? '', /^test\.conf:2:34: .*out of range/);
    assert.match(r.errors[1] ?? '', /^test\.conf:3:24: .*'not-an-address' is not an e-mail address/);
    assert.match(r.errors[2] ?? '', /^test\.conf:4:14: .*on\|off\|required/);
    assert.match(r.errors[3] ?? '', /^test\.conf:5:13: /);
  });

  it('needs smtp_server and to; defaults as Keepalived', () => {
    assert.throws(() => resolveOptions(block({ to: [['a@b']] })), /'smtp_server' is required/);
    assert.throws(() => resolveOptions(block({ smtp_server: { host: 'x', port: 25 } })), /'to' is required/);
    const o = resolveOptions(block({ smtp_server: { host: '192.0.2.25', port: 25 }, to: [['a@example.net']] }));
    assert.equal(o.timeoutMs, 30_000, 'smtp_connect_timeout 30');
    assert.match(o.from, /^[^@]+@[^@]+$/, '<user>@<host name>');
    assert.equal(o.starttls, 'on');
    assert.equal(o.tlsVerify, true);
  });
});
