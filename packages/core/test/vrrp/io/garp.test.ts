import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { describe, it } from 'node:test';
import { decodeArpFrame } from '../../../src/vrrp/io/arp.js';
import { GarpSender, ipv6Forwarding } from '../../../src/vrrp/io/garp.js';
import { decodeNeighbourAdvert } from '../../../src/vrrp/io/ndisc.js';
import type { FrameSocket } from '../../../src/vrrp/io/packet-socket.js';

/** Records the frames instead of sending them; fails on demand. */
class FakeSocket implements FrameSocket {
  readonly ifindex = 7;
  readonly frames: Buffer[] = [];
  readonly times: number[] = [];
  failWith: Error | undefined;
  closed = false;

  send(frame: Uint8Array): number {
    if (this.failWith) throw this.failWith;
    this.frames.push(Buffer.from(frame));
    this.times.push(performance.now());
    return frame.length;
  }

  close(): void {
    this.closed = true;
  }
}

const IFACE = { ifindex: 7, ifname: 'eth0', mac: '02:00:00:00:00:0a' };

/** What each frame announces: the VIP of a gratuitous ARP or the target of an NA. */
function announced(frames: readonly Buffer[]): string[] {
  return frames.map((f) => decodeArpFrame(f)?.senderIp ?? decodeNeighbourAdvert(f)?.target ?? '?');
}

describe('gratuitous ARP / unsolicited NA sender', () => {
  it('sends `repeat` rounds over the addresses, ARP for IPv4 and NA for IPv6', async () => {
    const socket = new FakeSocket();
    const sender = new GarpSender(IFACE, { socket });
    const result = await sender.burst(['192.0.2.10', '2001:db8::10', '192.0.2.11'], { repeat: 3, router: true });
    assert.deepEqual(result, { sent: 9, failed: 0 });
    assert.deepEqual(announced(socket.frames), [
      ...['192.0.2.10', '2001:db8::10', '192.0.2.11'],
      ...['192.0.2.10', '2001:db8::10', '192.0.2.11'],
      ...['192.0.2.10', '2001:db8::10', '192.0.2.11'],
    ]);
    const na = decodeNeighbourAdvert(socket.frames[1] ?? Buffer.alloc(0));
    assert.equal(na?.router, true);
    assert.equal(na?.targetMac, IFACE.mac);
    assert.equal(decodeArpFrame(socket.frames[0] ?? Buffer.alloc(0))?.senderMac, IFACE.mac);
    assert.deepEqual(sender.stats, { sent: 9, failed: 0 });
  });

  it('defaults to Keepalived repeat of 5', async () => {
    const socket = new FakeSocket();
    await new GarpSender(IFACE, { socket }).burst(['192.0.2.10']);
    assert.equal(socket.frames.length, 5);
  });

  it('leaves vrrp_garp_interval between two gratuitous ARPs', async () => {
    const socket = new FakeSocket();
    await new GarpSender(IFACE, { socket }).burst(['192.0.2.10', '192.0.2.11'], { repeat: 2, garpInterval: 0.02 });
    assert.equal(socket.frames.length, 4);
    for (let i = 1; i < socket.times.length; i++) {
      assert.ok((socket.times[i] ?? 0) - (socket.times[i - 1] ?? 0) >= 15, `gap ${i}`);
    }
  });

  it('sends a second burst garp_master_delay seconds later', async () => {
    const socket = new FakeSocket();
    const started = performance.now();
    const announcement = new GarpSender(IFACE, { socket }).announce(['192.0.2.10'], { repeat: 2, delay: 0.05 });
    const result = await announcement.done;
    assert.deepEqual(result, { sent: 4, failed: 0 });
    assert.ok((socket.times[2] ?? 0) - (socket.times[1] ?? 0) >= 40, 'the second burst waits for the delay');
    assert.ok(performance.now() - started >= 45);
  });

  it('sends one burst only with delay 0, and none of the second once cancelled', async () => {
    const once = new FakeSocket();
    assert.deepEqual(await new GarpSender(IFACE, { socket: once }).announce(['192.0.2.10'], { repeat: 3, delay: 0 }).done, { sent: 3, failed: 0 });

    const socket = new FakeSocket();
    const announcement = new GarpSender(IFACE, { socket }).announce(['192.0.2.10'], { repeat: 2, delay: 0.05 });
    setTimeout(() => announcement.cancel(), 10);
    assert.deepEqual(await announcement.done, { sent: 2, failed: 0 });
    await new Promise((resolve) => setTimeout(resolve, 80));
    assert.equal(socket.frames.length, 2, 'nothing after the cancel');
  });

  it('stops a burst between two packets when its signal aborts', async () => {
    const socket = new FakeSocket();
    const controller = new AbortController();
    const burst = new GarpSender(IFACE, { socket }).burst(['192.0.2.10'], { repeat: 10, garpInterval: 0.02, signal: controller.signal });
    setTimeout(() => controller.abort(), 30);
    const result = await burst;
    assert.ok(result.sent >= 1 && result.sent < 10, `sent ${result.sent}`);
  });

  it('counts and reports a packet that cannot be sent, and goes on', async () => {
    const socket = new FakeSocket();
    const errors: Array<[unknown, string]> = [];
    const sender = new GarpSender(IFACE, { socket, onError: (err, address) => errors.push([err, address]) });
    socket.failWith = Object.assign(new Error('sendto ENETDOWN'), { code: 'ENETDOWN' });
    assert.deepEqual(await sender.burst(['192.0.2.10', '2001:db8::10'], { repeat: 2 }), { sent: 0, failed: 4 });
    assert.equal(errors.length, 4);
    assert.deepEqual(
      errors.map(([, a]) => a),
      ['192.0.2.10', '2001:db8::10', '192.0.2.10', '2001:db8::10'],
    );
    socket.failWith = undefined;
    assert.equal(sender.sendOne('192.0.2.10'), true);
    assert.deepEqual(sender.stats, { sent: 1, failed: 4 });
    sender.close();
    assert.equal(socket.closed, true);
  });

  it('throws on an address that is neither IPv4 nor IPv6: a caller bug', () => {
    assert.throws(() => new GarpSender(IFACE, { socket: new FakeSocket() }).sendOne('not-an-ip'), RangeError);
  });

  it('reads the Router flag from the interface forwarding sysctl, false if unknown', () => {
    assert.equal(ipv6Forwarding('no-such-interface-here'), false);
  });
});
