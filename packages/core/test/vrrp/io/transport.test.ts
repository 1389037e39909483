import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { describe, it } from 'node:test';
import { encodeIpv4 } from '../../../src/vrrp/packet/index.js';
import {
  IP_ADD_MEMBERSHIP,
  IP_DROP_MEMBERSHIP,
  IP_HDRINCL,
  IP_MULTICAST_ALL,
  IP_MULTICAST_IF,
  IP_MULTICAST_LOOP,
  IP_MULTICAST_TTL,
  IP_TTL,
  IPPROTO_IP,
  IPPROTO_IPV6,
  IPV6_ADD_MEMBERSHIP,
  IPV6_CHECKSUM,
  IPV6_MULTICAST_HOPS,
  IPV6_MULTICAST_IF,
  IPV6_MULTICAST_LOOP,
  IPV6_UNICAST_HOPS,
  ipMreqn,
  ipv6Mreq,
  SO_BINDTODEVICE,
  SOL_SOCKET,
  type RawSocket,
  type RawSocketModule,
} from '../../../src/vrrp/io/sockopt.js';
import { TransportError, TransportSendError, VrrpTransport, type ReceivedPacket } from '../../../src/vrrp/io/transport.js';

type Option = [level: number, option: number, value: number | string];

/** raw-socket's Socket, as the transport uses it, recording what it is asked. */
class FakeRawSocket extends EventEmitter implements RawSocket {
  readonly options: Option[] = [];
  readonly sent: Array<{ hex: string; address: string; hdrincl: boolean }> = [];
  failOption: number | undefined;
  sendError: Error | undefined;
  hdrincl = false;
  closed = false;

  constructor(readonly protocol: number, readonly family: number) {
    super();
  }

  setOption(level: number, option: number, value: number | Buffer, length?: number): void {
    if (option === this.failOption) throw new Error('Operation not permitted');
    if (level === IPPROTO_IP && option === IP_HDRINCL) this.hdrincl = value === 1;
    this.options.push([level, option, typeof value === 'number' ? value : value.subarray(0, length).toString('hex')]);
  }

  send(buffer: Buffer, offset: number, length: number, address: string, before: () => void, after: (error: Error | null, bytes: number) => void): this {
    queueMicrotask(() => {
      try {
        before();
      } catch (err) {
        after(err as Error, 0);
        return;
      }
      if (this.sendError) after(this.sendError, 0);
      else {
        this.sent.push({ hex: buffer.subarray(offset, offset + length).toString('hex'), address, hdrincl: this.hdrincl });
        after(null, length);
      }
    });
    return this;
  }

  close(): this {
    this.closed = true;
    this.emit('close');
    return this;
  }
}

class FakeRawModule implements RawSocketModule {
  readonly AddressFamily = { IPv4: 1, IPv6: 2 };
  readonly sockets: FakeRawSocket[] = [];
  failCreate = false;
  failOption: number | undefined;

  createSocket(options: { protocol: number; addressFamily: number }): RawSocket {
    if (this.failCreate) throw new Error('Operation not permitted');
    const socket = new FakeRawSocket(options.protocol, options.addressFamily);
    socket.failOption = this.failOption;
    this.sockets.push(socket);
    return socket;
  }
}

function open(family: 4 | 6, extra: { onPacket?: (p: ReceivedPacket) => void; onError?: (e: unknown) => void; multicast?: boolean; sourceAddress?: string } = {}) {
  const raw = new FakeRawModule();
  const transport = VrrpTransport.open({ family, ifname: 'eth0', ifindex: 3, rawSocket: raw, onPacket: extra.onPacket ?? (() => {}), ...extra });
  const socket = raw.sockets[0];
  assert.ok(socket);
  return { transport, socket };
}

const ADVERT = { type: 1 as const, version: 3 as const, vrid: 51, priority: 100, maxAdvertInt: 100, addresses: ['192.0.2.10'] };

describe('VRRP transport (raw sockets)', () => {
  it('sets an IPv4 socket up as Keepalived: bound, TTL 255, loop off, group joined on the interface', () => {
    const { socket } = open(4, { sourceAddress: '192.0.2.1' });
    assert.equal(socket.protocol, 112);
    assert.equal(socket.family, 1);
    assert.deepEqual(socket.options, [
      [SOL_SOCKET, SO_BINDTODEVICE, Buffer.from('eth0').toString('hex')],
      [IPPROTO_IP, IP_MULTICAST_ALL, 0],
      [IPPROTO_IP, IP_TTL, 255],
      [IPPROTO_IP, IP_MULTICAST_TTL, 255],
      [IPPROTO_IP, IP_MULTICAST_LOOP, 0],
      [IPPROTO_IP, IP_MULTICAST_IF, ipMreqn('0.0.0.0', 3, '192.0.2.1').toString('hex')],
      [IPPROTO_IP, IP_ADD_MEMBERSHIP, ipMreqn('224.0.0.18', 3).toString('hex')],
    ]);
  });

  it('sets an IPv6 socket up: kernel checksum at offset 6, hop limit 255, ff02::12 joined', () => {
    const { socket } = open(6);
    assert.equal(socket.family, 2);
    assert.deepEqual(socket.options.slice(1), [
      [IPPROTO_IPV6, IPV6_CHECKSUM, 6],
      [IPPROTO_IPV6, IPV6_UNICAST_HOPS, 255],
      [IPPROTO_IPV6, IPV6_MULTICAST_HOPS, 255],
      [IPPROTO_IPV6, IPV6_MULTICAST_LOOP, 0],
      [IPPROTO_IPV6, IPV6_MULTICAST_IF, 3],
      [IPPROTO_IPV6, IPV6_ADD_MEMBERSHIP, ipv6Mreq('ff02::12', 3).toString('hex')],
    ]);
  });

  it('joins no group in unicast mode, and joins / leaves on demand', () => {
    const { transport, socket } = open(4, { multicast: false });
    assert.ok(!socket.options.some(([, o]) => o === IP_ADD_MEMBERSHIP));
    transport.joinGroup('224.0.0.19');
    transport.leaveGroup('224.0.0.19');
    assert.deepEqual(socket.options.slice(-2), [
      [IPPROTO_IP, IP_ADD_MEMBERSHIP, ipMreqn('224.0.0.19', 3).toString('hex')],
      [IPPROTO_IP, IP_DROP_MEMBERSHIP, ipMreqn('224.0.0.19', 3).toString('hex')],
    ]);
    assert.throws(() => transport.joinGroup('ff02::12'), RangeError);
  });

  it('hands an IPv4 datagram over with its TTL, addresses and interface, as a copy', () => {
    const received: ReceivedPacket[] = [];
    const { transport, socket } = open(4, { onPacket: (p) => received.push(p) });
    const datagram = encodeIpv4(ADVERT, { ip: { src: '192.0.2.1', dst: '224.0.0.18' } });
    const shared = Buffer.from(datagram);
    socket.emit('message', shared, '192.0.2.1');
    shared.fill(0);
    assert.equal(received.length, 1);
    const [p] = received;
    assert.deepEqual({ ...p, data: p?.data.toString('hex') }, {
      family: 4,
      data: datagram.toString('hex'),
      payloadOffset: 20,
      source: '192.0.2.1',
      destination: '224.0.0.18',
      ifindex: 3,
      ttl: 255,
    });
    assert.equal(transport.stats.received, 1);
  });

  it('hands an IPv6 message over without hop limit or destination (raw-socket has no recvmsg)', () => {
    const received: ReceivedPacket[] = [];
    const { socket } = open(6, { onPacket: (p) => received.push(p) });
    socket.emit('message', Buffer.from('3133640108000000', 'hex'), 'fe80::1');
    assert.deepEqual({ ...received[0], data: received[0]?.data.toString('hex') }, {
      family: 6,
      data: '3133640108000000',
      payloadOffset: 0,
      source: 'fe80::1',
      destination: undefined,
      ifindex: 3,
      ttl: undefined,
    });
  });

  it('counts read errors and a throwing handler, and never throws them', () => {
    const errors: unknown[] = [];
    const { transport, socket } = open(4, {
      onPacket: () => {
        throw new Error('handler bug');
      },
      onError: (e) => errors.push(e),
    });
    socket.emit('error', new Error('No buffer space available'));
    socket.emit('message', Buffer.alloc(8), '192.0.2.9');
    assert.equal(transport.stats.readErrors, 2);
    assert.equal(errors.length, 2);
    assert.equal(transport.stats.received, 1);
  });

  it('sends to the group by default, to a peer when told, with the kernel building the header', async () => {
    const { transport, socket } = open(4);
    await transport.send(Buffer.from('31336401', 'hex'));
    await transport.send(Buffer.from('31336402', 'hex'), '192.0.2.2');
    assert.deepEqual(socket.sent, [
      { hex: '31336401', address: '224.0.0.18', hdrincl: false },
      { hex: '31336402', address: '192.0.2.2', hdrincl: false },
    ]);
    assert.equal(transport.stats.sent, 2);
  });

  it('sends a whole datagram with IP_HDRINCL, to the header destination, then goes back', async () => {
    const { transport, socket } = open(4);
    const datagram = encodeIpv4(ADVERT, { ip: { src: '192.0.2.1', dst: '192.0.2.2' } });
    await transport.sendDatagram(datagram);
    await transport.send(Buffer.from('31', 'hex'));
    assert.deepEqual(
      socket.sent.map((s) => [s.address, s.hdrincl]),
      [
        ['192.0.2.2', true],
        ['224.0.0.18', false],
      ],
    );
    await assert.rejects(open(6).transport.sendDatagram(datagram), RangeError);
  });

  it('rejects a failed send with the errno, and counts it', async () => {
    const { transport, socket } = open(4);
    socket.sendError = new Error('Network is unreachable');
    await assert.rejects(transport.send(Buffer.from('31', 'hex'), '198.51.100.9'), (err: unknown) => {
      assert.ok(err instanceof TransportSendError);
      assert.equal(err.errnoCode, 'ENETUNREACH');
      assert.equal(err.destination, '198.51.100.9');
      return true;
    });
    await assert.rejects(transport.send(Buffer.from('31', 'hex'), '2001:db8::1'), TransportSendError);
    assert.equal(transport.stats.sendErrors, 2);
    transport.close();
    assert.equal(socket.closed, true);
    await assert.rejects(transport.send(Buffer.from('31', 'hex')), TransportSendError);
  });

  it('fails to open with the errno and what to do, and closes what it opened', () => {
    const raw = new FakeRawModule();
    raw.failCreate = true;
    assert.throws(
      () => VrrpTransport.open({ family: 4, ifname: 'eth0', ifindex: 3, rawSocket: raw, onPacket: () => {} }),
      (err: unknown) => err instanceof TransportError && err.errno === 1 && /CAP_NET_RAW/.test(err.message),
    );
    raw.failCreate = false;
    raw.failOption = IP_ADD_MEMBERSHIP;
    assert.throws(() => VrrpTransport.open({ family: 4, ifname: 'eth0', ifindex: 3, rawSocket: raw, onPacket: () => {} }), /join 224\.0\.0\.18 on eth0/);
    assert.equal(raw.sockets[0]?.closed, true);
  });
});
