/**
 * Constants of the IPVS generic netlink family, from the kernel's include/uapi/linux/ip_vs.h
 * (checked against Linux 6.1 and ipvsadm 1.31's libipvs/ip_vs.h). Each value names its kernel
 * constant; the numbering is ABI and never changes.
 */

/** IPVS_GENL_NAME */
export const IPVS_GENL_NAME = 'IPVS';
/** IPVS_GENL_VERSION */
export const IPVS_GENL_VERSION = 1;

/** enum IPVS_CMD_* */
export enum IpvsCmd {
  UNSPEC = 0,
  NEW_SERVICE = 1,
  SET_SERVICE = 2,
  DEL_SERVICE = 3,
  GET_SERVICE = 4,
  NEW_DEST = 5,
  SET_DEST = 6,
  DEL_DEST = 7,
  GET_DEST = 8,
  NEW_DAEMON = 9,
  DEL_DAEMON = 10,
  GET_DAEMON = 11,
  SET_CONFIG = 12,
  GET_CONFIG = 13,
  SET_INFO = 14,
  GET_INFO = 15,
  ZERO = 16,
  FLUSH = 17,
}

/** enum IPVS_CMD_ATTR_* (top level of every IPVS message) */
export enum IpvsCmdAttr {
  UNSPEC = 0,
  SERVICE = 1,
  DEST = 2,
  DAEMON = 3,
  TIMEOUT_TCP = 4,
  TIMEOUT_TCP_FIN = 5,
  TIMEOUT_UDP = 6,
}

/** enum IPVS_SVC_ATTR_* (nested in IPVS_CMD_ATTR_SERVICE) */
export enum IpvsSvcAttr {
  UNSPEC = 0,
  /** u16, host order: AF_INET / AF_INET6 */
  AF = 1,
  /** u16, host order: IPPROTO_* */
  PROTOCOL = 2,
  /** union nf_inet_addr, 16 bytes */
  ADDR = 3,
  /** be16 */
  PORT = 4,
  /** u32 */
  FWMARK = 5,
  /** NUL-terminated string, at most IP_VS_SCHEDNAME_MAXLEN (16) with the NUL */
  SCHED_NAME = 6,
  /** struct ip_vs_flags { u32 flags; u32 mask; } */
  FLAGS = 7,
  /** u32 seconds */
  TIMEOUT = 8,
  /** be32: an IPv4 netmask; for IPv6 the prefix length (the kernel reads the raw value) */
  NETMASK = 9,
  STATS = 10,
  /** NUL-terminated string, at most IP_VS_PENAME_MAXLEN (16) */
  PE_NAME = 11,
  STATS64 = 12,
}

/** enum IPVS_DEST_ATTR_* (nested in IPVS_CMD_ATTR_DEST) */
export enum IpvsDestAttr {
  UNSPEC = 0,
  /** union nf_inet_addr, 16 bytes */
  ADDR = 1,
  /** be16 */
  PORT = 2,
  /** u32: IP_VS_CONN_F_* forwarding method */
  FWD_METHOD = 3,
  /** u32 (signed in the kernel) */
  WEIGHT = 4,
  U_THRESH = 5,
  L_THRESH = 6,
  ACTIVE_CONNS = 7,
  INACT_CONNS = 8,
  PERSIST_CONNS = 9,
  STATS = 10,
  /** u16: the destination's own family (tunnelled destinations may differ from the service) */
  ADDR_FAMILY = 11,
  STATS64 = 12,
  /** u8: IP_VS_CONN_F_TUNNEL_TYPE_* */
  TUN_TYPE = 13,
  /** be16 */
  TUN_PORT = 14,
  /** u16: IP_VS_TUNNEL_ENCAP_FLAG_* */
  TUN_FLAGS = 15,
}

/** enum IPVS_DAEMON_ATTR_* (nested in IPVS_CMD_ATTR_DAEMON) */
export enum IpvsDaemonAttr {
  UNSPEC = 0,
  /** u32: IP_VS_STATE_MASTER / IP_VS_STATE_BACKUP */
  STATE = 1,
  /** string, IP_VS_IFNAME_MAXLEN (16) */
  MCAST_IFN = 2,
  /** u32 */
  SYNC_ID = 3,
  /** u16 */
  SYNC_MAXLEN = 4,
  /** in_addr */
  MCAST_GROUP = 5,
  /** in6_addr */
  MCAST_GROUP6 = 6,
  /** be16 */
  MCAST_PORT = 7,
  /** u8 */
  MCAST_TTL = 8,
}

/** enum IPVS_INFO_ATTR_* (top level of the IPVS_CMD_SET_INFO reply) */
export enum IpvsInfoAttr {
  UNSPEC = 0,
  /** u32: (major << 16) | (minor << 8) | patch */
  VERSION = 1,
  /** u32 */
  CONN_TAB_SIZE = 2,
}

/** enum IPVS_STATS_ATTR_* (nested in *_ATTR_STATS and *_ATTR_STATS64) */
export enum IpvsStatsAttr {
  UNSPEC = 0,
  CONNS = 1,
  INPKTS = 2,
  OUTPKTS = 3,
  INBYTES = 4,
  OUTBYTES = 5,
  CPS = 6,
  INPPS = 7,
  OUTPPS = 8,
  INBPS = 9,
  OUTBPS = 10,
  PAD = 11,
}

/** IP_VS_SVC_F_* (struct ip_vs_flags.flags) */
export const IP_VS_SVC_F_PERSISTENT = 0x0001;
export const IP_VS_SVC_F_HASHED = 0x0002;
export const IP_VS_SVC_F_ONEPACKET = 0x0004;
export const IP_VS_SVC_F_SCHED1 = 0x0008;
export const IP_VS_SVC_F_SCHED2 = 0x0010;
export const IP_VS_SVC_F_SCHED3 = 0x0020;
/** IP_VS_SVC_F_SCHED_SH_FALLBACK = SCHED1, IP_VS_SVC_F_SCHED_SH_PORT = SCHED2 (the same bits serve mh) */
export const IP_VS_SVC_F_SCHED_SH_FALLBACK = IP_VS_SVC_F_SCHED1;
export const IP_VS_SVC_F_SCHED_SH_PORT = IP_VS_SVC_F_SCHED2;
export const IP_VS_SVC_F_SCHED_MH_FALLBACK = IP_VS_SVC_F_SCHED1;
export const IP_VS_SVC_F_SCHED_MH_PORT = IP_VS_SVC_F_SCHED2;

/** IP_VS_CONN_F_* forwarding methods (IP_VS_CONN_F_FWD_MASK = 7) */
export enum IpvsFwd {
  MASQ = 0,
  LOCALNODE = 1,
  TUNNEL = 2,
  DROUTE = 3,
  BYPASS = 4,
}
export const IP_VS_CONN_F_FWD_MASK = 0x7;

/** IP_VS_CONN_F_TUNNEL_TYPE_* */
export enum IpvsTunnelType {
  IPIP = 0,
  GUE = 1,
  GRE = 2,
}

/** IP_VS_TUNNEL_ENCAP_FLAG_* */
export const IP_VS_TUNNEL_ENCAP_FLAG_NOCSUM = 0;
export const IP_VS_TUNNEL_ENCAP_FLAG_CSUM = 1 << 0;
export const IP_VS_TUNNEL_ENCAP_FLAG_REMCSUM = 1 << 1;

/** IP_VS_STATE_* (sync daemon) */
export const IP_VS_STATE_MASTER = 0x0001;
export const IP_VS_STATE_BACKUP = 0x0002;

/** <linux/socket.h>, <linux/in.h> */
export const AF_INET = 2;
export const AF_INET6 = 10;
export const IPPROTO_TCP = 6;
export const IPPROTO_UDP = 17;
export const IPPROTO_SCTP = 132;

/** IP_VS_SCHEDNAME_MAXLEN, IP_VS_PENAME_MAXLEN, IP_VS_IFNAME_MAXLEN (all include the NUL) */
export const IP_VS_SCHEDNAME_MAXLEN = 16;
export const IP_VS_PENAME_MAXLEN = 16;
export const IP_VS_IFNAME_MAXLEN = 16;
