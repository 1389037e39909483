import type { ConfigNode, Token } from '../ast.js';
import type { SourceLoc } from '../location.js';
import type { ArgReader } from '../schema/args.js';
import type { BlockValue, ListItem } from '../schema/block.js';
import { k } from '../schema/builders.js';
import { parseIpAddress, parseIpPrefix, type IpAddress, type IpFamily, type IpPrefix } from '../schema/ip.js';
import { scalar, type Located } from '../schema/keyword.js';
import type { ParseContext } from '../schema/types.js';
import {
  INT_MAX,
  MAX_TIMER_SECONDS,
  UINT_MAX,
  decimalSeconds,
  garpExtraIf,
  isLinkLocalMulticast6,
  isMulticast,
  optionalScript,
  readDecimal,
  readRunAs,
  withdrawn,
  wordBlock,
} from './global.js';

/*
 * The VRRP part of keepalived.conf: vrrp_script, track_file, vrrp_track_process, vrrp_sync_group,
 * garp_group, vrrp_instance, the static addresses/routes/rules, track_group and bfd_instance.
 *
 * Ranges and error/warning levels follow Keepalived 2.2.7 as `keepalived -t` reports them. Checks
 * that need more than one block (references, duplicate VRIDs, interfaces of the host, what the
 * global defaults imply) are in ../semantic/vrrp.ts.
 */

// ---------------------------------------------------------------------------------------------
// Small readers
// ---------------------------------------------------------------------------------------------

/** An interface name as the kernel allows it: 1..15 characters, no '/', ':' or white space. */
export function readIfName(a: ArgReader, what = 'an interface name'): Located<string> {
  const t = a.next(what);
  if (t.text.length > 15) a.fail(`interface name '${t.text}' is longer than 15 characters`, t.loc, 'bad-interface');
  if (/[/:\s]/.test(t.text) || t.text === '.' || t.text === '..') a.fail(`'${t.text}' is not a valid interface name`, t.loc, 'bad-interface');
  return { value: t.text, loc: t.loc };
}

function located(t: Token): Located<string> {
  return { value: t.text, loc: t.loc };
}

function ipOf(a: ArgReader, t: Token): IpAddress {
  const ip = parseIpAddress(t.text);
  if (!ip) a.fail(`'${t.text}' is not a valid IP address`, t.loc, 'bad-address');
  return ip;
}

/** An address with an optional /LEN, reporting a bad length as Keepalived does. */
function prefixOf(a: ArgReader, t: Token): IpPrefix {
  const p = parseIpPrefix(t.text);
  if (p) return p;
  const slash = t.text.indexOf('/');
  if (slash > 0 && parseIpAddress(t.text.slice(0, slash))) {
    a.fail(`invalid prefix length in '${t.text}' (0..${parseIpAddress(t.text.slice(0, slash))?.family === 4 ? 32 : 128})`, t.loc, 'bad-address');
  }
  a.fail(`'${t.text}' is not a valid IP address`, t.loc, 'bad-address');
}

const SCOPES = ['global', 'site', 'link', 'host', 'nowhere', 'universe'] as const;

function readScope(a: ArgReader): string {
  const t = a.next('a scope (global|site|link|host|nowhere or 0..255)');
  if ((SCOPES as readonly string[]).includes(t.text)) return t.text;
  if (/^\d+$/.test(t.text) && Number(t.text) <= 255) return t.text;
  a.fail(`invalid scope '${t.text}' (global, site, link, host, nowhere or 0..255)`, t.loc);
}

/** A routing table: a number (1..2^32-1) or a name from rt_tables (main, local, default, ...). */
function readTable(a: ArgReader): string {
  const t = a.next('a routing table');
  if (/^\d+$/.test(t.text)) {
    // Keepalived 2.2.7 does not check the range; the kernel would refuse the route.
    if (Number(t.text) === 0 || Number(t.text) > UINT_MAX) a.warn(`routing table '${t.text}' is out of range 1..${UINT_MAX}`, t.loc, 'out-of-range');
    return t.text;
  }
  return t.text;
}

// ---------------------------------------------------------------------------------------------
// Addresses: virtual_ipaddress, virtual_ipaddress_excluded, static_ipaddress
// ---------------------------------------------------------------------------------------------

/** One line of virtual_ipaddress / virtual_ipaddress_excluded / static_ipaddress. */
export interface AddressItem {
  readonly address: IpPrefix;
  readonly dev?: Located<string>;
  /** `brd IP`, or `+` / `-` to set / clear the host bits. */
  readonly brd?: string;
  readonly scope?: string;
  readonly label?: string;
  readonly peer?: IpAddress;
  readonly home?: boolean;
  readonly noDad?: boolean;
  readonly mngtmpaddr?: boolean;
  readonly noPrefixRoute?: boolean;
  readonly autojoin?: boolean;
  readonly noTrack?: boolean;
  readonly useVmac?: boolean;
  /** Seconds, or 'forever'. */
  readonly preferredLft?: number | 'forever';
  /** static_ipaddress only. */
  readonly trackGroup?: Located<string>;
  /** The words as written after the address. */
  readonly words: readonly string[];
}

function addressReader(kind: 'virtual' | 'static') {
  return (a: ArgReader): AddressItem => {
    const first = a.next('an address');
    const address = prefixOf(a, first);
    const out: { -readonly [K in keyof AddressItem]?: AddressItem[K] } = {};
    const words = a.tokens.slice(1).map((t) => t.text);
    while (!a.done) {
      const t = a.next('an option');
      switch (t.text) {
        case 'dev':
          out.dev = readIfName(a, 'an interface name after dev');
          break;
        case 'brd':
        case 'broadcast': {
          const v = a.next('a broadcast address, + or -');
          if (v.text !== '+' && v.text !== '-') {
            const ip = ipOf(a, v);
            if (ip.family !== address.family) a.fail(`broadcast address '${v.text}' is not of the address's family`, v.loc, 'bad-address');
          }
          out.brd = v.text;
          break;
        }
        case 'scope':
          out.scope = readScope(a);
          break;
        case 'label':
          out.label = a.string('a label');
          break;
        case 'peer': {
          const v = a.next('a peer address');
          const ip = ipOf(a, v);
          if (ip.family !== address.family) a.fail(`peer address '${v.text}' is not of the address's family`, v.loc, 'bad-address');
          out.peer = ip;
          break;
        }
        case 'home':
          out.home = true;
          break;
        case '-nodad':
          out.noDad = true;
          break;
        case 'mngtmpaddr':
          out.mngtmpaddr = true;
          break;
        case 'noprefixroute':
          out.noPrefixRoute = true;
          break;
        case 'autojoin':
          out.autojoin = true;
          break;
        case 'no_track':
          out.noTrack = true;
          break;
        case 'use_vmac':
          out.useVmac = true;
          break;
        case 'preferred_lft': {
          const v = a.next('a lifetime in seconds or forever');
          if (v.text === 'forever') out.preferredLft = 'forever';
          else if (/^\d+$/.test(v.text) && Number(v.text) <= UINT_MAX) out.preferredLft = Number(v.text);
          else a.fail(`invalid preferred_lft '${v.text}' (seconds or forever)`, v.loc);
          break;
        }
        case 'track_group':
          if (kind === 'static') {
            out.trackGroup = located(a.next('a track_group name'));
            break;
          }
          a.fail(`'track_group' is only for static_ipaddress; remove it here`, t.loc, 'unknown-option');
          break;
        default:
          a.fail(`unknown address option '${t.text}' (dev, brd, scope, label, peer, home, -nodad, mngtmpaddr, noprefixroute, autojoin, no_track, ${kind === 'static' ? 'track_group, ' : 'use_vmac, '}preferred_lft)`, t.loc, 'unknown-option');
      }
    }
    return { address, ...out, words };
  };
}

// ---------------------------------------------------------------------------------------------
// Routes: virtual_routes, static_routes
// ---------------------------------------------------------------------------------------------

export const ROUTE_TYPES = ['unicast', 'local', 'broadcast', 'multicast', 'throw', 'unreachable', 'prohibit', 'blackhole', 'nat', 'anycast'] as const;
export type RouteType = (typeof ROUTE_TYPES)[number];

export interface NextHop {
  readonly via?: IpAddress;
  readonly dev?: Located<string>;
  readonly weight?: number;
  readonly onlink?: boolean;
}

/** One line of virtual_routes / static_routes (the syntax of `ip route add`). */
export interface RouteItem {
  readonly type?: RouteType;
  /** The destination; 'default' is 0.0.0.0/0 or ::/0. */
  readonly to: IpPrefix | 'default';
  readonly family: IpFamily;
  readonly src?: IpAddress;
  readonly via?: IpAddress;
  readonly dev?: Located<string>;
  readonly scope?: string;
  readonly table?: string;
  readonly metric?: number;
  readonly protocol?: string;
  readonly onlink?: boolean;
  readonly noTrack?: boolean;
  readonly nexthops?: readonly NextHop[];
  /** add (the default, prepends), append, or prepend. */
  readonly operation?: 'add' | 'append' | 'prepend';
  readonly vrf?: Located<string>;
  /** static_routes only. */
  readonly trackGroup?: Located<string>;
  /** The words as written, every option included. */
  readonly words: readonly string[];
}

/** Route options that take one value and are kept only in `words`. */
const ROUTE_VALUE_OPTIONS = new Set(['tos', 'dsfield', 'realms', 'quickack', 'fastopen_no_cookie', 'ttl-propagate', 'expires', 'pref', 'features']);
/** Metrics that take an optional `lock` and a value. */
const ROUTE_LOCKABLE = new Set(['mtu', 'advmss', 'rtt', 'rttvar', 'reordering', 'window', 'cwnd', 'ssthresh', 'initcwnd', 'initrwnd', 'rto_min', 'hoplimit', 'congctl']);

/** Consumes `encap TYPE ...`. */
function skipEncap(a: ArgReader): void {
  const type = a.next('an encapsulation type (mpls, ip, ip6, ila)');
  switch (type.text) {
    case 'mpls':
      a.next('MPLS labels');
      if (a.accept('ttl')) a.int(0, 255);
      return;
    case 'ip':
    case 'ip6':
      for (;;) {
        const w = a.peek();
        if (w === 'id' || w === 'dst' || w === 'src' || w === 'ttl' || w === 'tos' || w === 'tc' || w === 'hoplimit') {
          a.next(w);
          a.next(`a value after ${w}`);
        } else if (w === 'csum' || w === 'nocsum' || w === 'seq' || w === 'noseq' || w === 'key' || w === 'nokey') {
          a.next(w);
        } else return;
      }
    case 'ila':
      a.next('an ILA locator');
      for (;;) {
        const w = a.peek();
        if (w === 'csum-mode' || w === 'ident-type' || w === 'hook-type') {
          a.next(w);
          a.next(`a value after ${w}`);
        } else return;
      }
    default:
      a.fail(`unknown encap type '${type.text}' (mpls, ip, ip6, ila)`, type.loc);
  }
}

function routeReader(kind: 'virtual' | 'static') {
  return (a: ArgReader, _item: ConfigNode, ctx: ParseContext): RouteItem => {
    const words = a.tokens.map((t) => t.text);
    const out: { -readonly [K in keyof RouteItem]?: RouteItem[K] } = {};
    const families: { family: IpFamily; loc: SourceLoc }[] = [];
    const noteFamily = (family: IpFamily, loc: SourceLoc): void => {
      families.push({ family, loc });
    };
    const nexthops: NextHop[] = [];
    let v6Only: Token | undefined;
    let protocolTok: Token | undefined;
    const readVia = (): IpAddress => {
      if (a.accept('inet') || a.accept('inet6')) {
        /* the family is the address's own */
      }
      const v = a.next('a gateway address');
      const ip = ipOf(a, v);
      noteFamily(ip.family, v.loc);
      return ip;
    };
    while (!a.done) {
      const t = a.next('a route option');
      const w = t.text;
      switch (w) {
        case 'to': {
          const v = a.next('a destination');
          if ((ROUTE_TYPES as readonly string[]).includes(v.text)) {
            out.type = v.text as RouteType;
            const d = a.next('a destination');
            out.to = d.text === 'default' ? 'default' : prefixOf(a, d);
          } else out.to = v.text === 'default' ? 'default' : prefixOf(a, v);
          if (out.to !== 'default') noteFamily(out.to.family, v.loc);
          break;
        }
        case 'src': {
          const v = a.next('a source address');
          out.src = ipOf(a, v);
          noteFamily(out.src.family, v.loc);
          break;
        }
        case 'via':
          out.via = readVia();
          break;
        case 'gw':
          a.fail(`'gw' for routes is deprecated and Keepalived 2.2.7 rejects it; write 'via'`, t.loc, 'deprecated-keyword');
          break;
        case 'or':
          a.fail(`'or' for routes is deprecated and Keepalived 2.2.7 rejects it; write the gateways as 'nexthop via ...'`, t.loc, 'deprecated-keyword');
          break;
        case 'dev':
        case 'oif':
          out.dev = readIfName(a, 'an interface name after dev');
          break;
        case 'scope':
          out.scope = readScope(a);
          break;
        case 'table':
          out.table = readTable(a);
          break;
        case 'metric':
        case 'priority':
        case 'preference':
          out.metric = a.int(0, UINT_MAX, 'a metric');
          break;
        case 'protocol':
          protocolTok = a.next('a routing protocol (name or 0..255)');
          out.protocol = protocolTok.text;
          break;
        case 'onlink':
          out.onlink = true;
          break;
        case 'no_track':
          out.noTrack = true;
          break;
        case 'add':
        case 'append':
        case 'prepend':
          out.operation = w;
          break;
        case 'inet':
          noteFamily(4, t.loc);
          break;
        case 'inet6':
          noteFamily(6, t.loc);
          break;
        case 'vrf':
          out.vrf = readIfName(a, 'a VRF name');
          break;
        case 'encap':
          skipEncap(a);
          break;
        case 'track_group':
          if (kind === 'static') {
            out.trackGroup = located(a.next('a track_group name'));
            break;
          }
          a.fail(`'track_group' is only for static_routes; remove it here`, t.loc, 'unknown-option');
          break;
        case 'nexthop': {
          const hop: { -readonly [K in keyof NextHop]?: NextHop[K] } = {};
          while (!a.done && a.peek() !== 'nexthop') {
            const o = a.next('a nexthop option');
            if (o.text === 'via') hop.via = readVia();
            else if (o.text === 'dev') hop.dev = readIfName(a, 'an interface name after dev');
            else if (o.text === 'weight') hop.weight = a.int(1, 256, 'a weight (1..256)');
            else if (o.text === 'onlink') hop.onlink = true;
            else if (o.text === 'encap') skipEncap(a);
            else a.fail(`unknown nexthop option '${o.text}' (via, dev, weight, onlink, encap); other route options go before the first nexthop`, o.loc, 'unknown-option');
          }
          nexthops.push(hop);
          break;
        }
        default:
          if (ROUTE_VALUE_OPTIONS.has(w)) {
            const v = a.next(`a value after ${w}`);
            if (w === 'expires' || w === 'pref') v6Only ??= t;
            if (w === 'pref' && !['low', 'medium', 'high'].includes(v.text)) a.fail(`route pref takes low, medium or high, not '${v.text}'`, v.loc);
            break;
          }
          if (ROUTE_LOCKABLE.has(w)) {
            a.accept('lock');
            a.next(`a value after ${w}`);
            break;
          }
          if ((ROUTE_TYPES as readonly string[]).includes(w) && out.type === undefined && out.to === undefined) {
            out.type = w as RouteType;
            break;
          }
          if (out.to === undefined) {
            if (w === 'default') {
              out.to = 'default';
              break;
            }
            const p = parseIpPrefix(w);
            if (p) {
              out.to = p;
              noteFamily(p.family, t.loc);
              break;
            }
            if (/^[0-9a-fA-F:.]+(\/\d+)?$/.test(w)) prefixOf(a, t);
          }
          a.fail(`unknown route option '${w}'`, t.loc, 'unknown-option');
      }
    }
    if (out.to === undefined) a.fail(`the route has no destination`, a.keywordLoc, 'missing-argument');
    const family = families[0]?.family ?? 4;
    const mixed = families.find((f) => f.family !== family);
    if (mixed) a.fail(`a route cannot mix IPv4 and IPv6 addresses`, mixed.loc, 'mixed-family');
    if (v6Only && family !== 6) a.fail(`'${v6Only.text}' is only valid for IPv6 routes`, v6Only.loc, 'bad-option');
    if (nexthops.length > 0) out.nexthops = nexthops;
    // Keepalived 2.2.7 tracks static routes too, and reports (-t fails) a route it cannot track.
    const tracked = !out.noTrack;
    if (tracked && !out.dev) {
      ctx.diags.error(a.tokens[0]?.loc ?? a.keywordLoc, 'untrackable-route', `a route without 'dev' cannot be tracked; add 'dev IFNAME' or 'no_track'`);
    }
    if (out.trackGroup && !out.dev) {
      ctx.diags.error(out.trackGroup.loc, 'untrackable-route', `a static route needs 'dev IFNAME' to have a track_group`);
    }
    if (tracked && protocolTok && protocolTok.text !== 'keepalived' && protocolTok.text !== '18') {
      ctx.diags.error(protocolTok.loc, 'untrackable-route', `a tracked route must have protocol keepalived (18); remove 'protocol ${protocolTok.text}' or add 'no_track'`);
    }
    return { ...out, to: out.to, family, words } as RouteItem;
  };
}

// ---------------------------------------------------------------------------------------------
// Rules: virtual_rules, static_rules
// ---------------------------------------------------------------------------------------------

export const RULE_ACTIONS = ['table', 'goto', 'blackhole', 'prohibit', 'unreachable', 'nop'] as const;

/** One line of virtual_rules / static_rules (the syntax of `ip rule add`). */
export interface RuleItem {
  readonly family: IpFamily;
  readonly not?: boolean;
  readonly from?: IpPrefix | 'all';
  readonly to?: IpPrefix | 'all';
  readonly iif?: Located<string>;
  readonly oif?: Located<string>;
  readonly fwmark?: { readonly mark: number; readonly mask?: number };
  readonly table?: string;
  readonly goto?: number;
  /** blackhole, prohibit, unreachable or nop when there is no table/goto. */
  readonly action?: 'table' | 'goto' | 'blackhole' | 'prohibit' | 'unreachable' | 'nop';
  readonly preference?: number;
  readonly noTrack?: boolean;
  /** static_rules only. */
  readonly trackGroup?: Located<string>;
  readonly words: readonly string[];
}

function readNumberC(a: ArgReader, t: Token, max: number): number {
  const n = /^0x[0-9a-f]+$/i.test(t.text) ? parseInt(t.text, 16) : /^\d+$/.test(t.text) ? Number(t.text) : NaN;
  if (Number.isNaN(n) || n > max) a.fail(`invalid number '${t.text}' for '${a.keyword}'`, t.loc, 'bad-number');
  return n;
}

function ruleReader(kind: 'virtual' | 'static') {
  return (a: ArgReader, item: ConfigNode, ctx: ParseContext): RuleItem => {
    const words = a.tokens.map((t) => t.text);
    const out: { -readonly [K in keyof RuleItem]?: RuleItem[K] } = {};
    const families: { family: IpFamily; loc: SourceLoc }[] = [];
    let realmOrSuppress: Token | undefined;
    const selector = (t: Token): IpPrefix | 'all' => {
      const v = a.next(`an address after ${t.text}`);
      if (v.text === 'all' || v.text === 'default') return 'all';
      const p = prefixOf(a, v);
      families.push({ family: p.family, loc: v.loc });
      return p;
    };
    const setAction = (action: NonNullable<RuleItem['action']>, t: Token): void => {
      if (out.action !== undefined) a.fail(`the rule already has the action '${out.action}'`, t.loc, 'bad-option');
      out.action = action;
    };
    while (!a.done) {
      const t = a.next('a rule option');
      switch (t.text) {
        case 'not':
          out.not = true;
          break;
        case 'from':
          out.from = selector(t);
          break;
        case 'to':
          out.to = selector(t);
          break;
        case 'iif':
          out.iif = readIfName(a);
          break;
        case 'oif':
          out.oif = readIfName(a);
          break;
        case 'fwmark': {
          const v = a.next('a mark[/mask]');
          const [m, mask] = v.text.split('/', 2) as [string, string | undefined];
          const tok = (text: string): Token => ({ ...v, text });
          out.fwmark = mask === undefined ? { mark: readNumberC(a, tok(m), UINT_MAX) } : { mark: readNumberC(a, tok(m), UINT_MAX), mask: readNumberC(a, tok(mask), UINT_MAX) };
          break;
        }
        case 'table':
        case 'lookup':
          setAction('table', t);
          out.table = readTable(a);
          break;
        case 'goto':
          setAction('goto', t);
          out.goto = a.int(0, UINT_MAX, 'a rule preference to go to');
          break;
        case 'blackhole':
        case 'prohibit':
        case 'unreachable':
        case 'nop':
          setAction(t.text, t);
          break;
        case 'type': {
          const v = a.next('a rule type');
          if (v.text !== 'blackhole' && v.text !== 'prohibit' && v.text !== 'unreachable' && v.text !== 'nop' && v.text !== 'unicast') {
            a.fail(`invalid rule type '${v.text}' (blackhole, prohibit, unreachable, nop, unicast)`, v.loc);
          }
          if (v.text !== 'unicast') setAction(v.text, v);
          break;
        }
        case 'preference':
        case 'priority':
        case 'order':
          out.preference = a.int(0, UINT_MAX, 'a rule preference');
          break;
        case 'tos':
        case 'dsfield':
          a.next('a TOS value');
          break;
        case 'realms':
          realmOrSuppress ??= t;
          a.next('realms');
          break;
        case 'suppress_prefixlength':
          realmOrSuppress ??= t;
          a.int(0, 128, 'a prefix length');
          break;
        case 'suppress_ifgroup':
          realmOrSuppress ??= t;
          a.next('an interface group');
          break;
        case 'uidrange': {
          const v = a.next('a uid range A-B');
          if (!/^\d+-\d+$/.test(v.text)) a.fail(`invalid uidrange '${v.text}' (write A-B)`, v.loc);
          break;
        }
        case 'sport':
        case 'dport': {
          const v = a.next('a port or range');
          const m = /^(\d+)(?:-(\d+))?$/.exec(v.text);
          if (!m || Number(m[1]) > 65535 || (m[2] !== undefined && Number(m[2]) > 65535)) a.fail(`invalid ${t.text} '${v.text}' (PORT or PORT-PORT)`, v.loc);
          break;
        }
        case 'protocol':
          a.next('a protocol');
          break;
        case 'l3mdev':
          break;
        case 'inet':
          families.push({ family: 4, loc: t.loc });
          break;
        case 'inet6':
          families.push({ family: 6, loc: t.loc });
          break;
        case 'no_track':
          out.noTrack = true;
          break;
        case 'track_group':
          if (kind === 'static') {
            out.trackGroup = located(a.next('a track_group name'));
            break;
          }
          a.fail(`'track_group' is only for static_rules; remove it here`, t.loc, 'unknown-option');
          break;
        default:
          a.fail(`unknown rule option '${t.text}'`, t.loc, 'unknown-option');
      }
    }
    const family = families[0]?.family ?? 4;
    const mixed = families.find((f) => f.family !== family);
    if (mixed) a.fail(`a rule cannot mix IPv4 and IPv6`, mixed.loc, 'mixed-family');
    if (realmOrSuppress && out.action !== undefined && out.action !== 'table') {
      a.fail(`'${realmOrSuppress.text}' only applies to rules with a table`, realmOrSuppress.loc, 'bad-option');
    }
    if (out.trackGroup && !out.iif) {
      a.fail(`a static rule needs 'iif IFNAME' to have a track_group`, out.trackGroup.loc, 'bad-option');
    }
    if (out.preference === undefined) {
      // Keepalived 2.2.7 assigns one but reports it, and -t fails.
      ctx.diags.error(item.loc, 'missing-preference', `the rule has no preference; add 'preference N' (Keepalived would pick 16384 and up, which is probably not what you want)`);
    }
    return { ...out, family, words };
  };
}

// ---------------------------------------------------------------------------------------------
// Tracking
// ---------------------------------------------------------------------------------------------

/** One line of track_interface / track_script / track_file / track_process / track_bfd. */
export interface TrackItem {
  readonly name: string;
  /** Absent: the tracked object's own weight (0 for interfaces). */
  readonly weight?: number;
  readonly reverse?: boolean;
}

/**
 * `NAME [weight N [reverse|noreverse]]`. Keepalived 2.2.7 rejects ±254 for interfaces and scripts
 * ("cannot be +/-254") and `noreverse` for interfaces.
 */
function trackReader(max: number, reverseWords: readonly string[]) {
  return (a: ArgReader): TrackItem => {
    const name = a.string('a name');
    if (a.done) return { name };
    const t = a.next('weight');
    if (t.text !== 'weight') a.fail(`unknown option '${t.text}' for ${name}; write 'weight N${reverseWords.length ? ` [${reverseWords.join('|')}]` : ''}'`, t.loc, 'unknown-option');
    const wt = a.next(`a weight (-${max}..${max})`);
    if (!/^[-+]?\d+$/.test(wt.text)) a.fail(`weight '${wt.text}' for ${name} is not a number`, wt.loc, 'bad-number');
    const weight = Number(wt.text);
    if (Math.abs(weight) > max) a.fail(`weight ${wt.text} for ${name} is out of range -${max}..${max}`, wt.loc, 'out-of-range');
    if (a.done) return { name, weight };
    const r = a.next('reverse');
    if (!reverseWords.includes(r.text)) a.fail(`unknown weight option '${r.text}' for ${name} (${reverseWords.join(' or ')})`, r.loc, 'unknown-option');
    return { name, weight, reverse: r.text === 'reverse' };
  };
}

const trackInterface = () =>
  k.list('IFNAME [weight -253..253 [reverse]]', trackReader(253, ['reverse'])).doc('Interfaces whose state changes the priority (weight) or faults the instance (no weight).');
const trackScript = () =>
  k.list('SCRIPT [weight -253..253 [reverse|noreverse]]', trackReader(253, ['reverse', 'noreverse'])).doc('vrrp_scripts whose result changes the priority or faults the instance; the weight defaults to the script\'s.');
const trackFile = () =>
  k.list('TRACK_FILE [weight -254..254 [reverse|noreverse]]', trackReader(254, ['reverse', 'noreverse'])).doc('track_files whose value, times the weight, is added to the priority.');
const trackProcess = () =>
  k
    .list('TRACK_PROCESS [weight -254..254 [reverse|noreverse]]', trackReader(254, ['reverse', 'noreverse']))
    .unsupported()
    .doc('vrrp_track_processes whose quorum changes the priority; vigil does not track processes.');
const trackBfd = () =>
  k.list('BFD [weight -253..253 [reverse|noreverse]]', trackReader(253, ['reverse', 'noreverse'])).unsupported().doc('BFD sessions whose state changes the priority; vigil has no BFD.');

// ---------------------------------------------------------------------------------------------
// Blocks
// ---------------------------------------------------------------------------------------------

/** The `NAME` of a named block (`vrrp_instance VI_1 {`), with where it was written. */
export interface NamedHeader {
  readonly name: string;
  readonly nameLoc: SourceLoc;
}

function nameHeader(what: string) {
  return (a: ArgReader): NamedHeader => {
    const t = a.next(what);
    if (!a.done) a.fail(`'${a.keyword}' takes one name; '${a.tokens.slice(1).map((x) => x.text).join(' ')}' is extra`, a.loc);
    return { name: t.text, nameLoc: t.loc };
  };
}

/** Keepalived rejects a second notify script of the same kind in one block ("already specified"). */
function onlyOnce(keywords: readonly string[]) {
  return (_v: unknown, ctx: ParseContext, node: ConfigNode): void => {
    const seen = new Set<string>();
    for (const c of node.children ?? []) {
      if (!keywords.includes(c.keyword)) continue;
      if (seen.has(c.keyword)) ctx.diags.error(c.loc, 'duplicate-keyword', `'${c.keyword}' is already given in this block; Keepalived keeps the first and rejects this one`);
      seen.add(c.keyword);
    }
  };
}

/** Keepalived keeps `state MASTER` over a later `state BACKUP`, and reports it. */
function stateOnce(_v: unknown, ctx: ParseContext, node: ConfigNode): void {
  let master = false;
  for (const c of node.children ?? []) {
    if (c.keyword !== 'state') continue;
    if (c.args[0]?.text === 'MASTER') master = true;
    else if (c.args[0]?.text === 'BACKUP' && master) ctx.diags.error(c.loc, 'duplicate-keyword', `'state' is already MASTER above; Keepalived keeps MASTER and rejects this one`);
  }
}

const NOTIFY_KEYWORDS = ['notify_master', 'notify_backup', 'notify_fault', 'notify_stop', 'notify_deleted', 'notify', 'notify_master_rx_lower_pri'] as const;

// --- vrrp_script ---------------------------------------------------------------------------------

/** Keepalived 2.2.7 reads script intervals as whole seconds, 1..UINT_MAX/TIMER_HZ (0 is reported). */
const scriptTime = (what: string) =>
  scalar('SECONDS', (a: ArgReader) => {
    const t = a.next('a number of seconds');
    if (!/^\d+$/.test(t.text)) a.fail(`the ${what} must be a whole number of seconds (1..${MAX_TIMER_SECONDS}), not '${t.text}'`, t.loc, 'bad-number');
    const v = Number(t.text);
    if (v === 0) a.fail(`the ${what} must be greater than 0`, t.loc, 'out-of-range');
    if (v > MAX_TIMER_SECONDS) a.fail(`the ${what} ${t.text} is out of range 1..${MAX_TIMER_SECONDS}`, t.loc, 'out-of-range');
    return v;
  });

export const vrrpScriptFields = {
  script: k.script().doc('The command to run; exit status 0 means success.'),
  interval: scriptTime('interval').doc('Seconds between runs (default 1).'),
  timeout: scriptTime('timeout').doc('Seconds after which a run counts as failed (default: the interval).'),
  weight: scalar('-253..253 [reverse]', (a) => {
    const weight = a.int(-253, 253, 'a weight (-253..253)');
    if (a.done) return { weight, reverse: false };
    const r = a.next('reverse');
    if (r.text !== 'reverse') a.fail(`unknown weight option '${r.text}' (reverse)`, r.loc, 'unknown-option');
    return { weight, reverse: true };
  }).doc('Priority change while the script succeeds (positive) or fails (negative); 0 (default) faults the instance on failure.'),
  rise: k.int(1, INT_MAX).doc('Successes needed to count as up (default 1).'),
  fall: k.int(1, INT_MAX).doc('Failures needed to count as down (default 1).'),
  user: scalar('USER [GROUP]', readRunAs).doc('User (and group) the script runs as.'),
  init_fail: k.flag().doc('Start in the failed state.'),
};

export type VrrpScriptConfig = BlockValue<typeof vrrpScriptFields, NamedHeader>;

// --- track_file ----------------------------------------------------------------------------------

export const trackFileFields = {
  file: k.string('PATH').doc('The file whose integer value is tracked.'),
  weight: scalar('N [reverse]', (a) => {
    const weight = a.int(-254, 254, 'a weight (-254..254)');
    if (a.done) return { weight, reverse: false };
    const r = a.next('reverse');
    if (r.text !== 'reverse') a.fail(`unknown weight option '${r.text}' (reverse)`, r.loc, 'unknown-option');
    return { weight, reverse: true };
  }).doc('Multiplier of the value read (default 1); 0 means any non-zero value is a failure.'),
  init_file: scalar('[VALUE] [overwrite]', (a) => {
    let value = 0;
    let overwrite = false;
    while (!a.done) {
      if (a.accept('overwrite')) overwrite = true;
      else value = a.int(-INT_MAX - 1, INT_MAX, 'a value');
    }
    return { value, overwrite };
  }).doc('Create the file with VALUE (default 0) at start if it is missing (or always, with overwrite).'),
};

export type TrackFileConfig = BlockValue<typeof trackFileFields, NamedHeader>;

// --- vrrp_track_process (not done by vigil) ---------------------------------------------------------

const u = <T>(kw: { unsupported(): T }): T => kw.unsupported();

export const trackProcessFields = {
  process: u(k.words('NAME [ARG...]').doc('Process name (and arguments) to look for.')),
  param_match: u(scalar('[initial|partial]', (a) => (a.done ? ('exact' as const) : a.oneOf(['initial', 'partial']))).doc('How the arguments are matched.')),
  weight: u(scalar('-254..254 [reverse]', (a) => {
    const weight = a.int(-254, 254);
    return { weight, reverse: a.accept('reverse') };
  }).doc('Priority change while the quorum is (not) met.')),
  quorum: u(k.int(1, 65535).doc('Processes needed (default 1).')),
  quorum_max: u(k.int(0, 65535).doc('Most processes allowed.')),
  delay: u(decimalSeconds(0.000001, 3600).doc('fork_delay and terminate_delay together.')),
  terminate_delay: u(decimalSeconds(0.000001, 3600).doc('Delay before a lost quorum counts.')),
  fork_delay: u(decimalSeconds(0.000001, 3600).doc('Delay before a gained quorum counts.')),
  full_command: u(k.flag().doc('Match the full command line rather than the process name.')),
};

// --- bfd_instance (not done by vigil) -----------------------------------------------------------

export const bfdInstanceFields = {
  neighbor_ip: u(k.ip().doc('BFD neighbour address.')),
  neighbour_ip: u(k.ip().doc('BFD neighbour address.')),
  source_ip: u(k.ip().doc('Source address.')),
  min_rx: u(decimalSeconds(0, UINT_MAX).doc('Required minimum RX interval, milliseconds.')),
  min_tx: u(decimalSeconds(0, UINT_MAX).doc('Desired minimum TX interval, milliseconds.')),
  idle_tx: u(decimalSeconds(0, UINT_MAX).doc('Desired idle TX interval, milliseconds.')),
  multiplier: u(k.int(1, 255).doc('Missed packets before the session is down.')),
  passive: u(k.flag().doc('Passive mode.')),
  ttl: u(k.int(1, 255).doc('IPv4 TTL.')),
  hoplimit: u(k.int(1, 255).doc('IPv6 hop limit.')),
  max_hops: u(k.int(0, 255).doc('Largest TTL reduction accepted.')),
  weight: u(scalar('-253..253 [reverse]', (a) => ({ weight: a.int(-253, 253), reverse: a.accept('reverse') })).doc('Default tracking weight.')),
  vrrp: u(k.flag().doc('Send events to the VRRP process only.')),
  checker: u(k.flag().doc('Send events to the checker process only.')),
};

// --- authentication ------------------------------------------------------------------------------

export const authenticationFields = {
  auth_type: scalar('PASS|AH', (a) => a.oneOf(['PASS', 'AH'])).active().doc('PASS: cleartext password in the advert; AH: IPsec AH with HMAC-MD5-96. VRRPv2 over IPv4 only.'),
  auth_pass: scalar('PASSWORD', (a, _node, ctx) => {
    const t = a.next('a password');
    // Keepalived keeps 8 characters and reports the truncation (its -t fails); so does vigil.
    if (t.text.length > 8) {
      ctx.diags.error(t.loc, 'out-of-range', `auth_pass is longer than 8 characters; only '${t.text.slice(0, 8)}' is used, write that`);
      return t.text.slice(0, 8);
    }
    return t.text;
  }).active().doc('The password, at most 8 characters; must be the same on every router.'),
};

// --- unicast_peer ----------------------------------------------------------------------------

export interface UnicastPeer {
  readonly address: IpAddress;
  readonly minTtl?: number;
  readonly maxTtl?: number;
}

function readPeer(a: ArgReader, item: ConfigNode): UnicastPeer {
  const address = ipOf(a, a.next('a peer address'));
  let minTtl: number | undefined;
  let maxTtl: number | undefined;
  while (!a.done) {
    const t = a.next('min_ttl or max_ttl');
    if (t.text === 'min_ttl') minTtl = a.int(0, 255, 'a TTL (0..255)');
    else if (t.text === 'max_ttl') maxTtl = a.int(0, 255, 'a TTL (0..255)');
    else a.fail(`unknown unicast_peer option '${t.text}' (min_ttl, max_ttl)`, t.loc, 'unknown-option');
  }
  if (minTtl !== undefined && maxTtl !== undefined && minTtl > maxTtl) {
    a.fail(`min_ttl ${minTtl} > max_ttl ${maxTtl}: every advert would be dropped`, item.loc, 'out-of-range');
  }
  return { address, ...(minTtl !== undefined ? { minTtl } : {}), ...(maxTtl !== undefined ? { maxTtl } : {}) };
}

// --- use_vmac / use_ipvlan --------------------------------------------------------------------------

export interface UseVmac {
  readonly ifname?: Located<string>;
  /** Six octets; with five given, the last is the VRID (`useVrid`). */
  readonly mac?: string;
  readonly useVrid?: boolean;
}

function readMac(a: ArgReader, t: Token): { mac: string; useVrid: boolean } {
  const parts = t.text.replace(/:$/, '').split(':');
  if ((parts.length !== 5 && parts.length !== 6) || parts.some((p) => !/^[0-9a-fA-F]{1,2}$/.test(p))) {
    a.fail(`invalid VMAC MAC address '${t.text}' (6 octets, or 5 with the VRID as the last)`, t.loc, 'bad-address');
  }
  const octets = parts.map((p) => parseInt(p, 16));
  if (((octets[0] as number) & 1) === 1) a.fail(`VMAC MAC address '${t.text}' is a multicast address`, t.loc, 'bad-address');
  if (octets[0] === 0 && octets[1] === 0 && octets[2] === 0x5e && octets[3] === 0 && (octets[4] === 1 || octets[4] === 2)) {
    a.fail(`VMAC MAC address '${t.text}' is an RFC 5798 VRRP address; leave it out to use that one`, t.loc, 'bad-address');
  }
  return { mac: parts.map((p) => p.padStart(2, '0').toLowerCase()).join(':'), useVrid: parts.length === 5 };
}

/** `use_vmac [IFNAME] [MAC]` (Keepalived 2.2.7 has no `name` or other options). */
function readUseVmac(a: ArgReader): UseVmac {
  const out: { -readonly [K in keyof UseVmac]?: UseVmac[K] } = {};
  while (!a.done) {
    const t = a.peekToken() as Token;
    if (t.text.includes(':')) {
      a.next('a MAC address');
      if (out.mac) a.fail(`the VMAC address is already given`, t.loc);
      Object.assign(out, readMac(a, t));
      continue;
    }
    if (out.ifname) a.fail(`the VMAC interface name is already given ('${out.ifname.value}'); '${t.text}' is extra`, t.loc);
    out.ifname = readIfName(a, 'a VMAC interface name');
  }
  return out;
}

export interface UseIpvlan {
  readonly ifname?: Located<string>;
  readonly address?: IpPrefix;
  readonly mode?: 'bridge' | 'private' | 'vepa';
}

function readUseIpvlan(a: ArgReader): UseIpvlan {
  const out: { -readonly [K in keyof UseIpvlan]?: UseIpvlan[K] } = {};
  while (!a.done) {
    const t = a.peekToken() as Token;
    if (t.text === 'bridge' || t.text === 'private' || t.text === 'vepa') {
      a.next('a mode');
      if (out.mode) a.fail(`the ipvlan mode is already given`, t.loc);
      out.mode = t.text;
      continue;
    }
    if (a.accept('name')) {
      out.ifname = readIfName(a);
      continue;
    }
    const p = parseIpPrefix(t.text);
    if (p) {
      a.next('an address');
      if (out.address) a.fail(`the ipvlan address is already given`, t.loc);
      out.address = p;
      continue;
    }
    if (out.ifname) a.fail(`the ipvlan interface is already given; '${t.text}' is extra`, t.loc);
    out.ifname = readIfName(a);
  }
  return out;
}

// --- vrrp_instance -----------------------------------------------------------------------------

const ipKw = () => scalar('IP', (a: ArgReader) => ipOf(a, a.next('an IP address')));

export const vrrpInstanceFields = {
  // identity and transport
  state: scalar('MASTER|BACKUP', (a) => a.oneOf(['MASTER', 'BACKUP'])).active().doc('Initial state wanted; MASTER only takes over at once with priority 255. Default: from the priority.'),
  interface: scalar('IFNAME', (a) => readIfName(a)).active().doc('Interface the adverts are sent and received on, and the default one for VIPs.'),
  vrf: scalar('VRF', (a) => readIfName(a, 'a VRF name')).unsupported().doc('VRF to use with unicast and no interface; vigil does not bind to VRFs.'),
  virtual_router_id: k.int(1, 255).active().doc('The VRID, 1..255 (required): unique per interface and address family.'),
  priority: k.int(1, 255).active().doc('Priority, 1..255 (default 100; 255 with state MASTER); 255 is the address owner.'),
  advert_int: decimalSeconds(0.01, 255).active().doc('Seconds between adverts (default 1); whole seconds for VRRPv2, centiseconds up to 40.95 for VRRPv3.'),
  version: k.int(2, 3).active().doc('VRRP version, 2 or 3 (default vrrp_version; IPv6 instances use 3).'),
  native_ipv6: k.flag().doc('Deprecated: force IPv6 (the family comes from the VIPs).'),
  mcast_src_ip: ipKw().active().doc('Source address of adverts (default: the interface\'s primary address).'),
  unicast_src_ip: ipKw().doc('Source address of unicast adverts.'),
  mcast_dst_ip: scalar('MCAST_IP', (a: ArgReader) => {
    const t = a.next('a multicast address');
    const ip = ipOf(a, t);
    if (!isMulticast(ip) || (ip.family === 6 && !isLinkLocalMulticast6(ip.address))) {
      a.fail(`mcast_dst_ip '${t.text}' is not a${ip.family === 6 ? ' link-local (ffX2::)' : ''} multicast address`, t.loc, 'bad-address');
    }
    return ip;
  }).active().doc('Multicast group of the adverts instead of 224.0.0.18 / ff02::12.'),
  track_src_ip: k.flag().doc('Go to FAULT if the configured source address goes away.'),
  unicast_peer: k.list('IP [min_ttl 0..255] [max_ttl 0..255]', readPeer).doc('Send adverts to these peers by unicast instead of multicast.'),
  unicast_ttl: k.int(0, 255).doc('TTL (hop limit) of unicast adverts (default 255 for IPv4).'),
  check_unicast_src: k.flag().doc('Drop unicast adverts whose source is not a unicast_peer.'),
  unicast_fault_no_peer: k.flag().doc('With unicast keywords and no peers, go to FAULT rather than fall back to multicast.'),
  old_unicast_checksum: scalar('[never]', (a) => (a.done ? ('always' as const) : (a.oneOf(['never']), 'never' as const))).doc('Use the pre-1.3.6 VRRPv3 unicast checksum (never: do not detect it in peers).'),
  dont_track_primary: k.flag().doc('Ignore faults of the instance\'s own interface.'),
  skip_check_adv_addr: k.bool().doc('Do not re-check the VIPs of adverts from the same master.'),
  strict_mode: k.bool().doc('Strict RFC compliance for this instance (default vrrp_strict).'),
  debug: k.int(0, 4).unsupported().doc('Debug level; Keepalived does not implement it either.'),
  kernel_rx_buf_size: k.int(0, UINT_MAX).unsupported().doc('Receive buffer size of the advert socket; vigil sizes its sockets itself.'),
  linkbeat_use_polling: withdrawn('use the top-level linkbeat_interfaces block'),
  lvs_sync_daemon_interface: withdrawn('use lvs_sync_daemon IFNAME inst VI in global_defs', 'IFNAME'),
  // authentication
  authentication: k.block(authenticationFields).active().doc('VRRPv2 authentication (PASS or AH); not allowed with VRRPv3, IPv6 (AH) or strict mode.'),
  // VMAC / ipvlan
  use_vmac: scalar('[IFNAME] [MAC]', readUseVmac).doc('Put the VIPs on a macvlan with the VRRP virtual MAC (default name vrrp.VRID).'),
  use_vmac_addr: k.flag().doc('Also create VMACs on the other interfaces that carry VIPs.'),
  vmac_xmit_base: k.flag().doc('Send and receive adverts on the base interface rather than the VMAC (needed with unicast).'),
  use_ipvlan: scalar('[[name] IFNAME] [IP[/LEN]] [bridge|private|vepa]', readUseIpvlan).unsupported().doc('Put the VIPs on an L2 ipvlan; vigil does not create ipvlans.'),
  garp_extra_if: garpExtraIf(0).doc('Seconds between gratuitous ARPs/NAs on VIP interfaces other than the instance\'s (VMACs, or all with `all`); 0 turns it off.'),
  vmac_garp_intvl: withdrawn("use 'garp_extra_if'", '[all] SECONDS'),
  // addresses, routes, rules
  virtual_ipaddress: k.list('IP[/LEN] [dev IF] [brd IP|+|-] [scope S] [label L] [peer IP] [no_track] ...', addressReader('virtual')).active().doc('The VIPs: added on MASTER, removed on leaving it, carried in the adverts. One address family.'),
  virtual_ipaddress_excluded: k.list('IP[/LEN] [dev IF] ...', addressReader('virtual')).active().doc('Addresses added and removed like VIPs but not advertised; may mix families.'),
  promote_secondaries: k.flag().doc('Set promote_secondaries on the interface so removing one address keeps the others of its subnet.'),
  virtual_routes: k.list('[src IP] [to] PREFIX [via IP] [dev IF] [table T] [metric N] ...', routeReader('virtual')).doc('Routes added on MASTER (`ip route` syntax).'),
  virtual_rules: k.list('[from P] [to P] [iif IF] [fwmark M] table T preference N ...', ruleReader('virtual')).doc('Policy rules added on MASTER (`ip rule` syntax); give each a preference.'),
  accept: k.flag().active().doc('Accept packets addressed to the VIPs when not the owner (default, unless strict mode).'),
  no_accept: k.flag().doc('Drop packets addressed to the VIPs when not the owner (VRRPv3 Accept_Mode false).'),
  // tracking
  track_interface: trackInterface(),
  track_script: trackScript(),
  track_file: trackFile(),
  track_process: trackProcess(),
  track_bfd: trackBfd(),
  // preemption
  nopreempt: k.flag().active().doc('Never take over from a live master, whatever its priority. Needs state BACKUP.'),
  preempt: k.flag().active().doc('Preemption (the default); kept for compatibility.'),
  preempt_delay: decimalSeconds(0, 1000).active().doc('Seconds to wait before preempting a lower-priority master, 0..1000.'),
  // notifications
  notify_master: k.script().doc('Script run on becoming MASTER.'),
  notify_backup: k.script().doc('Script run on becoming BACKUP.'),
  notify_fault: k.script().doc('Script run on entering FAULT.'),
  notify_stop: k.script().doc('Script run when the instance stops.'),
  notify_deleted: optionalScript().doc('Report DELETED instead of FAULT when a reload removes the instance (and run the script, if given).'),
  notify: k.script().doc('Script run on every change, with INSTANCE NAME STATE PRIORITY appended.'),
  notify_master_rx_lower_pri: k.script().doc('Script run when a master receives an advert of lower priority.'),
  notify_priority_changes: k.bool().doc('Send priority changes to the notify FIFOs.'),
  smtp_alert: k.bool().doc('Send e-mail on state changes.'),
  // gratuitous ARP and timers
  garp_master_delay: k.int(0, MAX_TIMER_SECONDS).active().doc('Seconds before the second gratuitous ARP burst on becoming MASTER (default vrrp_garp_master_delay).'),
  garp_master_repeat: k.int(1, UINT_MAX).active().doc('Gratuitous ARPs/NAs per burst (default vrrp_garp_master_repeat).'),
  garp_master_refresh: k.int(0, UINT_MAX).active().doc('Seconds between refreshes while MASTER; 0 for none.'),
  garp_master_refresh_repeat: k.int(1, UINT_MAX).active().doc('Gratuitous ARPs/NAs per refresh.'),
  garp_lower_prio_delay: k.int(0, MAX_TIMER_SECONDS).active().doc('Delay of the second burst after a lower-priority advert is received as MASTER.'),
  garp_lower_prio_repeat: k.int(0, INT_MAX).active().doc('Gratuitous ARPs/NAs per burst after a lower-priority advert.'),
  down_timer_adverts: k.int(1, 100).active().doc('Adverts missed before a backup takes over (default 3, as the RFCs say).'),
  lower_prio_no_advert: k.bool().active().doc('As MASTER, do not answer a lower-priority advert with an advert.'),
  higher_prio_send_advert: k.bool().active().doc('As MASTER, send one more advert before yielding to a higher priority.'),
};

export type VrrpInstanceFields = typeof vrrpInstanceFields;

/** The typed model of one `vrrp_instance NAME { ... }`. */
export type VrrpInstanceConfig = BlockValue<VrrpInstanceFields, NamedHeader>;
export type AuthenticationConfig = BlockValue<typeof authenticationFields>;
export type VirtualAddress = ListItem<AddressItem>;
export type VirtualRoute = ListItem<RouteItem>;
export type VirtualRule = ListItem<RuleItem>;
export type TrackedItem = ListItem<TrackItem>;
export type UnicastPeerItem = ListItem<UnicastPeer>;

// --- vrrp_sync_group ---------------------------------------------------------------------------

export const vrrpSyncGroupFields = {
  group: wordBlock('VRRP_INSTANCE').doc('The member instances: they go MASTER together, BACKUP together, FAULT together.'),
  track_interface: trackInterface(),
  track_script: trackScript(),
  track_file: trackFile(),
  track_process: trackProcess(),
  track_bfd: trackBfd(),
  notify_master: k.script().doc('Script run when the group becomes MASTER.'),
  notify_backup: k.script().doc('Script run when the group becomes BACKUP.'),
  notify_fault: k.script().doc('Script run when the group enters FAULT.'),
  notify_stop: k.script().doc('Script run when the group stops.'),
  notify: k.script().doc('Script run on every change, with GROUP NAME STATE 0 appended.'),
  smtp_alert: k.bool().doc('Send e-mail on group state changes.'),
  notify_priority_changes: k.bool().doc('Send priority changes of the members to the notify FIFOs.'),
  global_tracking: withdrawn('put track_interface / track_script / track_file on the sync group instead'),
  sync_group_tracking_weight: k.flag().doc('Allow weighted trackers on members (their priorities may then differ; probably not what you want).'),
};

export type VrrpSyncGroupConfig = BlockValue<typeof vrrpSyncGroupFields, NamedHeader>;

// --- garp_group --------------------------------------------------------------------------------

const garpInterval = (what: string) =>
  scalar('SECONDS', (a) => {
    const t = a.peekToken();
    const v = readDecimal(a, 0, MAX_TIMER_SECONDS + 0.967295);
    if (v >= 1 && t) a.warn(`the ${what} ${t.text} is very large`, t.loc, 'large-value');
    return v;
  });

export const garpGroupFields = {
  garp_interval: garpInterval('garp_interval').doc('Seconds between gratuitous ARPs on these interfaces.'),
  gna_interval: garpInterval('gna_interval').doc('Seconds between unsolicited neighbour adverts on these interfaces.'),
  interface: scalar('IFNAME', (a) => readIfName(a)).doc('The interface the intervals apply to.'),
  interfaces: wordBlock('IFNAME', "'interfaces' is empty; list the interfaces sharing the limits").doc('Interfaces (on one switch) that share the intervals.'),
};

export type GarpGroupConfig = BlockValue<typeof garpGroupFields>;

// --- track_group -------------------------------------------------------------------------------

export const trackGroupFields = {
  group: wordBlock('VRRP_INSTANCE', "'group' is empty; list the vrrp_instances that track the static entries").doc('Instances that go to FAULT when a static address/route/rule naming this group cannot be restored.'),
};

export type TrackGroupConfig = BlockValue<typeof trackGroupFields, NamedHeader>;

// ---------------------------------------------------------------------------------------------
// Top level
// ---------------------------------------------------------------------------------------------

/** Top-level VRRP blocks: vrrp_script, track_file, vrrp_sync_group, vrrp_instance, static_*, ... */
export const vrrpRootFields = {
  vrrp_script: k
    .block(vrrpScriptFields, { header: nameHeader('a script name'), required: ['script'] })
    .many()
    .doc('A tracking script run periodically; instances and groups refer to it in track_script.'),
  track_file: k
    .block(trackFileFields, { header: nameHeader('a track file name'), required: ['file'] })
    .many()
    .doc('A file holding an integer that changes priorities; referred to in track_file.'),
  vrrp_track_file: k
    .block(trackFileFields, { header: nameHeader('a track file name'), required: ['file'] })
    .many()
    .deprecated("'track_file'", 'track_file'),
  vrrp_track_process: k
    .block(trackProcessFields, { header: nameHeader('a track process name'), required: ['process'] })
    .many()
    .unsupported()
    .doc('A process whose presence changes priorities; vigil does not track processes (use a vrrp_script).'),
  vrrp_sync_group: k
    .block(vrrpSyncGroupFields, { header: nameHeader('a sync group name'), required: ['group'], check: onlyOnce(['notify_master', 'notify_backup', 'notify_fault', 'notify_stop', 'notify']) })
    .many()
    .doc('Instances that change state together.'),
  garp_group: k.block(garpGroupFields, { check: garpGroupCheck }).many().doc('Limits on gratuitous ARP/NA rates per interface or set of interfaces.'),
  vrrp_instance: k
    .block(vrrpInstanceFields, {
      header: nameHeader('an instance name'),
      check: (v, ctx, node) => {
        onlyOnce(NOTIFY_KEYWORDS)(v, ctx, node);
        stateOnce(v, ctx, node);
      },
    })
    .many()
    .active()
    .doc('A VRRP virtual router.'),
  static_ipaddress: k.list('IP[/LEN] [dev IF] [scope S] [track_group G] ...', addressReader('static')).doc('Addresses configured at start and never moved.'),
  static_routes: k.list('PREFIX [via IP] [dev IF] [track_group G] ...', routeReader('static')).doc('Routes configured at start and never moved.'),
  static_rules: k.list('[from P] [to P] table T preference N [track_group G] ...', ruleReader('static')).doc('Policy rules configured at start and never moved.'),
  track_group: k.block(trackGroupFields, { header: nameHeader('a track group name') }).many().doc('Instances that go to FAULT when a static entry naming the group is lost.'),
  bfd_instance: k
    .block(bfdInstanceFields, { header: nameHeader('a BFD instance name') })
    .many()
    .unsupported()
    .doc('An RFC 5880 BFD session; vigil has no BFD.'),
};

function garpGroupCheck(v: BlockValue<typeof garpGroupFields>, ctx: ParseContext, node: ConfigNode): void {
  if (v.garp_interval === undefined && v.gna_interval === undefined) {
    ctx.diags.error(node.loc, 'missing-keyword', `'garp_group' sets no delay; add garp_interval or gna_interval`);
  }
  if (v.interface === undefined && v.interfaces === undefined) {
    ctx.diags.warn(node.loc, 'missing-keyword', `'garp_group' names no interface; add interface or interfaces`);
  }
}

export type VrrpRootFields = typeof vrrpRootFields;

/** Every VRRP part of the model, as the semantic checks and the VRRP process read it. */
export type VrrpRootConfig = BlockValue<VrrpRootFields>;
export type StaticAddress = ListItem<AddressItem>;
export type StaticRoute = ListItem<RouteItem>;
export type StaticRule = ListItem<RuleItem>;
