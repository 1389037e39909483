import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeNeighbourAdvert, encodeUnsolicitedNa, icmpv6Checksum, UNSOLICITED_NA_FRAME_LENGTH } from '../../../src/vrrp/io/ndisc.js';

// Keepalived's frame for VIP 2001:db8::10 from MAC 02:00:00:00:00:0a (vrrp_ndisc.c). The checksums were computed
// apart from the code under test (a separate RFC 1071 sum over the RFC 8200 §8.1 pseudo-header).
function golden(router: boolean): string {
  return [
    '333300000001', // destination: all-nodes ff02::1 mapped (RFC 2464 §7)
    '02000000000a', // source: the interface's MAC
    '86dd', // EtherType IPv6
    '60000000', // version 6, traffic class 0, flow label 0
    '0020', // payload length 32
    '3a', // next header ICMPv6
    'ff', // hop limit 255
    '20010db8000000000000000000000010', // source: the VIP
    'ff020000000000000000000000000001', // destination: ff02::1
    '88', // type 136, neighbour advertisement
    '00', // code
    router ? '7903' : 'f903', // checksum
    router ? 'a0000000' : '20000000', // R=router, S=0, O=1
    '20010db8000000000000000000000010', // target: the VIP
    '02', // option: target link-layer address
    '01', // option length: 8 bytes
    '02000000000a', // the MAC
  ].join('');
}

describe('unsolicited neighbour advertisement frame', () => {
  it('is byte for byte the frame Keepalived sends', () => {
    const frame = encodeUnsolicitedNa('02:00:00:00:00:0a', '2001:db8::10');
    assert.equal(frame.length, UNSOLICITED_NA_FRAME_LENGTH);
    assert.equal(frame.toString('hex'), golden(false));
  });

  it('sets the Router flag when asked (an interface that forwards IPv6)', () => {
    assert.equal(encodeUnsolicitedNa('02:00:00:00:00:0a', '2001:db8::10', { router: true }).toString('hex'), golden(true));
  });

  it('has a checksum that sums to zero with the pseudo-header', () => {
    const frame = encodeUnsolicitedNa('02:00:00:00:00:0a', '2001:db8:0:1::abcd', { router: true });
    assert.equal(icmpv6Checksum(frame.subarray(22, 38), frame.subarray(38, 54), frame.subarray(54)), 0);
  });

  it('decodes back to what it was made of', () => {
    assert.deepEqual(decodeNeighbourAdvert(Buffer.from(golden(false), 'hex')), {
      destination: '33:33:00:00:00:01',
      source: '02:00:00:00:00:0a',
      ipSource: '2001:db8::10',
      ipDestination: 'ff02::1',
      hopLimit: 255,
      router: false,
      solicited: false,
      override: true,
      target: '2001:db8::10',
      targetMac: '02:00:00:00:00:0a',
      checksumOk: true,
    });
    assert.equal(decodeNeighbourAdvert(Buffer.from(golden(true), 'hex'))?.router, true);
  });

  it('sees a broken checksum, and decodes only neighbour advertisements', () => {
    const bad = Buffer.from(golden(false), 'hex');
    bad[60] = 0x21;
    assert.equal(decodeNeighbourAdvert(bad)?.checksumOk, false);
    const solicitation = Buffer.from(golden(false), 'hex');
    solicitation[54] = 135;
    assert.equal(decodeNeighbourAdvert(solicitation), undefined);
    assert.equal(decodeNeighbourAdvert(Buffer.alloc(30)), undefined);
  });

  it('refuses what is not an IPv6 address', () => {
    assert.throws(() => encodeUnsolicitedNa('02:00:00:00:00:0a', '192.0.2.10'), RangeError);
    assert.throws(() => encodeUnsolicitedNa('02:00:00:00:00:0a', 'fe80::1%eth0'), RangeError);
  });
});
