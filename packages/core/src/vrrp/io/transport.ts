// VRRP on the wire: IP protocol 112 raw sockets (the raw-socket package), one per interface and family, as
// Keepalived opens them (vrrp.c open_vrrp_send_socket / open_vrrp_read_socket): bound to the interface
// (SO_BINDTODEVICE), TTL / hop limit 255 on everything sent, multicast loop off, no other groups' traffic
// (IP_MULTICAST_ALL 0), the IPv6 checksum computed and checked by the kernel (IPV6_CHECKSUM at offset 6), the
// VRRP group 224.0.0.18 / ff02::12 joined on the interface.
//
// Sending: `send` hands the kernel the VRRP message and lets it build the IP header (IP_HDRINCL off);
// `sendDatagram` (IPv4) sends a whole datagram built by the caller (IP_HDRINCL on), which AH needs.
// Receiving: every packet is handed to `onPacket` with what the socket can tell about it. IPv4 sockets receive the
// IP header, so TTL, source and destination come from it. IPv6 raw sockets receive only the payload, and
// raw-socket reads with recvfrom(2), not recvmsg(2): the hop limit (IPV6_RECVHOPLIMIT) and the destination
// (IPV6_RECVPKTINFO) are not available, so `ttl` and `destination` are undefined for IPv6.
// Read errors are counted and reported, never thrown.
import { isIP } from 'node:net';
import { formatAddress } from '../packet/address.js';
import { IPPROTO_VRRP, VRRP_TTL } from '../packet/constants.js';
import { errnoFromMessage, VrrpIoError } from './errors.js';
import {
  IP_ADD_MEMBERSHIP,
  IP_DROP_MEMBERSHIP,
  IP_HDRINCL,
  IP_MULTICAST_ALL,
  IP_MULTICAST_IF,
  IP_MULTICAST_LOOP,
  IP_MULTICAST_TTL,
  IP_TTL,
  IPPROTO_IP,
  IPPROTO_IPV6,
  IPV6_ADD_MEMBERSHIP,
  IPV6_CHECKSUM,
  IPV6_DROP_MEMBERSHIP,
  IPV6_MULTICAST_HOPS,
  IPV6_MULTICAST_IF,
  IPV6_MULTICAST_LOOP,
  IPV6_UNICAST_HOPS,
  ipMreqn,
  ipv6Mreq,
  loadRawSocket,
  SO_BINDTODEVICE,
  SO_RCVBUF,
  SOL_SOCKET,
  type RawSocket,
  type RawSocketModule,
} from './sockopt.js';

/** The VRRP multicast groups: RFC 5798 §5.1.1.2 (IPv4), §5.1.2.2 (IPv6). */
export const VRRP_GROUP_IPV4 = '224.0.0.18';
export const VRRP_GROUP_IPV6 = 'ff02::12';

/** Where the checksum sits in a VRRP message, for IPV6_CHECKSUM. */
const VRRP_CHECKSUM_OFFSET = 6;
/** Large enough for any datagram: raw sockets truncate silently. */
const RECEIVE_BUFFER = 65535;

/** One packet as the socket received it. */
export interface ReceivedPacket {
  readonly family: 4 | 6;
  /**
   * IPv4: the whole datagram, IP header first (decodeIpv4 takes it as it is). IPv6: the VRRP message alone (the
   * kernel keeps the IPv6 header). A copy: the callback may keep it.
   */
  readonly data: Buffer;
  /** Where the VRRP message (or the AH header) starts in `data`: the IPv4 header's length, 0 for IPv6. */
  readonly payloadOffset: number;
  /** The sender's address: from the IP header (IPv4), from recvfrom (IPv6, without zone). */
  readonly source: string;
  /** IPv4: from the IP header. IPv6: undefined (needs IPV6_RECVPKTINFO, which raw-socket cannot read). */
  readonly destination: string | undefined;
  /** The interface it came in by: the one the socket is bound to. */
  readonly ifindex: number;
  /** IPv4: the TTL from the IP header. IPv6: undefined (needs IPV6_RECVHOPLIMIT, which raw-socket cannot read). */
  readonly ttl: number | undefined;
}

export interface TransportOptions {
  readonly family: 4 | 6;
  /** The interface: its name for SO_BINDTODEVICE, its index for the multicast membership and output. */
  readonly ifname: string;
  readonly ifindex: number;
  /** Join the VRRP group on the interface (multicast mode); default true. Unicast-only instances say false. */
  readonly multicast?: boolean;
  /** The group, where it is not the RFC's (vrrp_mcast_group4 / vrrp_mcast_group6). */
  readonly group?: string;
  /** IPv4: the source address of multicast adverts (mcast_src_ip), through IP_MULTICAST_IF. */
  readonly sourceAddress?: string;
  /** TTL / hop limit of what is sent; default 255 (RFC 5798 §5.1.1.3). */
  readonly ttl?: number;
  /** SO_RCVBUF, bytes (vrrp_rx_bufs_policy). */
  readonly receiveBufferSize?: number;
  /** Gets every packet received. Must not throw; if it does, the error is counted and reported like a read error. */
  readonly onPacket: (packet: ReceivedPacket) => void;
  /** Told about each read error (and a packet handler's exception); they are counted in stats, never thrown. */
  readonly onError?: (err: unknown) => void;
  /** The raw-socket module to use; tests give a fake one. */
  readonly rawSocket?: RawSocketModule;
}

export interface TransportStats {
  received: number;
  readErrors: number;
  sent: number;
  sendErrors: number;
}

/** A raw socket that could not be opened or set up. */
export class TransportError extends VrrpIoError {
  constructor(message: string, cause: unknown, hint?: string) {
    const errno = cause instanceof Error ? errnoFromMessage(cause.message) : undefined;
    super('VIGIL_ERR_SOCKET', message, { errno, hint: hint ?? defaultHint(errno), cause });
    this.name = 'TransportError';
  }
}

/** A packet that could not be sent. */
export class TransportSendError extends VrrpIoError {
  constructor(
    message: string,
    readonly destination: string,
    cause: unknown,
  ) {
    const errno = cause instanceof Error ? errnoFromMessage(cause.message) : undefined;
    super('VIGIL_ERR_SEND', message, {
      errno,
      hint: errno === 101 || errno === 100 ? 'the interface is down or has no route to the destination: it is reported as a fault' : 'the advert is lost; the next one is tried at the next interval',
      cause,
    });
    this.name = 'TransportSendError';
  }
}

function defaultHint(errno: number | undefined): string {
  if (errno === 1 || errno === 13) return 'raw sockets need CAP_NET_RAW: run vigil as root';
  if (errno === 19) return 'the interface does not exist (any more) in this network namespace';
  return 'check the interface and the addresses in the config';
}

export class VrrpTransport {
  readonly stats: TransportStats = { received: 0, readErrors: 0, sent: 0, sendErrors: 0 };
  readonly family: 4 | 6;
  readonly ifindex: number;
  readonly ifname: string;
  readonly group: string;
  private readonly socket: RawSocket;
  private readonly onPacket: (packet: ReceivedPacket) => void;
  private readonly onError: ((err: unknown) => void) | undefined;
  private hdrincl = false;
  private closed = false;
  private readonly joined = new Set<string>();

  private constructor(options: TransportOptions, socket: RawSocket) {
    this.family = options.family;
    this.ifindex = options.ifindex;
    this.ifname = options.ifname;
    this.group = options.group ?? (options.family === 4 ? VRRP_GROUP_IPV4 : VRRP_GROUP_IPV6);
    this.socket = socket;
    this.onPacket = options.onPacket;
    this.onError = options.onError;
  }

  /** Opens and sets up the socket; TransportError (with errno and what to do) if that fails. */
  static open(options: TransportOptions): VrrpTransport {
    const raw = options.rawSocket ?? loadRawSocket();
    const v4 = options.family === 4;
    let socket: RawSocket;
    try {
      socket = raw.createSocket({ protocol: IPPROTO_VRRP, addressFamily: v4 ? raw.AddressFamily.IPv4 : raw.AddressFamily.IPv6, bufferSize: RECEIVE_BUFFER });
    } catch (err) {
      throw new TransportError(`cannot open an IPv${options.family} raw socket for VRRP`, err);
    }
    const transport = new VrrpTransport(options, socket);
    try {
      transport.setUp(options);
    } catch (err) {
      socket.close();
      throw err;
    }
    return transport;
  }

  private setUp(options: TransportOptions): void {
    const ttl = options.ttl ?? VRRP_TTL;
    const set = (what: string, level: number, option: number, value: number | Buffer): void => {
      try {
        if (typeof value === 'number') this.socket.setOption(level, option, value);
        else this.socket.setOption(level, option, value, value.length);
      } catch (err) {
        throw new TransportError(`VRRP socket on ${this.ifname}: cannot set ${what}`, err);
      }
    };
    set(`SO_BINDTODEVICE ${this.ifname}`, SOL_SOCKET, SO_BINDTODEVICE, Buffer.from(this.ifname));
    if (options.receiveBufferSize !== undefined) set('SO_RCVBUF', SOL_SOCKET, SO_RCVBUF, options.receiveBufferSize);
    if (this.family === 4) {
      set('IP_MULTICAST_ALL 0', IPPROTO_IP, IP_MULTICAST_ALL, 0);
      set(`IP_TTL ${ttl}`, IPPROTO_IP, IP_TTL, ttl);
      set(`IP_MULTICAST_TTL ${ttl}`, IPPROTO_IP, IP_MULTICAST_TTL, ttl);
      set('IP_MULTICAST_LOOP 0', IPPROTO_IP, IP_MULTICAST_LOOP, 0);
      set('IP_MULTICAST_IF', IPPROTO_IP, IP_MULTICAST_IF, ipMreqn('0.0.0.0', this.ifindex, options.sourceAddress ?? '0.0.0.0'));
    } else {
      set('IPV6_CHECKSUM 6', IPPROTO_IPV6, IPV6_CHECKSUM, VRRP_CHECKSUM_OFFSET);
      set(`IPV6_UNICAST_HOPS ${ttl}`, IPPROTO_IPV6, IPV6_UNICAST_HOPS, ttl);
      set(`IPV6_MULTICAST_HOPS ${ttl}`, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, ttl);
      set('IPV6_MULTICAST_LOOP 0', IPPROTO_IPV6, IPV6_MULTICAST_LOOP, 0);
      set('IPV6_MULTICAST_IF', IPPROTO_IPV6, IPV6_MULTICAST_IF, this.ifindex);
    }
    this.socket.on('message', (buffer, source) => this.receive(buffer, source));
    this.socket.on('error', (err) => this.readFailed(err));
    this.socket.on('close', () => {
      if (!this.closed) this.readFailed(new TransportError(`VRRP socket on ${this.ifname} closed by itself`, undefined, 'reopen the transport'));
      this.closed = true;
    });
    if (options.multicast ?? true) this.joinGroup();
  }

  /** Joins a multicast group on the interface (default: the VRRP group). */
  joinGroup(group = this.group): void {
    this.membership(group, true);
    this.joined.add(group);
  }

  /** Leaves a multicast group on the interface (default: the VRRP group). */
  leaveGroup(group = this.group): void {
    this.membership(group, false);
    this.joined.delete(group);
  }

  private membership(group: string, join: boolean): void {
    const v4 = this.family === 4;
    if (isIP(group) !== this.family) throw new RangeError(`'${group}' is not an IPv${this.family} group`);
    try {
      if (v4) {
        const mreq = ipMreqn(group, this.ifindex);
        this.socket.setOption(IPPROTO_IP, join ? IP_ADD_MEMBERSHIP : IP_DROP_MEMBERSHIP, mreq, mreq.length);
      } else {
        const mreq = ipv6Mreq(group, this.ifindex);
        this.socket.setOption(IPPROTO_IPV6, join ? IPV6_ADD_MEMBERSHIP : IPV6_DROP_MEMBERSHIP, mreq, mreq.length);
      }
    } catch (err) {
      throw new TransportError(`cannot ${join ? 'join' : 'leave'} ${group} on ${this.ifname}`, err);
    }
  }

  /**
   * Sends a VRRP message (IPv4: the kernel adds the IP header, TTL 255; IPv6: the kernel fills the checksum) to
   * `destination`, by default the group. Resolves once sent; rejects with TransportSendError (also counted).
   */
  send(message: Uint8Array, destination = this.group): Promise<void> {
    // A copy: raw-socket reads the bytes only when the socket is writable, after this returns.
    return this.transmit(Buffer.from(message), destination, false);
  }

  /** IPv4: sends a whole datagram, IP header included (IP_HDRINCL), to the header's destination. For AH. */
  sendDatagram(datagram: Uint8Array): Promise<void> {
    if (this.family !== 4) return Promise.reject(new RangeError('sendDatagram is for IPv4: IPv6 raw sockets take no header'));
    if (datagram.length < 20) return Promise.reject(new RangeError('an IPv4 datagram has at least a 20-byte header'));
    const buf = Buffer.from(datagram);
    return this.transmit(buf, formatAddress(buf, 16, 4), true);
  }

  private transmit(buf: Buffer, destination: string, withHeader: boolean): Promise<void> {
    return new Promise((resolve, reject) => {
      const fail = (err: unknown): void => {
        this.stats.sendErrors++;
        reject(new TransportSendError(`cannot send VRRP to ${destination} on ${this.ifname}`, destination, err));
      };
      if (this.closed) {
        fail(new Error('the transport is closed'));
        return;
      }
      if (isIP(destination.split('%')[0] ?? '') !== this.family) {
        fail(new RangeError(`'${destination}' is not an IPv${this.family} address`));
        return;
      }
      this.socket.send(
        buf,
        0,
        buf.length,
        destination,
        () => {
          if (this.family === 4 && this.hdrincl !== withHeader) {
            this.socket.setOption(IPPROTO_IP, IP_HDRINCL, withHeader ? 1 : 0);
            this.hdrincl = withHeader;
          }
        },
        (err) => {
          if (err) fail(err);
          else {
            this.stats.sent++;
            resolve();
          }
        },
      );
    });
  }

  private receive(buffer: Buffer, source: string): void {
    // raw-socket reads every packet into the same buffer: copy before handing it on.
    const data = Buffer.from(buffer);
    let packet: ReceivedPacket;
    if (this.family === 4) {
      const complete = data.length >= 20;
      packet = {
        family: 4,
        data,
        payloadOffset: complete ? Math.min(data.length, ((data[0] ?? 0) & 0x0f) * 4) : data.length,
        source: complete ? formatAddress(data, 12, 4) : source,
        destination: complete ? formatAddress(data, 16, 4) : undefined,
        ifindex: this.ifindex,
        ttl: complete ? data[8] : undefined,
      };
    } else {
      packet = { family: 6, data, payloadOffset: 0, source, destination: undefined, ifindex: this.ifindex, ttl: undefined };
    }
    this.stats.received++;
    try {
      this.onPacket(packet);
    } catch (err) {
      this.readFailed(err);
    }
  }

  private readFailed(err: unknown): void {
    this.stats.readErrors++;
    try {
      this.onError?.(err);
    } catch {
      // An error handler that throws must not take the socket down with it.
    }
  }

  /** Closes the socket (the kernel drops its group memberships). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.joined.clear();
    this.socket.close();
  }
}
