import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Diagnostics } from '../../src/config/diagnostics.js';
import { checkerCommonFields } from '../../src/config/keywords/checker-common.js';
import type { VigilConfig } from '../../src/config/keywords/root.js';
import { readConfigText } from '../../src/config/reader/index.js';
import { validateDocument } from '../../src/config/validate.js';
import { emailBlockFromGlobalDefs } from '../../src/kernel/keepalived-email.js';
import { PluginRegistry } from '../../src/plugin/registry.js';

const FILE = '/etc/keepalived/keepalived.conf';
const host = { interfaceExists: (name: string): boolean => name === 'eth0' };

async function load(text: string): Promise<VigilConfig | undefined> {
  const diags = new Diagnostics();
  const doc = readConfigText(text, FILE, diags, { configId: 'test' });
  const registry = new PluginRegistry({ plugins: [], problems: [], searched: [] }, { checkerCommonFields });
  const { config } = await validateDocument(doc, diags, { registry, host });
  return config;
}

const INSTANCE = `vrrp_instance VI_1 {\n  state BACKUP\n  interface eth0\n  virtual_router_id 51\n  priority 100\n  virtual_ipaddress {\n    192.0.2.10/24\n  }\n}\n`;

describe('emailBlockFromGlobalDefs', () => {
  it("derives the email notifier's settings from Keepalived's global_defs", async () => {
    const config = await load(`global_defs {
  notification_email {
    ops@example.net
    oncall@example.net
  }
  notification_email_from lb1@example.net
  smtp_server 192.0.2.25 2525
  smtp_helo_name lb1.example.net
  smtp_connect_timeout 12
  router_id LB1
  smtp_alert
  smtp_alert_checker off
  no_email_faults
}
${INSTANCE}`);
    const block = emailBlockFromGlobalDefs(config);
    assert.ok(block);
    assert.equal(block.type, 'email');
    const { $loc, $locs, ...values } = block.config as Record<string, unknown>;
    assert.deepEqual(values, {
      smtp_server: { host: '192.0.2.25', port: 2525 },
      to: [['ops@example.net', 'oncall@example.net']],
      from: 'lb1@example.net',
      smtp_helo_name: 'lb1.example.net',
      smtp_connect_timeout: 12,
      router_id: 'LB1',
      smtp_alert_vrrp: true,
      smtp_alert_checker: false,
      no_email_faults: true,
    });
    assert.deepEqual($loc, { file: FILE, line: 7, col: 3 });
    assert.equal((($locs as Record<string, { line: number }>)['to'])?.line, 2);
  });

  it('defaults the port to 25 and VRRP mail to what the instances say', async () => {
    const off = emailBlockFromGlobalDefs(await load(`global_defs {\n  notification_email { a@example.net }\n  smtp_server mail.example.net\n}\n${INSTANCE}`));
    assert.ok(off);
    const c = off.config as Record<string, unknown>;
    assert.deepEqual(c['smtp_server'], { host: 'mail.example.net', port: 25 });
    assert.deepEqual(c['to'], [['a@example.net']]);
    assert.equal(c['smtp_alert_vrrp'], false);
    assert.equal('smtp_alert_checker' in c, false);
    assert.equal('from' in c, false);

    const on = emailBlockFromGlobalDefs(
      await load(`global_defs {\n  notification_email { a@example.net }\n  smtp_server mail.example.net\n}\n${INSTANCE.replace('priority 100', 'priority 100\n  smtp_alert')}`),
    );
    assert.equal((on?.config as Record<string, unknown>)['smtp_alert_vrrp'], true);
  });

  it('derives nothing without smtp_server or notification_email', async () => {
    assert.equal(emailBlockFromGlobalDefs(await load(`global_defs {\n  notification_email { a@example.net }\n}\n${INSTANCE}`)), undefined);
    assert.equal(emailBlockFromGlobalDefs(await load(`global_defs {\n  smtp_server 192.0.2.25\n}\n${INSTANCE}`)), undefined);
    assert.equal(emailBlockFromGlobalDefs(await load(INSTANCE)), undefined);
    assert.equal(emailBlockFromGlobalDefs(undefined), undefined);
  });
});
