import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';
import type * as Netlink from 'netlink';
import { linkInfo, type LinkInfo } from '../../../src/vrrp/io/netlink-link.js';
import { NetlinkWatch, type NetlinkEvent } from '../../../src/vrrp/io/netlink-watch.js';

// The watch's logic on messages formatted by the real `netlink` package, from a fake socket.
const netlink = createRequire(import.meta.url)('netlink') as typeof Netlink;

class FakeNetlinkSocket extends EventEmitter {
  readonly groups: number[] = [];
  closed = false;
  addMembership(group: number): void {
    this.groups.push(group);
  }
  close(): void {
    this.closed = true;
  }
}

function linkMessage(type: number, index: number, name: string, flags: Netlink.rt.DeviceFlags): Netlink.NetlinkMessage {
  const out = new netlink.AttrStream();
  netlink.rt.formatLinkMessage({ kind: 'link', data: { index, flags }, attrs: { ifname: name, operstate: flags.running ? 6 : 2 } }, out);
  return { type, flags: 0, seq: 0, port: 0, data: Buffer.concat(out.bufs) };
}

function addressMessage(type: number, index: number, address: number[]): Netlink.NetlinkMessage {
  const out = new netlink.AttrStream();
  netlink.rt.formatAddressMessage({ kind: 'address', data: { family: 2, prefixlen: 24, index }, attrs: { local: Buffer.from(address), address: Buffer.from(address) } }, out);
  return { type, flags: 0, seq: 0, port: 0, data: Buffer.concat(out.bufs) };
}

const UP = { up: true, running: true } as const;
const NO_CARRIER = { up: true } as const;

function link(index: number, name: string, flags: Netlink.rt.DeviceFlags): LinkInfo {
  return linkInfo(netlink.rt.parseMessage(16, linkMessage(16, index, name, flags).data) as Netlink.rt.LinkMessage);
}

async function start(links: LinkInfo[], onStartup?: (socket: FakeNetlinkSocket) => void) {
  const socket = new FakeNetlinkSocket();
  const events: NetlinkEvent[] = [];
  const errors: unknown[] = [];
  let dumps = 0;
  let current = links;
  const lib = { ...netlink, createNetlink: () => socket } as unknown as typeof Netlink;
  const watch = await NetlinkWatch.start(
    lib,
    async () => {
      dumps++;
      if (dumps === 1) onStartup?.(socket);
      return current;
    },
    (e) => events.push(e),
    { onError: (e) => errors.push(e) },
  );
  return { socket, events, errors, watch, setLinks: (l: LinkInfo[]) => (current = l), dumps: () => dumps };
}

describe('netlink watch', () => {
  it('joins the link and address groups, and tells transitions of up && running', async () => {
    const { socket, events, watch } = await start([link(2, 'eth0', UP)]);
    assert.deepEqual(socket.groups, [1, 5, 9]);
    socket.emit('message', [linkMessage(16, 2, 'eth0', NO_CARRIER)]);
    socket.emit('message', [linkMessage(16, 2, 'eth0', NO_CARRIER)]);
    socket.emit('message', [linkMessage(16, 2, 'eth0', UP)]);
    socket.emit('message', [linkMessage(16, 3, 'vrrp.51', UP)]);
    socket.emit('message', [linkMessage(17, 3, 'vrrp.51', UP)]);
    assert.deepEqual(
      events.map((e) => [e.type, 'link' in e ? e.link.name : 'ifindex' in e ? e.ifindex : '']),
      [
        ['link-down', 'eth0'],
        ['link-changed', 'eth0'],
        ['link-up', 'eth0'],
        ['link-added', 'vrrp.51'],
        ['link-removed', 3],
      ],
    );
    watch.close();
    assert.equal(socket.closed, true);
    socket.emit('message', [linkMessage(16, 2, 'eth0', NO_CARRIER)]);
    assert.equal(events.length, 5, 'nothing after close');
  });

  it('tells addresses added and removed', async () => {
    const { socket, events } = await start([]);
    socket.emit('message', [addressMessage(20, 2, [192, 0, 2, 10]), addressMessage(21, 2, [192, 0, 2, 10])]);
    assert.deepEqual(
      events.map((e) => [e.type, 'address' in e ? `${e.address.address}/${e.address.prefixLength}@${e.address.ifindex}` : '']),
      [
        ['address-added', '192.0.2.10/24@2'],
        ['address-removed', '192.0.2.10/24@2'],
      ],
    );
  });

  it('judges changes that came while the links were read against what was read', async () => {
    const { events } = await start([link(2, 'eth0', NO_CARRIER)], (socket) => {
      socket.emit('message', [linkMessage(16, 2, 'eth0', NO_CARRIER)]);
      socket.emit('message', [linkMessage(16, 2, 'eth0', UP)]);
    });
    assert.deepEqual(
      events.map((e) => e.type),
      ['link-changed', 'link-up'],
    );
  });

  it('reads the links again after an overflow, and tells what it missed', async () => {
    const { socket, events, errors, setLinks, dumps } = await start([link(2, 'eth0', UP), link(3, 'eth1', UP)]);
    setLinks([link(2, 'eth0', NO_CARRIER), link(4, 'eth2', UP)]);
    socket.emit('error', Object.assign(new Error('recvmsg ENOBUFS'), { code: 'ENOBUFS' }));
    await new Promise((r) => setImmediate(r));
    assert.equal(dumps(), 2);
    assert.equal(errors.length, 1);
    assert.deepEqual(
      events.map((e) => [e.type, 'link' in e ? e.link.name : 'ifindex' in e ? e.ifindex : '']),
      [
        ['resync', ''],
        ['link-removed', 3],
        ['link-down', 'eth0'],
        ['link-added', 'eth2'],
      ],
    );
  });

  it('counts what it cannot parse and a listener that throws, and goes on', async () => {
    const socket = new FakeNetlinkSocket();
    const errors: unknown[] = [];
    const lib = { ...netlink, createNetlink: () => socket } as unknown as typeof Netlink;
    let calls = 0;
    const watch = await NetlinkWatch.start(
      lib,
      async () => [],
      () => {
        calls++;
        throw new Error('listener bug');
      },
      { onError: (e) => errors.push(e), addresses: false },
    );
    assert.deepEqual(socket.groups, [1]);
    socket.emit('message', [{ type: 16, flags: 0, seq: 0, port: 0, data: Buffer.alloc(3) }]);
    socket.emit('message', [linkMessage(16, 2, 'eth0', UP)]);
    socket.emit('invalid', new Error('bad multipart'));
    assert.equal(calls, 1);
    assert.equal(errors.length, 3);
    assert.deepEqual(watch.stats, { events: 1, errors: 3 });
  });
});
