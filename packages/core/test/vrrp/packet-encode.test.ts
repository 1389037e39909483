import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  decodeIpv4,
  decodeVrrp,
  encodeIpv4,
  encodeVrrp,
  passwordAuthData,
  type VrrpPacket,
  type VrrpV2Packet,
  type VrrpV3Packet,
} from '../../src/vrrp/packet/index.js';

const V2: VrrpV2Packet = {
  version: 2,
  type: 1,
  vrid: 7,
  priority: 100,
  addresses: ['192.0.2.100'],
  authType: 0,
  advertInt: 1,
  authData: null,
};
const V3: VrrpV3Packet = { version: 3, type: 1, vrid: 7, priority: 100, addresses: ['192.0.2.100'], maxAdvertInt: 100 };
const V4 = { family: 4, src: '192.0.2.1', dst: '224.0.0.18' } as const;
const V6 = { family: 6, src: 'fe80::1', dst: 'ff02::12' } as const;
const IP = { src: '192.0.2.1', dst: '224.0.0.18' };

function roundTrip(packet: VrrpPacket, envelope: typeof V4 | typeof V6): VrrpPacket {
  const decoded = decodeVrrp(encodeVrrp(packet, envelope), envelope);
  assert.ok(decoded.ok, decoded.ok ? '' : `${decoded.reason}: ${decoded.detail}`);
  const { checksum: _checksum, ...fields } = decoded.packet;
  return fields;
}

describe('encode', () => {
  it('lays out a v2 advert as RFC 3768 §5.1', () => {
    const message = encodeVrrp({ ...V2, authType: 1, authData: passwordAuthData('secret') }, V4);
    assert.equal(message.toString('hex'), '2107640101017b45c00002647365637265740000');
  });

  it('lays out a v3 advert as RFC 5798 §5.1: reserved bits, 12-bit interval', () => {
    const message = encodeVrrp({ ...V3, maxAdvertInt: 4095 }, { ...V4, checksumMode: 'rfc9568' });
    assert.equal(message.subarray(0, 6).toString('hex'), '310764010fff');
    assert.equal(message.length, 12);
  });

  it('round-trips v2 and v3, IPv4 and IPv6, with 0 to 255 addresses', () => {
    const v4s = Array.from({ length: 255 }, (_, i) => `198.51.100.${i}`);
    const v6s = ['2001:db8::1', '2001:db8:0:1::', '::'];
    const packets: [VrrpPacket, typeof V4 | typeof V6][] = [
      [{ ...V2, authData: Buffer.alloc(8) }, V4],
      [{ ...V2, addresses: [], authData: Buffer.alloc(8) }, V4],
      [{ ...V2, addresses: v4s, priority: 255, authType: 2, advertInt: 255, authData: Buffer.alloc(8, 0xaa) }, V4],
      [{ ...V2, addresses: v6s }, V6],
      [{ ...V3, reserved: 0 }, V4],
      [{ ...V3, addresses: v6s, priority: 0, maxAdvertInt: 1, reserved: 0 }, V6],
      [{ ...V3, reserved: 0xf, vrid: 255 }, V4],
    ];
    for (const [packet, envelope] of packets) assert.deepEqual(roundTrip(packet, envelope), packet);
  });

  it('is deterministic and leaves its input alone', () => {
    const packet = { ...V2, authData: passwordAuthData('x') };
    const frozen = JSON.stringify(packet);
    assert.deepEqual(encodeIpv4(packet, { ip: IP }), encodeIpv4(packet, { ip: IP }));
    assert.equal(JSON.stringify(packet), frozen);
  });

  it('writes the IPv4 header Keepalived writes: TOS 0xc0, TTL 255, protocol 112 or 51', () => {
    const datagram = encodeIpv4(V2, { ip: { ...IP, id: 9 } });
    assert.equal(datagram.subarray(0, 10).toString('hex'), '45c0002800090000ff70');
    const ah = encodeIpv4({ ...V2, authType: 2 }, { ip: IP, ah: { password: 'p', sequence: 1 } });
    assert.equal(ah[9], 51);
    assert.equal(ah.readUInt16BE(2), ah.length);
  });

  it('keeps IP options, which the AH ICV covers', () => {
    const routerAlert = Buffer.from('94040000', 'hex');
    const ah = { password: 'secret', sequence: 3 };
    const datagram = encodeIpv4({ ...V2, authType: 2 }, { ip: { ...IP, options: routerAlert }, ah });
    const decoded = decodeIpv4(datagram, { expect: { auth: { type: 'ah', password: 'secret' } } });
    assert.ok(decoded.ok, decoded.ok ? '' : decoded.detail);
    assert.deepEqual(decoded.ip.options, routerAlert);
    assert.deepEqual(encodeIpv4(decoded.packet, { ip: decoded.ip, ah }), datagram);
  });

  it('refuses what does not fit the wire format', () => {
    const bad: [string, () => unknown][] = [
      ['VRID 256', () => encodeVrrp({ ...V2, vrid: 256 }, V4)],
      ['priority -1', () => encodeVrrp({ ...V2, priority: -1 }, V4)],
      ['priority 1.5', () => encodeVrrp({ ...V2, priority: 1.5 }, V4)],
      ['advert interval 256 s', () => encodeVrrp({ ...V2, advertInt: 256 }, V4)],
      ['max advert interval 4096 cs', () => encodeVrrp({ ...V3, maxAdvertInt: 4096 }, V4)],
      ['reserved bits 16', () => encodeVrrp({ ...V3, reserved: 16 }, V4)],
      ['256 addresses', () => encodeVrrp({ ...V2, addresses: new Array<string>(256).fill('192.0.2.1') }, V4)],
      ['an IPv6 VIP over IPv4', () => encodeVrrp({ ...V2, addresses: ['2001:db8::1'] }, V4)],
      ['7 bytes of authentication data', () => encodeVrrp({ ...V2, authData: Buffer.alloc(7) }, V4)],
      ['authentication data over IPv6', () => encodeVrrp({ ...V2, addresses: [], authData: Buffer.alloc(8) }, V6)],
      ['a source of another family', () => encodeVrrp(V2, { ...V4, src: 'fe80::1' })],
      ['IP options of 3 bytes', () => encodeIpv4(V2, { ip: { ...IP, options: Buffer.alloc(3) } })],
      ['TTL 256', () => encodeIpv4(V2, { ip: { ...IP, ttl: 256 } })],
      ['an AH sequence number of 2^32', () => encodeIpv4(V2, { ip: IP, ah: { password: 'p', sequence: 2 ** 32 } })],
      ['a checksum destination of another family', () => encodeIpv4(V3, { ip: IP, checksumDst: 'ff02::12' })],
    ];
    for (const [what, encode] of bad) assert.throws(encode, RangeError, what);
  });
});
