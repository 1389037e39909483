// Socket options of the VRRP raw sockets (Linux values: socket.h, in.h, in6.h), the structs some of them take,
// and the part of the raw-socket package's API the transport uses (it ships no types). raw-socket passes any
// (level, option, Buffer) to setsockopt(2), which is how multicast membership is set though it names no constant.
import { createRequire } from 'node:module';
import { endianness } from 'node:os';
import { parseAddress } from '../packet/address.js';
import { NativeLoadError } from './errors.js';

export const SOL_SOCKET = 1;
export const SO_RCVBUF = 8;
export const SO_BINDTODEVICE = 25;

export const IPPROTO_IP = 0;
export const IP_TTL = 2;
export const IP_HDRINCL = 3;
export const IP_MULTICAST_IF = 32;
export const IP_MULTICAST_TTL = 33;
export const IP_MULTICAST_LOOP = 34;
export const IP_ADD_MEMBERSHIP = 35;
export const IP_DROP_MEMBERSHIP = 36;
export const IP_MULTICAST_ALL = 49;

export const IPPROTO_IPV6 = 41;
export const IPV6_CHECKSUM = 7;
export const IPV6_UNICAST_HOPS = 16;
export const IPV6_MULTICAST_IF = 17;
export const IPV6_MULTICAST_HOPS = 18;
export const IPV6_MULTICAST_LOOP = 19;
export const IPV6_ADD_MEMBERSHIP = 20;
export const IPV6_DROP_MEMBERSHIP = 21;

const HOST_LE = endianness() === 'LE';

function int32(value: number, buf: Buffer, offset: number): void {
  if (HOST_LE) buf.writeInt32LE(value, offset);
  else buf.writeInt32BE(value, offset);
}

/** struct ip_mreqn { imr_multiaddr; imr_address; int imr_ifindex } (12 bytes): IP_ADD_MEMBERSHIP, IP_MULTICAST_IF. */
export function ipMreqn(group: string, ifindex: number, address = '0.0.0.0'): Buffer {
  const g = parseAddress(group, 4);
  const a = parseAddress(address, 4);
  if (!g || !a) throw new RangeError(`ip_mreqn: '${group}' / '${address}' are not IPv4 addresses`);
  const out = Buffer.alloc(12);
  out.set(g, 0);
  out.set(a, 4);
  int32(ifindex, out, 8);
  return out;
}

/** struct ipv6_mreq { ipv6mr_multiaddr; int ipv6mr_interface } (20 bytes): IPV6_ADD_MEMBERSHIP. */
export function ipv6Mreq(group: string, ifindex: number): Buffer {
  const g = parseAddress(group, 6);
  if (!g) throw new RangeError(`ipv6_mreq: '${group}' is not an IPv6 address`);
  const out = Buffer.alloc(20);
  out.set(g, 0);
  int32(ifindex, out, 16);
  return out;
}

/** The raw-socket package's Socket, as far as vigil uses it. */
export interface RawSocket {
  on(event: 'message', listener: (buffer: Buffer, source: string) => void): this;
  on(event: 'error', listener: (err: Error) => void): this;
  on(event: 'close', listener: () => void): this;
  send(
    buffer: Buffer,
    offset: number,
    length: number,
    address: string,
    beforeCallback: () => void,
    afterCallback: (error: Error | null, bytes: number) => void,
  ): this;
  /** setsockopt(2) with an unsigned int, or with `length` bytes of a Buffer. Throws Error(strerror) on failure. */
  setOption(level: number, option: number, value: number | Buffer, length?: number): void;
  close(): this;
}

export interface RawSocketModule {
  createSocket(options: { protocol: number; addressFamily: number; bufferSize?: number }): RawSocket;
  readonly AddressFamily: { readonly IPv4: number; readonly IPv6: number };
}

let rawSocket: RawSocketModule | undefined;

/** The raw-socket package, loaded on first use (its addon is built by npm at install). */
export function loadRawSocket(): RawSocketModule {
  if (!rawSocket) {
    try {
      rawSocket = createRequire(import.meta.url)('raw-socket') as RawSocketModule;
    } catch (err) {
      throw new NativeLoadError('raw-socket', 'cannot load the raw-socket package, which sends and receives VRRP', err);
    }
  }
  return rawSocket;
}
