import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { openPacketSocket } from '../../../src/vrrp/io/packet-socket.js';

// The native addon itself, loaded the way the GARP sender loads it. Nothing is sent: the socket is closed first
// (tests that send frames run in network namespaces, test/vrrp-io/).
describe('native AF_PACKET socket (@vigil/native)', () => {
  it('opens, reports its interface, and closes (twice is fine)', () => {
    const socket = openPacketSocket(1);
    assert.equal(socket.ifindex, 1);
    assert.equal((socket as unknown as { closed: boolean }).closed, false);
    socket.close();
    socket.close();
    assert.equal((socket as unknown as { closed: boolean }).closed, true);
  });

  it('throws errno errors after close', () => {
    const socket = openPacketSocket(1);
    socket.close();
    assert.throws(
      () => socket.send(Buffer.alloc(60)),
      (err: unknown) => {
        const e = err as { errno: number; code: string; syscall: string; message: string };
        return e.errno === 9 && e.code === 'EBADF' && e.syscall === 'sendto' && /closed/.test(e.message);
      },
    );
  });

  it('refuses bad arguments before any system call', () => {
    assert.throws(() => openPacketSocket(0), TypeError);
    assert.throws(() => openPacketSocket(1.5), TypeError);
    const socket = openPacketSocket(1);
    try {
      assert.throws(() => socket.send('frame' as unknown as Uint8Array), TypeError);
      assert.throws(() => socket.send(new Uint16Array(30) as unknown as Uint8Array), TypeError);
      assert.throws(() => socket.send(Buffer.alloc(13)), RangeError);
    } finally {
      socket.close();
    }
  });
});
