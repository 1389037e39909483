import { addressLength, formatAddress, isMulticast, parseAddress, sameAddress } from './address.js';
import { passwordMatches } from './auth-pass.js';
import { vrrpChecksum, vrrpChecksumSum } from './checksum.js';
import {
  AUTH_AH,
  AUTH_DATA_LENGTH,
  AUTH_NONE,
  AUTH_PASS,
  MAX_ADVERT_INT_CS,
  VRRP_HEADER_LENGTH,
  VRRP_TTL,
  VRRP_TYPE_ADVERTISEMENT,
} from './constants.js';
import {
  dropped,
  type AuthConfig,
  type AuthType,
  type ChecksumMode,
  type Decoded,
  type DecodedVrrpPacket,
  type Dropped,
  type IpFamily,
  type ReceiverConfig,
  type VrrpVersion,
} from './types.js';

export interface VrrpDecodeOptions {
  readonly family: IpFamily;
  /** The IP packet's addresses: the checksum's pseudo-header, the unicast and peer checks. */
  readonly src: string;
  readonly dst: string;
  /** The TTL / hop limit it arrived with (IPv6: from ancillary data); the TTL checks run only when given. */
  readonly hopLimit?: number;
  /** The checksum rule of v3 over IPv4, or 'skip' where the kernel has checked it. Default 'rfc5798'. */
  readonly checksum?: ChecksumMode | 'skip';
  /** The pseudo-header's destination instead of dst: the group, for Keepalived's old_unicast_checksum. */
  readonly checksumDst?: string;
  readonly expect?: ReceiverConfig;
}

/** What the layer below the VRRP message knows about it; decodeIpv4 adds the AH and Total Length parts. */
export interface MessageContext {
  readonly family: IpFamily;
  readonly src: Uint8Array;
  readonly dst: Uint8Array;
  readonly checksumDst: Uint8Array;
  readonly hopLimit: number | undefined;
  readonly checksum: ChecksumMode | 'skip';
  readonly expect: ReceiverConfig;
  readonly hasAh: boolean;
  /** Verifies the AH header; called where Keepalived verifies it, once AH is known to be configured. */
  readonly checkAh: () => Dropped | null;
  /** Why the IPv4 Total Length disagrees with the datagram, if it does: Keepalived checks it late. */
  readonly ipLengthError: string | null;
}

type Result = Decoded<{ packet: DecodedVrrpPacket }>;

const AUTH_TYPES: Record<AuthConfig['type'], AuthType> = { none: AUTH_NONE, pass: AUTH_PASS, ah: AUTH_AH };

function isVersion(version: number): version is VrrpVersion {
  return version === 2 || version === 3;
}

/**
 * Decodes the VRRP message of an IP packet: what a raw IPv6 socket delivers, or the payload after the IPv4
 * header. Never throws: a packet that fails a check comes back as the reason it is dropped.
 */
export function decodeVrrp(payload: Buffer, options: VrrpDecodeOptions): Result {
  const { family } = options;
  const src = parseAddress(options.src, family);
  const dst = parseAddress(options.dst, family);
  const checksumDst = options.checksumDst === undefined ? dst : parseAddress(options.checksumDst, family);
  if (!src || !dst || !checksumDst) {
    const addresses = `${options.src} -> ${options.dst}, checksum destination ${options.checksumDst ?? 'dst'}`;
    return dropped('bad-ip-header', `not IPv${family} addresses: ${addresses}`);
  }
  return decodeMessage(payload, 0, {
    family,
    src,
    dst,
    checksumDst,
    hopLimit: options.hopLimit,
    checksum: options.checksum ?? 'rfc5798',
    expect: options.expect ?? {},
    hasAh: false,
    checkAh: () => null,
    ipLengthError: null,
  });
}

/**
 * Checks and decodes the VRRP message at buf[start..end of buf], in the order of Keepalived's
 * vrrp_check_packet (2.2.x), so that a packet with several faults is counted under the reason Keepalived gives.
 */
export function decodeMessage(buf: Buffer, start: number, ctx: MessageContext): Result {
  const size = buf.length - start;
  if (size < VRRP_HEADER_LENGTH) {
    return dropped('truncated', `${size} bytes, a VRRP header needs ${VRRP_HEADER_LENGTH}`);
  }
  const { family, expect } = ctx;
  const { auth } = expect;

  if (ctx.hasAh ? auth?.type !== 'ah' : auth?.type === 'ah') {
    const detail = ctx.hasAh ? 'AH header, but AH is not configured' : 'no AH header, but AH is configured';
    return dropped('auth-type-mismatch', detail);
  }

  const version = buf[start]! >> 4;
  const count = buf[start + 3]!;
  // Keepalived sends the authentication data in v2 over IPv4 only.
  const authLength = version === 2 && family === 4 ? AUTH_DATA_LENGTH : 0;
  const expectedSize = VRRP_HEADER_LENGTH + count * addressLength(family) + authLength;
  if (size !== expectedSize) {
    return dropped('bad-length', `${size} bytes, v${version} with ${count} IPv${family} addresses is ${expectedSize}`);
  }

  if (ctx.hopLimit !== undefined && expect.mode === 'multicast' && ctx.hopLimit !== VRRP_TTL) {
    return dropped('bad-ttl', `multicast advert with TTL ${ctx.hopLimit}, expected ${VRRP_TTL}`);
  }

  // Authentication exists in v2 only: an instance that has it speaks v2, whether or not expect says so.
  const wanted = expect.version ?? (auth && auth.type !== 'none' ? 2 : undefined);
  if (!isVersion(version) || (wanted !== undefined && version !== wanted)) {
    return dropped('bad-version', `version ${version}, expected ${wanted ?? '2 or 3'}`);
  }

  const authType = buf[start + 4]!;
  if (version === 2) {
    const problem = checkV2Auth(buf, authType, authLength, ctx);
    if (problem) return problem;
    const advertInt = buf[start + 5]!;
    if (expect.advertInt !== undefined && advertInt !== expect.advertInt) {
      return dropped('advert-int-mismatch', `advert interval ${advertInt}s, configured ${expect.advertInt}s`);
    }
  }

  const type = buf[start]! & 0x0f;
  if (type !== VRRP_TYPE_ADVERTISEMENT) return dropped('bad-type', `type ${type}, expected ${VRRP_TYPE_ADVERTISEMENT}`);

  if (expect.addresses && count !== expect.addresses.length) {
    return dropped('bad-address-count', `${count} addresses, ${expect.addresses.length} configured`);
  }

  if (ctx.ipLengthError) return dropped('bad-length', ctx.ipLengthError);

  const checksum = buf.readUInt16BE(start + 6);
  if (ctx.checksum !== 'skip') {
    const scope = { family, version, src: ctx.src, dst: ctx.checksumDst, mode: ctx.checksum };
    if (vrrpChecksumSum(buf, start, buf.length, scope) !== 0xffff) {
      const expected = vrrpChecksum(buf, start, buf.length, scope);
      const detail = `checksum 0x${hex(checksum)}, computed 0x${hex(expected)} (${describeRule(scope)})`;
      return dropped('bad-checksum', detail);
    }
  }

  if (expect.mode !== undefined && isMulticast(ctx.dst) !== (expect.mode === 'multicast')) {
    const sent = `${isMulticast(ctx.dst) ? 'multicast' : 'unicast'} advert to ${formatAddress(ctx.dst, 0, family)}`;
    return dropped('bad-destination', `${sent}, the instance is ${expect.mode}`);
  }

  const addresses = readAddresses(buf, start + VRRP_HEADER_LENGTH, count, family);
  const missing = expect.addresses?.find((vip) => !addresses.some((address) => sameAddress(address, vip)));
  if (missing !== undefined) return dropped('address-mismatch', `VIP ${missing} is not in the advert`);

  if (expect.peers) {
    const source = formatAddress(ctx.src, 0, family);
    const peer = expect.peers.find((p) => sameAddress(source, p.address));
    if (!peer) return dropped('not-a-peer', `source ${source} is not a unicast peer`);
    const [min, max] = [peer.minTtl ?? 0, peer.maxTtl ?? VRRP_TTL];
    if (ctx.hopLimit !== undefined && (ctx.hopLimit < min || ctx.hopLimit > max)) {
      return dropped('bad-ttl', `TTL ${ctx.hopLimit} from ${source}, expected ${min}..${max}`);
    }
  }

  const fields = {
    type: VRRP_TYPE_ADVERTISEMENT,
    vrid: buf[start + 1]!,
    priority: buf[start + 2]!,
    addresses,
    checksum,
  } as const;
  if (version === 3) {
    const word = buf.readUInt16BE(start + 4);
    return { ok: true, packet: { version, ...fields, maxAdvertInt: word & MAX_ADVERT_INT_CS, reserved: word >> 12 } };
  }
  return {
    ok: true,
    packet: {
      version,
      ...fields,
      authType: authType as AuthType,
      advertInt: buf[start + 5]!,
      // A copy: the receive buffer is reused for the next packet.
      authData: authLength ? Buffer.from(buf.subarray(buf.length - authLength)) : null,
    },
  };
}

/** RFC 3768 §7.1 authentication, as Keepalived does it: valid type, the configured type, then PASS or AH. */
function checkV2Auth(buf: Buffer, authType: number, authLength: number, ctx: MessageContext): Dropped | null {
  if (authType > AUTH_AH) return dropped('bad-auth-type', `auth type ${authType}`);
  const { auth } = ctx.expect;
  if (!auth) return null;
  if (authType !== AUTH_TYPES[auth.type]) {
    return dropped('auth-type-mismatch', `auth type ${authType}, configured ${AUTH_TYPES[auth.type]} (${auth.type})`);
  }
  if (auth.type === 'pass') {
    const authData = buf.subarray(buf.length - authLength);
    return passwordMatches(authData, auth.password) ? null : dropped('auth-failed', 'wrong password');
  }
  return auth.type === 'ah' ? ctx.checkAh() : null;
}

function readAddresses(buf: Buffer, offset: number, count: number, family: IpFamily): string[] {
  const length = addressLength(family);
  const addresses = new Array<string>(count);
  for (let i = 0; i < count; i++) addresses[i] = formatAddress(buf, offset + i * length, family);
  return addresses;
}

function hex(value: number): string {
  return value.toString(16).padStart(4, '0');
}

function describeRule(scope: { family: IpFamily; version: VrrpVersion; mode: ChecksumMode }): string {
  if (scope.family === 6) return 'IPv6 pseudo-header';
  if (scope.version === 2) return 'v2: message only';
  return scope.mode === 'rfc5798' ? 'v3: IPv4 pseudo-header, RFC 5798' : 'v3: message only, RFC 9568';
}
