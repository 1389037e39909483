// The VRRP I/O layer: what touches the kernel. Frames and sockets, addresses, links, routes and rules.
export * from './errors.js';
export { BROADCAST_MAC, formatMac, macBytes, parseMac, vmacAddress, ETHERTYPE_ARP, ETHERTYPE_IPV6 } from './ethernet.js';
export { encodeGratuitousArp, decodeArpFrame, isGratuitousArp, GARP_FRAME_LENGTH, type ArpFrame } from './arp.js';
export {
  encodeUnsolicitedNa,
  decodeNeighbourAdvert,
  icmpv6Checksum,
  UNSOLICITED_NA_FRAME_LENGTH,
  type NeighbourAdvertFrame,
  type UnsolicitedNaOptions,
} from './ndisc.js';
export { openPacketSocket, type FrameSocket } from './packet-socket.js';
export {
  GarpSender,
  ipv6Forwarding,
  GARP_MASTER_DELAY,
  GARP_MASTER_REPEAT,
  type AnnounceOptions,
  type Announcement,
  type BurstOptions,
  type GarpInterface,
  type GarpResult,
  type GarpSenderOptions,
} from './garp.js';
export { NetlinkManager, type LinkRef, type NetlinkManagerOptions, type RouteAddMode } from './netlink.js';
export { broadcastOf, type AddressFlags, type AddressInfo, type AddressSpec, type Lifetime } from './netlink-address.js';
export { SCOPES, type Family, type Scope } from './netlink-attr.js';
export { isLinkUp, MACVLAN_MODES, type LinkFlags, type LinkInfo, type MacvlanMode, type MacvlanSpec, type OperState } from './netlink-link.js';
export { ROUTE_PROTOCOLS, type NextHopSpec, type RouteInfo, type RouteProtocol, type RouteSpec, type RouteType } from './netlink-route.js';
export { type PortRange, type RuleAction, type RuleInfo, type RuleSpec } from './netlink-rule.js';
export { NetlinkWatch, type NetlinkEvent, type NetlinkEventListener, type WatchOptions } from './netlink-watch.js';
export {
  VrrpTransport,
  TransportError,
  TransportSendError,
  VRRP_GROUP_IPV4,
  VRRP_GROUP_IPV6,
  type ReceivedPacket,
  type TransportOptions,
  type TransportStats,
} from './transport.js';
