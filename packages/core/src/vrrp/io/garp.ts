// Gratuitous ARP (IPv4 VIPs) and unsolicited neighbour advertisements (IPv6 VIPs) out of one interface, through
// the native AF_PACKET socket. The shapes of Keepalived's bursts (vrrp_send_link_update): `repeat` rounds over
// all the addresses, an optional gap between two packets on the interface (vrrp_garp_interval /
// vrrp_gna_interval), and after becoming MASTER a second burst `garp_master_delay` seconds later.
// A packet that cannot be sent is counted and reported, never thrown: the state machine goes on.
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { encodeGratuitousArp } from './arp.js';
import { encodeUnsolicitedNa } from './ndisc.js';
import { openPacketSocket, type FrameSocket } from './packet-socket.js';

/** Keepalived's defaults (vrrp.h): garp_master_repeat 5, garp_master_delay 5 s. */
export const GARP_MASTER_REPEAT = 5;
export const GARP_MASTER_DELAY = 5;

/** The interface the packets leave by, and whose MAC they announce (the VMAC's, on a use_vmac instance). */
export interface GarpInterface {
  readonly ifindex: number;
  readonly ifname: string;
  readonly mac: string;
}

export interface BurstOptions {
  /** Packets per address (garp_master_repeat); default 5. */
  readonly repeat?: number;
  /** Seconds between two gratuitous ARPs on the interface (vrrp_garp_interval); default 0. */
  readonly garpInterval?: number;
  /** Seconds between two unsolicited NAs on the interface (vrrp_gna_interval); default 0. */
  readonly gnaInterval?: number;
  /** The NA Router flag; default: whether the interface forwards IPv6, as Keepalived decides. */
  readonly router?: boolean;
  /** Stops the burst between two packets. */
  readonly signal?: AbortSignal;
}

export interface AnnounceOptions extends BurstOptions {
  /** Seconds before the second burst (garp_master_delay); 0 for none; default 5. */
  readonly delay?: number;
}

export interface GarpResult {
  readonly sent: number;
  readonly failed: number;
}

/** A first burst now and a second one `delay` seconds later; cancel() stops what has not been sent yet. */
export interface Announcement {
  readonly done: Promise<GarpResult>;
  cancel(): void;
}

export interface GarpSenderOptions {
  /** The socket to send with; default a native AF_PACKET socket on the interface. */
  readonly socket?: FrameSocket;
  /** Told about each packet that could not be sent. */
  readonly onError?: (err: unknown, address: string) => void;
}

/** Whether the interface forwards IPv6 (Keepalived's get_ipv6_forwarding), in this process's network namespace. */
export function ipv6Forwarding(ifname: string): boolean {
  try {
    return readFileSync(`/proc/sys/net/ipv6/conf/${ifname}/forwarding`, 'utf8').trim() !== '0';
  } catch {
    return false;
  }
}

export class GarpSender {
  readonly stats = { sent: 0, failed: 0 };
  private readonly socket: FrameSocket;
  private readonly onError: ((err: unknown, address: string) => void) | undefined;

  constructor(
    readonly iface: GarpInterface,
    options: GarpSenderOptions = {},
  ) {
    this.socket = options.socket ?? openPacketSocket(iface.ifindex);
    this.onError = options.onError;
  }

  /**
   * Sends one gratuitous ARP (IPv4 address) or unsolicited NA (IPv6 address); false if it could not be sent.
   * An address that is neither is a caller's bug: RangeError.
   */
  sendOne(address: string, router?: boolean): boolean {
    const frame = address.includes(':')
      ? encodeUnsolicitedNa(this.iface.mac, address, { router: router ?? ipv6Forwarding(this.iface.ifname) })
      : encodeGratuitousArp(this.iface.mac, address);
    try {
      this.socket.send(frame);
      this.stats.sent++;
      return true;
    } catch (err) {
      this.stats.failed++;
      this.onError?.(err, address);
      return false;
    }
  }

  /** `repeat` rounds over `addresses`, with the configured gaps between packets. */
  async burst(addresses: readonly string[], options: BurstOptions = {}): Promise<GarpResult> {
    const repeat = options.repeat ?? GARP_MASTER_REPEAT;
    const router = addresses.some((a) => a.includes(':')) ? (options.router ?? ipv6Forwarding(this.iface.ifname)) : false;
    let sent = 0;
    let failed = 0;
    let first = true;
    for (let round = 0; round < repeat; round++) {
      for (const address of addresses) {
        if (options.signal?.aborted) return { sent, failed };
        const gap = address.includes(':') ? options.gnaInterval : options.garpInterval;
        if (!first && gap) {
          if (!(await pause(gap, options.signal))) return { sent, failed };
        }
        first = false;
        if (this.sendOne(address, router)) sent++;
        else failed++;
      }
    }
    return { sent, failed };
  }

  /** What Keepalived does on becoming MASTER: a burst now, and another `delay` seconds later. */
  announce(addresses: readonly string[], options: AnnounceOptions = {}): Announcement {
    const controller = new AbortController();
    const signal = options.signal ? AbortSignal.any([options.signal, controller.signal]) : controller.signal;
    const delay = options.delay ?? GARP_MASTER_DELAY;
    const run = async (): Promise<GarpResult> => {
      const first = await this.burst(addresses, { ...options, signal });
      if (!delay || signal.aborted || !(await pause(delay, signal))) return first;
      const second = await this.burst(addresses, { ...options, signal });
      return { sent: first.sent + second.sent, failed: first.failed + second.failed };
    };
    return { done: run(), cancel: () => controller.abort() };
  }

  close(): void {
    this.socket.close();
  }
}

/** Waits `seconds`; false if the signal aborted the wait. */
async function pause(seconds: number, signal: AbortSignal | undefined): Promise<boolean> {
  try {
    await sleep(seconds * 1000, undefined, { signal });
    return true;
  } catch {
    return false;
  }
}
