import assert from 'node:assert/strict';
import { endianness } from 'node:os';
import { describe, it } from 'node:test';
import { addressInfo, addressMessage, broadcastOf } from '../../../src/vrrp/io/netlink-address.js';
import { nla, parseNlas, u32 } from '../../../src/vrrp/io/netlink-attr.js';
import { isLinkUp, linkInfo, macvlanMessage } from '../../../src/vrrp/io/netlink-link.js';
import { routeInfo, routeMessage } from '../../../src/vrrp/io/netlink-route.js';
import { ruleInfo, ruleMessage } from '../../../src/vrrp/io/netlink-rule.js';

const ip = (...bytes: number[]): Buffer => Buffer.from(bytes);
const LE = endianness() === 'LE';

describe('netlink address messages', () => {
  it('carries every virtual_ipaddress option of an IPv4 VIP', () => {
    const msg = addressMessage(
      { ifindex: 3, address: '192.0.2.10/24', label: 'eth0:vip', broadcast: 'auto', scope: 'link', noprefixroute: true, preferredLifetime: 0 },
      'add',
    );
    assert.deepEqual(msg.data, { family: 2, prefixlen: 24, index: 3, scope: 253 });
    assert.deepEqual(msg.attrs, {
      local: ip(192, 0, 2, 10),
      address: ip(192, 0, 2, 10),
      label: 'eth0:vip',
      broadcast: ip(192, 0, 2, 255),
      flags: { noprefixroute: true },
      cacheInfo: { ifaPrefered: 0, ifaValid: 0xffffffff, cstamp: 0, tstamp: 0 },
    });
  });

  it('defaults a VIP without prefix to /32 and /128, IPv6 with nodad', () => {
    assert.equal(addressMessage({ ifindex: 3, address: '192.0.2.10' }, 'add').data.prefixlen, 32);
    const v6 = addressMessage({ ifindex: 3, address: '2001:db8::10', nodad: true, homeaddress: true, autojoin: true, validLifetime: 60, preferredLifetime: 30 }, 'add');
    assert.deepEqual(v6.data, { family: 10, prefixlen: 128, index: 3 });
    assert.deepEqual(v6.attrs.flags, { nodad: true, homeaddress: true, mcautojoin: true });
    assert.deepEqual(v6.attrs.cacheInfo, { ifaPrefered: 30, ifaValid: 60, cstamp: 0, tstamp: 0 });
  });

  it('puts a peer in IFA_ADDRESS and the local address in IFA_LOCAL', () => {
    const msg = addressMessage({ ifindex: 3, address: '192.0.2.10', peer: '192.0.2.20' }, 'add');
    assert.deepEqual([msg.attrs.local, msg.attrs.address], [ip(192, 0, 2, 10), ip(192, 0, 2, 20)]);
  });

  it('sends only what identifies an address to remove it', () => {
    const msg = addressMessage({ ifindex: 3, address: '192.0.2.10/24', label: 'eth0:vip', noprefixroute: true }, 'remove');
    assert.deepEqual(msg, { kind: 'address', data: { family: 2, prefixlen: 24, index: 3 }, attrs: { local: ip(192, 0, 2, 10), address: ip(192, 0, 2, 10) } });
  });

  it('refuses what the kernel would refuse less clearly', () => {
    assert.throws(() => addressMessage({ ifindex: 3, address: '2001:db8::10', label: 'x' }, 'add'), /no label/);
    assert.throws(() => addressMessage({ ifindex: 3, address: '2001:db8::10', broadcast: 'auto' }, 'add'), /broadcast/);
    assert.throws(() => addressMessage({ ifindex: 3, address: '192.0.2.10/33' }, 'add'), RangeError);
    assert.throws(() => addressMessage({ ifindex: 3, address: '192.0.2.10', prefixLength: 40 }, 'add'), RangeError);
    assert.throws(() => addressMessage({ ifindex: 0, address: '192.0.2.10' }, 'add'), /ifindex/);
    assert.throws(() => addressMessage({ ifindex: 3, address: '192.0.2.10', peer: '2001:db8::1' }, 'add'), /peer/);
    assert.throws(() => addressMessage({ ifindex: 3, address: '192.0.2.10', preferredLifetime: 60, validLifetime: 30 }, 'add'), /preferred/);
  });

  it('computes the broadcast of a prefix', () => {
    assert.equal(broadcastOf('192.0.2.10', 24), '192.0.2.255');
    assert.equal(broadcastOf('198.51.100.1', 30), '198.51.100.3');
    assert.equal(broadcastOf('203.0.113.7', 32), '203.0.113.7');
  });

  it('reads an address the kernel reports', () => {
    const info = addressInfo({
      kind: 'address',
      data: { family: 2, prefixlen: 24, flags: { permanent: true }, scope: 0, index: 3 },
      attrs: {
        address: ip(192, 0, 2, 10),
        local: ip(192, 0, 2, 10),
        label: 'eth0:vip',
        broadcast: ip(192, 0, 2, 255),
        flags: { permanent: true, noprefixroute: true },
        cacheInfo: { ifaPrefered: 0xffffffff, ifaValid: 0xffffffff, cstamp: 1, tstamp: 1 },
      },
    });
    assert.deepEqual(info, {
      family: 4,
      ifindex: 3,
      address: '192.0.2.10',
      prefixLength: 24,
      scope: 'global',
      label: 'eth0:vip',
      broadcast: '192.0.2.255',
      peer: undefined,
      flags: { permanent: true, noprefixroute: true },
      preferredLifetime: 'forever',
      validLifetime: 'forever',
    });
    const v6 = addressInfo({ kind: 'address', data: { family: 10, prefixlen: 64, scope: 253, index: 2 }, attrs: { address: Buffer.from('fe800000000000000000000000000001', 'hex'), cacheInfo: { ifaPrefered: 0, ifaValid: 100 } } });
    assert.equal(v6?.address, 'fe80::1');
    assert.equal(v6?.scope, 'link');
    assert.equal(v6?.preferredLifetime, 0);
    assert.equal(addressInfo({ kind: 'address', data: { family: 17 }, attrs: {} }), undefined);
  });
});

describe('netlink link messages', () => {
  it('makes a private macvlan with the VMAC, as Keepalived use_vmac', () => {
    const msg = macvlanMessage({ parentIfindex: 2, name: 'vrrp.51', mac: '00:00:5e:00:01:33' });
    assert.deepEqual(msg.data, { flags: { up: true }, change: { up: true } });
    assert.equal(msg.attrs.ifname, 'vrrp.51');
    assert.deepEqual(msg.attrs.address, Buffer.from('00005e000133', 'hex'));
    assert.deepEqual(msg.attrs.link, u32(2));
    // IFLA_INFO_KIND "macvlan\0", IFLA_INFO_DATA { IFLA_MACVLAN_MODE = MACVLAN_MODE_PRIVATE (1) }
    const expected = LE ? '0c0001006d6163766c616e00' + '0c000200' + '0800010001000000' : '000c00016d6163766c616e00' + '000c0002' + '0008000100000001';
    assert.equal(msg.attrs.linkinfo?.toString('hex'), expected);
  });

  it('can leave a macvlan down and choose its mode', () => {
    const msg = macvlanMessage({ parentIfindex: 2, name: 'vrrp6.51', mode: 'bridge', up: false });
    assert.deepEqual(msg.data, {});
    assert.equal(msg.attrs.address, undefined);
    const info = parseNlas(msg.attrs.linkinfo ?? Buffer.alloc(0));
    assert.deepEqual(parseNlas(info.get(2) ?? Buffer.alloc(0)).get(1), u32(4));
  });

  it('refuses names the kernel refuses', () => {
    for (const name of ['', 'a-name-far-too-long', 'has space', 'a/b', 'vrrp:1']) {
      assert.throws(() => macvlanMessage({ parentIfindex: 2, name }), RangeError, name);
    }
  });

  it('reads a link the kernel reports: MAC, flags, operstate, kind, parent', () => {
    const linkinfo = macvlanMessage({ parentIfindex: 2, name: 'vrrp.51' }).attrs.linkinfo;
    const info = linkInfo({
      kind: 'link',
      data: { index: 5, flags: { up: true, broadcast: true, multicast: true, running: true, lowerUp: true } },
      attrs: { ifname: 'vrrp.51', address: Buffer.from('00005e000133', 'hex'), mtu: 1500, operstate: 6, link: u32(2), linkinfo },
    });
    assert.deepEqual(info, {
      ifindex: 5,
      name: 'vrrp.51',
      mac: '00:00:5e:00:01:33',
      mtu: 1500,
      flags: { up: true, running: true, lowerUp: true, broadcast: true, multicast: true, loopback: false, pointopoint: false, noarp: false, promisc: false, allmulti: false, master: false, slave: false },
      operstate: 'up',
      kind: 'macvlan',
      parentIfindex: 2,
      masterIfindex: undefined,
      macvlanMode: 'private',
    });
    assert.equal(isLinkUp(info), true);
    const down = linkInfo({ kind: 'link', data: { index: 5, flags: { up: true } }, attrs: { ifname: 'eth0', operstate: 3 } });
    assert.equal(down.operstate, 'lowerlayerdown');
    assert.equal(isLinkUp(down), false);
  });

  it('encodes and parses nested attributes', () => {
    const nested = nla(2, Buffer.concat([nla(1, u32(7)), nla(3, Buffer.from('ab'))]));
    assert.equal(nested.length, 4 + 8 + 8);
    const outer = parseNlas(nested);
    const inner = parseNlas(outer.get(2) ?? Buffer.alloc(0));
    assert.deepEqual(inner.get(1), u32(7));
    assert.deepEqual(inner.get(3), Buffer.from('ab'));
    assert.equal(parseNlas(Buffer.from([0xff, 0xff])).size, 0);
  });
});

describe('netlink route messages', () => {
  it('adds a gateway route as `ip route add` does', () => {
    const msg = routeMessage({ destination: '198.51.100.0/24', gateway: '192.0.2.254', metric: 10 }, 'add');
    assert.deepEqual(msg.data, { family: 2, table: 254, dstLen: 24, type: 'UNICAST', protocol: 3, scope: 0 });
    assert.deepEqual(msg.attrs, { dst: ip(198, 51, 100, 0), gateway: ip(192, 0, 2, 254), priority: 10 });
  });

  it('scopes a route without gateway to the link, local routes to the host', () => {
    assert.equal(routeMessage({ destination: '203.0.113.0/24', ifindex: 3 }, 'add').data.scope, 253);
    assert.equal(routeMessage({ destination: '203.0.113.1', type: 'local', ifindex: 3 }, 'add').data.scope, 254);
    assert.equal(routeMessage({ destination: '203.0.113.0/24', type: 'blackhole' }, 'add').data.scope, 0);
    assert.equal(routeMessage({ destination: '203.0.113.0/24', ifindex: 3, scope: 'host' }, 'add').data.scope, 254);
  });

  it('takes a default route, the family from the gateway; big tables in RTA_TABLE', () => {
    const msg = routeMessage({ destination: 'default', gateway: '2001:db8::1', table: 1000, source: '2001:db8::10', protocol: 'keepalived' }, 'add');
    assert.deepEqual(msg.data, { family: 10, table: 0, type: 'UNICAST', protocol: 18, scope: 0 });
    assert.equal(msg.attrs.table, 1000);
    assert.equal(msg.attrs.dst, undefined);
    assert.equal(msg.attrs.prefsrc?.length, 16);
  });

  it('leaves unset fields as wildcards to remove a route', () => {
    const msg = routeMessage({ destination: '198.51.100.0/24' }, 'remove');
    assert.deepEqual(msg.data, { family: 2, table: 254, dstLen: 24, scope: 255 });
  });

  it('encodes onlink, metrics, preference and next hops', () => {
    const msg = routeMessage(
      { destination: '2001:db8:1::/64', mtu: 1400, advmss: 1360, preference: 'high', onlink: true, nexthops: [{ gateway: '2001:db8::1', ifindex: 3, weight: 2 }, { ifindex: 4, onlink: true }] },
      'add',
    );
    assert.deepEqual(msg.data.flags, { __unknown: 4 });
    assert.deepEqual(msg.attrs.metrics, { mtu: u32(1400), advmss: u32(1360) });
    assert.deepEqual(msg.attrs.pref, Buffer.from([1]));
    const hops = msg.attrs.multipath ?? Buffer.alloc(0);
    // rtnexthop { len 28, flags 0, hops 1, ifindex 3 } + RTA_GATEWAY, then { len 8, flags ONLINK, hops 0, ifindex 4 }
    assert.equal(hops.length, 28 + 8);
    assert.equal(hops[2], 0);
    assert.equal(hops[3], 1);
    assert.deepEqual(hops.subarray(4, 8), u32(3));
    assert.equal(hops[28 + 2], 4);
    assert.deepEqual(hops.subarray(32, 36), u32(4));
    assert.equal(msg.data.scope, 0);
  });

  it('refuses mixed families and bad values', () => {
    assert.throws(() => routeMessage({ destination: '198.51.100.0/24', gateway: '2001:db8::1' }, 'add'), /gateway/);
    assert.throws(() => routeMessage({ destination: '198.51.100.0/24', family: 6 }, 'add'), /IPv6/);
    assert.throws(() => routeMessage({ destination: '198.51.100.0/24', table: 0 }, 'add'), /table/);
    assert.throws(() => routeMessage({ destination: 'nowhere' }, 'add'), RangeError);
    assert.throws(() => routeMessage({ destination: '198.51.100.0/24', nexthops: [{ gateway: '192.0.2.1', weight: 0 }] }, 'add'), /weight/);
  });

  it('reads a route the kernel reports', () => {
    assert.deepEqual(
      routeInfo({
        kind: 'route',
        data: { family: 2, dstLen: 24, table: 254, protocol: 'BOOT', scope: 'UNIVERSE', type: 'UNICAST' },
        attrs: { dst: ip(198, 51, 100, 0), gateway: ip(192, 0, 2, 254), oif: 3, priority: 10, table: 254 },
      }),
      { family: 4, destination: '198.51.100.0/24', gateway: '192.0.2.254', ifindex: 3, source: undefined, table: 254, metric: 10, protocol: 3, scope: 'global', type: 'unicast' },
    );
    const other = routeInfo({ kind: 'route', data: { family: 10, protocol: 18 as number, scope: 'LINK', type: 'BLACKHOLE' }, attrs: { table: 1000 } });
    assert.deepEqual([other?.destination, other?.protocol, other?.scope, other?.type, other?.table], ['default', 18, 'link', 'blackhole', 1000]);
  });
});

describe('netlink rule messages', () => {
  it('adds a lookup rule with a preference', () => {
    const msg = ruleMessage({ from: '192.0.2.0/24', table: 100, priority: 100 }, 'add');
    assert.deepEqual(msg.data, { family: 2, srcLen: 24, table: 100, action: 'toTbl' });
    assert.deepEqual(msg.attrs, { src: ip(192, 0, 2, 0), priority: 100, table: 100 });
  });

  it('defaults an add to table main, leaves a removal open', () => {
    assert.deepEqual(ruleMessage({ to: '2001:db8::/32', priority: 5 }, 'add').data, { family: 10, dstLen: 32, table: 254, action: 'toTbl' });
    assert.deepEqual(ruleMessage({ priority: 5 }, 'remove'), { kind: 'rule', data: { family: 2 }, attrs: { priority: 5 } });
  });

  it('encodes the other selectors and actions', () => {
    const msg = ruleMessage(
      { fwmark: 1, fwmask: 0xff, iif: 'eth0', oif: 'eth1', invert: true, table: 1000, uidRange: { start: 1000, end: 2000 }, ipProto: 6, sport: 80, dport: { start: 1000, end: 2000 }, l3mdev: false, suppressPrefixLength: 0, protocol: 'keepalived' },
      'add',
    );
    assert.deepEqual(msg.data, { family: 2, flags: { invert: true }, table: 0, action: 'toTbl' });
    assert.equal(msg.attrs.table, 1000);
    assert.deepEqual(msg.attrs.sportRange, { start: 80, end: 80 });
    assert.deepEqual(msg.attrs.dportRange, { start: 1000, end: 2000 });
    assert.deepEqual(msg.attrs.suppressPrefixlen, u32(0));
    assert.equal(msg.attrs.protocol, 18);
    assert.deepEqual(ruleMessage({ goto: 200, priority: 100 }, 'add').data, { family: 2, action: 'goto' });
    assert.deepEqual(ruleMessage({ action: 'blackhole', priority: 100 }, 'add').data, { family: 2, action: 'blackhole' });
    assert.throws(() => ruleMessage({ from: '192.0.2.0/24', to: '2001:db8::/32' }, 'add'), /IPv4/);
  });

  it('reads a rule the kernel reports', () => {
    assert.deepEqual(
      ruleInfo({ kind: 'rule', data: { family: 2, srcLen: 24, table: 100, action: 'toTbl' }, attrs: { src: ip(192, 0, 2, 0), priority: 100, table: 100 } }),
      { family: 4, priority: 100, from: '192.0.2.0/24', to: undefined, iif: undefined, oif: undefined, fwmark: undefined, table: 100, action: 'table', invert: false },
    );
  });
});
