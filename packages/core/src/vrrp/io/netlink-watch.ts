// Link and address events from the rtnetlink multicast groups (RTNLGRP_LINK, RTNLGRP_IPV4_IFADDR,
// RTNLGRP_IPV6_IFADDR), on a socket of their own: what Keepalived's kernel_netlink thread reacts to. Link events
// are told as transitions of IFF_UP && IFF_RUNNING, judged against the states read when the watch started.
import type * as Netlink from 'netlink';
import type { NetlinkMessage } from 'netlink';
import { addressInfo, type AddressInfo } from './netlink-address.js';
import { isLinkUp, linkInfo, type LinkInfo } from './netlink-link.js';

export type NetlinkEvent =
  /** The link became up and running (link-up) or stopped being so (link-down). */
  | { readonly type: 'link-up' | 'link-down'; readonly link: LinkInfo }
  /** A link appeared; its state is in `link`. */
  | { readonly type: 'link-added'; readonly link: LinkInfo }
  /** Something else about the link changed (MTU, MAC, name, flags other than up/running). */
  | { readonly type: 'link-changed'; readonly link: LinkInfo }
  | { readonly type: 'link-removed'; readonly ifindex: number; readonly name: string }
  /** RTM_NEWADDR: an address was added, or the kernel updated one (DAD finished, lifetimes). */
  | { readonly type: 'address-added'; readonly address: AddressInfo }
  | { readonly type: 'address-removed'; readonly address: AddressInfo }
  /**
   * The kernel dropped notifications (the socket's buffer overflowed): link states were read again and their
   * changes told, but address events may be lost; re-read the addresses that matter.
   */
  | { readonly type: 'resync' };

export type NetlinkEventListener = (event: NetlinkEvent) => void;

export interface WatchOptions {
  /** Link events; default true. */
  readonly links?: boolean;
  /** Address events (IPv4 and IPv6); default true. */
  readonly addresses?: boolean;
  /** Keep the process alive while watching; default true. */
  readonly ref?: boolean;
  /** Told about socket errors and unparsable messages (counted in stats.errors); never thrown. */
  readonly onError?: (err: unknown) => void;
}

const RTM_NEWLINK = 16;
const RTM_DELLINK = 17;
const RTM_NEWADDR = 20;
const RTM_DELADDR = 21;
const RTNLGRP_LINK = 1;
const RTNLGRP_IPV4_IFADDR = 5;
const RTNLGRP_IPV6_IFADDR = 9;
const NETLINK_ROUTE = 0;
/** SO_RCVBUF of the watch socket (the kernel caps it at net.core.rmem_max). */
const WATCH_RECEIVE_BUFFER = 1 << 20;

interface LinkState {
  readonly up: boolean;
  readonly name: string;
}

export class NetlinkWatch {
  readonly stats = { events: 0, errors: 0 };
  private readonly states = new Map<number, LinkState>();
  private queue: NetlinkMessage[] | undefined = [];
  private closed = false;

  private constructor(
    private readonly lib: typeof Netlink,
    private readonly socket: Netlink.NetlinkSocket,
    private readonly dumpLinks: () => Promise<LinkInfo[]>,
    private readonly listener: NetlinkEventListener,
    private readonly onError: ((err: unknown) => void) | undefined,
  ) {}

  static async start(
    lib: typeof Netlink,
    dumpLinks: () => Promise<LinkInfo[]>,
    listener: NetlinkEventListener,
    options: WatchOptions,
  ): Promise<NetlinkWatch> {
    // 0 keeps the kernel's default send buffer; the receive buffer is made large against bursts of events.
    const socket = lib.createNetlink(NETLINK_ROUTE, { ref: options.ref ?? true, recvBufferSize: WATCH_RECEIVE_BUFFER, sendBufferSize: 0 });
    const watch = new NetlinkWatch(lib, socket, dumpLinks, listener, options.onError);
    socket.on('message', (msgs) => watch.receive(msgs));
    socket.on('invalid', (err) => watch.fail(err));
    socket.on('error', (err) => {
      watch.fail(err);
      if (err.code === 'ENOBUFS') void watch.resync();
    });
    try {
      if (options.links ?? true) socket.addMembership(RTNLGRP_LINK);
      if (options.addresses ?? true) {
        socket.addMembership(RTNLGRP_IPV4_IFADDR);
        socket.addMembership(RTNLGRP_IPV6_IFADDR);
      }
      // Subscribed first, read second: a change in between is queued, then judged against what was read.
      for (const link of await dumpLinks()) watch.states.set(link.ifindex, { up: isLinkUp(link), name: link.name });
    } catch (err) {
      watch.close();
      throw err;
    }
    const queued = watch.queue ?? [];
    watch.queue = undefined;
    watch.receive(queued);
    return watch;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.socket.close();
  }

  private receive(msgs: NetlinkMessage[]): void {
    if (this.queue) {
      this.queue.push(...msgs);
      return;
    }
    for (const m of msgs) {
      try {
        this.handle(m);
      } catch (err) {
        this.fail(err);
      }
    }
  }

  private handle(m: NetlinkMessage): void {
    if (m.type !== RTM_NEWLINK && m.type !== RTM_DELLINK && m.type !== RTM_NEWADDR && m.type !== RTM_DELADDR) return;
    const msg = this.lib.rt.parseMessage(m.type, m.data);
    if (msg.kind === 'link') {
      const link = linkInfo(msg);
      if (m.type === RTM_DELLINK) {
        const name = this.states.get(link.ifindex)?.name ?? link.name;
        this.states.delete(link.ifindex);
        this.emit({ type: 'link-removed', ifindex: link.ifindex, name });
      } else {
        this.linkSeen(link);
      }
    } else if (msg.kind === 'address') {
      const address = addressInfo(msg);
      if (address) this.emit({ type: m.type === RTM_NEWADDR ? 'address-added' : 'address-removed', address });
    }
  }

  private linkSeen(link: LinkInfo): void {
    const before = this.states.get(link.ifindex);
    const up = isLinkUp(link);
    this.states.set(link.ifindex, { up, name: link.name });
    if (!before) this.emit({ type: 'link-added', link });
    else if (before.up !== up) this.emit({ type: up ? 'link-up' : 'link-down', link });
    else this.emit({ type: 'link-changed', link });
  }

  /** After an overflow: read the links again and tell what changed meanwhile. */
  private async resync(): Promise<void> {
    if (this.closed) return;
    this.emit({ type: 'resync' });
    try {
      const links = await this.dumpLinks();
      const present = new Set(links.map((l) => l.ifindex));
      for (const [ifindex, state] of this.states) {
        if (!present.has(ifindex)) {
          this.states.delete(ifindex);
          this.emit({ type: 'link-removed', ifindex, name: state.name });
        }
      }
      for (const link of links) {
        const before = this.states.get(link.ifindex);
        if (!before || before.up !== isLinkUp(link)) this.linkSeen(link);
      }
    } catch (err) {
      this.fail(err);
    }
  }

  private emit(event: NetlinkEvent): void {
    if (this.closed) return;
    this.stats.events++;
    try {
      this.listener(event);
    } catch (err) {
      this.fail(err);
    }
  }

  private fail(err: unknown): void {
    this.stats.errors++;
    this.onError?.(err);
  }
}
