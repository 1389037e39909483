import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeArpFrame, encodeGratuitousArp, GARP_FRAME_LENGTH, isGratuitousArp } from '../../../src/vrrp/io/arp.js';

// Keepalived's frame for VIP 192.0.2.10 from MAC 02:00:00:00:00:0a (vrrp_arp.c): Ethernet broadcast, ARP request,
// sha = the MAC, spa = tpa = the VIP, tha = ff:ff:ff:ff:ff:ff.
const GOLDEN = [
  'ffffffffffff', // destination: broadcast
  '02000000000a', // source: the interface's MAC
  '0806', // EtherType ARP
  '0001', // hardware type Ethernet
  '0800', // protocol type IPv4
  '06', // hardware address length
  '04', // protocol address length
  '0001', // operation: request
  '02000000000a', // sender hardware address
  'c000020a', // sender protocol address: the VIP
  'ffffffffffff', // target hardware address
  'c000020a', // target protocol address: the VIP
].join('');

describe('gratuitous ARP frame', () => {
  it('is byte for byte the frame Keepalived sends', () => {
    const frame = encodeGratuitousArp('02:00:00:00:00:0a', '192.0.2.10');
    assert.equal(frame.length, GARP_FRAME_LENGTH);
    assert.equal(frame.toString('hex'), GOLDEN);
  });

  it('takes the MAC as bytes too', () => {
    const frame = encodeGratuitousArp(Buffer.from('02000000000a', 'hex'), '192.0.2.10');
    assert.equal(frame.toString('hex'), GOLDEN);
  });

  it('decodes back to what it was made of', () => {
    const arp = decodeArpFrame(Buffer.from(GOLDEN, 'hex'));
    assert.deepEqual(arp, {
      destination: 'ff:ff:ff:ff:ff:ff',
      source: '02:00:00:00:00:0a',
      operation: 1,
      senderMac: '02:00:00:00:00:0a',
      senderIp: '192.0.2.10',
      targetMac: 'ff:ff:ff:ff:ff:ff',
      targetIp: '192.0.2.10',
    });
    assert.ok(arp && isGratuitousArp(arp));
  });

  it('decodes only Ethernet/IPv4 ARP frames', () => {
    assert.equal(decodeArpFrame(Buffer.alloc(10)), undefined);
    const ipv6 = Buffer.from(GOLDEN, 'hex');
    ipv6.writeUInt16BE(0x86dd, 12);
    assert.equal(decodeArpFrame(ipv6), undefined);
    assert.equal(decodeArpFrame(Buffer.from(GOLDEN, 'hex').subarray(0, 41)), undefined);
  });

  it('refuses what is not an IPv4 address or a MAC', () => {
    assert.throws(() => encodeGratuitousArp('02:00:00:00:00:0a', '2001:db8::10'), RangeError);
    assert.throws(() => encodeGratuitousArp('02:00:00:00:00:0a', '192.0.2.300'), RangeError);
    assert.throws(() => encodeGratuitousArp('02:00:00:00:00', '192.0.2.10'), RangeError);
    assert.throws(() => encodeGratuitousArp(Buffer.alloc(5), '192.0.2.10'), RangeError);
  });
});
