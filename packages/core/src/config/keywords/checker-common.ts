import type { BlockValue, Fields } from '../schema/block.js';
import { k } from '../schema/builders.js';
import { checkTimer, type ArgReader } from '../schema/args.js';

/*
 * The keywords Keepalived 2.2 accepts in every checker block (check_api.c,
 * install_checker_common_keywords). The kernel's scheduler honours them the same way for
 * every checker plugin; the plugin registry adds them to each checker's schema.
 *
 * Ranges are those of Keepalived's parser: a TIMER is microseconds internally, so the
 * smallest positive time is 0.000001 s; connect_timeout is held in an unsigned int of
 * microseconds (at most 4294.967295 s).
 */

/** The largest time Keepalived's TIMER type holds (ULONG_MAX microseconds, 18446744073709.551615 s), as a double. */
export const TIMER_MAX_SECONDS = 18446744073709.55;
/** connect_timeout is an unsigned int of microseconds. */
export const CONNECT_TIMEOUT_MAX_SECONDS = 4294.967295;
/** Linux interface names are at most 15 bytes (IFNAMSIZ - 1). */
export const IFNAME_MAX = 15;

/** A time in seconds that must be more than 0 (delay_loop, connect_timeout), at most `max`. */
export function readPositiveTimer(a: ArgReader, max: number = TIMER_MAX_SECONDS): number {
  const t = a.next('a time in seconds');
  const n = checkTimer(t, 0, max, a);
  if (n === 0) a.fail(`'${a.keyword}' must be more than 0 seconds (the smallest is 0.000001)`, t.loc, 'out-of-range');
  return n;
}

/** A time in seconds, 0 allowed (warmup, delay_before_retry). */
export function readTimer(a: ArgReader): number {
  return checkTimer(a.next('a time in seconds'), 0, TIMER_MAX_SECONDS, a);
}

/** A port that must not be 0 (connect_port, bind_port). */
function readNonZeroPort(a: ArgReader): number {
  return a.int(1, 65535, 'a port (1..65535)');
}

/** Where a checker connects from and to: every checker except MISC_CHECK (and FILE_CHECK/BFD_CHECK) takes these. */
export const checkerConnectionFields = {
  connect_ip: k.ip().active().doc('Address to check instead of the real server address.'),
  connect_port: k.custom('PORT', readNonZeroPort).active().doc('Port to check instead of the real server port (1..65535).'),
  bindto: k.ip().active().doc('Source address of the check connection; same family as connect_ip.'),
  bind_port: k.custom('PORT', readNonZeroPort).active().doc('Source port of the check connection (1..65535).'),
  bind_if: k
    .custom('IFNAME', (a) => {
      const t = a.next('an interface name');
      if (t.text.length > IFNAME_MAX) a.fail(`interface name '${t.text}' is longer than ${IFNAME_MAX} characters`, t.loc);
      return t.text;
    })
    .doc('Interface to send the check from; needed when the target is an IPv6 link-local address.'),
  connect_timeout: k
    .custom('SECONDS', (a) => readPositiveTimer(a, CONNECT_TIMEOUT_MAX_SECONDS))
    .active().doc('Seconds allowed to connect (default: the real server\'s, else 5; more than 0, at most 4294.967295).'),
  fwmark: k.int(0, 4294967295).doc('Firewall mark (SO_MARK) put on the check\'s packets.'),
};

/** How often and how patiently a checker runs: every checker except FILE_CHECK/BFD_CHECK takes these. */
export const checkerSchedulingFields = {
  retry: k.int(0, 4294967295).active().doc('Failed attempts retried before an up checker goes down (default 1; MISC_CHECK 0; DNS_CHECK 3).'),
  nb_get_retry: k
    .int(0, 4294967295)
    .deprecated("'retry'", 'retry')
    .active().doc("Old name of 'retry' (Keepalived 2.2 still accepts it in HTTP_GET and SSL_GET only)."),
  delay_before_retry: k
    .custom('SECONDS', readTimer)
    .active().doc('Seconds between a failure and its retry (default 1; HTTP_GET/SSL_GET 3; DNS_CHECK delay_loop).'),
  warmup: k.custom('SECONDS', readTimer).active().doc('The first check starts after a random delay of up to this many seconds (default delay_loop; 0 = none).'),
  delay_loop: k.custom('SECONDS', (a) => readPositiveTimer(a)).active().doc('Seconds between checks (default: the real server\'s, else the virtual server\'s, else 60).'),
  alpha: k.bool().active().doc('Start with this checker down: the real server joins only after a first success.'),
  log_all_failures: k.bool().active().doc('Log every failed attempt, not only state changes.'),
};

/**
 * Keywords every checker block accepts; the kernel's scheduler honours them for every checker.
 * (Keepalived does not give MISC_CHECK the connection keywords: see checkerConnectionFields.)
 */
const commonFields = { ...checkerConnectionFields, ...checkerSchedulingFields };
export const checkerCommonFields: Fields = commonFields;

/** The common part of every checker's validated config (nb_get_retry is stored as retry). */
export type CheckerCommonConfig = Omit<BlockValue<typeof commonFields>, 'nb_get_retry'>;
