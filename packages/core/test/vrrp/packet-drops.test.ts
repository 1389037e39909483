import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { signAh } from '../../src/vrrp/packet/auth-ah.js';
import {
  DROP_REASONS,
  decodeIpv4,
  decodeVrrp,
  encodeIpv4,
  encodeVrrp,
  passwordAuthData,
  type Decoded,
  type DropReason,
  type Ipv4EncodeOptions,
  type VrrpPacket,
  type VrrpV2Packet,
  type VrrpV3Packet,
} from '../../src/vrrp/packet/index.js';
import { fixIpv4Checksum } from './packet-fixtures.js';

const MULTICAST = { src: '192.0.2.1', dst: '224.0.0.18' } as const;
const UNICAST = { src: '192.0.2.1', dst: '192.0.2.2' } as const;
const IPV6 = { family: 6, src: 'fe80::1', dst: 'ff02::12' } as const;
const V2: VrrpV2Packet = {
  version: 2,
  type: 1,
  vrid: 51,
  priority: 150,
  addresses: ['192.0.2.100'],
  authType: 0,
  advertInt: 1,
  authData: null,
};
const V3: VrrpV3Packet = { version: 3, type: 1, vrid: 61, priority: 150, addresses: ['192.0.2.100'], maxAdvertInt: 100 };
const PASS: VrrpV2Packet = { ...V2, authType: 1, authData: passwordAuthData('vigilpass123') };
const AH_PACKET: VrrpV2Packet = { ...V2, authType: 2 };
const AH = { password: 'ah-secret', sequence: 7 };
const AH_CONFIG = { auth: { type: 'ah', password: 'ah-secret' } } as const;

/** Offsets in a 20-byte-header datagram. */
const TTL = 8;
const PROTOCOL = 9;
const VRRP = 20;

function datagram(packet: VrrpPacket = V2, options: Partial<Ipv4EncodeOptions> = {}): Buffer {
  return encodeIpv4(packet, { ip: MULTICAST, ...options });
}

/** A copy of `buf` with bytes changed, the IPv4 header checksum kept right. */
function patched(buf: Buffer, changes: Record<number, number>): Buffer {
  const copy = Buffer.from(buf);
  for (const [at, value] of Object.entries(changes)) copy[Number(at)] = value;
  return fixIpv4Checksum(copy);
}

function reasonOf(result: Decoded<object>): DropReason | 'ok' {
  return result.ok ? 'ok' : result.reason;
}

interface DropCase {
  readonly reason: DropReason;
  readonly what: string;
  readonly decode: () => Decoded<object>;
}

const CASES: DropCase[] = [
  { reason: 'truncated', what: 'fewer bytes than an IPv4 header', decode: () => decodeIpv4(datagram().subarray(0, 19)) },
  {
    reason: 'truncated',
    what: 'a payload shorter than the VRRP header',
    decode: () => decodeVrrp(Buffer.alloc(7), { family: 4, ...MULTICAST }),
  },
  {
    reason: 'truncated',
    what: 'an AH datagram cut inside the VRRP header',
    decode: () => decodeIpv4(datagram(AH_PACKET, { ah: AH }).subarray(0, 50), { expect: AH_CONFIG }),
  },
  {
    reason: 'bad-ip-header',
    what: 'IP version 6 in an IPv4 read',
    decode: () => decodeIpv4(patched(datagram(), { 0: 0x65 })),
  },
  { reason: 'bad-ip-header', what: 'an IHL of 4 words', decode: () => decodeIpv4(patched(datagram(), { 0: 0x44 })) },
  {
    reason: 'bad-ip-header',
    what: 'a bad IPv4 header checksum',
    decode: () => {
      const bad = datagram();
      bad[10]! ^= 0xff;
      return decodeIpv4(bad);
    },
  },
  {
    reason: 'bad-ip-header',
    what: 'a source that is not an address of the family',
    decode: () => decodeVrrp(encodeVrrp(V2, { family: 4, ...MULTICAST }), { family: 6, ...MULTICAST }),
  },
  { reason: 'not-vrrp', what: 'IP protocol 17', decode: () => decodeIpv4(patched(datagram(), { [PROTOCOL]: 17 })) },
  {
    reason: 'not-vrrp',
    what: 'an AH header protecting TCP',
    decode: () => decodeIpv4(patched(datagram(AH_PACKET, { ah: AH }), { [VRRP]: 6 }), { expect: AH_CONFIG }),
  },
  {
    reason: 'auth-type-mismatch',
    what: 'an AH header with no AH configured',
    decode: () => decodeIpv4(datagram(AH_PACKET, { ah: AH }), { expect: { auth: { type: 'none' } } }),
  },
  {
    reason: 'auth-type-mismatch',
    what: 'an AH header and nothing configured to check it with',
    decode: () => decodeIpv4(datagram(AH_PACKET, { ah: AH })),
  },
  {
    reason: 'auth-type-mismatch',
    what: 'no AH header with AH configured',
    decode: () => decodeIpv4(datagram(AH_PACKET), { expect: AH_CONFIG }),
  },
  {
    reason: 'auth-type-mismatch',
    what: 'PASS where none is configured',
    decode: () => decodeIpv4(datagram(PASS), { expect: { auth: { type: 'none' } } }),
  },
  {
    reason: 'bad-length',
    what: 'a count of 2 with one address',
    decode: () => decodeIpv4(patched(datagram(), { [VRRP + 3]: 2 })),
  },
  {
    reason: 'bad-length',
    what: 'an IPv4 total length that is not the size received',
    decode: () => {
      const bad = datagram();
      bad.writeUInt16BE(bad.length + 4, 2);
      return decodeIpv4(fixIpv4Checksum(bad));
    },
  },
  {
    reason: 'bad-ttl',
    what: 'a multicast advert that crossed a router',
    decode: () => decodeIpv4(patched(datagram(), { [TTL]: 254 }), { expect: { mode: 'multicast' } }),
  },
  {
    reason: 'bad-ttl',
    what: 'an IPv6 advert with hop limit 1',
    decode: () =>
      decodeVrrp(encodeVrrp({ ...V3, addresses: ['2001:db8::100'] }, IPV6), {
        ...IPV6,
        hopLimit: 1,
        expect: { mode: 'multicast' },
      }),
  },
  {
    reason: 'bad-ttl',
    what: "a TTL outside the peer's min_ttl..max_ttl",
    decode: () =>
      decodeIpv4(datagram(V2, { ip: UNICAST }), {
        expect: { mode: 'unicast', peers: [{ address: '192.0.2.1', minTtl: 250, maxTtl: 254 }] },
      }),
  },
  // A v3-sized packet: with a version other than 2 there are no authentication data words to expect.
  { reason: 'bad-version', what: 'version 1', decode: () => decodeIpv4(patched(datagram(V3), { [VRRP]: 0x11 })) },
  {
    reason: 'bad-version',
    what: 'v2 where v3 is configured',
    decode: () => decodeIpv4(datagram(), { expect: { version: 3 } }),
  },
  {
    reason: 'bad-version',
    what: 'v3 inside AH: authentication means v2, so its ICV is never skipped',
    decode: () => decodeIpv4(datagram(V3, { ah: AH }), { expect: AH_CONFIG }),
  },
  {
    reason: 'bad-version',
    what: 'v3 to an instance with a PASS password',
    decode: () => decodeIpv4(datagram(V3), { expect: { auth: { type: 'pass', password: 'vigilpass' } } }),
  },
  { reason: 'bad-auth-type', what: 'auth type 3', decode: () => decodeIpv4(patched(datagram(), { [VRRP + 4]: 3 })) },
  {
    reason: 'auth-failed',
    what: 'PASS with a wrong password',
    decode: () => decodeIpv4(datagram(PASS), { expect: { auth: { type: 'pass', password: 'vigilpaX' } } }),
  },
  {
    reason: 'auth-failed',
    what: 'PASS over IPv6, which has no authentication data',
    decode: () =>
      decodeVrrp(encodeVrrp({ ...PASS, addresses: ['2001:db8::100'], authData: null }, IPV6), {
        ...IPV6,
        expect: { auth: { type: 'pass', password: 'vigilpass' } },
      }),
  },
  {
    reason: 'auth-failed',
    what: 'AH with a wrong password',
    decode: () => decodeIpv4(datagram(AH_PACKET, { ah: AH }), { expect: { auth: { type: 'ah', password: 'other' } } }),
  },
  {
    reason: 'auth-failed',
    what: 'AH whose SPI is not the source, with a valid ICV',
    decode: () => {
      const bad = datagram(AH_PACKET, { ah: AH });
      bad.writeUInt32BE(0xc0000209, 24);
      signAh(bad, 20, AH.password);
      return decodeIpv4(bad, { expect: AH_CONFIG });
    },
  },
  {
    reason: 'auth-failed',
    what: 'AH replaying an old sequence number',
    decode: () =>
      decodeIpv4(datagram(AH_PACKET, { ah: AH }), { expect: { auth: { ...AH_CONFIG.auth, lastSequence: AH.sequence } } }),
  },
  {
    reason: 'advert-int-mismatch',
    what: 'a v2 advert every 3 s to an instance configured for 1 s',
    decode: () => decodeIpv4(datagram({ ...V2, advertInt: 3 }), { expect: { advertInt: 1 } }),
  },
  { reason: 'bad-type', what: 'type 2', decode: () => decodeIpv4(patched(datagram(), { [VRRP]: 0x22 })) },
  {
    reason: 'bad-address-count',
    what: 'one VIP where two are configured',
    decode: () => decodeIpv4(datagram(), { expect: { addresses: ['192.0.2.100', '192.0.2.101'] } }),
  },
  {
    reason: 'bad-checksum',
    what: 'a changed checksum',
    decode: () => {
      const bad = datagram();
      bad[VRRP + 6]! ^= 0x01;
      return decodeIpv4(bad);
    },
  },
  {
    reason: 'bad-destination',
    what: 'a multicast advert to a unicast instance',
    decode: () => decodeIpv4(datagram(), { expect: { mode: 'unicast' } }),
  },
  {
    reason: 'bad-destination',
    what: 'a unicast advert to a multicast instance',
    decode: () => decodeIpv4(datagram(V2, { ip: UNICAST }), { expect: { mode: 'multicast' } }),
  },
  {
    reason: 'address-mismatch',
    what: 'another VIP than the configured one',
    decode: () => decodeIpv4(datagram(), { expect: { addresses: ['192.0.2.200'] } }),
  },
  {
    reason: 'not-a-peer',
    what: 'a source that is not a unicast peer',
    decode: () =>
      decodeIpv4(datagram(V2, { ip: UNICAST }), { expect: { mode: 'unicast', peers: [{ address: '192.0.2.9' }] } }),
  },
];

describe('drop reasons', () => {
  for (const c of CASES) {
    it(`${c.reason}: ${c.what}`, () => {
      const result = c.decode();
      assert.equal(reasonOf(result), c.reason, result.ok ? '' : result.detail);
      assert.ok(!result.ok && result.detail.length > 0);
    });
  }

  it('has a crafted packet for every reason', () => {
    const covered = new Set(CASES.map((c) => c.reason));
    assert.deepEqual(
      DROP_REASONS.filter((reason) => !covered.has(reason)),
      [],
    );
  });

  it('decodes the packets those cases start from', () => {
    const configured = { version: 2, advertInt: 1, addresses: ['192.0.2.100'], mode: 'multicast' } as const;
    assert.ok(decodeIpv4(datagram(), { expect: configured }).ok);
    assert.ok(decodeIpv4(datagram(AH_PACKET, { ah: AH }), { expect: AH_CONFIG }).ok);
    assert.ok(decodeIpv4(datagram(PASS), { expect: { auth: { type: 'pass', password: 'vigilpass123' } } }).ok);
    const peers = [{ address: '192.0.2.1', minTtl: 250, maxTtl: 255 }];
    assert.ok(decodeIpv4(datagram(V2, { ip: UNICAST }), { expect: { mode: 'unicast', peers } }).ok);
  });
});

describe('PASS authentication', () => {
  const pass = (password: string) => decodeIpv4(datagram(PASS), { expect: { auth: { type: 'pass', password } } });

  it('compares only the first 8 characters, as Keepalived truncates auth_pass', () => {
    assert.equal(reasonOf(pass('vigilpass123')), 'ok');
    assert.equal(reasonOf(pass('vigilpasXYZ')), 'ok');
    assert.equal(reasonOf(pass('vigilpa')), 'auth-failed');
  });

  it('zero-pads a short password', () => {
    const short = datagram({ ...V2, authType: 1, authData: passwordAuthData('abc') });
    assert.equal(short.subarray(-8).toString('hex'), '6162630000000000');
    assert.ok(decodeIpv4(short, { expect: { auth: { type: 'pass', password: 'abc' } } }).ok);
  });
});

describe('the order of the checks is Keepalived vrrp_check_packet order', () => {
  const order: [string, () => Decoded<object>, DropReason][] = [
    [
      'AH presence before length',
      () => decodeIpv4(patched(datagram(AH_PACKET, { ah: AH }), { [44 + 3]: 9 })),
      'auth-type-mismatch',
    ],
    [
      'length before TTL',
      () => decodeIpv4(patched(datagram(), { [TTL]: 1, [VRRP + 3]: 2 }), { expect: { mode: 'multicast' } }),
      'bad-length',
    ],
    [
      'TTL before version',
      () => decodeIpv4(patched(datagram(), { [TTL]: 1 }), { expect: { mode: 'multicast', version: 3 } }),
      'bad-ttl',
    ],
    [
      'version before auth type',
      () => decodeIpv4(patched(datagram(), { [VRRP + 4]: 9 }), { expect: { version: 3 } }),
      'bad-version',
    ],
    [
      'password before advert interval',
      () =>
        decodeIpv4(datagram({ ...PASS, advertInt: 5 }), {
          expect: { auth: { type: 'pass', password: 'x' }, advertInt: 1 },
        }),
      'auth-failed',
    ],
    [
      'advert interval before type',
      () => decodeIpv4(patched(datagram({ ...V2, advertInt: 5 }), { [VRRP]: 0x22 }), { expect: { advertInt: 1 } }),
      'advert-int-mismatch',
    ],
    [
      'type before address count',
      () => decodeIpv4(patched(datagram(), { [VRRP]: 0x22 }), { expect: { addresses: [] } }),
      'bad-type',
    ],
    [
      'address count before checksum',
      () => decodeIpv4(patched(datagram(), { [VRRP + 6]: 0 }), { expect: { addresses: [] } }),
      'bad-address-count',
    ],
    [
      'total length before checksum',
      () => {
        const bad = patched(datagram(), { [VRRP + 6]: 0 });
        bad.writeUInt16BE(bad.length - 1, 2);
        return decodeIpv4(fixIpv4Checksum(bad));
      },
      'bad-length',
    ],
    [
      'checksum before destination',
      () => decodeIpv4(patched(datagram(), { [VRRP + 6]: 0 }), { expect: { mode: 'unicast' } }),
      'bad-checksum',
    ],
    [
      'destination before addresses',
      () => decodeIpv4(datagram(), { expect: { mode: 'unicast', addresses: ['192.0.2.7'] } }),
      'bad-destination',
    ],
    [
      'addresses before the peer check',
      () =>
        decodeIpv4(datagram(V2, { ip: UNICAST }), {
          expect: { addresses: ['192.0.2.7'], peers: [{ address: '192.0.2.9' }] },
        }),
      'address-mismatch',
    ],
  ];
  for (const [what, decode, reason] of order) {
    it(what, () => assert.equal(reasonOf(decode()), reason));
  }
});
