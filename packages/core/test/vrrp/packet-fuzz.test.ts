import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import { parseAddress } from '../../src/vrrp/packet/address.js';
import { vrrpChecksum } from '../../src/vrrp/packet/checksum.js';
import {
  DROP_REASONS,
  decodeIpv4,
  decodeVrrp,
  encodeIpv4,
  encodeVrrp,
  type ChecksumMode,
  type IpFamily,
  type ReceiverConfig,
} from '../../src/vrrp/packet/index.js';
import { fixIpv4Checksum, loadFixtures, splitIpv6 } from './packet-fixtures.js';
import { SeededRandom as Random } from '../../src/util/random.js';

/**
 * Feeds the decoders random and mutated packets: they must never throw, always answer ok or a known reason,
 * answer fast, and whatever decodes must encode back to the same bytes. Set VIGIL_FUZZ_SEED to replay a run.
 */

const CASES_PER_KIND = 1500;
const MAX_MS_PER_CASE = 50;
const MAX_MS_PER_KIND = 10_000;



/** A packet to start from, and how its receiver decodes it. */
interface Target {
  readonly name: string;
  /** A whole IPv4 datagram (decodeIpv4) or a VRRP message with its envelope (decodeVrrp). */
  readonly layer: 'ipv4' | 'message';
  readonly bytes: Buffer;
  readonly family: IpFamily;
  readonly src: string;
  readonly dst: string;
  readonly hopLimit: number;
  readonly checksumMode: ChecksumMode;
  readonly checksumDst: string | undefined;
  readonly expect: ReceiverConfig;
}

function targets(): Target[] {
  return loadFixtures().flatMap((f): Target[] => {
    const { checksumMode, checksumDst, expect } = f.receiver;
    const receiver = { checksumMode, checksumDst, expect };
    if (f.family === 6) {
      const ipv6 = splitIpv6(f.bytes);
      return [{ name: f.name, layer: 'message', bytes: ipv6.payload, family: 6, ...ipv6, ...receiver }];
    }
    const ip = { family: 4, src: f.ip.src, dst: f.ip.dst, hopLimit: f.ip.ttl ?? 255, ...receiver } as const;
    const whole: Target = { name: f.name, layer: 'ipv4', bytes: f.bytes, ...ip };
    if (f.ip.protocol === 51) return [whole];
    return [whole, { ...whole, name: `${f.name} payload`, layer: 'message', bytes: f.bytes.subarray(20) }];
  });
}

/** The receiver as configured (fixture's expectations, checksum checked), or one that checks nothing. */
type Receiver = 'configured' | 'lax';

interface Tally {
  decoded: number;
  dropped: number;
}

type Result = ReturnType<typeof decodeIpv4> | ReturnType<typeof decodeVrrp>;
type Good = Extract<Result, { ok: true }>;

function decode(target: Target, bytes: Buffer, receiver: Receiver): Result {
  const options =
    receiver === 'configured'
      ? { checksum: target.checksumMode, checksumDst: target.checksumDst, expect: target.expect }
      : { checksum: 'skip' as const };
  if (target.layer === 'ipv4') return decodeIpv4(bytes, options);
  const { family, src, dst, hopLimit } = target;
  return decodeVrrp(bytes, { family, src, dst, hopLimit, ...options });
}

/** Encodes what decoded again; with the checksum unchecked, the checksum field is the one thing that may differ. */
function reencode(target: Target, bytes: Buffer, receiver: Receiver, decoded: Good): Buffer {
  const checksum = { checksumMode: target.checksumMode, checksumDst: target.checksumDst };
  let again: Buffer;
  let vrrpOffset = 0;
  if ('ip' in decoded) {
    const { auth } = target.expect;
    const ah = decoded.ah && auth?.type === 'ah' ? { password: auth.password, sequence: decoded.ah.sequence } : undefined;
    again = encodeIpv4(decoded.packet, { ...checksum, ip: decoded.ip, ah });
    vrrpOffset = decoded.ip.headerLength + (ah ? 24 : 0);
  } else {
    again = encodeVrrp(decoded.packet, { family: target.family, src: target.src, dst: target.dst, ...checksum });
  }
  if (receiver === 'lax') bytes.copy(again, vrrpOffset + 6, vrrpOffset + 6, vrrpOffset + 8);
  return again;
}

function check(target: Target, bytes: Buffer, receiver: Receiver, label: string, tally: Tally): void {
  const started = performance.now();
  let result: Result;
  try {
    result = decode(target, bytes, receiver);
  } catch (err) {
    assert.fail(`${label}: threw ${String(err)} on ${bytes.toString('hex')}`);
  }
  const elapsed = performance.now() - started;
  assert.ok(elapsed < MAX_MS_PER_CASE, `${label}: took ${elapsed.toFixed(1)} ms on ${bytes.toString('hex')}`);
  if (!result.ok) {
    assert.ok(DROP_REASONS.includes(result.reason), `${label}: unknown reason ${String(result.reason)}`);
    assert.equal(typeof result.detail, 'string', label);
    tally.dropped++;
    return;
  }
  tally.decoded++;
  let again: Buffer;
  try {
    again = reencode(target, bytes, receiver, result);
  } catch (err) {
    assert.fail(`${label}: decoded, but does not encode again: ${String(err)} on ${bytes.toString('hex')}`);
  }
  assert.equal(again.toString('hex'), bytes.toString('hex'), `${label}: re-encodes differently`);
}

/** Makes the IPv4 header and VRRP checksums right again, so that a mutation reaches the checks after them. */
function fixChecksums(target: Target, buf: Buffer): Buffer {
  let start = 0;
  let src = parseAddress(target.src, target.family);
  let dst = parseAddress(target.checksumDst ?? target.dst, target.family);
  if (target.layer === 'ipv4') {
    const headerLength = ((buf[0] ?? 0) & 0x0f) * 4;
    if (buf.length < 20 || headerLength < 20 || headerLength > buf.length) return buf;
    fixIpv4Checksum(buf);
    start = headerLength + (buf[9] === 51 ? 24 : 0);
    src = buf.subarray(12, 16);
    dst = target.checksumDst ? dst : buf.subarray(16, 20);
  }
  const version = (buf[start] ?? 0) >> 4;
  if (buf.length < start + 8 || (version !== 2 && version !== 3) || !src || !dst) return buf;
  const scope = { family: target.family, version, src, dst, mode: target.checksumMode } as const;
  buf.writeUInt16BE(vrrpChecksum(buf, start, buf.length, scope), start + 6);
  return buf;
}

const INTERESTING = [0, 1, 2, 3, 4, 5, 0x0f, 0x21, 0x22, 0x31, 0x41, 0x45, 0x46, 51, 112, 0x7f, 0x80, 0xfe, 0xff];

function mutate(random: Random, target: Target): Buffer {
  let buf = Buffer.from(target.bytes);
  for (let n = 1 + random.int(3); n > 0; n--) {
    const at = random.int(buf.length + 1);
    switch (random.int(6)) {
      case 0:
        if (at < buf.length) buf[at]! ^= 1 << random.int(8);
        break;
      case 1:
        if (at < buf.length) buf[at] = random.int(256);
        break;
      case 2:
        // Headers are where the decisions are: aim at the first 60 bytes.
        if (buf.length) buf[random.int(Math.min(buf.length, 60))] = random.pick(INTERESTING);
        break;
      case 3:
        buf = buf.subarray(0, at);
        break;
      case 4:
        buf = Buffer.concat([buf.subarray(0, at), random.bytes(1 + random.int(16)), buf.subarray(at)]);
        break;
      default:
        buf = Buffer.concat([buf.subarray(0, at), buf.subarray(at + 1 + random.int(16))]);
    }
  }
  return random.int(2) ? fixChecksums(target, buf) : buf;
}

function flipBits(random: Random, target: Target): Buffer {
  const buf = Buffer.from(target.bytes);
  for (let n = 1 + random.int(3); n > 0; n--) buf[random.int(buf.length)]! ^= 1 << random.int(8);
  return random.int(2) ? fixChecksums(target, buf) : buf;
}

/** Random bytes; half the time behind a well-formed IPv4 header, so that they reach the VRRP checks. */
function noise(random: Random, target: Target): Buffer {
  const buf = random.bytes(random.int(random.int(2) ? 24 : 120));
  if (target.layer === 'ipv4' && buf.length >= 20 && random.int(2)) {
    buf[0] = 0x45;
    buf.writeUInt16BE(buf.length, 2);
    buf[9] = random.pick([112, 51]);
    return fixChecksums(target, buf);
  }
  return buf;
}

type Maker = (random: Random, target: Target) => Buffer;

function run(t: TestContext, seed: number, what: string, make: Maker): Record<Receiver, Tally> {
  t.diagnostic(`seed ${seed} (VIGIL_FUZZ_SEED=${seed} replays it)`);
  const random = new Random(seed);
  const all = targets();
  const tally = { configured: { decoded: 0, dropped: 0 }, lax: { decoded: 0, dropped: 0 } };
  const started = performance.now();
  for (let i = 0; i < CASES_PER_KIND; i++) {
    const target = random.pick(all);
    const bytes = make(random, target);
    for (const receiver of ['configured', 'lax'] as const) {
      check(target, bytes, receiver, `seed ${seed} ${what} #${i} (${target.name}, ${receiver})`, tally[receiver]);
    }
  }
  const elapsed = performance.now() - started;
  assert.ok(elapsed < MAX_MS_PER_KIND, `${what}: ${CASES_PER_KIND} cases took ${elapsed.toFixed(0)} ms`);
  t.diagnostic(`${what}: decoded ${tally.configured.decoded} configured, ${tally.lax.decoded} lax of ${CASES_PER_KIND}`);
  return tally;
}

describe('packet decoder fuzz', () => {
  const seed = Number(process.env.VIGIL_FUZZ_SEED ?? Date.now() % 2 ** 31);

  it('decodes random bytes without throwing', (t) => {
    run(t, seed, 'noise', noise);
  });

  it('decodes every truncation of every fixture', (t) => {
    let cases = 0;
    for (const target of targets()) {
      for (let length = 0; length < target.bytes.length; length++) {
        for (const receiver of ['configured', 'lax'] as const) {
          const tally = { decoded: 0, dropped: 0 };
          check(target, target.bytes.subarray(0, length), receiver, `${target.name} cut to ${length}`, tally);
          assert.equal(tally.decoded, 0, `${target.name} cut to ${length} bytes decoded`);
        }
        cases++;
      }
    }
    t.diagnostic(`${cases} truncations`);
  });

  it('decodes bit flips of the fixtures; what decodes re-encodes to the same bytes', (t) => {
    const tally = run(t, seed + 1, 'bit flips', flipBits);
    assert.ok(tally.configured.decoded > 0 && tally.lax.decoded > 0, 'nothing decoded: the round trip went untested');
  });

  it('decodes byte mutations of the fixtures; what decodes re-encodes to the same bytes', (t) => {
    const tally = run(t, seed + 2, 'mutations', mutate);
    assert.ok(tally.configured.decoded > 0 && tally.lax.decoded > 0, 'nothing decoded: the round trip went untested');
  });
});
