import type { ConfigNode } from '../ast.js';
import type { ArgReader } from '../schema/args.js';
import type { BlockValue } from '../schema/block.js';
import { k, type ScriptSpec } from '../schema/builders.js';
import { parseIpAddress, type IpAddress } from '../schema/ip.js';
import { Keyword, defaultOptions, scalar, type Located } from '../schema/keyword.js';
import type { ParseContext } from '../schema/types.js';

/*
 * global_defs and the simple keywords that sit at the top level of keepalived.conf.
 *
 * Ranges and error/warning levels follow Keepalived 2.2.7 as `keepalived -t` reports them: what
 * Keepalived reports with report_config_error (its -t exits non-zero) is an error here, what it
 * only logs is a warning. Status: `.parsed()` (the default) for what vigil will implement,
 * `.unsupported()` for what it will not (process scheduling, SNMP, DBus, namespaces, iptables).
 */

// ---------------------------------------------------------------------------------------------
// Shared helpers (also used by vrrp.ts)
// ---------------------------------------------------------------------------------------------

/** UINT_MAX, the upper bound of most of Keepalived's unsigned parameters. */
export const UINT_MAX = 4294967295;
/** INT_MAX. */
export const INT_MAX = 2147483647;
/** UINT_MAX / TIMER_HZ: the largest number of whole seconds Keepalived keeps in a timer. */
export const MAX_TIMER_SECONDS = 4294;

/** An optional word: `keyword` alone or `keyword WORD`. */
export function optionalString(what: string): Keyword<string | true> {
  return scalar(`[${what}]`, (a) => (a.done ? (true as const) : a.string(what)));
}

/** A script that may be left out: `notify_deleted` alone, or with a script. */
export function optionalScript(): Keyword<ScriptSpec | true> {
  const script = k.script();
  return new Keyword<ScriptSpec | true>(
    'scalar',
    (node, ctx) => (node.rawArgs.trim() === '' ? true : script.parse(node, ctx)),
    defaultOptions('[PATH|"PATH ARGS" [USER [GROUP]]]'),
  );
}

/** `USER [GROUP]` (or `USER:GROUP`), for script_user and a vrrp_script's `user`. */
export interface RunAs {
  readonly user: string;
  readonly group?: string;
}

export function readRunAs(a: ArgReader): RunAs {
  let user = a.string('a user name');
  let group = a.done ? undefined : a.string('a group name');
  if (user.includes(':')) [user, group] = user.split(':', 2) as [string, string];
  if (group?.startsWith(':')) group = group.slice(1);
  if (!user) a.fail(`'${a.keyword}' needs a user name`);
  return group ? { user, group } : { user };
}

/** A FIFO for notify events: `NAME [USER [GROUP]]`. */
export interface FifoSpec extends Partial<RunAs> {
  readonly path: string;
}

function fifo(): Keyword<FifoSpec> {
  return scalar('PATH [USER [GROUP]]', (a) => {
    const path = a.string('a FIFO path');
    if (a.done) return { path };
    return { path, ...readRunAs(a) };
  });
}

/**
 * A value block whose every word is one item (`notification_email { a@x b@y }`,
 * `group { VI_1 VI_2 }`): the words of all lines, each with where it was written.
 */
export function wordBlock(what: string, emptyMessage?: string): Keyword<Located<string>[]> {
  return new Keyword<Located<string>[]>(
    'list',
    (node, ctx) => {
      if (!node.children) {
        ctx.diags.error(node.loc, 'missing-brace', `missing '{' after '${node.keyword}'`);
        return undefined;
      }
      if (node.args[0]) {
        ctx.diags.warn(node.args[0].loc, 'extra-argument', `'${node.keyword}' takes no arguments before '{'; '${node.args.map((t) => t.text).join(' ')}' is ignored`);
      }
      const out: Located<string>[] = [];
      for (const child of node.children) {
        if (child.children) {
          ctx.diags.error(child.blockLoc ?? child.loc, 'unexpected-block', `'${node.keyword}' items do not take a { } block`);
          continue;
        }
        out.push({ value: child.keyword, loc: child.loc });
        for (const t of child.args) out.push({ value: t.text, loc: t.loc });
      }
      if (out.length === 0 && emptyMessage) ctx.diags.error(node.loc, 'empty-block', emptyMessage);
      return out;
    },
    defaultOptions(`{ ${what}... }`),
  );
}

/**
 * A keyword Keepalived 2.2.7 still recognises but reports as an error (`keepalived -t` fails) because
 * it was renamed or withdrawn: vigil reports the same, naming the replacement. The arguments are not read.
 */
export function withdrawn(replacement: string, synopsis = '...'): Keyword<true> {
  return new Keyword<true>(
    'scalar',
    (node, ctx) => {
      ctx.diags.error(node.loc, 'deprecated-keyword', `'${node.keyword}' is deprecated and Keepalived 2.2.7 rejects it; ${replacement}`);
      return undefined;
    },
    { ...defaultOptions(synopsis), status: 'unsupported', doc: `Old spelling that Keepalived 2.2.7 rejects; ${replacement}.` },
  );
}

/** A number written in C style (0x.. hex, 0.. octal, decimal), as strtol(.., 0) reads it. */
export function parseCNumber(text: string): number | undefined {
  if (/^0[xX][0-9a-fA-F]+$/.test(text)) return parseInt(text.slice(2), 16);
  if (/^0[0-7]*$/.test(text)) return parseInt(text, 8);
  if (/^[1-9]\d*$/.test(text)) return Number(text);
  return undefined;
}

/** A TIMER with a minimum and maximum in seconds and up to `decimals` fraction digits. */
export function decimalSeconds(min: number, max: number, decimals = 6): Keyword<number> {
  return scalar('SECONDS', (a) => readDecimal(a, min, max, decimals));
}

export function readDecimal(a: ArgReader, min: number, max: number, decimals = 6): number {
  const t = a.next(`a time in seconds (${min}..${max})`);
  const re = new RegExp(`^(\\d+(\\.\\d{1,${decimals}})?|\\.\\d{1,${decimals}})$`);
  if (!re.test(t.text)) {
    a.fail(`'${a.keyword}' needs a number of seconds with at most ${decimals} decimals, not '${t.text}'`, t.loc, 'bad-number');
  }
  const n = Number(t.text);
  if (n < min || n > max) a.fail(`'${a.keyword}' ${t.text} is out of range ${min}..${max} seconds`, t.loc, 'out-of-range');
  return n;
}

/** A multicast address of one family (vrrp_mcast_group4/6). */
function multicastGroup(family: 4 | 6): Keyword<IpAddress> {
  return scalar(family === 4 ? 'IPV4_MULTICAST' : 'IPV6_MULTICAST', (a: ArgReader) => {
    const t = a.next('a multicast address');
    const ip = parseIpAddress(t.text);
    if (!ip) a.fail(`'${t.text}' is not a valid IP address`, t.loc, 'bad-address');
    if (ip.family !== family) a.fail(`'${a.keyword}' needs an IPv${family} address, not '${t.text}'`, t.loc, 'bad-address');
    if (!isMulticast(ip)) a.fail(`'${t.text}' is not a multicast address`, t.loc, 'bad-address');
    if (family === 6 && !isLinkLocalMulticast6(ip.address)) {
      // Keepalived 2.2.7 reports this (and -t fails), although it still uses the group.
      a.fail(`'${t.text}' should be a link-local multicast group (ff02::/16)`, t.loc, 'bad-address');
    }
    return ip;
  });
}

export function isMulticast(ip: IpAddress): boolean {
  if (ip.family === 4) {
    const first = Number(ip.address.split('.')[0]);
    return first >= 224 && first <= 239;
  }
  return ip.address.startsWith('ff');
}

/** ffX2::/16: an IPv6 multicast group of link-local scope. */
export function isLinkLocalMulticast6(address: string): boolean {
  return /^ff[0-9a-f]2:/.test(address.toLowerCase());
}

// ---------------------------------------------------------------------------------------------
// global_defs
// ---------------------------------------------------------------------------------------------

const processName = () =>
  scalar('NAME', (a) => {
    const t = a.next('a process name');
    // Linux keeps 15 characters of a process name; Keepalived truncates with an error.
    if (t.text.length > 15) a.fail(`process name '${t.text}' is longer than 15 characters`, t.loc, 'out-of-range');
    return t.text;
  })
    .unsupported()
    .doc('Name of a Keepalived child process; vigil names its processes itself.');

const niceness = (who: string) => k.int(-20, 19).unsupported().doc(`Scheduling priority (nice) of the ${who} process; vigil does not change process priorities.`);
const noSwap = (who: string) => k.flag().unsupported().doc(`Lock the ${who} process in memory; not done by vigil.`);
const rtPriority = (who: string) => k.int(1, 99).unsupported().doc(`Realtime (SCHED_RR) priority of the ${who} process; not done by vigil.`);
const cpuAffinity = (who: string) =>
  scalar('CPU...', (a) => {
    const cpus = [a.int(0, 4095, 'a CPU number')];
    while (!a.done) cpus.push(a.int(0, 4095, 'a CPU number'));
    return cpus;
  })
    .unsupported()
    .doc(`CPUs the ${who} process may run on; not done by vigil.`);
const rlimitRttime = (who: string) => k.int(1, UINT_MAX).unsupported().doc(`RLIMIT_RTTIME of the ${who} process in microseconds (with realtime scheduling); not done by vigil.`);
const rcvBufs = (what: string) => k.int(0, UINT_MAX).unsupported().doc(`Receive buffer size of the ${what} netlink socket; vigil sizes its sockets itself.`);
const rcvBufsForce = (what: string) => k.bool().unsupported().doc(`Use SO_RCVBUFFORCE for the ${what} netlink socket; not done by vigil.`);

/** lvs_sync_daemon IF [[inst] VI] [id N] [maxlen N] [port N] [ttl N] [group IP] */
export interface LvsSyncDaemon {
  readonly interface: string;
  readonly instance?: Located<string>;
  readonly syncId?: number;
  readonly maxLength?: number;
  readonly port?: number;
  readonly ttl?: number;
  readonly group?: IpAddress;
}

function readLvsSyncDaemon(a: ArgReader): LvsSyncDaemon {
  const ifname = a.string('an interface name');
  if (ifname.length >= 16) a.fail(`interface name '${ifname}' is longer than 15 characters`);
  const out: { -readonly [K in keyof LvsSyncDaemon]: LvsSyncDaemon[K] } = { interface: ifname };
  let position = 2;
  while (!a.done) {
    const t = a.next('an option');
    switch (t.text) {
      case 'inst': {
        const v = a.next('a vrrp_instance name');
        out.instance = { value: v.text, loc: v.loc };
        break;
      }
      case 'id':
        out.syncId = a.int(0, 255, 'a sync id (0..255)');
        break;
      case 'maxlen':
        out.maxLength = a.int(1, 65535 - 20 - 8, 'a length (1..65507)');
        break;
      case 'port':
        out.port = a.int(1, 65535, 'a port (1..65535)');
        break;
      case 'ttl':
        out.ttl = a.int(1, 255, 'a TTL (1..255)');
        break;
      case 'group': {
        const g = a.ip('a multicast group');
        if (!isMulticast(g)) a.fail(`lvs_sync_daemon group '${g.address}' is not a multicast address`);
        out.group = g;
        break;
      }
      default:
        // The old form `lvs_sync_daemon IF VI [SYNCID]`.
        if (position === 2 && !out.instance) {
          out.instance = { value: t.text, loc: t.loc };
        } else if (position === 3 && /^\d+$/.test(t.text)) {
          a.fail(`write 'id ${t.text}' for the lvs_sync_daemon sync id`, t.loc);
        } else {
          a.fail(`unknown lvs_sync_daemon option '${t.text}' (inst, id, maxlen, port, ttl, group)`, t.loc);
        }
    }
    position++;
  }
  return out;
}

/** lvs_timeouts [tcp S] [tcpfin S] [udp S] */
export interface LvsTimeouts {
  readonly tcp?: number;
  readonly tcpfin?: number;
  readonly udp?: number;
}

/** The IPVS limit on connection timeouts: 31 days. */
const LVS_MAX_TIMEOUT = 86400 * 31;

function readLvsTimeouts(a: ArgReader): LvsTimeouts {
  const out: { tcp?: number; tcpfin?: number; udp?: number } = {};
  if (a.done) a.fail(`'lvs_timeouts' needs at least one of tcp, tcpfin, udp with a number of seconds`, a.keywordLoc, 'missing-argument');
  while (!a.done) {
    const t = a.next('tcp, tcpfin or udp');
    if (t.text !== 'tcp' && t.text !== 'tcpfin' && t.text !== 'udp') a.fail(`unknown lvs_timeouts option '${t.text}' (tcp, tcpfin, udp)`, t.loc);
    out[t.text] = a.int(0, LVS_MAX_TIMEOUT, `a number of seconds (0..${LVS_MAX_TIMEOUT})`);
  }
  return out;
}

const UMASK_BITS: Record<string, number> = {
  IRUSR: 0o400, IWUSR: 0o200, IXUSR: 0o100, IRWXU: 0o700,
  IRGRP: 0o040, IWGRP: 0o020, IXGRP: 0o010, IRWXG: 0o070,
  IROTH: 0o004, IWOTH: 0o002, IXOTH: 0o001, IRWXO: 0o007,
};

function readUmask(a: ArgReader): number {
  const first = a.next('a umask (number or IRUSR|IWGRP|... bits)');
  if (/^\d/.test(first.text)) {
    const n = parseCNumber(first.text);
    if (n === undefined || n > 0o777) a.fail(`invalid umask value '${first.text}'`, first.loc, 'bad-number');
    a.end('error');
    return n;
  }
  // Symbolic form: bit names joined by '|', possibly split across words.
  const text = [first, ...a.rest()].map((t) => t.text).join('');
  let bits = 0;
  for (const part of text.split('|')) {
    const b = UMASK_BITS[part];
    if (b === undefined) a.fail(`unknown umask bit '${part}' (${Object.keys(UMASK_BITS).join(', ')})`, first.loc);
    bits |= b;
  }
  return bits;
}

/** include_check is applied by the reader while it reads the file (and reported there); here it is only kept. */
function readIncludeCheck(a: ArgReader): string[] {
  return a.rest().map((t) => t.text);
}

/** smtp_server HOST [PORT] */
export interface SmtpServer {
  readonly host: string;
  readonly port: number;
}

function readSmtpServer(a: ArgReader): SmtpServer {
  const host = a.next('an SMTP server address or name');
  if (/[/]/.test(host.text)) a.fail(`invalid SMTP server '${host.text}'`, host.loc, 'bad-address');
  const port = a.done ? 25 : a.int(1, 65535, 'a port (1..65535)');
  return { host: host.text, port };
}

function readGarpExtraIf(a: ArgReader, min: number): { all: boolean; interval: number } {
  let all = false;
  let interval: number | undefined;
  while (!a.done) {
    if (a.accept('all')) {
      all = true;
      continue;
    }
    interval = a.int(min, 86400, `a number of seconds (${min}..86400)`);
  }
  if (interval === undefined) a.fail(`'${a.keyword}' needs a number of seconds`, a.keywordLoc, 'missing-argument');
  return { all, interval };
}

export const garpExtraIf = (min: number) => scalar(`[all] SECONDS`, (a) => readGarpExtraIf(a, min));

function readRxBufsPolicy(a: ArgReader): 'MTU' | 'ADVERT' | number {
  const t = a.next('MTU, ADVERT or a size');
  const up = t.text.toUpperCase();
  if (up === 'MTU' || up === 'ADVERT') return up;
  if (!/^\d+$/.test(t.text)) a.fail(`'vrrp_rx_bufs_policy' takes MTU, ADVERT or a size in bytes, not '${t.text}'`, t.loc);
  return Number(t.text);
}

/** `global_defs { ... }`. */
export const globalDefsFields = {
  // --- identity and e-mail -------------------------------------------------------------------
  router_id: k.string('NAME').doc('Name of this machine in e-mail alerts and notifications (default: the host name).'),
  notification_email: wordBlock('EMAIL', "'notification_email' is empty; list at least one address").doc('Recipients of e-mail alerts.'),
  notification_email_from: k.string('EMAIL').doc('Sender address of e-mail alerts (default keepalived@HOSTNAME).'),
  smtp_server: scalar('HOST [PORT]', readSmtpServer).doc('SMTP server for e-mail alerts, an address or a name, with an optional port (default 25).'),
  smtp_helo_name: scalar('NAME', (a) => {
    // Keepalived ignores the keyword without a name.
    if (a.done) a.warn(`'smtp_helo_name' without a name has no effect`, a.keywordLoc, 'missing-argument');
    return a.done ? undefined : a.string('a name');
  }).doc('Name sent in the SMTP HELO (default: the host name).'),
  smtp_connect_timeout: k.int(1, MAX_TIMER_SECONDS).doc('SMTP connection timeout in seconds (default 30).'),
  smtp_alert: k.bool().doc('Default for sending e-mail alerts on state changes (VRRP and checkers).'),
  smtp_alert_vrrp: k.bool().doc('Default for e-mail alerts on VRRP state changes.'),
  smtp_alert_checker: k.bool().doc('Default for e-mail alerts on checker state changes.'),
  no_email_faults: k.flag().doc('Do not send e-mail alerts for FAULT transitions.'),
  checker_log_all_failures: k.bool().doc('Log every failed check, not only state changes.'),
  no_checker_emails: k.bool().doc('Send checker e-mails only when a real server is added or removed.'),
  rs_init_notifies: k.bool().doc('Run real server notifications for the initial state at start.'),

  // --- process names and scheduling (not done by vigil) ---------------------------------------
  process_names: k.flag().unsupported().doc('Set the default names of the Keepalived child processes; vigil names its processes itself.'),
  process_name: processName(),
  vrrp_process_name: processName(),
  checker_process_name: processName(),
  lvs_process_name: processName().deprecated("'checker_process_name'", 'checker_process_name'),
  bfd_process_name: processName(),
  vrrp_priority: niceness('VRRP'),
  checker_priority: niceness('checker'),
  bfd_priority: niceness('BFD'),
  vrrp_no_swap: noSwap('VRRP'),
  checker_no_swap: noSwap('checker'),
  bfd_no_swap: noSwap('BFD'),
  vrrp_rt_priority: rtPriority('VRRP'),
  checker_rt_priority: rtPriority('checker'),
  bfd_rt_priority: rtPriority('BFD'),
  vrrp_cpu_affinity: cpuAffinity('VRRP'),
  checker_cpu_affinity: cpuAffinity('checker'),
  bfd_cpu_affinity: cpuAffinity('BFD'),
  vrrp_rlimit_rttime: rlimitRttime('VRRP'),
  checker_rlimit_rttime: rlimitRttime('checker'),
  bfd_rlimit_rttime: rlimitRttime('BFD'),
  vrrp_rlimit_rtime: rlimitRttime('VRRP').deprecated("'vrrp_rlimit_rttime'", 'vrrp_rlimit_rttime'),
  checker_rlimit_rtime: rlimitRttime('checker').deprecated("'checker_rlimit_rttime'", 'checker_rlimit_rttime'),
  bfd_rlimit_rtime: rlimitRttime('BFD').deprecated("'bfd_rlimit_rttime'", 'bfd_rlimit_rttime'),
  max_auto_priority: scalar('[-1..99]', (a) => (a.done ? 99 : a.int(-1, 99)))
    .unsupported()
    .doc('Highest realtime priority Keepalived raises itself to when its timers run late; vigil measures event-loop delay instead.'),
  min_auto_priority_delay: k.int(1, 10000000).unsupported().doc('Timer lateness (microseconds) that triggers max_auto_priority; not done by vigil.'),

  // --- scripts ----------------------------------------------------------------------------------
  script_user: scalar('USER [GROUP]', readRunAs).doc('Default user (and group) that scripts run as.'),
  enable_script_security: k.flag().doc('Refuse to run scripts as root when any part of their path is writable by others.'),
  startup_script: k.script().doc('Script run once at start, before the VRRP and checker processes.'),
  startup_script_timeout: k.int(1, 1000).doc('Seconds the startup script may run (default 10).'),
  shutdown_script: k.script().doc('Script run once at stop, after the child processes have ended.'),
  shutdown_script_timeout: k.int(1, 1000).doc('Seconds the shutdown script may run (default 10).'),

  // --- notification FIFOs -----------------------------------------------------------------------
  notify_fifo: fifo().doc('FIFO that receives every VRRP and checker notify event as a line of text.'),
  notify_fifo_script: k.script().doc('Script that reads notify_fifo (the FIFO name is its last argument).'),
  vrrp_notify_fifo: fifo().doc('FIFO that receives VRRP notify events (INSTANCE "VI_1" MASTER 100).'),
  vrrp_notify_fifo_script: k.script().doc('Script that reads vrrp_notify_fifo.'),
  lvs_notify_fifo: fifo().doc('FIFO that receives checker notify events (VS/RS UP/DOWN).'),
  lvs_notify_fifo_script: k.script().doc('Script that reads lvs_notify_fifo.'),
  vrrp_notify_priority_changes: k.bool().doc('Send MASTER_PRIORITY/BACKUP_PRIORITY events to the FIFOs when a priority changes.'),
  fifo_write_vrrp_states_on_reload: k.flag().doc('Write the current VRRP states to the FIFOs after a reload.'),

  // --- VRRP defaults ----------------------------------------------------------------------------
  vrrp_mcast_group4: multicastGroup(4).active().doc('IPv4 multicast group of VRRP adverts (default 224.0.0.18).'),
  vrrp_mcast_group6: multicastGroup(6).active().doc('IPv6 multicast group of VRRP adverts, link-local scope (default ff02::12).'),
  default_interface: k.string('IFNAME').doc('Interface of static addresses and VIPs that name none (default eth0).'),
  dynamic_interfaces: scalar('[allow_if_changes]', (a) => (a.done ? { allowIfChanges: false } : (a.oneOf(['allow_if_changes']), { allowIfChanges: true })))
    .doc('Allow interfaces that do not exist yet, or that are deleted and recreated.'),
  vrrp_version: k.int(2, 3).active().doc('Default VRRP version (default 2; IPv6 instances use 3).'),
  vrrp_strict: k.flag().doc('Enforce strict RFC compliance for every instance (see strict_mode).'),
  vrrp_check_unicast_src: k.flag().doc('Default for check_unicast_src: drop unicast adverts from addresses that are not peers.'),
  vrrp_skip_check_adv_addr: k.flag().doc('Default for skip_check_adv_addr.'),
  vrrp_garp_master_delay: k.int(0, MAX_TIMER_SECONDS).active().doc('Seconds before the second gratuitous ARP burst after becoming MASTER; 0 for none (default 5).'),
  vrrp_garp_master_repeat: k.int(1, UINT_MAX).active().doc('Gratuitous ARPs/NAs sent per burst on becoming MASTER (default 5).'),
  vrrp_garp_master_refresh: k.int(0, UINT_MAX).active().doc('Seconds between gratuitous ARP refreshes while MASTER; 0 for none (default).'),
  vrrp_garp_master_refresh_repeat: k.int(1, UINT_MAX).active().doc('Gratuitous ARPs/NAs per refresh (default 1).'),
  vrrp_garp_lower_prio_delay: k.int(0, MAX_TIMER_SECONDS).active().doc('Delay of the second burst after a lower-priority advert is received as MASTER (default vrrp_garp_master_delay).'),
  vrrp_garp_lower_prio_repeat: k.int(0, INT_MAX).active().doc('Gratuitous ARPs/NAs per burst after a lower-priority advert (default vrrp_garp_master_repeat).'),
  vrrp_garp_interval: decimalSeconds(0.000001, MAX_TIMER_SECONDS + 0.967295).active().doc('Gap between gratuitous ARPs on one interface, seconds (default 0).'),
  vrrp_gna_interval: decimalSeconds(0.000001, MAX_TIMER_SECONDS + 0.967295).active().doc('Gap between unsolicited neighbour adverts on one interface, seconds (default 0).'),
  vrrp_min_garp: k.bool().active().doc('Send one gratuitous ARP/NA and no second burst.'),
  vrrp_garp_extra_if: garpExtraIf(1).doc('Seconds between gratuitous ARPs/NAs on VIP interfaces other than the instance\'s (VMACs, or all with `all`).'),
  vrrp_vmac_garp_intvl: withdrawn("use 'vrrp_garp_extra_if'", '[all] SECONDS'),
  vrrp_down_timer_adverts: k.int(1, 100).active().doc('Default down_timer_adverts: adverts missed before a backup takes over (default 3).'),
  vrrp_lower_prio_no_advert: k.bool().active().doc('Default lower_prio_no_advert.'),
  vrrp_higher_prio_send_advert: k.bool().active().doc('Default higher_prio_send_advert.'),
  vrrp_startup_delay: scalar('SECONDS', (a) => {
    const t = a.peekToken();
    const v = readDecimal(a, 0.001, MAX_TIMER_SECONDS + 0.967295);
    if (v >= 60 && t) a.warn(`vrrp_startup_delay ${t.text} is very large`, t.loc, 'large-value');
    return v;
  }).doc('Seconds to wait after start before the VRRP instances run.'),
  log_unknown_vrids: k.flag().doc('Log adverts received for VRIDs not configured on the interface.'),
  vmac_prefix: k.string('PREFIX').doc('Prefix of generated VMAC interface names (default vrrp).'),
  vmac_addr_prefix: k.string('PREFIX').doc('Prefix of VMAC names for VIPs on other interfaces (default vmac_prefix).'),
  vrrp_rx_bufs_policy: scalar('MTU|ADVERT|SIZE', (a) => {
    const v = [readRxBufsPolicy(a)];
    while (!a.done) v.push(readRxBufsPolicy(a));
    return v;
  })
    .unsupported()
    .doc('How to size the receive buffers of advert sockets; vigil sizes its sockets itself.'),
  vrrp_rx_bufs_multiplier: k.int(1, UINT_MAX).unsupported().doc('Multiplier for vrrp_rx_bufs_policy; not used by vigil.'),

  // --- firewall (vigil's own nftables table handles no_accept) ------------------------------------
  vrrp_iptables: k.opaque('[IN_CHAIN [OUT_CHAIN]]').doc('iptables chains for no_accept and VMAC rules; vigil does not use iptables.'),
  vrrp_ipsets: k.opaque('[NAME...]').doc('ipsets used with vrrp_iptables; vigil does not use iptables.'),
  nftables: k.opaque('[TABLE]').doc("Keepalived's nftables table for no_accept and VMACs; vigil manages its own table."),
  nftables_priority: k.opaque('PRIORITY').doc("Priority of Keepalived's nftables chains; not used by vigil."),
  nftables_ifindex: k.opaque('').doc("Use interface indexes in Keepalived's nftables sets; not used by vigil."),
  nftables_counters: k.opaque('').doc("Add counters to Keepalived's nftables rules; not used by vigil."),
  nftables_ipvs: k.opaque('[TABLE]').doc("Keepalived's nftables table for virtual server group fwmarks; not used by vigil."),
  nftables_ipvs_priority: k.opaque('PRIORITY').doc('Priority of the nftables_ipvs chains; not used by vigil.'),
  nftables_ipvs_start_fwmark: k.opaque('FWMARK').doc('First fwmark of nftables_ipvs; not used by vigil.'),
  disable_local_igmp: k.flag().unsupported().doc('Turn off IGMP reports for 224.0.0.0/24 on VMACs; not done by vigil.'),

  // --- IPVS -------------------------------------------------------------------------------------
  lvs_backend: k.oneOf(['auto', 'ipvs', 'nftables']).active().doc('vigil: the data plane of the virtual servers: ipvs, nftables, or auto (default: IPVS when the kernel has it, else nftables).'),
  lvs_sync_daemon: scalar('IF [[inst] VI] [id N] [maxlen N] [port N] [ttl N] [group IP]', readLvsSyncDaemon).doc('Run the IPVS connection sync daemon on IF, following the state of a VRRP instance.'),
  lvs_timeouts: scalar('[tcp S] [tcpfin S] [udp S]', readLvsTimeouts).doc('IPVS connection timeouts in seconds.'),
  lvs_flush: k.flag().doc('Remove every IPVS service at start.'),
  lvs_flush_on_stop: scalar('[VS]', (a) => (a.done ? ('full' as const) : (a.oneOf(['VS']), 'VS' as const))).doc('Remove the IPVS configuration at stop (VS: only the virtual servers).'),
  lvs_flush_onstop: scalar('[VS]', (a) => (a.done ? ('full' as const) : (a.oneOf(['VS']), 'VS' as const))).deprecated("'lvs_flush_on_stop'", 'lvs_flush_on_stop'),
  lvs_netlink_cmd_rcv_bufs: rcvBufs('IPVS command'),
  lvs_netlink_cmd_rcv_bufs_force: rcvBufsForce('IPVS command'),
  lvs_netlink_monitor_rcv_bufs: rcvBufs('IPVS monitor'),
  lvs_netlink_monitor_rcv_bufs_force: rcvBufsForce('IPVS monitor'),
  vrrp_netlink_cmd_rcv_bufs: rcvBufs('VRRP command'),
  vrrp_netlink_cmd_rcv_bufs_force: rcvBufsForce('VRRP command'),
  vrrp_netlink_monitor_rcv_bufs: rcvBufs('VRRP monitor'),
  vrrp_netlink_monitor_rcv_bufs_force: rcvBufsForce('VRRP monitor'),
  process_monitor_rcv_bufs: rcvBufs('process monitor'),
  process_monitor_rcv_bufs_force: rcvBufsForce('process monitor'),

  // --- SNMP and DBus (not done by vigil) ---------------------------------------------------------
  snmp_socket: k.string('SOCKET').unsupported().doc('AgentX socket of the SNMP master agent; vigil has no SNMP.'),
  enable_traps: k.flag().unsupported().doc('Send SNMP traps; vigil has no SNMP.'),
  enable_snmp_vrrp: k.flag().unsupported().doc('Serve the VRRP part of KEEPALIVED-MIB; vigil has no SNMP.'),
  enable_snmp_keepalived: k.flag().unsupported().deprecated("'enable_snmp_vrrp'", 'enable_snmp_vrrp'),
  enable_snmp_checker: k.flag().unsupported().doc('Serve the checker part of KEEPALIVED-MIB; vigil has no SNMP.'),
  enable_snmp_rfc: k.flag().unsupported().doc('Serve the RFC 2787 and RFC 6527 VRRP MIBs; vigil has no SNMP.'),
  enable_snmp_rfcv2: k.flag().unsupported().doc('Serve the RFC 2787 VRRP MIB; vigil has no SNMP.'),
  enable_snmp_rfcv3: k.flag().unsupported().doc('Serve the RFC 6527 VRRPv3 MIB; vigil has no SNMP.'),
  enable_dbus: k.flag().unsupported().doc('Serve the org.keepalived.Vrrp1 DBus interface; vigil has no DBus.'),
  dbus_service_name: k.string('NAME').unsupported().doc('DBus service name; vigil has no DBus.'),

  // --- configuration handling -------------------------------------------------------------------
  umask: scalar('NUMBER|BITS', readUmask).doc('umask for files vigil creates (number, or IRUSR|IWGRP|... names).'),
  random_seed: k.int(0, UINT_MAX).doc('Seed of ${_RANDOM}, to make a generated configuration repeatable.'),
  reload_check_config: optionalString('LOG_FILE').doc('Check a new configuration before reloading it, logging to LOG_FILE.'),
  reload_time_file: k.string('PATH').doc('File holding a time at which to reload.'),
  reload_repeat: k.flag().doc('Keep reload_time_file after the reload, to reload every day at that time.'),
  reload_file: optionalString('PATH').doc('File that exists while the configuration is being read.'),
  include_check: scalar('[[+|-]readable|match|wildcard_match|brace_match...]', readIncludeCheck).doc('Which failures of include are errors (applied by the reader as the file is read).'),
  config_save_dir: k.string('DIR').unsupported().doc('Keepalived saves its configuration files here on every reload, for debugging; not done by vigil.'),
  tmp_config_directory: k.string('DIR').unsupported().doc('Where Keepalived keeps its copy of the configuration; vigil needs none.'),
  data_use_instance: k.bool().unsupported().doc('Put the instance name in the names of the SIGUSR1 data files; vigil reports status on its control socket.'),

  /** vigil: directories holding plugins installed by `vigil plugins add` (their node_modules are searched). */
  plugin_dir: k.string('PATH').many().active().doc('vigil: a directory whose node_modules holds plugins (may be repeated).'),
};

export type GlobalDefsFields = typeof globalDefsFields;

/** The typed model of `global_defs`. */
export type GlobalDefsConfig = BlockValue<GlobalDefsFields>;

// ---------------------------------------------------------------------------------------------
// Top-level simple keywords and blocks
// ---------------------------------------------------------------------------------------------

/** linkbeat_interfaces { IF [MII|ETHTOOL|IOCTL] ... } */
export interface LinkbeatInterface {
  readonly interface: string;
  readonly method?: 'MII' | 'ETHTOOL' | 'IOCTL';
}

/** interface_up_down_delays { IF DOWN [UP] ... } (seconds) */
export interface InterfaceDelay {
  readonly interface: string;
  readonly down: number;
  readonly up: number;
}

function readIfDelay(a: ArgReader, item: ConfigNode, ctx: ParseContext): InterfaceDelay {
  const ifname = a.string('an interface name');
  if (a.done) {
    // Keepalived only logs this, and the interface gets no delays.
    ctx.diags.warn(item.loc, 'missing-argument', `no delays given for ${ifname}; write '${ifname} DOWN [UP]' (seconds)`);
    return { interface: ifname, down: 0, up: 0 };
  }
  const down = a.timer(0, 255, 'a down delay in seconds (0..255)');
  const up = a.done ? undefined : a.timer(0, 255, 'an up delay in seconds (0..255)');
  if (!a.done) {
    ctx.diags.warn(a.loc, 'extra-argument', `too many values for ${ifname}; only DOWN [UP] are read`);
    a.rest();
  }
  return { interface: ifname, down, up: up ?? 0 };
}

/** Simple keywords and blocks allowed at the top level besides the process blocks (net_namespace, instance, ...). */
export const rootSimpleFields = {
  net_namespace: k.string('NAME').unsupported().doc('Run in this network namespace; vigil runs where it is started (use `ip netns exec`).'),
  net_namespace_ipvs: optionalString('NAME').unsupported().doc('Program IPVS in another network namespace; not done by vigil.'),
  namespace_with_ipsets: k.flag().unsupported().doc('Allow ipsets inside a namespace on old kernels; not used by vigil.'),
  instance: k.string('NAME').unsupported().doc('Name of this Keepalived instance, for its pid files; vigil uses its control socket path instead.'),
  use_pid_dir: k.flag().unsupported().doc('Put pid files in /run/keepalived; not used by vigil.'),
  linkbeat_use_polling: k.flag().unsupported().doc('Poll link state with MII/ethtool instead of netlink; vigil uses netlink.'),
  child_wait_time: k.int(0, UINT_MAX).doc('Seconds the supervisor waits for child processes to end at stop (default 5).'),
  linkbeat_interfaces: k
    .list('IFNAME [MII|ETHTOOL|IOCTL]', (a): LinkbeatInterface => {
      const ifname = a.string('an interface name');
      if (a.done) return { interface: ifname };
      return { interface: ifname, method: a.oneOf(['MII', 'ETHTOOL', 'IOCTL']) };
    })
    .unsupported()
    .doc('Interfaces whose link state is polled instead of read from netlink; vigil uses netlink.'),
  interface_up_down_delays: k.list('IFNAME DOWN [UP]', readIfDelay).doc('Delays (seconds, 0..255) before an interface going down or up changes VRRP state.'),
};

export type RootSimpleConfig = BlockValue<typeof rootSimpleFields>;
