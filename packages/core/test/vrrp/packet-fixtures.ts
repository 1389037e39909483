import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { formatAddress } from '../../src/vrrp/packet/address.js';
import { internetChecksum } from '../../src/vrrp/packet/checksum.js';
import type { ChecksumMode, DecodedVrrpPacket, IpFamily, ReceiverConfig } from '../../src/vrrp/packet/index.js';

/**
 * The golden packets test/vrrp/capture-fixtures.sh captured from real Keepalived: NAME.hex is the whole IP
 * packet, NAME.json what its config says the packet carries.
 */
export const FIXTURE_DIR = fileURLToPath(new URL('../../../test/vrrp/fixtures/', import.meta.url));

export interface Fixture {
  readonly name: string;
  readonly description: string;
  readonly family: IpFamily;
  readonly ip: {
    readonly src: string;
    readonly dst: string;
    readonly ttl?: number;
    readonly tos?: number;
    readonly protocol?: number;
    readonly hopLimit?: number;
    readonly nextHeader?: number;
  };
  /** The decoded fields, authData as hex. */
  readonly packet: Record<string, unknown>;
  readonly receiver: {
    readonly checksumMode: ChecksumMode;
    readonly checksumDst?: string;
    readonly expect: ReceiverConfig;
  };
  readonly captured: { readonly checksum: number; readonly ipId?: number; readonly ahSequence?: number };
  readonly bytes: Buffer;
}

export function loadFixtures(): Fixture[] {
  return fs
    .readdirSync(FIXTURE_DIR)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => {
      const json = JSON.parse(fs.readFileSync(FIXTURE_DIR + file, 'utf8')) as Omit<Fixture, 'bytes'>;
      const hex = fs.readFileSync(`${FIXTURE_DIR}${json.name}.hex`, 'utf8').replace(/\s+/g, '');
      return { ...json, bytes: Buffer.from(hex, 'hex') };
    });
}

/** An IPv6 packet without extension headers, as the kernel would split it for a raw IPv6 socket. */
export interface Ipv6Parts {
  readonly src: string;
  readonly dst: string;
  readonly hopLimit: number;
  readonly nextHeader: number;
  readonly payload: Buffer;
}

export function splitIpv6(bytes: Buffer): Ipv6Parts {
  return {
    nextHeader: bytes[6]!,
    hopLimit: bytes[7]!,
    src: formatAddress(bytes, 8, 6),
    dst: formatAddress(bytes, 24, 6),
    payload: bytes.subarray(40, 40 + bytes.readUInt16BE(4)),
  };
}

/** A decoded packet in the fixtures' JSON shape: authData as hex, no checksum (that is under "captured"). */
export function asJson(packet: DecodedVrrpPacket): Record<string, unknown> {
  const { checksum: _checksum, ...fields } = packet;
  if (fields.version === 3) {
    const { reserved: _reserved, ...v3 } = fields;
    return v3;
  }
  return { ...fields, authData: fields.authData?.toString('hex') ?? null };
}

/** Recomputes the IPv4 header checksum of a datagram a test has changed, so that only the change tells. */
export function fixIpv4Checksum(datagram: Buffer): Buffer {
  datagram.writeUInt16BE(0, 10);
  datagram.writeUInt16BE(internetChecksum(datagram, 0, (datagram[0]! & 0x0f) * 4), 10);
  return datagram;
}
