import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { internetChecksum } from '../../src/vrrp/packet/checksum.js';
import { decodeIpv4, decodeVrrp, encodeVrrp, type VrrpV2Packet, type VrrpV3Packet } from '../../src/vrrp/packet/index.js';
import { loadFixtures, splitIpv6 } from './packet-fixtures.js';

const fixtures = new Map(loadFixtures().map((f) => [f.name, f]));
const fixture = (name: string) => {
  const found = fixtures.get(name);
  assert.ok(found, `fixture ${name} missing: run test/vrrp/capture-fixtures.sh`);
  return found;
};

const V2: VrrpV2Packet = {
  version: 2,
  type: 1,
  vrid: 1,
  priority: 100,
  addresses: ['192.0.2.100'],
  authType: 0,
  advertInt: 1,
  authData: null,
};
const V3: VrrpV3Packet = { version: 3, type: 1, vrid: 1, priority: 100, addresses: ['192.0.2.100'], maxAdvertInt: 100 };
const GROUP = { family: 4, src: '192.0.2.1', dst: '224.0.0.18' } as const;
const checksumOf = (message: Buffer) => message.readUInt16BE(6);

describe('internet checksum (RFC 1071)', () => {
  it('gives the example of RFC 1071 §3', () => {
    // Sum 0x2ddf0, folded 0xddf2, complemented 0x220d.
    assert.equal(internetChecksum(Buffer.from('0001f203f4f5f6f7', 'hex')), 0x220d);
  });

  it('pads an odd last byte with a zero', () => {
    assert.equal(internetChecksum(Buffer.from([0x01])), 0xfeff);
    assert.equal(internetChecksum(Buffer.from([0x01, 0x00])), 0xfeff);
  });

  it('is 0 over a range that holds its own checksum', () => {
    const message = encodeVrrp(V2, GROUP);
    assert.equal(internetChecksum(message), 0);
  });
});

describe('VRRP checksum rules', () => {
  it('v2 over IPv4 covers the message only: no addresses, no mode', () => {
    const reference = encodeVrrp(V2, GROUP);
    assert.deepEqual(encodeVrrp(V2, { family: 4, src: '198.51.100.1', dst: '203.0.113.1' }), reference);
    assert.deepEqual(encodeVrrp(V2, { ...GROUP, checksumMode: 'rfc9568' }), reference);
  });

  it('v3 over IPv4, rfc5798: the pseudo-header with the source and destination', () => {
    const reference = checksumOf(encodeVrrp(V3, GROUP));
    assert.notEqual(checksumOf(encodeVrrp(V3, { ...GROUP, src: '192.0.2.2' })), reference);
    assert.notEqual(checksumOf(encodeVrrp(V3, { ...GROUP, dst: '192.0.2.2' })), reference);
  });

  it('v3 over IPv4, rfc9568: the message only, whatever the addresses', () => {
    const message = encodeVrrp(V3, { ...GROUP, checksumMode: 'rfc9568' });
    assert.equal(internetChecksum(message), 0);
    assert.deepEqual(encodeVrrp(V3, { ...GROUP, src: '192.0.2.2', checksumMode: 'rfc9568' }), message);
  });

  it("Keepalived 2.2.7's v3 advert verifies as rfc5798 only", () => {
    const { bytes } = fixture('v3-ipv4');
    assert.ok(decodeIpv4(bytes, { checksum: 'rfc5798' }).ok);
    const other = decodeIpv4(bytes, { checksum: 'rfc9568' });
    assert.equal(other.ok ? 'ok' : other.reason, 'bad-checksum');
    assert.notEqual(internetChecksum(bytes, 20), 0, 'the message alone does not sum right');
  });

  it('an rfc9568 advert (v3_checksum_as_v2, Keepalived 2.2.8 on) verifies as rfc9568 only', () => {
    const message = encodeVrrp(V3, { ...GROUP, checksumMode: 'rfc9568' });
    assert.ok(decodeVrrp(message, { ...GROUP, checksum: 'rfc9568' }).ok);
    const other = decodeVrrp(message, { ...GROUP, checksum: 'rfc5798' });
    assert.equal(other.ok ? 'ok' : other.reason, 'bad-checksum');
  });

  it('says in the drop detail what the checksum should have been', () => {
    const message = encodeVrrp(V3, { ...GROUP, checksumMode: 'rfc9568' });
    const expected = checksumOf(encodeVrrp(V3, GROUP)).toString(16).padStart(4, '0');
    const result = decodeVrrp(message, GROUP);
    assert.ok(!result.ok);
    assert.match(result.detail, new RegExp(`computed 0x${expected} \\(v3: IPv4 pseudo-header, RFC 5798\\)`));
  });

  it('v3 unicast puts the peer in the pseudo-header; old_unicast_checksum puts the group there', () => {
    const group = { checksumDst: '224.0.0.18' };
    const unicast = fixture('v3-unicast').bytes;
    const old = fixture('v3-unicast-old-checksum').bytes;
    assert.ok(decodeIpv4(unicast).ok);
    assert.equal(decodeIpv4(unicast, group).ok, false);
    assert.ok(decodeIpv4(old, group).ok);
    const result = decodeIpv4(old);
    assert.equal(result.ok ? 'ok' : result.reason, 'bad-checksum');
  });

  it('IPv6 always covers the IPv6 pseudo-header, v2 and v3, whatever the mode', () => {
    for (const name of ['v3-ipv6', 'v2-ipv6']) {
      const { src, dst, payload } = splitIpv6(fixture(name).bytes);
      for (const checksum of ['rfc5798', 'rfc9568'] as const) {
        assert.ok(decodeVrrp(payload, { family: 6, src, dst, checksum }).ok, `${name} ${checksum}`);
      }
      assert.equal(decodeVrrp(payload, { family: 6, src: 'fe80::2', dst }).ok, false, name);
      assert.notEqual(internetChecksum(payload), 0, `${name}: not the message alone`);
    }
  });

  it("'skip' leaves the checksum to the kernel", () => {
    const message = encodeVrrp(V3, GROUP);
    message[6]! ^= 0xff;
    assert.equal(decodeVrrp(message, GROUP).ok, false);
    const skipped = decodeVrrp(message, { ...GROUP, checksum: 'skip' });
    assert.ok(skipped.ok);
    assert.equal(skipped.packet.checksum, message.readUInt16BE(6));
  });

  it('accepts both zeros of one\'s complement, as Keepalived does, and sends 0x0000', () => {
    // Give the VIP's low word the value that brings the sum to 0xffff: the checksum is then 0x0000.
    const low = checksumOf(encodeVrrp({ ...V2, addresses: ['192.0.0.0'] }, GROUP));
    const vip = `192.0.${low >> 8}.${low & 0xff}`;
    const message = encodeVrrp({ ...V2, addresses: [vip] }, GROUP);
    assert.equal(checksumOf(message), 0);
    message.writeUInt16BE(0xffff, 6);
    assert.ok(decodeVrrp(message, GROUP).ok);
  });

  it("matches Keepalived's incremental update for the priority-0 advert", () => {
    for (const name of ['v2-shutdown', 'v3-ipv4-shutdown']) {
      const decoded = decodeIpv4(fixture(name).bytes);
      assert.ok(decoded.ok && decoded.packet.priority === 0, name);
      const full = encodeVrrp(decoded.packet, { family: 4, src: decoded.ip.src, dst: decoded.ip.dst });
      assert.equal(checksumOf(full), decoded.packet.checksum, name);
    }
  });
});
