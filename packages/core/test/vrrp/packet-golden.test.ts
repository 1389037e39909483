import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeIpv4, decodeVrrp, encodeIpv4, encodeVrrp } from '../../src/vrrp/packet/index.js';
import { asJson, fixIpv4Checksum, loadFixtures, splitIpv6, type Fixture } from './packet-fixtures.js';

/** What capture-fixtures.sh gets from Keepalived 2.2.7 (v3_checksum_as_v2 only exists from 2.2.8). */
const EXPECTED = [
  'v2-ah',
  'v2-ah-shutdown',
  'v2-ah-unicast',
  'v2-ipv6',
  'v2-multi-vip',
  'v2-noauth',
  'v2-owner',
  'v2-pass',
  'v2-shutdown',
  'v2-unicast',
  'v3-ipv4',
  'v3-ipv4-shutdown',
  'v3-ipv6',
  'v3-unicast',
  'v3-unicast-old-checksum',
];

const fixtures = loadFixtures();
const password = (fixture: Fixture): string => {
  const { auth } = fixture.receiver.expect;
  return auth && auth.type !== 'none' ? auth.password : '';
};

describe('golden packets from Keepalived', () => {
  it('has every fixture', () => {
    const names = fixtures.map((f) => f.name);
    const missing = EXPECTED.filter((name) => !names.includes(name));
    assert.deepEqual(missing, [], 'fixtures missing: run test/vrrp/capture-fixtures.sh');
  });

  for (const fixture of fixtures.filter((f) => f.family === 4)) {
    describe(fixture.name, () => {
      const decode = () => decodeIpv4(fixture.bytes, { ...fixture.receiver, checksum: fixture.receiver.checksumMode });

      it('decodes to the fields of its config', () => {
        const decoded = decode();
        assert.ok(decoded.ok, decoded.ok ? '' : `${decoded.reason}: ${decoded.detail}`);
        assert.deepEqual(asJson(decoded.packet), fixture.packet);
        assert.equal(decoded.packet.checksum, fixture.captured.checksum);
        if (decoded.packet.version === 3) assert.equal(decoded.packet.reserved, 0);
        const { ip } = decoded;
        assert.deepEqual(
          { src: ip.src, dst: ip.dst, ttl: ip.ttl, tos: ip.tos, protocol: ip.protocol },
          fixture.ip,
        );
        assert.equal(ip.id, fixture.captured.ipId);
        assert.equal(decoded.ah?.sequence, fixture.captured.ahSequence);
      });

      it('re-encodes byte for byte', () => {
        const decoded = decode();
        assert.ok(decoded.ok);
        const ah = decoded.ah ? { password: password(fixture), sequence: decoded.ah.sequence } : undefined;
        const encoded = encodeIpv4(decoded.packet, { ...fixture.receiver, ip: decoded.ip, ah });
        assert.equal(encoded.toString('hex'), fixture.bytes.toString('hex'));
      });

      if (fixture.ip.protocol === 112) {
        it('decodes and re-encodes as a payload after the IPv4 header', () => {
          const payload = fixture.bytes.subarray(20);
          const options = { family: 4, src: fixture.ip.src, dst: fixture.ip.dst, hopLimit: fixture.ip.ttl } as const;
          const decoded = decodeVrrp(payload, { ...options, ...fixture.receiver, checksum: fixture.receiver.checksumMode });
          assert.ok(decoded.ok, decoded.ok ? '' : `${decoded.reason}: ${decoded.detail}`);
          assert.deepEqual(asJson(decoded.packet), fixture.packet);
          assert.deepEqual(encodeVrrp(decoded.packet, { ...options, ...fixture.receiver }), payload);
        });
      }
    });
  }

  for (const fixture of fixtures.filter((f) => f.family === 6)) {
    describe(fixture.name, () => {
      const ipv6 = splitIpv6(fixture.bytes);
      const options = { family: 6, src: ipv6.src, dst: ipv6.dst } as const;

      it('decodes to the fields of its config', () => {
        const { src, dst, hopLimit, nextHeader } = ipv6;
        assert.deepEqual({ src, dst, hopLimit, nextHeader }, fixture.ip);
        const decoded = decodeVrrp(ipv6.payload, { ...options, hopLimit: ipv6.hopLimit, expect: fixture.receiver.expect });
        assert.ok(decoded.ok, decoded.ok ? '' : `${decoded.reason}: ${decoded.detail}`);
        assert.deepEqual(asJson(decoded.packet), fixture.packet);
        assert.equal(decoded.packet.checksum, fixture.captured.checksum);
      });

      it('re-encodes byte for byte, the checksum the kernel made included', () => {
        const decoded = decodeVrrp(ipv6.payload, options);
        assert.ok(decoded.ok);
        assert.equal(encodeVrrp(decoded.packet, options).toString('hex'), ipv6.payload.toString('hex'));
      });
    });
  }
});

describe('AH fixtures', () => {
  for (const fixture of fixtures.filter((f) => f.ip.protocol === 51)) {
    describe(fixture.name, () => {
      it('carries an ICV that verifies with the configured auth_pass, and not with another', () => {
        assert.ok(decodeIpv4(fixture.bytes, { expect: { auth: { type: 'ah', password: password(fixture) } } }).ok);
        const wrong = decodeIpv4(fixture.bytes, { expect: { auth: { type: 'ah', password: 'ah-secrX' } } });
        assert.equal(wrong.ok ? 'ok' : wrong.reason, 'auth-failed');
      });

      it('takes only the first 8 characters of the password as the key, as Keepalived does', () => {
        const key = password(fixture).slice(0, 8);
        assert.ok(decodeIpv4(fixture.bytes, { expect: { auth: { type: 'ah', password: `${key}-anything` } } }).ok);
      });

      it('puts the source address in the SPI and counts the sequence from 1', () => {
        const decoded = decodeIpv4(fixture.bytes, { expect: { auth: { type: 'ah', password: password(fixture) } } });
        assert.ok(decoded.ok && decoded.ah);
        assert.equal(decoded.ah.spi, fixture.bytes.readUInt32BE(12));
        assert.equal(decoded.ah.nextHeader, 112);
        assert.equal(decoded.ah.payloadLength, 4);
        assert.equal(decoded.ah.sequence, fixture.name.endsWith('shutdown') ? 2 : 1);
      });

      it('is a replay once its sequence number has been seen', () => {
        const sequence = fixture.captured.ahSequence ?? 0;
        const auth = { type: 'ah', password: password(fixture) } as const;
        assert.ok(decodeIpv4(fixture.bytes, { expect: { auth: { ...auth, lastSequence: sequence - 1 } } }).ok);
        const replay = decodeIpv4(fixture.bytes, { expect: { auth: { ...auth, lastSequence: sequence } } });
        assert.equal(replay.ok ? 'ok' : replay.reason, 'auth-failed');
      });
    });
  }

  it('leaves the TTL out of the ICV of unicast adverts only', () => {
    const [multicast, unicast] = ['v2-ah', 'v2-ah-unicast'].map((name) => fixtures.find((f) => f.name === name)!);
    const auth = { expect: { auth: { type: 'ah', password: 'ah-secret' } } } as const;
    for (const [fixture, survives] of [[multicast!, false], [unicast!, true]] as const) {
      const hop = Buffer.from(fixture.bytes);
      hop[8] = 254;
      const decoded = decodeIpv4(fixIpv4Checksum(hop), auth);
      assert.equal(decoded.ok ? 'ok' : decoded.reason, survives ? 'ok' : 'auth-failed', fixture.name);
    }
  });
});
