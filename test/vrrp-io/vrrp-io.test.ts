// vigil's VRRP I/O layer against the real kernel: three hosts on a LAN (router A, router B, client C), each a
// network namespace with an agent process driving the layer inside it (agent.ts).
import assert from 'node:assert/strict';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { vmacAddress, type AddressInfo, type LinkInfo, type RouteInfo, type RuleInfo } from '@vigil/core/vrrp-io';
import { Lan, NetNs } from '../lib/netns.js';
import { REPO_ROOT } from '../lib/paths.js';
import { Agent, AgentCallError, waitUntil, type AgentEvent } from './agent-client.js';

/** The parts of the packet codec (packages/core/src/vrrp/packet) these tests use; it has no package export yet. */
interface Codec {
  encodeVrrp(packet: object, options: { family: 4 | 6; src: string; dst: string }): Buffer;
  encodeIpv4(packet: object, options: { ip: { src: string; dst: string; ttl?: number } }): Buffer;
  decodeIpv4(datagram: Buffer): { ok: boolean; packet?: { vrid: number; priority: number; addresses: readonly string[] }; reason?: string };
  decodeVrrp(payload: Buffer, options: { family: 4 | 6; src: string; dst: string }): { ok: boolean; packet?: { vrid: number; addresses: readonly string[] }; reason?: string };
}

const MAC = { a: '02:00:00:00:00:0a', b: '02:00:00:00:00:0b', c: '02:00:00:00:00:0c', stale: '02:00:00:00:00:99' };
const ADVERT_V4 = { type: 1, version: 3, vrid: 51, priority: 100, maxAdvertInt: 100, addresses: ['192.0.2.10'] };
const ADVERT_V6 = { type: 1, version: 3, vrid: 51, priority: 100, maxAdvertInt: 100, addresses: ['fe80::51', '2001:db8::10'] };

interface IpAddr {
  readonly ifname: string;
  readonly addr_info: ReadonlyArray<Record<string, unknown> & { local: string; prefixlen: number }>;
}

function addrs(ns: NetNs, family: '-4' | '-6', ...filters: string[]): IpAddr['addr_info'] {
  // ip -j leaves an empty object where a filter drops an address.
  return (JSON.parse(ns.ipOutput('-j', family, 'addr', 'show', 'dev', 'eth0', ...filters)) as IpAddr[]).flatMap((i) => i.addr_info).filter((x) => x.local);
}

function neighbour(ns: NetNs, address: string): string | undefined {
  const entries = JSON.parse(ns.ipOutput('-j', 'neigh', 'show', address, 'dev', 'eth0')) as Array<{ lladdr?: string }>;
  return entries[0]?.lladdr;
}

async function rejectsWith(promise: Promise<unknown>, name: string, code: string, errnoCode?: string): Promise<void> {
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(err instanceof AgentCallError, String(err));
    assert.equal(err.detail.name, name);
    assert.equal(err.detail.code, code);
    if (errnoCode) assert.equal(err.detail.errnoCode, errnoCode);
    assert.ok((err.detail.message ?? '').includes(': '), 'the message says what to do');
    return true;
  });
}

describe('VRRP I/O in network namespaces', () => {
  let lan: Lan | undefined;
  const hosts: NetNs[] = [];
  const agents: Agent[] = [];
  let a: NetNs, b: NetNs, c: NetNs;
  let agentA: Agent, agentB: Agent;
  let portA = '';
  let codec: Codec;
  const spawned: ChildProcessWithoutNullStreams[] = [];

  before(async () => {
    codec = (await import(pathToFileURL(join(REPO_ROOT, 'packages/core/dist/src/vrrp/packet/index.js')).href)) as Codec;
    lan = Lan.create('vio');
    for (const label of ['vio-a', 'vio-b', 'vio-c']) {
      const ns = NetNs.create(label);
      hosts.push(ns);
      // Link-local addresses usable at once: no duplicate address detection in the lab.
      ns.sysctl({ 'net.ipv6.conf.all.accept_dad': 0, 'net.ipv6.conf.default.accept_dad': 0 });
    }
    [a, b, c] = hosts as [NetNs, NetNs, NetNs];
    portA = lan.attach({ ns: a, ifname: 'eth0', mac: MAC.a, addresses: ['192.0.2.1/24', '2001:db8::1/64'] });
    lan.attach({ ns: b, ifname: 'eth0', mac: MAC.b, addresses: ['192.0.2.2/24', '2001:db8::2/64'] });
    lan.attach({ ns: c, ifname: 'eth0', mac: MAC.c, addresses: ['192.0.2.3/24', '2001:db8::3/64'] });
    agentA = await Agent.start(a);
    agents.push(agentA);
    agentB = await Agent.start(b);
    agents.push(agentB);
  });

  after(async () => {
    for (const p of spawned) p.kill('SIGKILL');
    for (const agent of agents) await agent.stop().catch(() => {});
    for (const ns of hosts) ns.destroy();
    lan?.destroy();
  });

  it('reads a link: MAC, index, flags, operstate, kind', async () => {
    const link = await agentA.call<LinkInfo>('getLink', { link: 'eth0' });
    const [shown] = JSON.parse(a.ipOutput('-j', 'link', 'show', 'eth0')) as Array<{ ifindex: number }>;
    assert.equal(link.ifindex, shown?.ifindex);
    assert.equal(link.name, 'eth0');
    assert.equal(link.mac, MAC.a);
    assert.equal(link.operstate, 'up');
    assert.equal(link.flags.up && link.flags.running && link.flags.multicast, true);
    assert.equal(link.kind, 'veth');
    assert.deepEqual(await agentA.call<LinkInfo>('getLink', { link: link.ifindex }), link);
    await rejectsWith(agentA.call('getLink', { link: 'nosuch0' }), 'NoSuchLinkError', 'VIGIL_ERR_NO_SUCH_LINK', 'ENODEV');
  });

  it('adds an IPv4 VIP with label and broadcast, sees it with ip, removes it', async () => {
    const { ifindex } = await agentA.call<LinkInfo>('getLink', { link: 'eth0' });
    const spec = { ifindex, address: '192.0.2.10/24', label: 'eth0:vip', broadcast: 'auto' };
    await agentA.call('addAddress', { spec });
    const added = addrs(a, '-4').find((x) => x.local === '192.0.2.10');
    assert.ok(added, a.ipOutput('addr', 'show', 'dev', 'eth0'));
    assert.equal(added.prefixlen, 24);
    assert.equal(added.label, 'eth0:vip');
    assert.equal(added.broadcast, '192.0.2.255');
    const listed = await agentA.call<AddressInfo[]>('listAddresses', { ifindex, family: 4 });
    assert.ok(listed.some((x) => x.address === '192.0.2.10' && x.label === 'eth0:vip' && x.prefixLength === 24));
    await rejectsWith(agentA.call('addAddress', { spec }), 'AddressExistsError', 'VIGIL_ERR_ADDRESS_EXISTS', 'EEXIST');
    await agentA.call('addAddress', { spec, options: { replace: true } });

    await agentA.call('removeAddress', { spec });
    assert.equal(addrs(a, '-4').find((x) => x.local === '192.0.2.10'), undefined);
    await rejectsWith(agentA.call('removeAddress', { spec }), 'AddressNotFoundError', 'VIGIL_ERR_ADDRESS_NOT_FOUND', 'EADDRNOTAVAIL');
  });

  it('adds an IPv6 VIP with nodad, noprefixroute and preferred_lft 0', async () => {
    const { ifindex } = await agentA.call<LinkInfo>('getLink', { link: 'eth0' });
    const spec = { ifindex, address: '2001:db8:5::10/64', nodad: true, noprefixroute: true, preferredLifetime: 0 };
    await agentA.call('addAddress', { spec });
    const added = addrs(a, '-6').find((x) => x.local === '2001:db8:5::10');
    assert.ok(added, a.ipOutput('-6', 'addr', 'show', 'dev', 'eth0'));
    assert.equal(added.nodad, true);
    assert.equal(added.noprefixroute, true);
    assert.equal(added.preferred_life_time, 0);
    assert.doesNotMatch(a.ipOutput('-6', 'route', 'show'), /2001:db8:5::\/64/, 'no prefix route');
    const listed = await agentA.call<AddressInfo[]>('listAddresses', { ifindex, family: 6 });
    const info = listed.find((x) => x.address === '2001:db8:5::10');
    assert.deepEqual([info?.flags.nodad, info?.flags.noprefixroute, info?.flags.deprecated, info?.preferredLifetime], [true, true, true, 0]);
    await agentA.call('removeAddress', { spec });
    assert.equal(addrs(a, '-6').find((x) => x.local === '2001:db8:5::10'), undefined);
  });

  it("moves the client's ARP entry with gratuitous ARPs from A, then from B", async () => {
    c.ip('neigh', 'replace', '192.0.2.10', 'lladdr', MAC.stale, 'dev', 'eth0', 'nud', 'stale');
    assert.equal(neighbour(c, '192.0.2.10'), MAC.stale);
    const sent = await agentA.call<{ sent: number; failed: number }>('garp', { ifname: 'eth0', addresses: ['192.0.2.10'], options: { repeat: 2 } });
    assert.deepEqual({ sent: sent.sent, failed: sent.failed }, { sent: 2, failed: 0 });
    await waitUntil(() => (neighbour(c, '192.0.2.10') === MAC.a ? true : undefined), 3000, "C's entry to point at A");
    await agentB.call('garp', { ifname: 'eth0', addresses: ['192.0.2.10'], options: { repeat: 1 } });
    await waitUntil(() => (neighbour(c, '192.0.2.10') === MAC.b ? true : undefined), 3000, "C's entry to move to B");
  });

  it("moves the client's neighbour entry with unsolicited NAs from A, then from B", async () => {
    c.ip('-6', 'neigh', 'replace', '2001:db8::10', 'lladdr', MAC.stale, 'dev', 'eth0', 'nud', 'stale');
    assert.equal(neighbour(c, '2001:db8::10'), MAC.stale);
    await agentA.call('garp', { ifname: 'eth0', addresses: ['2001:db8::10'], options: { repeat: 2 } });
    await waitUntil(() => (neighbour(c, '2001:db8::10') === MAC.a ? true : undefined), 3000, "C's entry to point at A");
    await agentB.call('garp', { ifname: 'eth0', addresses: ['2001:db8::10'], options: { repeat: 1, router: true } });
    await waitUntil(() => (neighbour(c, '2001:db8::10') === MAC.b ? true : undefined), 3000, "C's entry to move to B");
    // ip -j prints a set flag as a key with value null.
    const [entry] = JSON.parse(c.ipOutput('-j', '-6', 'neigh', 'show', '2001:db8::10', 'dev', 'eth0')) as Array<Record<string, unknown>>;
    assert.ok(entry && 'router' in entry, 'the Router flag reached C');
  });

  it('creates the VMAC of VRID 51 as a private macvlan, announces from it, deletes it', async () => {
    const eth0 = await agentA.call<LinkInfo>('getLink', { link: 'eth0' });
    const vmac = await agentA.call<LinkInfo>('createMacvlan', { parentIfindex: eth0.ifindex, name: 'vrrp.51', mac: vmacAddress(51, 4) });
    assert.equal(vmac.mac, '00:00:5e:00:01:33');
    assert.deepEqual([vmac.kind, vmac.macvlanMode, vmac.parentIfindex, vmac.flags.up], ['macvlan', 'private', eth0.ifindex, true]);
    const [shown] = JSON.parse(a.ipOutput('-d', '-j', 'link', 'show', 'vrrp.51')) as Array<{ address: string; link: string; linkinfo: { info_kind: string; info_data: { mode: string } } }>;
    assert.equal(shown?.address, '00:00:5e:00:01:33');
    assert.equal(shown?.link, 'eth0');
    assert.deepEqual([shown?.linkinfo.info_kind, shown?.linkinfo.info_data.mode], ['macvlan', 'private']);
    await rejectsWith(agentA.call('createMacvlan', { parentIfindex: eth0.ifindex, name: 'vrrp.51', mac: vmacAddress(51, 4) }), 'LinkExistsError', 'VIGIL_ERR_LINK_EXISTS', 'EEXIST');

    const v6 = await agentA.call<LinkInfo>('createMacvlan', { parentIfindex: eth0.ifindex, name: 'vrrp6.51', mac: vmacAddress(51, 6) });
    assert.equal(v6.mac, '00:00:5e:00:02:33');

    // Clients learn the virtual MAC, not the host's.
    c.ip('neigh', 'replace', '192.0.2.20', 'lladdr', MAC.stale, 'dev', 'eth0', 'nud', 'stale');
    await agentA.call('garp', { ifname: 'vrrp.51', addresses: ['192.0.2.20'], options: { repeat: 1 } });
    await waitUntil(() => (neighbour(c, '192.0.2.20') === '00:00:5e:00:01:33' ? true : undefined), 3000, 'C to learn the VMAC');

    await agentA.call('deleteLink', { link: 'vrrp.51' });
    await agentA.call('deleteLink', { link: v6.ifindex });
    assert.doesNotMatch(a.ipOutput('link', 'show'), /vrrp/);
    await rejectsWith(agentA.call('deleteLink', { link: 'vrrp.51' }), 'NoSuchLinkError', 'VIGIL_ERR_NO_SUCH_LINK');
  });

  it('sends and receives VRRP over 224.0.0.18 with TTL 255, unicast too, and not to itself', async () => {
    const { ifindex: ifindexB } = await agentB.call<{ ifindex: number }>('openTransport', { id: 'v4', family: 4, ifname: 'eth0' });
    await agentA.call('openTransport', { id: 'v4', family: 4, ifname: 'eth0' });
    const mark = agentB.events.length;
    const message = codec.encodeVrrp(ADVERT_V4, { family: 4, src: '192.0.2.1', dst: '224.0.0.18' });
    await agentA.call('send', { id: 'v4', hex: message.toString('hex') });
    const got = await agentB.waitFor((e) => e.event === 'packet' && e.transport === 'v4', 3000, mark);
    const packet = got.packet as { data: string; source: string; destination: string; ttl: number; ifindex: number; payloadOffset: number };
    assert.deepEqual([packet.source, packet.destination, packet.ttl, packet.ifindex, packet.payloadOffset], ['192.0.2.1', '224.0.0.18', 255, ifindexB, 20]);
    const decoded = codec.decodeIpv4(Buffer.from(packet.data, 'hex'));
    assert.ok(decoded.ok, decoded.reason);
    assert.deepEqual([decoded.packet?.vrid, decoded.packet?.priority, decoded.packet?.addresses], [51, 100, ['192.0.2.10']]);
    assert.equal(Buffer.from(packet.data, 'hex').subarray(20).toString('hex'), message.toString('hex'));

    // A whole datagram (IP_HDRINCL, as AH needs), unicast to B; its TTL is reported as it arrived.
    const unicast = agentB.events.length;
    const datagram = codec.encodeIpv4(ADVERT_V4, { ip: { src: '192.0.2.1', dst: '192.0.2.2', ttl: 254 } });
    await agentA.call('sendDatagram', { id: 'v4', hex: datagram.toString('hex') });
    const direct = (await agentB.waitFor((e) => e.event === 'packet' && e.transport === 'v4', 3000, unicast)).packet as typeof packet;
    assert.deepEqual([direct.source, direct.destination, direct.ttl], ['192.0.2.1', '192.0.2.2', 254]);
    assert.ok(codec.decodeIpv4(Buffer.from(direct.data, 'hex')).ok);

    // The kernel builds the header of a unicast send: TTL 255 as well.
    const plain = agentB.events.length;
    await agentA.call('send', { id: 'v4', hex: message.toString('hex'), destination: '192.0.2.2' });
    const third = (await agentB.waitFor((e) => e.event === 'packet' && e.transport === 'v4', 3000, plain)).packet as typeof packet;
    assert.deepEqual([third.destination, third.ttl], ['192.0.2.2', 255]);

    await new Promise((r) => setTimeout(r, 200));
    assert.equal(agentA.events.filter((e) => e.event === 'packet').length, 0, 'multicast loop is off');
    const stats = await agentB.call<{ received: number; readErrors: number }>('transportStats', { id: 'v4' });
    assert.deepEqual(stats, { received: 3, readErrors: 0, sent: 0, sendErrors: 0 });
    await agentA.call('closeTransport', { id: 'v4' });
    await agentB.call('closeTransport', { id: 'v4' });
  });

  it('sends and receives VRRP over ff02::12 with hop limit 255 and a kernel-made checksum', async () => {
    const linkLocal = addrs(a, '-6', 'scope', 'link')[0]?.local;
    assert.ok(linkLocal, "A's link-local address");
    await agentB.call('openTransport', { id: 'v6', family: 6, ifname: 'eth0' });
    await agentA.call('openTransport', { id: 'v6', family: 6, ifname: 'eth0' });

    // The receive side cannot read the hop limit (no recvmsg in raw-socket): tcpdump on B shows it.
    const dump = b.spawn('tcpdump', ['-l', '-n', '-v', '-i', 'eth0', '-c', '1', 'ip6 and ip6[6] == 112']);
    spawned.push(dump);
    let dumped = '';
    dump.stdout.on('data', (d: Buffer) => (dumped += d.toString()));
    dump.stderr.on('data', (d: Buffer) => (dumped += d.toString()));
    await waitUntil(() => (/listening on/.test(dumped) ? true : undefined), 5000, 'tcpdump to listen');

    const mark = agentB.events.length;
    // The checksum is left for the kernel (IPV6_CHECKSUM): encode with any source, the kernel puts the right sum.
    const message = codec.encodeVrrp(ADVERT_V6, { family: 6, src: '::', dst: 'ff02::12' });
    await agentA.call('send', { id: 'v6', hex: message.toString('hex') });
    const got = await agentB.waitFor((e) => e.event === 'packet' && e.transport === 'v6', 3000, mark);
    const packet = got.packet as { data: string; source: string; destination?: string; ttl?: number };
    assert.equal(packet.source, linkLocal);
    assert.equal(packet.ttl, undefined);
    assert.equal(packet.destination, undefined);
    const decoded = codec.decodeVrrp(Buffer.from(packet.data, 'hex'), { family: 6, src: linkLocal, dst: 'ff02::12' });
    assert.ok(decoded.ok, decoded.reason);
    assert.deepEqual([decoded.packet?.vrid, decoded.packet?.addresses], [51, ['fe80::51', '2001:db8::10']]);

    await waitUntil(() => (/hlim \d+/.test(dumped) ? true : undefined), 5000, 'tcpdump to show the packet');
    assert.match(dumped, /hlim 255/, dumped);
    assert.match(dumped, new RegExp(`${linkLocal} > ff02::12`));
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(agentA.events.filter((e) => e.event === 'packet').length, 0, 'multicast loop is off');
    await agentA.call('closeTransport', { id: 'v6' });
    await agentB.call('closeTransport', { id: 'v6' });
  });

  it('adds and removes routes and rules', async () => {
    const { ifindex } = await agentA.call<LinkInfo>('getLink', { link: 'eth0' });
    const route = { destination: '198.51.100.0/24', gateway: '192.0.2.254', table: 100, metric: 5 };
    await agentA.call('addRoute', { spec: route });
    assert.match(a.ipOutput('route', 'show', 'table', '100'), /198\.51\.100\.0\/24 via 192\.0\.2\.254 dev eth0 metric 5/);
    const routes = await agentA.call<RouteInfo[]>('listRoutes', { table: 100 });
    assert.ok(routes.some((r) => r.destination === '198.51.100.0/24' && r.gateway === '192.0.2.254' && r.ifindex === ifindex && r.metric === 5));
    await rejectsWith(agentA.call('addRoute', { spec: route }), 'RouteExistsError', 'VIGIL_ERR_ROUTE_EXISTS', 'EEXIST');
    await agentA.call('addRoute', { spec: { ...route, gateway: '192.0.2.253' }, mode: 'replace' });
    assert.match(a.ipOutput('route', 'show', 'table', '100'), /via 192\.0\.2\.253/);

    const v6 = { destination: 'default', gateway: '2001:db8::fe', ifindex, table: 1000, protocol: 'keepalived' };
    await agentA.call('addRoute', { spec: v6 });
    assert.match(a.ipOutput('-6', 'route', 'show', 'table', '1000'), /default via 2001:db8::fe dev eth0 proto (18|keepalived)/);
    await agentA.call('removeRoute', { spec: v6 });

    const rule = { from: '192.0.2.10/32', table: 100, priority: 100 };
    await agentA.call('addRule', { spec: rule });
    assert.match(a.ipOutput('rule', 'show'), /^100:\s+from 192\.0\.2\.10 lookup 100/m);
    const rules = await agentA.call<RuleInfo[]>('listRules', { family: 4 });
    assert.ok(rules.some((r) => r.priority === 100 && r.from === '192.0.2.10/32' && r.table === 100 && r.action === 'table'));
    await rejectsWith(agentA.call('addRule', { spec: rule }), 'RuleExistsError', 'VIGIL_ERR_RULE_EXISTS', 'EEXIST');
    await agentA.call('removeRule', { spec: rule });
    assert.doesNotMatch(a.ipOutput('rule', 'show'), /^100:/m);
    await rejectsWith(agentA.call('removeRule', { spec: rule }), 'RuleNotFoundError', 'VIGIL_ERR_RULE_NOT_FOUND', 'ENOENT');

    // A removal names the route as it is now: the old gateway matches nothing.
    await rejectsWith(agentA.call('removeRoute', { spec: route }), 'RouteNotFoundError', 'VIGIL_ERR_ROUTE_NOT_FOUND', 'ESRCH');
    await agentA.call('removeRoute', { spec: { ...route, gateway: '192.0.2.253' } });
    assert.equal(a.ipOutput('route', 'show', 'table', '100').trim(), '');
    await rejectsWith(agentA.call('removeRoute', { spec: { destination: '198.51.100.0/24', table: 100 } }), 'RouteNotFoundError', 'VIGIL_ERR_ROUTE_NOT_FOUND', 'ESRCH');
  });

  it('reports a link going down and up, a lost carrier, and an address removed', async () => {
    await agentA.call('watch');
    const isLink = (type: string) => (e: AgentEvent) => {
      const n = e.netlink as { type?: string; link?: LinkInfo } | undefined;
      return e.event === 'netlink' && n?.type === type && n.link?.name === 'eth0';
    };

    let mark = agentA.events.length;
    a.ip('link', 'set', 'eth0', 'down');
    const down = (await agentA.waitFor(isLink('link-down'), 3000, mark)).netlink as { link: LinkInfo };
    assert.equal(down.link.flags.up, false);
    mark = agentA.events.length;
    a.ip('link', 'set', 'eth0', 'up');
    await agentA.waitFor(isLink('link-up'), 3000, mark);

    // The cable pulled at the switch: eth0 stays administratively up but loses its carrier.
    mark = agentA.events.length;
    lan?.switchNs.ip('link', 'set', portA, 'down');
    const lost = (await agentA.waitFor(isLink('link-down'), 3000, mark)).netlink as { link: LinkInfo };
    assert.deepEqual([lost.link.flags.up, lost.link.flags.running], [true, false]);
    assert.notEqual(lost.link.operstate, 'up');
    mark = agentA.events.length;
    lan?.switchNs.ip('link', 'set', portA, 'up');
    await agentA.waitFor(isLink('link-up'), 3000, mark);

    const { ifindex } = await agentA.call<LinkInfo>('getLink', { link: 'eth0' });
    await agentA.call('addAddress', { spec: { ifindex, address: '192.0.2.30/24' } });
    mark = agentA.events.length;
    a.ip('addr', 'del', '192.0.2.30/24', 'dev', 'eth0');
    const removed = (await agentA.waitFor((e) => (e.netlink as { type?: string } | undefined)?.type === 'address-removed', 3000, mark)).netlink as { address: AddressInfo };
    assert.deepEqual([removed.address.address, removed.address.prefixLength, removed.address.ifindex], ['192.0.2.30', 24, ifindex]);
    assert.equal(agentA.events.filter((e) => e.event === 'watch-error').length, 0);
  });
});
