import type { ConfigNode, Token } from '../ast.js';
import { formatLoc, type SourceLoc } from '../location.js';
import { ArgReader, parseBoolWord } from '../schema/args.js';
import { block, list, type BlockValue, type ExtensionBlock, type ListItem } from '../schema/block.js';
import { k } from '../schema/builders.js';
import { ipv4ToInt, intToIpv4, ipv6ToBigInt, bigIntToIpv6, parseIpAddress, type IpAddress, type IpFamily } from '../schema/ip.js';
import { Keyword, defaultOptions, type ValueOf } from '../schema/keyword.js';
import type { ParseContext } from '../schema/types.js';
import { CONNECT_TIMEOUT_MAX_SECONDS, readPositiveTimer, readTimer } from './checker-common.js';

/*
 * Load balancing: virtual_server, virtual_server_group and the SSL context, as Keepalived
 * 2.2.7's check_parser.c reads them (ranges, defaults, which words it accepts), with the
 * checks it makes while reading (keyword order, first-wins scripts, address families).
 * The checks Keepalived makes once the whole file is read live in semantic/lvs.ts.
 *
 * Severity: keepalived -t fails on every problem it reports. vigil reports as errors those
 * where Keepalived discards or changes what was written (a value, a real server, a whole
 * virtual server), and as warnings those Keepalived words as a warning or where it only
 * supplies a default for something left out; both say what Keepalived does.
 */

const UINT_MAX = 4294967295;

/** IPVS schedulers Keepalived 2.2.7 accepts (lvs_schedulers[] in check_parser.c). */
export const LVS_SCHEDULERS = ['rr', 'wrr', 'lc', 'wlc', 'lblc', 'sh', 'mh', 'dh', 'fo', 'ovf', 'lblcr', 'sed', 'nq', 'twos'] as const;
export type LvsScheduler = (typeof LVS_SCHEDULERS)[number];
/** Keepalived's scheduler when none is given. */
export const DEFAULT_LVS_SCHEDULER: LvsScheduler = 'wlc';
/** IPVS_WEIGHT_LIMIT. */
export const IPVS_WEIGHT_MAX = 2147483647;
/** LVS_MAX_TIMEOUT: 31 days. */
export const PERSISTENCE_TIMEOUT_MAX = 2678400;
/** `persistence_timeout` without a value (IPVS_SVC_PERSISTENT_TIMEOUT). */
export const PERSISTENCE_TIMEOUT_DEFAULT = 360;
/** IP_VS_PENAME_MAXLEN. */
export const PERSISTENCE_ENGINE_MAX = 16;

export type ForwardingKind = 'NAT' | 'DR' | 'TUN';
export type TunnelType = 'ipip' | 'gue' | 'gre';
export type TunnelChecksum = 'nocsum' | 'csum' | 'remcsum';

export interface TunnelOptions {
  readonly type: TunnelType;
  /** UDP port of a gue tunnel (required for gue, not allowed otherwise). */
  readonly port?: number;
  readonly checksum: TunnelChecksum;
}

/** `lvs_method NAT|DR|TUN [type ipip|gue port N|gre] [nocsum|csum|remcsum]`. */
export interface ForwardingMethod {
  readonly method: ForwardingKind;
  /** Present for TUN (ipip, no checksum, when no option is given). */
  readonly tunnel?: TunnelOptions;
}

/** What a virtual_server line names; `loc` is where the address, the mark or the group name was written. */
export type VirtualService =
  | { readonly kind: 'address'; readonly address: IpAddress; /** Absent when omitted or 0 (persistent services only). */ readonly port?: number; readonly loc: SourceLoc }
  | { readonly kind: 'fwmark'; readonly fwmark: number; readonly loc: SourceLoc }
  | { readonly kind: 'group'; readonly name: string; readonly loc: SourceLoc };

/** A real or sorry server address: `IP [PORT]` (a port of 0 or none means the virtual server's). */
export interface ServerAddress {
  readonly address: IpAddress;
  readonly port?: number;
}

/** `sorry_server IP [PORT]`; `loc` is where the address was written. */
export type SorryServerConfig = ServerAddress & { readonly loc: SourceLoc };

/** `persistence_granularity`: a netmask for IPv4 services, a prefix length for IPv6 ones. */
export type PersistenceGranularity =
  | { readonly kind: 'netmask'; readonly netmask: string }
  | { readonly kind: 'number'; readonly value: number };

// ---------------------------------------------------------------------------------------------
// Argument readers

/** An unsigned number with a message naming what it is. */
function readUint(a: ArgReader, t: Token, min: number, max: number, what: string): number {
  if (!/^\d+$/.test(t.text)) a.fail(`${what} must be a number in ${min}..${max}, not '${t.text}'`, t.loc, 'bad-number');
  const n = Number(t.text);
  if (n < min || n > max) a.fail(`${what} ${t.text} is out of range ${min}..${max}`, t.loc, 'out-of-range');
  return n;
}

/** The port after an address: optional; 0 (or 00) means "none", as in Keepalived. */
function readOptionalPort(a: ArgReader): number | undefined {
  const t = a.peekToken();
  if (!t) return undefined;
  a.next('a port');
  const n = readUint(a, t, 0, 65535, 'the port');
  return n === 0 ? undefined : n;
}

/** Why a word that should be an address is not one, when it is a common slip. */
function addressHint(text: string): string {
  if (/^\[.*\](:\d+)?$/.test(text)) return ' (write IPv6 addresses without brackets)';
  if (/^[\d.]+:\d+$/.test(text)) return ' (write the port as a separate word)';
  return '';
}

function readAddress(a: ArgReader, what: string): { address: IpAddress; loc: SourceLoc } {
  const t = a.next(what);
  const ip = parseIpAddress(t.text);
  if (!ip) a.fail(`'${t.text}' is not a valid IP address${addressHint(t.text)}`, t.loc, 'bad-address');
  return { address: ip, loc: t.loc };
}

function readServerAddress(a: ArgReader, what: string): ServerAddress & { loc: SourceLoc } {
  const { address, loc } = readAddress(a, what);
  const port = readOptionalPort(a);
  return { address, ...(port !== undefined ? { port } : {}), loc };
}

function readVirtualService(a: ArgReader): VirtualService {
  const first = a.next("'IP [PORT]', 'fwmark N' or 'group NAME'");
  if (first.text === 'fwmark') {
    if (a.done) a.fail("'fwmark' needs a firewall mark (0..4294967295)", first.loc, 'missing-argument');
    const t = a.next('a firewall mark (0..4294967295)');
    const fwmark = readUint(a, t, 0, UINT_MAX, 'the firewall mark');
    if (fwmark === 0) a.warn('fwmark 0 marks nothing: IPVS takes a service with mark 0 for an address service; use a mark from 1 up', t.loc, 'suspicious-value');
    return { kind: 'fwmark', fwmark, loc: t.loc };
  }
  if (first.text === 'group') {
    if (a.done) a.fail("'group' needs a virtual_server_group name", first.loc, 'missing-argument');
    const t = a.next('a virtual_server_group name');
    return { kind: 'group', name: t.text, loc: t.loc };
  }
  const ip = parseIpAddress(first.text);
  if (!ip) {
    const hint = addressHint(first.text);
    a.fail(
      `'${first.text}' is not a valid IP address` + (hint || "; write 'virtual_server IP [PORT]', 'virtual_server fwmark N' or 'virtual_server group NAME'"),
      first.loc,
      'bad-address',
    );
  }
  const port = readOptionalPort(a);
  return { kind: 'address', address: ip, ...(port !== undefined ? { port } : {}), loc: first.loc };
}

const FORWARDING: readonly ForwardingKind[] = ['NAT', 'DR', 'TUN'];
const TUNNEL_TYPES: readonly TunnelType[] = ['ipip', 'gue', 'gre'];
const CHECKSUMS: readonly TunnelChecksum[] = ['nocsum', 'csum', 'remcsum'];

/** Keepalived reads the tunnel options whatever the method, and rejects bad ones even with NAT or DR. */
function readForwarding(a: ArgReader): ForwardingMethod {
  const m = a.next('NAT, DR or TUN');
  const method = FORWARDING.find((f) => f === m.text);
  if (!method) {
    const upper = FORWARDING.find((f) => f === m.text.toUpperCase());
    a.fail(`'${a.keyword}' takes NAT, DR or TUN, not '${m.text}'` + (upper ? ` (write it in upper case: '${upper}')` : ''), m.loc);
  }
  let type: TunnelType = 'ipip';
  let port: number | undefined;
  let checksum: TunnelChecksum = 'nocsum';
  let firstOption: Token | undefined;
  let checksumTok: Token | undefined;
  let portTok: Token | undefined;
  let typeTok: Token | undefined;
  while (!a.done) {
    const t = a.next('a tunnel option');
    firstOption ??= t;
    if (t.text === 'type') {
      if (a.done) a.fail("'type' needs a tunnel type: ipip, gue or gre", t.loc, 'missing-argument');
      const v = a.next('a tunnel type (ipip, gue or gre)');
      const tt = TUNNEL_TYPES.find((x) => x === v.text);
      if (!tt) a.fail(`unknown tunnel type '${v.text}': use ipip, gue or gre`, v.loc);
      type = tt;
      typeTok = v;
    } else if (t.text === 'port') {
      if (a.done) a.fail("'port' needs the UDP port of the gue tunnel", t.loc, 'missing-argument');
      const v = a.next('the UDP port of the gue tunnel');
      port = readUint(a, v, 1, 65535, 'the gue tunnel port');
      portTok = t;
    } else {
      const c = CHECKSUMS.find((x) => x === t.text);
      if (!c) a.fail(`'${t.text}' is not a tunnel option: lvs_method TUN takes 'type ipip|gue|gre', 'port N' (gue) and 'nocsum|csum|remcsum'`, t.loc);
      checksum = c;
      checksumTok = t;
    }
  }
  if (type === 'gue' && port === undefined) a.fail("a gue tunnel needs its UDP port: add 'port N'", typeTok?.loc ?? m.loc);
  if (type !== 'gue' && port !== undefined) a.fail(`'port' is only for gue tunnels (this one is ${type}): remove it or add 'type gue'`, portTok?.loc ?? m.loc);
  if (type === 'ipip' && checksum !== 'nocsum') a.fail(`ipip tunnels take no checksum option: remove '${checksum}' or use 'type gue' or 'type gre'`, checksumTok?.loc ?? m.loc);
  if (type === 'gre' && checksum === 'remcsum') a.fail("gre tunnels do not support 'remcsum': use 'csum' or 'nocsum'", checksumTok?.loc ?? m.loc);
  if (method !== 'TUN') {
    if (firstOption) a.warn(`tunnel options apply to TUN only; with ${method} they have no effect`, firstOption.loc, 'ignored-option');
    return { method };
  }
  return { method, tunnel: { type, ...(port !== undefined ? { port } : {}), checksum } };
}

/**
 * A keyword Keepalived treats as a bare flag at virtual_server level (alpha, omega, ops, ...):
 * it ignores any word after it, so `alpha no` turns alpha ON. vigil does the same, and says so.
 */
function vsFlag(): Keyword<true> {
  return k
    .custom('', (a) => {
      const t = a.peekToken();
      if (t) {
        const rest = a.rest();
        if (parseBoolWord(t.text) === false) {
          a.warn(`'${a.keyword}' takes no argument here: Keepalived ignores '${t.text}' and turns '${a.keyword}' ON; remove the line to leave it off`, t.loc, 'ignored-argument');
        } else {
          a.warn(`'${a.keyword}' takes no argument; '${rest.map((r) => r.text).join(' ')}' is ignored`, t.loc, 'ignored-argument');
        }
      }
      return true as const;
    })
    .synopsis('');
}

/**
 * Another spelling stored under `storeAs`, without a deprecation warning: Keepalived 2.2.7
 * accepts lb_algo and lb_kind silently and its own samples use them throughout.
 */
function alias<T>(kw: Keyword<T>, storeAs: string): Keyword<T> {
  return new Keyword<T>(kw.kind, kw.parseFn, { ...kw.opts, storeAs });
}

function readPersistenceTimeout(a: ArgReader): number {
  const t = a.peekToken();
  if (!t) return PERSISTENCE_TIMEOUT_DEFAULT;
  a.next('seconds');
  return readUint(a, t, 1, PERSISTENCE_TIMEOUT_MAX, "'persistence_timeout'");
}

function readPersistenceGranularity(a: ArgReader): PersistenceGranularity {
  const t = a.next('a netmask (IPv4) or a prefix length (IPv6)');
  if (t.text.includes('.')) {
    const ip = parseIpAddress(t.text);
    if (!ip || ip.family !== 4) a.fail(`'${t.text}' is not an IPv4 netmask such as 255.255.255.0`, t.loc, 'bad-address');
    return { kind: 'netmask', netmask: ip.address };
  }
  if (!/^\d+$/.test(t.text)) a.fail(`'persistence_granularity' takes an IPv4 netmask (255.255.255.0) or an IPv6 prefix length (1..128), not '${t.text}'`, t.loc, 'bad-number');
  return { kind: 'number', value: readUint(a, t, 0, UINT_MAX, "'persistence_granularity'") };
}

function readPersistenceEngine(a: ArgReader): string {
  const t = a.next('a persistence engine name (sip)');
  if (t.text.length > PERSISTENCE_ENGINE_MAX) {
    a.fail(`persistence engine name '${t.text}' is longer than ${PERSISTENCE_ENGINE_MAX} characters (Keepalived truncates it); the kernel has 'sip'`, t.loc);
  }
  if (t.text !== 'sip') a.warn(`the kernel's only persistence engine is 'sip'; '${t.text}' will be refused when the service is added`, t.loc, 'suspicious-value');
  return t.text;
}

function readProtocol(a: ArgReader): 'TCP' | 'UDP' | 'SCTP' {
  const t = a.next('TCP, UDP or SCTP');
  const p = t.text.toUpperCase();
  // Keepalived compares without case.
  if (p !== 'TCP' && p !== 'UDP' && p !== 'SCTP') a.fail(`'protocol' takes TCP, UDP or SCTP, not '${t.text}'`, t.loc);
  return p;
}

function readScheduler(a: ArgReader): LvsScheduler {
  const t = a.next(`a scheduler (${LVS_SCHEDULERS.join(', ')})`);
  const s = LVS_SCHEDULERS.find((x) => x === t.text);
  if (!s) {
    const lower = LVS_SCHEDULERS.find((x) => x === t.text.toLowerCase());
    a.fail(`unknown scheduler '${t.text}'` + (lower ? ` (write it in lower case: '${lower}')` : `: use one of ${LVS_SCHEDULERS.join(', ')}`), t.loc);
  }
  return s;
}

// ---------------------------------------------------------------------------------------------
// Order checks made while reading, as Keepalived's handlers make them

function describeLoc(loc: SourceLoc, from: SourceLoc): string {
  return loc.file === from.file ? `line ${loc.line}` : formatLoc(loc);
}

/**
 * Scripts Keepalived takes from the first line only (`... script already specified - ignoring`):
 * a repeat is an error.
 */
function reportRepeats(node: ConfigNode, ctx: ParseContext, keywords: readonly string[], keeps: 'first' | 'last'): void {
  const seen = new Map<string, SourceLoc>();
  for (const c of node.children ?? []) {
    if (!keywords.includes(c.keyword)) continue;
    const prev = seen.get(c.keyword);
    if (!prev) {
      seen.set(c.keyword, c.loc);
      continue;
    }
    const what = keeps === 'first' ? 'Keepalived keeps the first and ignores this one' : 'Keepalived replaces the first with this one and reports an error';
    ctx.diags.error(c.loc, 'duplicate-keyword', `'${c.keyword}' is already given at ${describeLoc(prev, c.loc)}; ${what}: keep only one`);
  }
}

const SCHED_FLAGS: Record<string, 'sh' | 'mh'> = { 'sh-port': 'sh', 'sh-fallback': 'sh', 'mh-port': 'mh', 'mh-fallback': 'mh' };

/** The virtual_server checks Keepalived makes line by line while reading the block. */
function checkVirtualServerOrder(vs: VirtualServerValue, ctx: ParseContext, node: ConfigNode): void {
  const children = node.children ?? [];
  let sched: string | undefined;
  let sorrySeen = false;
  let vsMethod: string | undefined;
  let family: IpFamily | undefined = vs.service?.kind === 'address' ? vs.service.address.family : undefined;
  let sorryMethod: string | undefined;
  const servers = vs.real_server ?? [];

  for (const c of children) {
    const arg = c.args[0]?.text;
    switch (c.keyword) {
      case 'lvs_sched':
      case 'lb_algo':
        if (arg !== undefined && (LVS_SCHEDULERS as readonly string[]).includes(arg)) sched = arg;
        break;
      case 'sh-port':
      case 'sh-fallback':
      case 'mh-port':
      case 'mh-fallback': {
        const wants = SCHED_FLAGS[c.keyword] as 'sh' | 'mh';
        if (sched === 'sh' || sched === 'mh') {
          if (sched !== wants) {
            ctx.diags.warn(c.loc, 'ignored-option', `'${c.keyword}' applies to the ${wants} scheduler only; with '${sched}' Keepalived ignores it`);
          }
        } else {
          const later = vs.lvs_sched === wants ? `: Keepalived reads flags in order, so put '${c.keyword}' after 'lvs_sched ${wants}'` : `; this virtual server uses '${vs.lvs_sched ?? DEFAULT_LVS_SCHEDULER}'`;
          ctx.diags.error(c.loc, 'scheduler-flag', `'${c.keyword}' applies to the ${wants} scheduler only${later}`);
        }
        break;
      }
      case 'lvs_method':
      case 'lb_kind':
        if (arg !== undefined && (FORWARDING as readonly string[]).includes(arg)) vsMethod = arg;
        break;
      case 'ip_family': {
        const f: IpFamily | undefined = arg === 'inet' ? 4 : arg === 'inet6' ? 6 : undefined;
        if (f === undefined) break;
        if (family !== undefined && family !== f) {
          ctx.diags.error(c.args[0]?.loc ?? c.loc, 'family-mismatch', `'ip_family ${arg}' conflicts with this virtual server's IPv${family} servers; Keepalived ignores it`);
        } else family = f;
        break;
      }
      case 'persistence_granularity':
        if (family === undefined && arg !== undefined) family = arg.includes('.') ? 4 : 6;
        break;
      case 'real_server': {
        const rs = servers.find((r) => r.$loc === c.loc);
        if (!rs) break;
        const method = rs.lvs_method?.method ?? vsMethod;
        if (method === 'TUN') break;
        if (family === undefined) family = rs.address.family;
        else if (family !== rs.address.family) {
          ctx.diags.error(
            rs.$addressLoc,
            'family-mismatch',
            `real server ${rs.address.address} is IPv${rs.address.family} but this virtual server is IPv${family}; Keepalived skips it (only TUN real servers may differ)`,
          );
        }
        break;
      }
      case 'sorry_server':
        sorrySeen = true;
        sorryMethod = vsMethod;
        break;
      case 'sorry_server_inhibit':
      case 'sorry_server_lvs_method':
        if (!sorrySeen) {
          ctx.diags.error(c.loc, 'sorry-server-order', `'${c.keyword}' needs a 'sorry_server' line before it; Keepalived ignores it`);
        } else if (c.keyword === 'sorry_server_lvs_method' && arg !== undefined && (FORWARDING as readonly string[]).includes(arg)) {
          sorryMethod = arg;
        }
        break;
      default:
        break;
    }
  }

  const sorry = vs.sorry_server;
  if (sorry && sorryMethod !== 'TUN' && family !== undefined && sorry.address.family !== family) {
    ctx.diags.error(
      sorry.loc,
      'family-mismatch',
      `sorry server ${sorry.address.address} is IPv${sorry.address.family} but this virtual server is IPv${family}; Keepalived skips it (only a TUN sorry server may differ)`,
    );
  }

  reportRepeats(node, ctx, ['quorum_up', 'quorum_down'], 'first');
}

// ---------------------------------------------------------------------------------------------
// real_server

/** Location of the real server's address word (for family and duplicate reports). */
export interface RealServerHeader extends ServerAddress {
  readonly $addressLoc: SourceLoc;
}

/** Checker blocks found inside the real server, validated by their plugins. */
export interface WithCheckers {
  readonly $extensions: readonly ExtensionBlock[];
}

export const realServerFields = {
  weight: k.int(0, IPVS_WEIGHT_MAX).active().doc('IPVS weight, 0..2147483647 (default: the virtual server\'s weight, else 1); 0 takes no new connections.'),
  lvs_method: k.custom('NAT|DR|TUN [type ipip|gue port N|gre] [nocsum|csum|remcsum]', readForwarding).doc("Forwarding method of this real server (default: the virtual server's)."),
  uthreshold: k.int(0, UINT_MAX).doc('Upper connection threshold: IPVS sends no new connections above it (0 = none).'),
  lthreshold: k.int(0, UINT_MAX).doc('Lower connection threshold: IPVS resumes below it after uthreshold was reached.'),
  inhibit_on_failure: k.bool().active().doc('On failure set the weight to 0 (connections drain) instead of removing the server (default: the virtual server\'s).'),
  notify_up: k.script().active().doc('Script run when the real server comes up (the first line counts; Keepalived rejects a second).'),
  notify_down: k.script().active().doc('Script run when the real server goes down.'),
  alpha: k.bool().active().doc('Start with the server down until its checkers succeed (default: the virtual server\'s).'),
  retry: k.int(1, UINT_MAX).active().doc('Default retry count for this server\'s checkers (1..4294967295).'),
  delay_before_retry: k.custom('SECONDS', readTimer).active().doc('Default seconds between a failed check and its retry, for this server\'s checkers.'),
  warmup: k.custom('SECONDS', readTimer).active().doc('Default random start delay bound for this server\'s checkers (0 = none).'),
  connect_timeout: k.custom('SECONDS', (a) => readPositiveTimer(a, CONNECT_TIMEOUT_MAX_SECONDS)).active().doc('Default connect timeout for this server\'s checkers (more than 0, at most 4294.967295 s).'),
  delay_loop: k.custom('SECONDS', (a) => readPositiveTimer(a)).active().doc('Default seconds between checks for this server\'s checkers.'),
  smtp_alert: k.bool().doc('Send an e-mail alert when this server changes state (default yes unless smtp_alert/smtp_alert_checker is set globally).'),
  virtualhost: k.string('HOST').active().doc('Default Host: header for HTTP_GET/SSL_GET checkers of this server.'),
  snmp_name: k.string('NAME').unsupported().doc('Name shown in Keepalived\'s SNMP data; vigil has no SNMP agent.'),
};

const realServer = block<typeof realServerFields, RealServerHeader & WithCheckers>(
  realServerFields,
  {
    header: (a) => {
      const { loc, ...server } = readServerAddress(a, 'the real server address');
      // parseBlock replaces $extensions with the checker blocks it finds.
      return { ...server, $addressLoc: loc, $extensions: [] };
    },
    extension: 'checker',
    check: (_rs, ctx, node) => reportRepeats(node, ctx, ['notify_up', 'notify_down'], 'first'),
  },
  'IP [PORT] { ... }',
)
  .many()
  .doc('A real server of the pool, with its health checkers (TCP_CHECK, HTTP_GET, ... provided by plugins).');

// ---------------------------------------------------------------------------------------------
// virtual_server

export const virtualServerFields = {
  ip_family: k.oneOf(['inet', 'inet6']).doc('Address family of a fwmark service whose real servers are all tunnelled (default inet).'),
  retry: k.int(1, UINT_MAX).active().doc('Default retry count for the checkers (1..4294967295).'),
  delay_before_retry: k.custom('SECONDS', readTimer).active().doc('Default seconds between a failed check and its retry.'),
  warmup: k.custom('SECONDS', readTimer).active().doc('Default bound of the random delay before a checker\'s first check (default delay_loop; 0 = none).'),
  connect_timeout: k.custom('SECONDS', (a) => readPositiveTimer(a, CONNECT_TIMEOUT_MAX_SECONDS)).active().doc('Default connect timeout of the checkers (default 5 s; at most 4294.967295 s).'),
  delay_loop: k.custom('SECONDS', (a) => readPositiveTimer(a)).active().doc('Default seconds between checks (default 60).'),
  inhibit_on_failure: vsFlag().active().doc('Default for the real servers: on failure set the weight to 0 instead of removing the server.'),
  lvs_sched: k.custom(LVS_SCHEDULERS.join('|'), readScheduler).doc(`IPVS scheduler (default ${DEFAULT_LVS_SCHEDULER}).`),
  lb_algo: alias(k.custom(LVS_SCHEDULERS.join('|'), readScheduler), 'lvs_sched').doc("Older name of 'lvs_sched' (stored as lvs_sched)."),
  hashed: vsFlag().unsupported().doc('Legacy IPVS service flag; the kernel manages it itself.'),
  ops: vsFlag().doc('One-packet scheduling (UDP services, or fwmark services).'),
  'flag-1': vsFlag().doc('Scheduler flag 1 (ipvsadm -b flag-1).'),
  'flag-2': vsFlag().doc('Scheduler flag 2 (ipvsadm -b flag-2).'),
  'flag-3': vsFlag().doc('Scheduler flag 3 (ipvsadm -b flag-3).'),
  'sh-port': vsFlag().doc('sh scheduler: hash the source port too (must follow lvs_sched sh).'),
  'sh-fallback': vsFlag().doc('sh scheduler: fall back to another server when the chosen one is unavailable (must follow lvs_sched sh).'),
  'mh-port': vsFlag().doc('mh scheduler: hash the source port too (must follow lvs_sched mh).'),
  'mh-fallback': vsFlag().doc('mh scheduler: fall back to another server when the chosen one is unavailable (must follow lvs_sched mh).'),
  lvs_method: k.custom('NAT|DR|TUN [type ipip|gue port N|gre] [nocsum|csum|remcsum]', readForwarding).doc('Default forwarding method of the real servers (default NAT).'),
  lb_kind: alias(k.custom('NAT|DR|TUN [type ipip|gue port N|gre] [nocsum|csum|remcsum]', readForwarding), 'lvs_method').doc(
    "Older name of 'lvs_method' (stored as lvs_method).",
  ),
  persistence_engine: k.custom('sip', readPersistenceEngine).doc('IPVS persistence engine (the kernel has sip).'),
  persistence_timeout: k.custom('[SECONDS]', readPersistenceTimeout).doc(`Persistent service: clients stick to a server for this many seconds (1..${PERSISTENCE_TIMEOUT_MAX}; ${PERSISTENCE_TIMEOUT_DEFAULT} without a value).`),
  persistence_granularity: k.custom('NETMASK|PREFIXLEN', readPersistenceGranularity).doc('Persistence per client network: a netmask (IPv4) or a prefix length (IPv6); makes the service persistent.'),
  protocol: k.custom('TCP|UDP|SCTP', readProtocol).doc('Layer 4 protocol of an address service (Keepalived defaults to UDP when it is left out).'),
  ha_suspend: vsFlag().doc('Suspend the checkers while the virtual address is not configured on this host.'),
  smtp_alert: k.bool().doc('Send e-mail alerts on quorum changes (default no unless set globally).'),
  virtualhost: k.string('HOST').active().doc('Default Host: header for HTTP_GET/SSL_GET checkers.'),
  snmp_name: k.string('NAME').unsupported().doc('Name shown in Keepalived\'s SNMP data; vigil has no SNMP agent.'),
  alpha: vsFlag().active().doc('Real servers start down until their checkers succeed.'),
  omega: vsFlag().active().doc('On shutdown, run quorum_down and the notify_down scripts.'),
  quorum_up: k.script().active().doc('Script run when the pool regains its quorum.'),
  quorum_down: k.script().active().doc('Script run when the pool loses its quorum.'),
  quorum: k.int(1, UINT_MAX).active().doc('Minimum total weight of the live real servers (default 1).'),
  hysteresis: k.int(0, UINT_MAX).active().doc('Quorum is gained at quorum + hysteresis and lost below quorum - hysteresis (default 0).'),
  weight: k.int(1, IPVS_WEIGHT_MAX).active().doc('Default weight of the real servers (1..2147483647, default 1).'),
  sorry_server: k
    .custom('IP [PORT]', (a): SorryServerConfig => readServerAddress(a, 'the sorry server address'))
    .doc('Server that replaces all the real servers while the quorum is lost.'),
  sorry_server_inhibit: vsFlag().doc('Keep the sorry server with weight 0 instead of removing it (inhibit_on_failure for the sorry server).'),
  sorry_server_lvs_method: k.custom('NAT|DR|TUN [...]', readForwarding).doc("Forwarding method of the sorry server (default: the virtual server's)."),
  real_server: realServer,
};

export interface VirtualServerHeader {
  /** What the virtual_server line names: IP [PORT], fwmark N or group NAME. */
  readonly service: VirtualService;
}

type VirtualServerValue = BlockValue<typeof virtualServerFields, VirtualServerHeader>;

const virtualServer = block<typeof virtualServerFields, VirtualServerHeader>(
  virtualServerFields,
  { header: (a) => ({ service: readVirtualService(a) }), check: checkVirtualServerOrder },
  '(IP [PORT] | fwmark N | group NAME) { ... }',
)
  .many()
  .active()
  .doc('An IPVS service and its pool of real servers.');

// ---------------------------------------------------------------------------------------------
// virtual_server_group

/** One line of a virtual_server_group. */
export type VirtualServerGroupEntry =
  | {
      readonly kind: 'address';
      /** First and last address of the range (equal for a single address). */
      readonly first: IpAddress;
      readonly last: IpAddress;
      readonly port?: number;
      /** As written: `192.0.2.1-10`, `192.0.2.8/29`, `2001:db8::1-2001:db8::9`. */
      readonly text: string;
    }
  | { readonly kind: 'fwmark'; readonly fwmark: number; readonly family?: IpFamily };

/** `IP`, `IP-LAST` (last byte / last 16-bit group, decimal / hex), `IP-IP`, `IP/LEN`. */
function readGroupRange(a: ArgReader, t: Token): { first: IpAddress; last: IpAddress } {
  const text = t.text;
  const slash = text.indexOf('/');
  if (slash >= 0) {
    const ip = parseIpAddress(text.slice(0, slash));
    if (!ip) a.fail(`'${text.slice(0, slash)}' is not a valid IP address`, t.loc, 'bad-address');
    const max = ip.family === 4 ? 32 : 128;
    const lenText = text.slice(slash + 1);
    const len = /^\d+$/.test(lenText) ? Number(lenText) : NaN;
    if (!(len >= 1 && len <= max)) a.fail(`invalid prefix length '/${lenText}' in '${text}': use 1..${max}`, t.loc, 'bad-address');
    if (ip.family === 4) {
      const hostBits = 32 - len;
      const base = ipv4ToInt(ip.address);
      const size = 2 ** hostBits;
      if (base % size !== 0) a.fail(`'${text}' has host bits set: write the network address (${intToIpv4(base - (base % size))}/${len})`, t.loc, 'bad-address');
      return { first: ip, last: { family: 4, address: intToIpv4(base + size - 1) } };
    }
    const base = ipv6ToBigInt(ip.address);
    const hostMask = (1n << BigInt(128 - len)) - 1n;
    if ((base & hostMask) !== 0n) a.fail(`'${text}' has host bits set: write the network address (${bigIntToIpv6(base & ~hostMask)}/${len})`, t.loc, 'bad-address');
    return { first: ip, last: { family: 6, address: bigIntToIpv6(base | hostMask) } };
  }
  const dash = text.indexOf('-');
  if (dash < 0) {
    const ip = parseIpAddress(text);
    if (!ip) a.fail(`'${text}' is not a valid IP address, range (IP-LAST, IP-IP) or prefix (IP/LEN)`, t.loc, 'bad-address');
    return { first: ip, last: ip };
  }
  const first = parseIpAddress(text.slice(0, dash));
  if (!first) a.fail(`'${text.slice(0, dash)}' is not a valid IP address`, t.loc, 'bad-address');
  const endText = text.slice(dash + 1);
  const fullEnd = first.family === 4 ? endText.includes('.') : endText.includes(':');
  if (fullEnd) {
    const last = parseIpAddress(endText);
    if (!last) a.fail(`range end '${endText}' is not a valid IP address`, t.loc, 'bad-address');
    if (last.family !== first.family) a.fail(`the ends of '${text}' are of different address families`, t.loc, 'bad-address');
    const less = first.family === 4 ? ipv4ToInt(last.address) < ipv4ToInt(first.address) : ipv6ToBigInt(last.address) < ipv6ToBigInt(first.address);
    if (less) a.fail(`range end ${last.address} is below its start ${first.address}`, t.loc, 'bad-range');
    return { first, last };
  }
  // The end replaces the last byte (IPv4, decimal) or the last 16-bit group (IPv6, hex).
  const v4 = first.family === 4;
  if (!(v4 ? /^\d+$/ : /^[0-9a-fA-F]+$/).test(endText)) {
    a.fail(`range end '${endText}' in '${text}' must be ${v4 ? 'the last byte in decimal (192.0.2.1-10)' : 'the last group in hex (2001:db8::1-ff)'}, or a full address`, t.loc, 'bad-range');
  }
  const end = parseInt(endText, v4 ? 10 : 16);
  if (end > (v4 ? 255 : 0xffff)) a.fail(`range end '${endText}' in '${text}' is too large (at most ${v4 ? '255' : 'ffff'})`, t.loc, 'bad-range');
  if (v4) {
    const base = ipv4ToInt(first.address);
    const start = base % 256;
    if (start >= end) a.fail(`range end ${end} in '${text}' must be greater than the start's last byte ${start}`, t.loc, 'bad-range');
    return { first, last: { family: 4, address: intToIpv4(base - start + end) } };
  }
  const base = ipv6ToBigInt(first.address);
  const start = Number(base & 0xffffn);
  if (start >= end) a.fail(`range end ${endText} in '${text}' must be greater than the start's last group, ${start.toString(16)} (hex)`, t.loc, 'bad-range');
  return { first, last: { family: 6, address: bigIntToIpv6((base & ~0xffffn) | BigInt(end)) } };
}

function readGroupEntry(a: ArgReader): VirtualServerGroupEntry {
  const t = a.next('an address, a range or fwmark N');
  if (t.text === 'fwmark') {
    const m = a.next('a firewall mark (0..4294967295)');
    const fwmark = readUint(a, m, 0, UINT_MAX, 'the firewall mark');
    const f = a.peekToken();
    if (!f) return { kind: 'fwmark', fwmark };
    a.next('inet or inet6');
    if (f.text !== 'inet' && f.text !== 'inet6') a.fail(`fwmark family must be inet or inet6, not '${f.text}'`, f.loc);
    return { kind: 'fwmark', fwmark, family: f.text === 'inet' ? 4 : 6 };
  }
  const { first, last } = readGroupRange(a, t);
  const port = readOptionalPort(a);
  return { kind: 'address', first, last, ...(port !== undefined ? { port } : {}), text: t.text };
}

const groupEntries = list('IP[-LAST|/LEN] [PORT] | fwmark N [inet|inet6]', readGroupEntry);

export interface VirtualServerGroupValue {
  readonly name: string;
  readonly entries: readonly ListItem<VirtualServerGroupEntry>[];
  readonly $loc: SourceLoc;
  /** Where the name was written. */
  readonly $nameLoc: SourceLoc;
}

const virtualServerGroup = new Keyword<VirtualServerGroupValue>(
  'list',
  (node, ctx) => {
    const a = new ArgReader(node.keyword, node.args, node.loc, ctx);
    const name = a.next('a group name');
    const extra = a.peekToken();
    if (extra) {
      a.fail(`unexpected '${a.rest().map((t) => t.text).join(' ')}' after the group name: put the entries inside '{ }', one per line`, extra.loc, 'extra-argument');
    }
    const entries = groupEntries.parse(node, ctx);
    if (entries === undefined) return undefined;
    if (entries.length === 0) {
      // Keepalived removes such a group, and also one whose entries were all invalid.
      if (!(node.children ?? []).length) {
        ctx.diags.error(node.loc, 'empty-group', `virtual_server_group '${name.text}' has no entries; Keepalived removes it`);
      } else {
        ctx.diags.error(node.loc, 'empty-group', `virtual_server_group '${name.text}' has no valid entry; Keepalived removes it`);
      }
      return undefined;
    }
    const v4 = entries.some((e) => (e.kind === 'address' ? e.first.family === 4 : e.family === 4));
    const v6 = entries.some((e) => (e.kind === 'address' ? e.first.family === 6 : e.family === 6));
    const bare = entries.find((e) => e.kind === 'fwmark' && e.family === undefined);
    if (v4 && v6 && bare) {
      ctx.diags.error(
        bare.loc,
        'group-family',
        `virtual_server_group '${name.text}' has IPv4 and IPv6 entries, so its fwmark entries need a family ('fwmark N inet' or 'fwmark N inet6'); Keepalived removes the group`,
      );
      return undefined;
    }
    return { name: name.text, entries, $loc: node.loc, $nameLoc: name.loc };
  },
  { ...defaultOptions('NAME { IP[-LAST|/LEN] [PORT] | fwmark N [inet|inet6] ... }'), status: 'parsed' },
)
  .many()
  .doc('Addresses, ranges and firewall marks served by the same pool: `virtual_server group NAME` uses it.');

// ---------------------------------------------------------------------------------------------
// SSL

export const sslFields = {
  password: k.string('PASSWORD').doc('Password of the private key.'),
  ca: k.string('FILE').doc('CA certificate file used to verify the real servers.'),
  certificate: k.string('FILE').doc('Client certificate file presented by SSL_GET.'),
  key: k.string('FILE').doc('Private key file of the client certificate.'),
};

const ssl = block(sslFields, {
  check: (_v, ctx, node) => reportRepeats(node, ctx, ['password', 'ca', 'certificate', 'key'], 'last'),
}).doc('TLS context of the SSL_GET checkers (an automatic context when empty or absent).');

// ---------------------------------------------------------------------------------------------

/** Top-level load-balancing blocks: virtual_server, virtual_server_group, SSL. */
export const lvsRootFields = {
  SSL: ssl,
  virtual_server_group: virtualServerGroup,
  virtual_server: virtualServer,
};

export type RealServerConfig = BlockValue<typeof realServerFields, RealServerHeader & WithCheckers>;
export type VirtualServerConfig = ValueOf<typeof virtualServer>[number];
export type VirtualServerGroupConfig = VirtualServerGroupValue;
export type SslConfig = BlockValue<typeof sslFields>;
