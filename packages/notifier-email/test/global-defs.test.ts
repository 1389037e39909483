/**
 * Keepalived mails from global_defs alone: a configuration with smtp_server and
 * notification_email, and no `notifier email { }` block, runs the email notifier.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { Writable } from 'node:stream';
import { createLogger, Diagnostics, EventBus, NotifierHost, readConfigText, systemClock, validateDocument } from '@vigil/core';
import { ev } from './helpers/events.js';
import { TestSmtp, until } from './helpers/smtp.js';

const servers: TestSmtp[] = [];
after(async () => {
  for (const s of servers) await s.close();
});

describe('global_defs mail settings', () => {
  it('deliver a VRRP state alert through the email notifier, as Keepalived would', async () => {
    const smtp = new TestSmtp();
    servers.push(smtp);
    const port = await smtp.listen();
    const text = `global_defs {
  router_id LB1
  notification_email {
    ops@example.net
  }
  notification_email_from lb1@example.net
  smtp_server 127.0.0.1 ${port}
  smtp_connect_timeout 5
  smtp_alert
}
`;
    const diags = new Diagnostics();
    const doc = readConfigText(text, '/etc/keepalived/keepalived.conf', diags, { configId: 'test' });
    const { config, registry } = await validateDocument(doc, diags, { pluginDirs: [] });
    assert.equal(diags.sorted().filter((d) => d.severity === 'error').length, 0, JSON.stringify(diags.sorted()));
    assert.ok(config);
    assert.equal(config.notifier, undefined);
    assert.ok(registry.definition('notifier', 'email'), 'the email plugin is loaded for global_defs smtp_server');

    const bus = new EventBus();
    const log = createLogger({ level: 'error', pretty: false, destination: new Writable({ write: (_c, _e, cb) => cb() }) });
    const host = new NotifierHost(() => config.notifier ?? [], registry, bus, log, systemClock, () => 'ignored', () => config);
    await host.start();
    try {
      bus.emit(ev.instance('VI_1', 'MASTER'));
      await until(() => smtp.mails.length === 1, 'the alert');
      const mail = smtp.mails[0]!;
      assert.equal(mail.headers.get('subject'), '[LB1] VRRP Instance VI_1 - Entering MASTER state');
      assert.equal(mail.mailFrom, 'lb1@example.net');
      assert.deepEqual(mail.rcptTo, ['ops@example.net']);
    } finally {
      await host.stop();
    }
  });
});
