/**
 * vrrp_instance, vrrp_script, track_file, vrrp_sync_group, garp_group, the static entries and the
 * cross-block VRRP checks: the typed model they produce, and every range, required keyword and
 * reference check at its line:col. The expectations follow Keepalived 2.2.7 (`keepalived -t`): what
 * makes it fail is an error here.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { VrrpInstanceConfig } from '../../src/config/keywords/vrrp.js';
import type { Severity } from '../../src/config/diagnostics.js';
import { FILE, validate, problems, show, locOf, expectOne, expectClean } from './schema-assertions.js';


/** A minimal valid instance with extra lines inside. */
function instance(body: string, opts: { name?: string; vrid?: number; iface?: string; vip?: string } = {}): string {
  return `vrrp_instance ${opts.name ?? 'VI_1'} {
    interface ${opts.iface ?? 'eth0'}
    virtual_router_id ${opts.vrid ?? 51}
    virtual_ipaddress {
        ${opts.vip ?? '192.0.2.10/24'}
    }
${body}}
`;
}

const SECURITY = 'global_defs {\n    enable_script_security\n}\n';

describe('vrrp_instance: the typed model', () => {
  it('reads a full instance', async () => {
    const text = `${SECURITY}vrrp_script chk_web {
    script "/usr/bin/test -f /run/web.ok"
    interval 2
    timeout 3
    weight -20 reverse
    rise 2
    fall 3
    user root
}
track_file tf_maint {
    file "/run/maint"
    weight 5
    init_file 0 overwrite
}
vrrp_instance VI_1 {
    state BACKUP
    interface eth0
    virtual_router_id 51
    priority 150
    advert_int 1
    version 2
    mcast_src_ip 192.0.2.1
    track_src_ip
    authentication {
        auth_type PASS
        auth_pass s3cret
    }
    use_vmac vrrp.51 02:00:5e:00:10
    vmac_xmit_base
    virtual_ipaddress {
        192.0.2.10/24 dev eth0 brd + scope global label eth0:vip
        192.0.2.11 no_track preferred_lft forever
        192.0.2.12/32 dev eth1 peer 192.0.2.99 home -nodad noprefixroute autojoin
    }
    virtual_ipaddress_excluded {
        2001:db8::10/64 dev eth1
    }
    virtual_routes {
        src 192.0.2.10 to 198.51.100.0/24 via 192.0.2.254 dev eth0 metric 10 table 100
        blackhole 203.0.113.0/28 no_track
        198.51.100.128/25 dev eth1 nexthop via 192.0.2.252 dev eth0 weight 1 nexthop via 192.0.2.253 dev eth0 weight 2
    }
    virtual_rules {
        from 192.0.2.10/32 table 100 preference 100
        not to 198.51.100.0/24 iif eth1 fwmark 0x10/0xff lookup main priority 101 no_track
    }
    unicast_peer {
        192.0.2.2 min_ttl 250 max_ttl 255
        192.0.2.3
    }
    unicast_ttl 64
    track_interface {
        eth1 weight -10
        eth2 weight 5 reverse
    }
    track_script {
        chk_web
        chk_web2 weight 10 noreverse
    }
    track_file {
        tf_maint weight -3 reverse
    }
    nopreempt
    preempt_delay 0
    notify_master "/etc/keepalived/master.sh VI_1" root
    notify /etc/keepalived/notify.sh
    notify_deleted
    garp_master_delay 3
    garp_master_repeat 2
    down_timer_adverts 4
    lower_prio_no_advert on
    strict_mode off
    no_accept
}
vrrp_script chk_web2 {
    script /bin/true
}
`;
    const r = await validate(text);
    expectClean(r);
    const inst = r.config?.vrrp_instance?.[0] as VrrpInstanceConfig;
    assert.equal(inst.name, 'VI_1');
    assert.deepEqual(inst.nameLoc, { file: FILE, ...locOf(text, 'VI_1 {') });
    assert.equal(inst.state, 'BACKUP');
    assert.equal(inst.interface?.value, 'eth0');
    assert.deepEqual(inst.interface?.loc, { file: FILE, ...locOf(text, 'interface |eth0') });
    assert.equal(inst.virtual_router_id, 51);
    assert.equal(inst.priority, 150);
    assert.equal(inst.advert_int, 1);
    assert.equal(inst.version, 2);
    assert.deepEqual(inst.mcast_src_ip, { family: 4, address: '192.0.2.1' });
    assert.equal(inst.track_src_ip, true);
    assert.equal(inst.authentication?.auth_type, 'PASS');
    assert.equal(inst.authentication?.auth_pass, 's3cret');
    assert.equal(inst.use_vmac?.ifname?.value, 'vrrp.51');
    assert.equal(inst.use_vmac?.mac, '02:00:5e:00:10');
    assert.equal(inst.use_vmac?.useVrid, true);
    assert.equal(inst.vmac_xmit_base, true);

    const vips = inst.virtual_ipaddress ?? [];
    assert.equal(vips.length, 3);
    assert.deepEqual(vips[0]?.address, { family: 4, address: '192.0.2.10', prefixLength: 24, explicitPrefix: true });
    assert.equal(vips[0]?.dev?.value, 'eth0');
    assert.equal(vips[0]?.brd, '+');
    assert.equal(vips[0]?.scope, 'global');
    assert.equal(vips[0]?.label, 'eth0:vip');
    assert.deepEqual(vips[0]?.words, ['dev', 'eth0', 'brd', '+', 'scope', 'global', 'label', 'eth0:vip']);
    assert.deepEqual(vips[0]?.loc, { file: FILE, ...locOf(text, '192.0.2.10/24 dev') });
    assert.deepEqual(vips[1]?.address, { family: 4, address: '192.0.2.11', prefixLength: 32, explicitPrefix: false });
    assert.equal(vips[1]?.noTrack, true);
    assert.equal(vips[1]?.preferredLft, 'forever');
    assert.deepEqual(vips[2]?.peer, { family: 4, address: '192.0.2.99' });
    assert.equal(vips[2]?.home, true);
    assert.equal(vips[2]?.noDad, true);
    assert.equal(vips[2]?.noPrefixRoute, true);
    assert.equal(vips[2]?.autojoin, true);
    assert.equal(inst.virtual_ipaddress_excluded?.[0]?.address.family, 6);

    const routes = inst.virtual_routes ?? [];
    assert.equal(routes.length, 3);
    assert.deepEqual(routes[0]?.to, { family: 4, address: '198.51.100.0', prefixLength: 24, explicitPrefix: true });
    assert.deepEqual(routes[0]?.src, { family: 4, address: '192.0.2.10' });
    assert.deepEqual(routes[0]?.via, { family: 4, address: '192.0.2.254' });
    assert.equal(routes[0]?.dev?.value, 'eth0');
    assert.equal(routes[0]?.metric, 10);
    assert.equal(routes[0]?.table, '100');
    assert.equal(routes[0]?.family, 4);
    assert.equal(routes[1]?.type, 'blackhole');
    assert.equal(routes[1]?.noTrack, true);
    assert.deepEqual(
      routes[2]?.nexthops?.map((h) => [h.via?.address, h.dev?.value, h.weight]),
      [
        ['192.0.2.252', 'eth0', 1],
        ['192.0.2.253', 'eth0', 2],
      ],
    );

    const rules = inst.virtual_rules ?? [];
    assert.deepEqual(rules[0]?.from, { family: 4, address: '192.0.2.10', prefixLength: 32, explicitPrefix: true });
    assert.equal(rules[0]?.table, '100');
    assert.equal(rules[0]?.action, 'table');
    assert.equal(rules[0]?.preference, 100);
    assert.equal(rules[1]?.not, true);
    assert.equal(rules[1]?.iif?.value, 'eth1');
    assert.deepEqual(rules[1]?.fwmark, { mark: 16, mask: 255 });
    assert.equal(rules[1]?.table, 'main');
    assert.equal(rules[1]?.preference, 101);
    assert.equal(rules[1]?.noTrack, true);

    assert.deepEqual(
      inst.unicast_peer?.map((p) => [p.address.address, p.minTtl, p.maxTtl]),
      [
        ['192.0.2.2', 250, 255],
        ['192.0.2.3', undefined, undefined],
      ],
    );
    assert.equal(inst.unicast_ttl, 64);
    assert.deepEqual(
      inst.track_interface?.map(({ name, weight, reverse }) => ({ name, weight, reverse })),
      [
        { name: 'eth1', weight: -10, reverse: undefined },
        { name: 'eth2', weight: 5, reverse: true },
      ],
    );
    assert.deepEqual(
      inst.track_script?.map(({ name, weight, reverse }) => ({ name, weight, reverse })),
      [
        { name: 'chk_web', weight: undefined, reverse: undefined },
        { name: 'chk_web2', weight: 10, reverse: false },
      ],
    );
    assert.equal(inst.track_file?.[0]?.weight, -3);
    assert.equal(inst.nopreempt, true);
    assert.equal(inst.preempt_delay, 0);
    assert.deepEqual(inst.notify_master, { command: '/etc/keepalived/master.sh VI_1', argv: ['/etc/keepalived/master.sh', 'VI_1'], user: 'root' });
    assert.deepEqual(inst.notify?.argv, ['/etc/keepalived/notify.sh']);
    assert.equal(inst.notify_deleted, true);
    assert.equal(inst.garp_master_delay, 3);
    assert.equal(inst.garp_master_repeat, 2);
    assert.equal(inst.down_timer_adverts, 4);
    assert.equal(inst.lower_prio_no_advert, true);
    assert.equal(inst.strict_mode, false);
    assert.equal(inst.no_accept, true);
    assert.deepEqual(inst.$locs.priority, { file: FILE, ...locOf(text, 'priority 150') });

    const script = r.config?.vrrp_script?.find((s) => s.name === 'chk_web');
    assert.deepEqual(script?.script?.argv, ['/usr/bin/test', '-f', '/run/web.ok']);
    assert.equal(script?.interval, 2);
    assert.equal(script?.timeout, 3);
    assert.deepEqual(script?.weight, { weight: -20, reverse: true });
    assert.equal(script?.rise, 2);
    assert.equal(script?.fall, 3);
    assert.deepEqual(script?.user, { user: 'root' });
    const tf = r.config?.track_file?.[0];
    assert.equal(tf?.name, 'tf_maint');
    assert.equal(tf?.file, '/run/maint');
    assert.deepEqual(tf?.weight, { weight: 5, reverse: false });
    assert.deepEqual(tf?.init_file, { value: 0, overwrite: true });
  });

  it('reads a sync group, a garp_group, a track_group and the static entries', async () => {
    const text = `${SECURITY}vrrp_script chk {
    script /bin/true
}
track_group TG {
    group {
        VI_1
    }
}
static_ipaddress {
    192.0.2.50/24 dev eth0 scope link track_group TG
}
static_routes {
    198.51.100.0/24 via 192.0.2.254 dev eth0 track_group TG
}
static_rules {
    from 192.0.2.50 iif eth0 table 5 preference 100 track_group TG
}
garp_group {
    garp_interval 0.001
    gna_interval 0.002
    interfaces {
        eth1 eth2
    }
}
vrrp_sync_group SG {
    group {
        VI_1
        VI_2
    }
    track_script {
        chk
    }
    notify_master /bin/true
    smtp_alert
}
${instance('')}${instance('', { name: 'VI_2', vrid: 52, iface: 'eth1', vip: '198.51.100.10/24' })}`;
    const r = await validate(text);
    expectClean(r);
    const sg = r.config?.vrrp_sync_group?.[0];
    assert.equal(sg?.name, 'SG');
    assert.deepEqual(
      sg?.group?.map((m) => m.value),
      ['VI_1', 'VI_2'],
    );
    assert.deepEqual(sg?.group?.[1]?.loc, { file: FILE, ...locOf(text, 'VI_2', 1) });
    assert.equal(sg?.smtp_alert, true);
    assert.equal(r.config?.track_group?.[0]?.group?.[0]?.value, 'VI_1');
    assert.equal(r.config?.static_ipaddress?.[0]?.trackGroup?.value, 'TG');
    assert.equal(r.config?.static_routes?.[0]?.trackGroup?.value, 'TG');
    assert.equal(r.config?.static_rules?.[0]?.trackGroup?.value, 'TG');
    const gg = r.config?.garp_group?.[0];
    assert.equal(gg?.garp_interval, 0.001);
    assert.deepEqual(
      gg?.interfaces?.map((i) => i.value),
      ['eth1', 'eth2'],
    );
  });

  it('stores vrrp_track_file under track_file, with a warning', async () => {
    const text = `vrrp_track_file tf {\n    file /run/x\n}\n${instance('    track_file {\n        tf weight 0\n    }\n')}`;
    const r = await validate(text);
    expectOne(r, 'deprecated', 'vrrp_track_file', 'warning');
    assert.equal(r.config?.track_file?.[0]?.name, 'tf');
  });
});

describe('vrrp_instance: ranges and values', () => {
  const cases: [string, string, string, string][] = [
    // [what, body line, code, needle]
    ['priority above 255', '    priority 256\n', 'out-of-range', 'priority |256'],
    ['priority 0', '    priority 0\n', 'out-of-range', 'priority |0'],
    ['advert_int below 10 ms', '    advert_int 0.001\n', 'out-of-range', 'advert_int |0.001'],
    ['advert_int above 255', '    advert_int 300\n', 'out-of-range', 'advert_int |300'],
    ['unknown state', '    state LEADER\n', 'bad-argument', 'state |LEADER'],
    ['version 4', '    version 4\n', 'out-of-range', 'version |4'],
    ['preempt_delay above 1000', '    preempt_delay 1001\n', 'out-of-range', 'preempt_delay |1001'],
    ['debug 5', '    debug 5\n', 'out-of-range', 'debug |5'],
    ['down_timer_adverts 0', '    down_timer_adverts 0\n', 'out-of-range', 'down_timer_adverts |0'],
    ['garp_master_repeat 0', '    garp_master_repeat 0\n', 'out-of-range', 'garp_master_repeat |0'],
    ['unicast_ttl 256', '    unicast_ttl 256\n    unicast_peer {\n        192.0.2.2\n    }\n', 'out-of-range', 'unicast_ttl |256'],
    ['non-multicast mcast_dst_ip', '    mcast_dst_ip 192.0.2.5\n', 'bad-address', 'mcast_dst_ip |192.0.2.5'],
    ['bad source address', '    mcast_src_ip 192.0.2.300\n', 'bad-address', 'mcast_src_ip |192.0.2.300'],
    ['track_interface weight 254', '    track_interface {\n        eth1 weight 254\n    }\n', 'out-of-range', 'weight |254'],
    ['track_interface noreverse', '    track_interface {\n        eth1 weight 5 noreverse\n    }\n', 'unknown-option', 'weight 5 |noreverse'],
    ['unicast_peer min_ttl > max_ttl', '    unicast_peer {\n        192.0.2.2 min_ttl 10 max_ttl 5\n    }\n', 'out-of-range', '192.0.2.2 min_ttl'],
    ['auth_pass of 9 characters', '    authentication {\n        auth_type PASS\n        auth_pass 123456789\n    }\n', 'out-of-range', 'auth_pass |123456789'],
    ['unknown auth_type', '    authentication {\n        auth_type SHA\n    }\n', 'bad-argument', 'auth_type |SHA'],
    ['VMAC with a multicast MAC', '    use_vmac 03:11:22:33:44:55\n', 'bad-address', 'use_vmac |03'],
    ['a second notify_master', `    notify_master /bin/true\n    notify_master /bin/false\n`, 'duplicate-keyword', 'notify_master /bin/false'],
    ['vmac_garp_intvl, withdrawn', '    use_vmac\n    vmac_garp_intvl 5\n', 'deprecated-keyword', 'vmac_garp_intvl'],
    ['linkbeat_use_polling in an instance', '    linkbeat_use_polling\n', 'deprecated-keyword', 'linkbeat_use_polling'],
    ['misspelt keyword', '    priorty 100\n', 'unknown-keyword', 'priorty'],
  ];
  for (const [what, body, code, needle] of cases) {
    it(`reports ${what}`, async () => {
      const text = (what.includes('notify') ? SECURITY : '') + instance(body);
      expectOne(await validate(text), code, needle);
    });
  }

  it('suggests the keyword meant', async () => {
    const d = expectOne(await validate(instance('    priorty 100\n')), 'unknown-keyword', 'priorty');
    assert.match(d.message, /did you mean 'priority'/);
  });
});

describe('address, route and rule lines', () => {
  const vip = (line: string): string => instance('', { vip: line });
  const route = (line: string): string => instance(`    virtual_routes {\n        ${line}\n    }\n`);
  const rule = (line: string): string => instance(`    virtual_rules {\n        ${line}\n    }\n`);
  const cases: [string, string, string, string, Severity?][] = [
    ['a bad VIP', vip('192.0.2.300/24'), 'bad-address', '192.0.2.300/24'],
    ['a VIP prefix length of 33', vip('192.0.2.10/33'), 'bad-address', '192.0.2.10/33'],
    ['an unknown VIP option', vip('192.0.2.10/24 dev eth0 foo'), 'unknown-option', '|foo'],
    ['a bad scope', vip('192.0.2.10/24 scope galaxy'), 'bad-argument', 'scope |galaxy'],
    ['a VIP without a dev name', vip('192.0.2.10/24 dev'), 'missing-argument', '192.0.2.10/24 dev'],
    ['a VIP on a missing interface', vip('192.0.2.10/24 dev eth9'), 'unknown-interface', 'dev |eth9'],
    ['track_group on a VIP', vip('192.0.2.10/24 track_group G'), 'unknown-option', '|track_group'],
    ["'gw' in a route", route('198.51.100.0/24 gw 192.0.2.254 dev eth0'), 'deprecated-keyword', '|gw'],
    ["'or' in a route", route('198.51.100.0/24 via 192.0.2.254 or 192.0.2.253 dev eth0'), 'deprecated-keyword', '|or '],
    ['an unknown route option', route('198.51.100.0/24 dev eth0 proto static'), 'unknown-option', '|proto'],
    ['a tracked route without dev', route('198.51.100.0/24 via 192.0.2.254'), 'untrackable-route', '198.51.100.0/24 via'],
    ['a tracked route with another protocol', route('198.51.100.0/24 dev eth0 protocol kernel'), 'untrackable-route', 'protocol |kernel'],
    ['pref on an IPv4 route', route('198.51.100.0/24 dev eth0 pref high'), 'bad-option', '|pref'],
    ['a route mixing families', route('198.51.100.0/24 via 2001:db8::1 dev eth0'), 'mixed-family', '|2001:db8::1'],
    ['a nexthop weight of 300', route('198.51.100.0/24 dev eth0 nexthop via 192.0.2.1 dev eth0 weight 300'), 'out-of-range', 'weight |300'],
    ['a route on a missing interface', route('198.51.100.0/24 dev eth7'), 'unknown-interface', 'dev |eth7'],
    ['a rule without preference', rule('from 192.0.2.0/24 table 100'), 'missing-preference', 'from 192.0.2.0/24'],
    ['an unknown rule option', rule('from 192.0.2.0/24 table 100 preference 5 pref 6'), 'unknown-option', '|pref 6'],
    ['realms on a goto rule', rule('from 192.0.2.0/24 goto 40 realms 1/2 preference 5'), 'bad-option', '|realms'],
    ['a rule mixing families', rule('from 192.0.2.0/24 to 2001:db8::/64 table 1 preference 5'), 'mixed-family', '|2001:db8::/64'],
    ['a rule on a missing interface', rule('iif eth9 table 1 preference 5'), 'unknown-interface', 'iif |eth9'],
  ];
  for (const [what, text, code, needle, severity] of cases) {
    it(`reports ${what}`, async () => {
      expectOne(await validate(text), code, needle, severity ?? 'error');
    });
  }

  it('accepts the ip-route options Keepalived knows', async () => {
    const r = await validate(
      instance(`    virtual_routes {
        198.51.100.0/24 dev eth0 mtu lock 1400 advmss 1300 onlink initcwnd 10 features ecn table main scope link
        2001:db8:5::/64 dev eth0 pref high expires 30 inet6
        default via 192.0.2.254 dev eth0 table 200 append
        local 198.51.100.5 dev eth0 table local
        throw 203.0.113.0/24 no_track
        198.51.100.64/26 dev eth0 encap mpls 100 quickack 1 congctl lock cubic
    }
`),
    );
    expectClean(r);
    assert.equal(r.config?.vrrp_instance?.[0]?.virtual_routes?.[1]?.family, 6);
    assert.equal(r.config?.vrrp_instance?.[0]?.virtual_routes?.[2]?.to, 'default');
    assert.equal(r.config?.vrrp_instance?.[0]?.virtual_routes?.[2]?.operation, 'append');
  });
});

describe('cross-block VRRP checks', () => {
  it('needs virtual_router_id', async () => {
    const text = 'vrrp_instance VI_1 {\n    interface eth0\n    virtual_ipaddress {\n        192.0.2.10/24\n    }\n}\n';
    const d = expectOne(await validate(text), 'missing-keyword', 'vrrp_instance');
    assert.match(d.message, /virtual_router_id/);
  });

  it('needs an interface, even with unicast peers (as Keepalived 2.2.7)', async () => {
    const text = 'vrrp_instance VI_1 {\n    virtual_router_id 5\n    unicast_src_ip 192.0.2.1\n    unicast_peer {\n        192.0.2.2\n    }\n    virtual_ipaddress {\n        192.0.2.10/24\n    }\n}\n';
    const d = expectOne(await validate(text), 'missing-keyword', 'vrrp_instance');
    assert.match(d.message, /'interface'/);
  });

  it('reports an interface the host does not have, unless dynamic_interfaces', async () => {
    expectOne(await validate(instance('', { iface: 'eth9' })), 'unknown-interface', 'interface |eth9');
    expectClean(await validate(`global_defs {\n    dynamic_interfaces\n}\n${instance('', { iface: 'eth9' })}`));
  });

  it('refuses the loopback interface', async () => {
    expectOne(await validate(instance('', { iface: 'lo' })), 'loopback-interface', 'interface |lo');
  });

  it('reports a track_script that names no vrrp_script', async () => {
    const text = instance('    track_script {\n        chk_nginx weight 2\n    }\n');
    expectOne(await validate(text), 'unknown-script', 'chk_nginx');
  });

  it('reports a track_file that names no track_file', async () => {
    expectOne(await validate(instance('    track_file {\n        nofile\n    }\n')), 'unknown-track-file', 'nofile');
  });

  it('reports a tracker listed twice', async () => {
    expectOne(await validate(instance('    track_interface {\n        eth1\n        eth1 weight 3\n    }\n')), 'duplicate-tracker', 'eth1 weight 3');
  });

  it('reports tracking the own interface', async () => {
    expectOne(await validate(instance('    track_interface {\n        eth0\n    }\n')), 'track-own-interface', '        |eth0\n    }');
  });

  it('reports sync group members that do not exist, and a group left with one member', async () => {
    const text = `${instance('')}vrrp_sync_group SG {\n    group {\n        VI_1\n        VI_2\n    }\n}\n`;
    const r = await validate(text);
    expectOne(r, 'unknown-instance', 'VI_2');
    expectOne(r, 'single-member-group', 'vrrp_sync_group');
  });

  it('puts an instance in one sync group only', async () => {
    const text =
      instance('') +
      instance('', { name: 'VI_2', vrid: 52 }) +
      'vrrp_sync_group A {\n    group {\n        VI_1\n        VI_2\n    }\n}\nvrrp_sync_group B {\n    group {\n        VI_1\n        VI_2\n    }\n}\n';
    const r = await validate(text);
    const found = problems(r.diags).filter((d) => d.code === 'instance-in-two-groups');
    assert.equal(found.length, 2, show(r.diags));
    assert.deepEqual({ line: found[0]?.loc.line, col: found[0]?.loc.col }, locOf(text, 'VI_1', 3));
  });

  it('reports weighted trackers of sync group members', async () => {
    const text =
      SECURITY +
      'vrrp_script chk {\n    script /bin/true\n    weight 10\n}\n' +
      instance('    track_script {\n        chk\n    }\n') +
      instance('', { name: 'VI_2', vrid: 52 }) +
      'vrrp_sync_group SG {\n    group {\n        VI_1\n        VI_2\n    }\n}\n';
    expectOne(await validate(text), 'weighted-tracker', '        |chk\n');
  });

  it('reports a duplicate VRID on one interface and family', async () => {
    const text = instance('') + instance('', { name: 'VI_2', vip: '192.0.2.20/24' });
    const d = expectOne(await validate(text), 'duplicate-vrid', 'virtual_router_id 51', 'error', 2);
    assert.match(d.message, /VI_1 and VI_2 both use VRID 51 with IPv4 on interface eth0/);
  });

  it('allows a duplicate VRID on another interface, family or multicast group, or with disjoint unicast peers', async () => {
    expectClean(await validate(instance('') + instance('', { name: 'VI_2', iface: 'eth1', vip: '198.51.100.10/24' })));
    expectClean(await validate(instance('') + instance('', { name: 'VI_2', vip: 'fe80::20/64' })));
    expectClean(await validate(instance('    mcast_dst_ip 224.0.0.19\n') + instance('', { name: 'VI_2', vip: '192.0.2.20/24' })));
    const uni = (peer: string): string => `    unicast_src_ip 192.0.2.1\n    unicast_peer {\n        ${peer}\n    }\n`;
    expectClean(await validate(instance(uni('192.0.2.2')) + instance(uni('192.0.2.3'), { name: 'VI_2', vip: '192.0.2.20/24' })));
    const r = await validate(instance(uni('192.0.2.2')) + instance(uni('192.0.2.2'), { name: 'VI_2', vip: '192.0.2.20/24' }));
    expectOne(r, 'duplicate-vrid', 'virtual_router_id 51', 'error', 2);
  });

  it('reports VIPs of mixed families', async () => {
    const text = 'vrrp_instance VI_1 {\n    interface eth0\n    virtual_router_id 5\n    virtual_ipaddress {\n        192.0.2.10/24\n        2001:db8::10/64\n    }\n}\n';
    expectOne(await validate(text), 'mixed-family', '2001:db8::10/64');
  });

  it('reports an instance without VIPs', async () => {
    const text = 'vrrp_instance VI_1 {\n    interface eth0\n    virtual_router_id 5\n}\n';
    expectOne(await validate(text), 'no-vip', 'vrrp_instance');
  });

  it('reports nopreempt with state MASTER, and with the address owner', async () => {
    expectOne(await validate(instance('    state MASTER\n    priority 150\n    nopreempt\n')), 'nopreempt-master', 'nopreempt');
    // state MASTER without a priority means priority 255.
    expectOne(await validate(instance('    state MASTER\n    nopreempt\n')), 'nopreempt-owner', 'nopreempt');
  });

  it('accepts priority 255 with state BACKUP (Keepalived 2.2.7 does)', async () => {
    expectClean(await validate(instance('    state BACKUP\n    priority 255\n')));
  });

  it('checks state MASTER against priority 255 in strict mode', async () => {
    expectOne(await validate(instance('    strict_mode\n    state MASTER\n    priority 100\n')), 'strict-state', 'state MASTER');
  });

  it('refuses authentication with VRRP version 3 and in strict mode', async () => {
    const auth = '    authentication {\n        auth_type PASS\n        auth_pass secret\n    }\n';
    expectOne(await validate(instance(`    version 3\n${auth}`)), 'auth-not-allowed', 'authentication');
    expectOne(await validate(`global_defs {\n    vrrp_version 3\n}\n${instance(auth)}`), 'auth-not-allowed', 'authentication');
    // IPv6 instances run version 3.
    expectOne(await validate(instance(auth, { vip: 'fe80::10/64' })), 'auth-not-allowed', 'authentication');
    expectOne(await validate(instance(`    strict_mode\n${auth}`)), 'auth-not-allowed', 'authentication');
  });

  it('reports a VRRPv2 advert_int that is not whole seconds', async () => {
    expectOne(await validate(instance('    advert_int 1.5\n')), 'bad-advert-int', 'advert_int');
    expectClean(await validate(instance('    version 3\n    advert_int 0.5\n')));
  });

  it('reports unicast keywords without unicast peers', async () => {
    expectOne(await validate(instance('    unicast_src_ip 192.0.2.1\n')), 'unicast-no-peer', 'unicast_src_ip');
    expectClean(await validate(instance('    unicast_src_ip 192.0.2.1\n    unicast_fault_no_peer\n')));
  });

  it('reports vmac_xmit_base without use_vmac, and use_vmac with unicast but no vmac_xmit_base', async () => {
    expectOne(await validate(instance('    vmac_xmit_base\n')), 'bad-option', 'vmac_xmit_base');
    expectOne(await validate(instance('    use_vmac\n    unicast_peer {\n        192.0.2.2\n    }\n')), 'vmac-unicast', 'use_vmac');
  });

  it('reports a duplicate instance name', async () => {
    expectOne(await validate(instance('') + instance('', { vrid: 52 })), 'duplicate-name', 'VI_1 {', 'error', 2);
  });

  it('reports scripts without enable_script_security (Keepalived -t fails on it)', async () => {
    expectOne(await validate(instance('    notify_master /bin/true\n')), 'script-security', 'notify_master');
  });

  it('reports a static entry naming an unknown track_group', async () => {
    const text = `static_ipaddress {\n    192.0.2.50/24 dev eth0 track_group NOPE\n}\n${instance('')}`;
    expectOne(await validate(text), 'unknown-track-group', 'NOPE');
  });

  it('reports a garp_group interface that does not exist or is in two groups', async () => {
    const r = await validate(`garp_group {\n    garp_interval 0.01\n    interface eth9\n}\n${instance('')}`);
    expectOne(r, 'unknown-interface', 'interface |eth9');
    const r2 = await validate(`garp_group {\n    garp_interval 0.01\n    interface eth1\n}\ngarp_group {\n    gna_interval 0.01\n    interfaces {\n        eth1\n    }\n}\n${instance('')}`);
    expectOne(r2, 'duplicate-interface', 'eth1', 'error', 2);
  });

  it('reports a garp_group without a delay', async () => {
    expectOne(await validate(`garp_group {\n    interface eth1\n}\n${instance('')}`), 'missing-keyword', 'garp_group');
  });

  it('reports a vrrp_script without a script, and a zero interval', async () => {
    const r = await validate(`vrrp_script chk {\n    interval 0\n}\n${instance('')}`);
    expectOne(r, 'missing-keyword', 'vrrp_script');
    expectOne(r, 'out-of-range', 'interval |0');
  });
});
