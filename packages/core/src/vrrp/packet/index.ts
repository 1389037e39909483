// The VRRP packet codec: bytes in, typed packet out, and back. Pure: no sockets, no clocks, no state.
export { canonicalAddress } from './address.js';
export type { AhHeader } from './auth-ah.js';
export { passwordAuthData } from './auth-pass.js';
export * from './constants.js';
export { decodeIpv4, type Ipv4Decoded, type Ipv4DecodeOptions } from './decode-ipv4.js';
export { decodeVrrp, type VrrpDecodeOptions } from './decode.js';
export { encodeIpv4, type Ipv4EncodeOptions } from './encode-ipv4.js';
export { encodeVrrp, type VrrpEncodeOptions } from './encode.js';
export { parseIpv4Header, type Ipv4Fields, type Ipv4Header } from './ipv4-header.js';
export {
  DROP_REASONS,
  type AuthConfig,
  type AuthType,
  type ChecksumMode,
  type Decoded,
  type DecodedVrrpPacket,
  type DropReason,
  type Dropped,
  type IpFamily,
  type ReceiverConfig,
  type UnicastPeer,
  type VrrpPacket,
  type VrrpV2Packet,
  type VrrpV3Packet,
  type VrrpVersion,
} from './types.js';
