/**
 * global_defs and the simple top-level keywords (net_namespace, instance, child_wait_time,
 * linkbeat_interfaces, interface_up_down_delays, ...): the typed model, ranges at their line:col,
 * deprecated spellings, and the status notes of what vigil does not implement. The expectations
 * follow Keepalived 2.2.7 (`keepalived -t`).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { GlobalDefsConfig } from '../../src/config/keywords/global.js';
import type { VigilConfig } from '../../src/config/keywords/root.js';
import type { Severity } from '../../src/config/diagnostics.js';
import { FILE, validate, problems, show, locOf, expectOne, expectClean } from './schema-assertions.js';


/** A global_defs block with these lines. */
const globals = (lines: string): string => `global_defs {\n${lines}}\n`;


describe('global_defs: the typed model', () => {
  it('reads identity, e-mail, VRRP defaults, scripts, FIFOs and IPVS settings', async () => {
    const text = globals(`    router_id lb-east-1
    notification_email {
        ops@example.com noc@example.org
        oncall@example.net
    }
    notification_email_from keepalived@example.com
    smtp_server 192.0.2.25 2525
    smtp_helo_name lb-east-1.example.com
    smtp_connect_timeout 30
    smtp_alert
    smtp_alert_vrrp off
    no_email_faults
    vrrp_mcast_group4 224.0.0.19
    vrrp_mcast_group6 ff02::13
    default_interface eth1
    vrrp_version 3
    vrrp_strict
    vrrp_garp_master_delay 10
    vrrp_garp_master_repeat 3
    vrrp_garp_interval 0.001
    vrrp_garp_extra_if all 120
    vrrp_startup_delay 5.5
    vrrp_rx_bufs_policy MTU
    dynamic_interfaces allow_if_changes
    script_user keepalived_script users
    enable_script_security
    startup_script "/usr/local/bin/up.sh now" root
    startup_script_timeout 20
    notify_fifo /run/keepalived.fifo root
    vrrp_notify_fifo_script /usr/local/bin/fifo.sh
    lvs_sync_daemon eth0 inst VI_1 id 5 maxlen 1400 port 8848 ttl 2 group 224.0.0.81
    lvs_timeouts tcp 900 udp 300
    lvs_flush_on_stop VS
    umask IWGRP|IWOTH
    random_seed 42
    reload_check_config
    plugin_dir /opt/vigil/plugins
    plugin_dir /usr/local/lib/vigil
`);
    const r = await validate(text);
    expectClean(r);
    const g = r.config?.global_defs as GlobalDefsConfig;
    assert.equal(g.router_id, 'lb-east-1');
    assert.deepEqual(
      g.notification_email?.map((e) => e.value),
      ['ops@example.com', 'noc@example.org', 'oncall@example.net'],
    );
    assert.deepEqual(g.notification_email?.[1]?.loc, { file: FILE, ...locOf(text, 'noc@') });
    assert.deepEqual(g.smtp_server, { host: '192.0.2.25', port: 2525 });
    assert.equal(g.smtp_connect_timeout, 30);
    assert.equal(g.smtp_alert, true);
    assert.equal(g.smtp_alert_vrrp, false);
    assert.equal(g.no_email_faults, true);
    assert.deepEqual(g.vrrp_mcast_group4, { family: 4, address: '224.0.0.19' });
    assert.deepEqual(g.vrrp_mcast_group6, { family: 6, address: 'ff02::13' });
    assert.equal(g.default_interface, 'eth1');
    assert.equal(g.vrrp_version, 3);
    assert.equal(g.vrrp_strict, true);
    assert.equal(g.vrrp_garp_master_delay, 10);
    assert.equal(g.vrrp_garp_interval, 0.001);
    assert.deepEqual(g.vrrp_garp_extra_if, { all: true, interval: 120 });
    assert.equal(g.vrrp_startup_delay, 5.5);
    assert.deepEqual(g.vrrp_rx_bufs_policy, ['MTU']);
    assert.deepEqual(g.dynamic_interfaces, { allowIfChanges: true });
    assert.deepEqual(g.script_user, { user: 'keepalived_script', group: 'users' });
    assert.equal(g.enable_script_security, true);
    assert.deepEqual(g.startup_script, { command: '/usr/local/bin/up.sh now', argv: ['/usr/local/bin/up.sh', 'now'], user: 'root' });
    assert.equal(g.startup_script_timeout, 20);
    assert.deepEqual(g.notify_fifo, { path: '/run/keepalived.fifo', user: 'root' });
    assert.deepEqual(g.vrrp_notify_fifo_script?.argv, ['/usr/local/bin/fifo.sh']);
    assert.equal(g.lvs_sync_daemon?.interface, 'eth0');
    assert.equal(g.lvs_sync_daemon?.instance?.value, 'VI_1');
    assert.equal(g.lvs_sync_daemon?.syncId, 5);
    assert.equal(g.lvs_sync_daemon?.maxLength, 1400);
    assert.equal(g.lvs_sync_daemon?.port, 8848);
    assert.equal(g.lvs_sync_daemon?.ttl, 2);
    assert.deepEqual(g.lvs_sync_daemon?.group, { family: 4, address: '224.0.0.81' });
    assert.deepEqual(g.lvs_timeouts, { tcp: 900, udp: 300 });
    assert.equal(g.lvs_flush_on_stop, 'VS');
    assert.equal(g.umask, 0o022);
    assert.equal(g.random_seed, 42);
    assert.equal(g.reload_check_config, true);
    assert.deepEqual(g.plugin_dir, ['/opt/vigil/plugins', '/usr/local/lib/vigil']);
    assert.deepEqual(g.$locs.router_id, { file: FILE, ...locOf(text, 'router_id') });
  });

  it('reads the top-level simple keywords and blocks', async () => {
    const text = `net_namespace blue
instance lb1
use_pid_dir
child_wait_time 10
linkbeat_interfaces {
    eth1 MII
    eth2
}
interface_up_down_delays {
    eth1 1.5 2
    eth2 3
}
`;
    const r = await validate(text);
    expectClean(r);
    const c = r.config as VigilConfig;
    assert.equal(c.net_namespace, 'blue');
    assert.equal(c.instance, 'lb1');
    assert.equal(c.use_pid_dir, true);
    assert.equal(c.child_wait_time, 10);
    assert.deepEqual(
      c.linkbeat_interfaces?.map(({ interface: i, method }) => [i, method]),
      [
        ['eth1', 'MII'],
        ['eth2', undefined],
      ],
    );
    assert.deepEqual(
      c.interface_up_down_delays?.map(({ interface: i, down, up }) => [i, down, up]),
      [
        ['eth1', 1.5, 2],
        ['eth2', 3, 0],
      ],
    );
  });

  it('notes once per keyword what vigil does not implement', async () => {
    const r = await validate(`net_namespace blue\n${globals('    vrrp_priority -10\n    enable_snmp_vrrp\n    vrrp_iptables\n')}`);
    expectClean(r);
    const notes = r.diags.items.filter((d) => d.code === 'unsupported-keyword').map((d) => d.message);
    assert.ok(notes.some((m) => m.startsWith("'net_namespace'")), notes.join('\n'));
    assert.ok(notes.some((m) => m.startsWith("'vrrp_priority' in 'global_defs'")), notes.join('\n'));
    assert.ok(notes.some((m) => m.startsWith("'enable_snmp_vrrp'")), notes.join('\n'));
    assert.ok(notes.some((m) => m.startsWith("'vrrp_iptables'")), notes.join('\n'));
  });
});

describe('global_defs: deprecated spellings', () => {
  it('stores lvs_process_name under checker_process_name, with a warning', async () => {
    const r = await validate(globals('    lvs_process_name ka_chk\n'));
    expectOne(r, 'deprecated', 'lvs_process_name', 'warning');
    assert.equal(r.config?.global_defs?.checker_process_name, 'ka_chk');
  });

  it('stores vrrp_rlimit_rtime and enable_snmp_keepalived under their new names', async () => {
    const r = await validate(globals('    vrrp_rlimit_rtime 10000\n    enable_snmp_keepalived\n'));
    assert.equal(r.config?.global_defs?.vrrp_rlimit_rttime, 10000);
    assert.equal(r.config?.global_defs?.enable_snmp_vrrp, true);
    assert.equal(problems(r.diags).filter((d) => d.code === 'deprecated').length, 2, show(r.diags));
  });

  it('reports vrrp_vmac_garp_intvl as Keepalived 2.2.7 does (an error naming the new keyword)', async () => {
    const d = expectOne(await validate(globals('    vrrp_vmac_garp_intvl 10\n')), 'deprecated-keyword', 'vrrp_vmac_garp_intvl');
    assert.match(d.message, /vrrp_garp_extra_if/);
  });
});

describe('global_defs: ranges and values', () => {
  const cases: [string, string, string, string, Severity?][] = [
    ['vrrp_version 4', '    vrrp_version 4\n', 'out-of-range', 'vrrp_version |4'],
    ['smtp_connect_timeout 0', '    smtp_connect_timeout 0\n', 'out-of-range', 'smtp_connect_timeout |0'],
    ['vrrp_priority 30', '    vrrp_priority 30\n', 'out-of-range', 'vrrp_priority |30'],
    ['vrrp_rt_priority 0', '    vrrp_rt_priority 0\n', 'out-of-range', 'vrrp_rt_priority |0'],
    ['a 16-character process name', '    vrrp_process_name keepalived_vrrp1\n', 'out-of-range', 'vrrp_process_name |keepalived'],
    ['a non-multicast vrrp_mcast_group4', '    vrrp_mcast_group4 192.0.2.1\n', 'bad-address', 'vrrp_mcast_group4 |192'],
    ['an IPv4 vrrp_mcast_group6', '    vrrp_mcast_group6 224.0.0.18\n', 'bad-address', 'vrrp_mcast_group6 |224'],
    ['a site-local vrrp_mcast_group6', '    vrrp_mcast_group6 ff05::12\n', 'bad-address', 'vrrp_mcast_group6 |ff05'],
    ['vrrp_garp_master_repeat 0', '    vrrp_garp_master_repeat 0\n', 'out-of-range', 'vrrp_garp_master_repeat |0'],
    ['a negative repeat', '    vrrp_garp_master_repeat -1\n', 'out-of-range', 'vrrp_garp_master_repeat |-1'],
    ['a fractional repeat', '    vrrp_garp_master_repeat 1.5\n', 'bad-number', 'vrrp_garp_master_repeat |1.5'],
    ['a garp interval with 7 decimals', '    vrrp_garp_interval 0.0000001\n', 'bad-number', 'vrrp_garp_interval |0'],
    ['vrrp_garp_extra_if 0', '    vrrp_garp_extra_if 0\n', 'out-of-range', 'vrrp_garp_extra_if |0'],
    ['vrrp_garp_extra_if without seconds', '    vrrp_garp_extra_if all\n', 'missing-argument', 'vrrp_garp_extra_if'],
    ['vrrp_down_timer_adverts 101', '    vrrp_down_timer_adverts 101\n', 'out-of-range', 'vrrp_down_timer_adverts |101'],
    ['vrrp_startup_delay 0', '    vrrp_startup_delay 0\n', 'out-of-range', 'vrrp_startup_delay |0'],
    ['a large vrrp_startup_delay', '    vrrp_startup_delay 100\n', 'large-value', 'vrrp_startup_delay |100', 'warning'],
    ['smtp_alert maybe', '    smtp_alert maybe\n', 'bad-argument', 'smtp_alert |maybe'],
    ['an unknown dynamic_interfaces option', '    dynamic_interfaces foo\n', 'bad-argument', 'dynamic_interfaces |foo'],
    ['an empty notification_email', '    notification_email {\n    }\n', 'empty-block', 'notification_email'],
    ['router_id without a name', '    router_id\n', 'missing-argument', 'router_id'],
    ['startup_script_timeout 0', '    startup_script_timeout 0\n', 'out-of-range', 'startup_script_timeout |0'],
    ['lvs_timeouts without values', '    lvs_timeouts\n', 'missing-argument', 'lvs_timeouts'],
    ['an unknown lvs_timeouts option', '    lvs_timeouts tcp 5 foo 5\n', 'bad-argument', '|foo'],
    ['an lvs_sync_daemon id of 300', '    lvs_sync_daemon eth0 inst VI_1 id 300\n', 'out-of-range', 'id |300'],
    ['a unicast lvs_sync_daemon group', '    lvs_sync_daemon eth0 group 192.0.2.1\n', 'bad-argument', 'group |192'],
    ['the old lvs_sync_daemon sync id', '    lvs_sync_daemon eth0 VI_1 5\n', 'bad-argument', 'VI_1 |5'],
    ['lvs_flush_on_stop foo', '    lvs_flush_on_stop foo\n', 'bad-argument', 'lvs_flush_on_stop |foo'],
    ['umask 01777', '    umask 01777\n', 'bad-number', 'umask |01777'],
    ['an unknown umask bit', '    umask IFOO\n', 'bad-argument', 'umask |IFOO'],
    ['max_auto_priority 100', '    max_auto_priority 100\n', 'out-of-range', 'max_auto_priority |100'],
    ['random_seed -1', '    random_seed -1\n', 'out-of-range', 'random_seed |-1'],
    ['a misspelt keyword', '    router-id x\n', 'unknown-keyword', 'router-id'],
  ];
  for (const [what, lines, code, needle, severity] of cases) {
    it(`reports ${what}`, async () => {
      expectOne(await validate(globals(lines)), code, needle, severity ?? 'error');
    });
  }

  it('reads umask as a C number (octal, hex, decimal)', async () => {
    for (const [w, v] of [['022', 0o22], ['0x12', 0x12], ['18', 18]] as const) {
      const r = await validate(globals(`    umask ${w}\n`));
      expectClean(r);
      assert.equal(r.config?.global_defs?.umask, v);
    }
  });
});

describe('top level: ranges and interfaces', () => {
  it('reports a negative child_wait_time', async () => {
    expectOne(await validate('child_wait_time -1\n'), 'out-of-range', 'child_wait_time |-1');
  });

  it('reports an up/down delay above 255 seconds', async () => {
    expectOne(await validate('interface_up_down_delays {\n    eth1 300\n}\n'), 'out-of-range', 'eth1 |300');
  });

  it('reports interfaces the host does not have in linkbeat_interfaces and interface_up_down_delays', async () => {
    const text = 'linkbeat_interfaces {\n    eth9\n}\ninterface_up_down_delays {\n    eth8 1 2\n}\n';
    const r = await validate(text);
    const found = problems(r.diags).filter((d) => d.code === 'unknown-interface');
    assert.deepEqual(
      found.map((d) => [d.severity, d.loc.line, d.loc.col]),
      [
        ['error', locOf(text, 'eth9').line, locOf(text, 'eth9').col],
        ['error', locOf(text, 'eth8').line, locOf(text, 'eth8').col],
      ],
      show(r.diags),
    );
  });

  it('reports an unknown linkbeat method', async () => {
    expectOne(await validate('linkbeat_interfaces {\n    eth1 FOO\n}\n'), 'bad-argument', 'eth1 |FOO');
  });
});
