// The kernel's addresses, links, routes and rules over rtnetlink (the `netlink` package, pinned: its API is not
// stable), never by running ip(8). Every request waits for the kernel's answer; a refusal becomes a typed error
// (errors.ts) with its errno and what to do. It works in the network namespace of the calling process.
import { createRequire } from 'node:module';
import type * as Netlink from 'netlink';
import type { NetlinkMessage, rt } from 'netlink';
import { NativeLoadError, NetlinkError, NetlinkTimeoutError, NoSuchLinkError, netlinkError, type NetlinkOperationKind } from './errors.js';
import { addressInfo, addressMessage, describeAddress, type AddressInfo, type AddressSpec } from './netlink-address.js';
import type { Family } from './netlink-attr.js';
import { linkInfo, macvlanMessage, type LinkInfo, type MacvlanSpec } from './netlink-link.js';
import { describeRoute, routeInfo, routeMessage, type RouteInfo, type RouteSpec } from './netlink-route.js';
import { describeRule, ruleInfo, ruleMessage, type RuleInfo, type RuleSpec } from './netlink-rule.js';
import { NetlinkWatch, type NetlinkEventListener, type WatchOptions } from './netlink-watch.js';

export type NetlinkLibrary = typeof Netlink;

let library: NetlinkLibrary | undefined;

/** The `netlink` package, loaded on first use (it loads a native binding). */
export function loadNetlink(): NetlinkLibrary {
  if (!library) {
    try {
      library = createRequire(import.meta.url)('netlink') as NetlinkLibrary;
    } catch (err) {
      throw new NativeLoadError('netlink', 'cannot load the netlink package, which manages addresses, links, routes and rules', err);
    }
  }
  return library;
}

/** rtnetlink message types (linux/rtnetlink.h). */
export const RTM = {
  NEWLINK: 16,
  DELLINK: 17,
  GETLINK: 18,
  SETLINK: 19,
  NEWADDR: 20,
  DELADDR: 21,
  GETADDR: 22,
  NEWROUTE: 24,
  DELROUTE: 25,
  GETROUTE: 26,
  NEWRULE: 32,
  DELRULE: 33,
  GETRULE: 34,
} as const;

/** Netlink header flags (linux/netlink.h). */
const NLM_F = { DUMP: 0x300, REPLACE: 0x100, EXCL: 0x200, CREATE: 0x400, APPEND: 0x800 } as const;
const NLMSG_ERROR = 2;

/** How a route is added, as ip-route(8)'s add / replace / append / prepend. */
export type RouteAddMode = 'add' | 'replace' | 'append' | 'prepend';

const ROUTE_FLAGS: Readonly<Record<RouteAddMode, number>> = {
  add: NLM_F.CREATE | NLM_F.EXCL,
  replace: NLM_F.CREATE | NLM_F.REPLACE,
  append: NLM_F.CREATE | NLM_F.APPEND,
  prepend: NLM_F.CREATE,
};

export interface NetlinkManagerOptions {
  /** How long to wait for the kernel's answer to one request; default 5000 ms. */
  readonly timeoutMs?: number;
}

/** A link by name or by index. */
export type LinkRef = string | number;

export class NetlinkManager {
  private readonly socket: Netlink.RtNetlinkSocket;
  private readonly timeoutMs: number;
  private closed = false;

  private constructor(
    private readonly lib: NetlinkLibrary,
    options: NetlinkManagerOptions,
  ) {
    this.socket = lib.createRtNetlink();
    this.timeoutMs = options.timeoutMs ?? 5000;
  }

  /** Opens an rtnetlink socket (unreferenced while idle: it does not keep the process alive). */
  static open(options: NetlinkManagerOptions = {}): NetlinkManager {
    return new NetlinkManager(loadNetlink(), options);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.socket.socket.close();
  }

  // ---- addresses ----------------------------------------------------------------------------------------

  /** Adds an address (a VIP); AddressExistsError if the link has it already, unless `replace`. */
  async addAddress(spec: AddressSpec, options: { readonly replace?: boolean } = {}): Promise<void> {
    const flags = NLM_F.CREATE | (options.replace ? NLM_F.REPLACE : NLM_F.EXCL);
    await this.request('address-add', `add address ${describeAddress(spec)}`, RTM.NEWADDR, flags, (lib, out) =>
      lib.rt.formatAddressMessage(addressMessage(spec, 'add'), out),
    );
  }

  /** Removes an address; AddressNotFoundError if the link does not have it. */
  async removeAddress(spec: AddressSpec): Promise<void> {
    await this.request('address-remove', `remove address ${describeAddress(spec)}`, RTM.DELADDR, 0, (lib, out) =>
      lib.rt.formatAddressMessage(addressMessage(spec, 'remove'), out),
    );
  }

  /** The addresses of all links, or of one link / one family. */
  async listAddresses(filter: { readonly ifindex?: number; readonly family?: Family } = {}): Promise<AddressInfo[]> {
    const family = filter.family === undefined ? 0 : filter.family === 4 ? 2 : 10;
    const msgs = await this.request('dump', 'list addresses', RTM.GETADDR, NLM_F.DUMP, (lib, out) =>
      lib.rt.formatAddressMessage({ kind: 'address', data: { family }, attrs: {} }, out),
    );
    const out: AddressInfo[] = [];
    for (const m of msgs) {
      const info = m.kind === 'address' ? addressInfo(m) : undefined;
      if (info && (filter.ifindex === undefined || info.ifindex === filter.ifindex) && (filter.family === undefined || info.family === filter.family)) {
        out.push(info);
      }
    }
    return out;
  }

  // ---- links --------------------------------------------------------------------------------------------

  /** A link by name or index: MAC, index, flags, operstate, kind; NoSuchLinkError if there is none. */
  async getLink(link: LinkRef): Promise<LinkInfo> {
    const msgs = await this.request('link-get', `read link ${link}`, RTM.GETLINK, 0, (lib, out) =>
      lib.rt.formatLinkMessage(typeof link === 'number' ? { kind: 'link', data: { index: link }, attrs: {} } : { kind: 'link', data: {}, attrs: { ifname: link } }, out),
    );
    const found = msgs.find((m): m is rt.LinkMessage => m.kind === 'link');
    if (!found) throw new NoSuchLinkError(`read link ${link}`, undefined);
    return linkInfo(found);
  }

  async listLinks(): Promise<LinkInfo[]> {
    const msgs = await this.request('dump', 'list links', RTM.GETLINK, NLM_F.DUMP, (lib, out) =>
      lib.rt.formatLinkMessage({ kind: 'link', data: {}, attrs: {} }, out),
    );
    return msgs.filter((m): m is rt.LinkMessage => m.kind === 'link').map(linkInfo);
  }

  /** Sets a link administratively up or down (`ip link set LINK up|down`). */
  async setLinkUp(link: LinkRef, up: boolean): Promise<void> {
    await this.request('link-set', `set link ${link} ${up ? 'up' : 'down'}`, RTM.NEWLINK, 0, (lib, out) =>
      lib.rt.formatLinkMessage(
        { kind: 'link', data: { ...(typeof link === 'number' ? { index: link } : {}), flags: up ? { up: true } : {}, change: { up: true } }, attrs: typeof link === 'number' ? {} : { ifname: link } },
        out,
      ),
    );
  }

  /** Creates a macvlan (Keepalived's use_vmac) and returns it as the kernel made it; LinkExistsError if the name is taken. */
  async createMacvlan(spec: MacvlanSpec): Promise<LinkInfo> {
    await this.request('link-add', `create macvlan ${spec.name} on ifindex ${spec.parentIfindex}`, RTM.NEWLINK, NLM_F.CREATE | NLM_F.EXCL, (lib, out) =>
      lib.rt.formatLinkMessage(macvlanMessage(spec), out),
    );
    return this.getLink(spec.name);
  }

  /** Deletes a link (a VMAC vigil made); NoSuchLinkError if there is none. */
  async deleteLink(link: LinkRef): Promise<void> {
    await this.request('link-remove', `delete link ${link}`, RTM.DELLINK, 0, (lib, out) =>
      lib.rt.formatLinkMessage(typeof link === 'number' ? { kind: 'link', data: { index: link }, attrs: {} } : { kind: 'link', data: {}, attrs: { ifname: link } }, out),
    );
  }

  // ---- routes and rules ---------------------------------------------------------------------------------

  /** Adds a route; RouteExistsError if mode 'add' (the default) finds it there. */
  async addRoute(spec: RouteSpec, options: { readonly mode?: RouteAddMode } = {}): Promise<void> {
    await this.request('route-add', `add route ${describeRoute(spec)}`, RTM.NEWROUTE, ROUTE_FLAGS[options.mode ?? 'add'], (lib, out) =>
      lib.rt.formatRouteMessage(routeMessage(spec, 'add'), out),
    );
  }

  /** Removes a route; RouteNotFoundError if there is none. */
  async removeRoute(spec: RouteSpec): Promise<void> {
    await this.request('route-remove', `remove route ${describeRoute(spec)}`, RTM.DELROUTE, 0, (lib, out) =>
      lib.rt.formatRouteMessage(routeMessage(spec, 'remove'), out),
    );
  }

  /** The routes of every table, or of one table / family. */
  async listRoutes(filter: { readonly family?: Family; readonly table?: number } = {}): Promise<RouteInfo[]> {
    const family = filter.family === undefined ? 0 : filter.family === 4 ? 2 : 10;
    const msgs = await this.request('dump', 'list routes', RTM.GETROUTE, NLM_F.DUMP, (lib, out) =>
      lib.rt.formatRouteMessage({ kind: 'route', data: { family }, attrs: {} }, out),
    );
    const out: RouteInfo[] = [];
    for (const m of msgs) {
      const info = m.kind === 'route' ? routeInfo(m) : undefined;
      if (info && (filter.table === undefined || info.table === filter.table) && (filter.family === undefined || info.family === filter.family)) out.push(info);
    }
    return out;
  }

  /** Adds a policy rule; RuleExistsError if it is there already. */
  async addRule(spec: RuleSpec): Promise<void> {
    await this.request('rule-add', `add rule ${describeRule(spec)}`, RTM.NEWRULE, NLM_F.CREATE | NLM_F.EXCL, (lib, out) =>
      lib.rt.formatRuleMessage(ruleMessage(spec, 'add'), out),
    );
  }

  /** Removes a policy rule; RuleNotFoundError if there is none. */
  async removeRule(spec: RuleSpec): Promise<void> {
    await this.request('rule-remove', `remove rule ${describeRule(spec)}`, RTM.DELRULE, 0, (lib, out) =>
      lib.rt.formatRuleMessage(ruleMessage(spec, 'remove'), out),
    );
  }

  async listRules(filter: { readonly family?: Family } = {}): Promise<RuleInfo[]> {
    const family = filter.family === undefined ? 0 : filter.family === 4 ? 2 : 10;
    const msgs = await this.request('dump', 'list rules', RTM.GETRULE, NLM_F.DUMP, (lib, out) =>
      lib.rt.formatRuleMessage({ kind: 'rule', data: { family }, attrs: {} }, out),
    );
    const out: RuleInfo[] = [];
    for (const m of msgs) {
      const info = m.kind === 'rule' ? ruleInfo(m) : undefined;
      if (info && (filter.family === undefined || info.family === filter.family)) out.push(info);
    }
    return out;
  }

  // ---- events -------------------------------------------------------------------------------------------

  /**
   * Watches links going up and down (and coming and going) and addresses being added and removed, through the
   * rtnetlink multicast groups, on a socket of its own. Resolves once the current link states are known.
   */
  watch(listener: NetlinkEventListener, options: WatchOptions = {}): Promise<NetlinkWatch> {
    return NetlinkWatch.start(this.lib, () => this.listLinks(), listener, options);
  }

  // ---- the request ----------------------------------------------------------------------------------------

  private async request(
    kind: NetlinkOperationKind,
    operation: string,
    type: number,
    flags: number,
    format: (lib: NetlinkLibrary, out: Netlink.AttrStream) => void,
  ): Promise<rt.Message[]> {
    if (this.closed) throw new NetlinkError(operation, undefined, 'the netlink manager is closed: open a new one');
    const lib = this.lib;
    const out = new lib.AttrStream();
    format(lib, out);
    let reply: NetlinkMessage[];
    try {
      [reply] = await this.socket.socket.request(type, out.bufs, { flags, checkError: false, timeout: this.timeoutMs });
    } catch (err) {
      if (err instanceof Error && /timeout/i.test(err.message)) throw new NetlinkTimeoutError(operation, this.timeoutMs, err);
      const errno = (err as { errno?: unknown }).errno;
      throw new NetlinkError(operation, typeof errno === 'number' ? Math.abs(errno) : undefined, 'the netlink socket failed', 'VIGIL_ERR_NETLINK', err);
    }
    const messages: rt.Message[] = [];
    for (const m of reply) {
      if (m.type === NLMSG_ERROR) {
        const { errno } = lib.parseError(m.data, m.flags);
        if (errno !== 0) throw netlinkError(kind, operation, Math.abs(errno));
        continue;
      }
      if (m.type < 16) continue; // NOOP, DONE, OVERRUN: control messages
      messages.push(lib.rt.parseMessage(m.type, m.data));
    }
    return messages;
  }
}
