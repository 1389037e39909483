import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatAddress, isMulticast, parseAddress } from '../../src/vrrp/packet/address.js';
import { canonicalAddress, decodeVrrp, encodeVrrp, type VrrpV3Packet } from '../../src/vrrp/packet/index.js';

const ipv6 = (hex: string) => formatAddress(Buffer.from(hex, 'hex'), 0, 6);

describe('addresses', () => {
  it('writes IPv6 the RFC 5952 way', () => {
    assert.equal(ipv6('20010db8000000000001000000000001'), '2001:db8::1:0:0:1', 'the first of two equal runs');
    assert.equal(ipv6('20010db8000000010000000000000001'), '2001:db8:0:1::1', 'the longest run');
    assert.equal(ipv6('20010db8000000010001000100010001'), '2001:db8:0:1:1:1:1:1', 'never a single group');
    assert.equal(ipv6('00000000000000000000000000000000'), '::');
    assert.equal(ipv6('00000000000000000000000000000001'), '::1');
    assert.equal(ipv6('00010000000000000000000000000000'), '1::');
    assert.equal(ipv6('fe800000000000000000000000000001'), 'fe80::1');
    assert.equal(ipv6('ff020000000000000000000000000012'), 'ff02::12');
    assert.equal(ipv6('20010DB8ABCD00120000000000000000'), '2001:db8:abcd:12::');
  });

  it('reads any spelling and round-trips', () => {
    for (const [text, canonical] of [
      ['2001:DB8:0:0:0:0:0:100', '2001:db8::100'],
      ['2001:0db8::0100', '2001:db8::100'],
      ['::ffff:192.0.2.1', '::ffff:c000:201'],
      ['192.0.2.1', '192.0.2.1'],
      ['ff02::12', 'ff02::12'],
    ]) {
      assert.equal(canonicalAddress(text!), canonical, text);
    }
  });

  it('refuses what is not an address of the family', () => {
    assert.equal(parseAddress('192.0.2.1', 6), undefined);
    assert.equal(parseAddress('2001:db8::1', 4), undefined);
    assert.equal(parseAddress('fe80::1%vk0', 6), undefined);
    assert.equal(parseAddress('192.0.2.256', 4), undefined);
    assert.equal(canonicalAddress('vigil'), undefined);
  });

  it('knows multicast addresses', () => {
    assert.ok(isMulticast(parseAddress('224.0.0.18', 4)!));
    assert.ok(isMulticast(parseAddress('239.255.255.255', 4)!));
    assert.ok(!isMulticast(parseAddress('240.0.0.1', 4)!));
    assert.ok(isMulticast(parseAddress('ff02::12', 6)!));
    assert.ok(!isMulticast(parseAddress('fe80::1', 6)!));
  });

  it('matches configured VIPs and peers however they are spelled', () => {
    const packet: VrrpV3Packet = {
      version: 3,
      type: 1,
      vrid: 1,
      priority: 1,
      addresses: ['2001:db8::100'],
      maxAdvertInt: 100,
    };
    const envelope = { family: 6, src: 'fe80::1', dst: 'ff02::12' } as const;
    const message = encodeVrrp(packet, envelope);
    const decoded = decodeVrrp(message, { ...envelope, expect: { addresses: ['2001:0DB8:0::100'] } });
    assert.ok(decoded.ok);
    assert.deepEqual(decoded.packet.addresses, ['2001:db8::100']);
    const unicast = { ...envelope, dst: 'fe80::2', expect: { peers: [{ address: 'FE80:0::1' }] } };
    assert.ok(decodeVrrp(encodeVrrp(packet, unicast), unicast).ok);
  });
});
