import { k, type ArgReader, type BlockValue, type Fields, type IpAddress, type SourceLoc } from '@vigil/core/plugin';

/**
 * The SMTP_CHECK block as Keepalived 2.2.7 reads it (check_smtp.c): `helo_name`, and the
 * deprecated `host { }` sub-blocks, each an extra address to check with the connection keywords
 * of a checker. The common checker keywords of the SMTP_CHECK block itself are added by core.
 */

const UINT_MAX = 4294967295;
/** Keepalived's timers are unsigned microseconds: at most UINT_MAX of them. */
const TIMER_MAX = UINT_MAX / 1e6;

const inHostOnly = (what: string): string =>
  `${what} In a host block Keepalived applies it to the whole SMTP_CHECK; vigil does not: write it in the SMTP_CHECK block.`;

const hostFields = {
  connect_ip: k.ip().active().doc('The address this host entry checks. Default: the checker\'s connect_ip, or the real server.'),
  connect_port: k.int(1, 65535).active().doc('The port this host entry checks. Default: the checker\'s connect_port, or the real server\'s port.'),
  bindto: k.ip().active().doc('Source address of the check connection.'),
  bind_port: k.int(1, 65535).active().doc('Source port of the check connection.'),
  bind_if: k
    .custom('IFNAME', (a: ArgReader): string => {
      const t = a.next('an interface name');
      if (t.text.length > 15) a.fail(`'bind_if': interface name '${t.text}' is longer than 15 characters`, t.loc);
      return t.text;
    })
    .unsupported()
    .doc('Interface for the check connection (IPv6 link-local). Node.js cannot bind a socket to an interface.'),
  connect_timeout: k.timer(0.000001, TIMER_MAX).active().doc('Seconds allowed for the connection and for each reply.'),
  fwmark: k.int(0, UINT_MAX).unsupported().doc('SO_MARK of the check connection. Node.js cannot set SO_MARK on a socket.'),
  retry: k.int(0, UINT_MAX).unsupported().doc(inHostOnly('Retries after a failure.')),
  delay_before_retry: k.timer(0, Number.MAX_SAFE_INTEGER).unsupported().doc(inHostOnly('Delay before a retry.')),
  warmup: k.timer(0, Number.MAX_SAFE_INTEGER).unsupported().doc(inHostOnly('Random delay before the first check.')),
  delay_loop: k.timer(0.000001, Number.MAX_SAFE_INTEGER).unsupported().doc(inHostOnly('Interval between checks.')),
  alpha: k.bool().unsupported().doc(inHostOnly('Start the real server as down.')),
  log_all_failures: k.bool().unsupported().doc(inHostOnly('Log every failed check.')),
};

/** A `host { }` block as read. */
export interface HostConfig {
  connect_ip?: IpAddress;
  connect_port?: number;
  bindto?: IpAddress;
  bind_port?: number;
  bind_if?: string;
  connect_timeout?: number;
  readonly $loc: SourceLoc;
}

const smtpFields = {
  helo_name: k.string('NAME').active().doc('The name sent with HELO. Default: smtpchecker.keepalived.org, as Keepalived.'),
  host: k
    .block(hostFields, {
      check: (h, ctx) => {
        if (h.connect_ip && h.bindto && h.connect_ip.family !== h.bindto.family) {
          ctx.diags.error(h.$locs.bindto ?? h.$loc, 'bad-address', `'bindto' ${h.bindto.address} is not of the address family of 'connect_ip' ${h.connect_ip.address}`);
        }
      },
    })
    .many()
    .active()
    .deprecated('a separate SMTP_CHECK block for each address')
    .doc('An extra address to check (deprecated). With host blocks, each host is checked in turn and all must pass; the checker\'s own address is not checked.'),
};

/** The schema of SMTP_CHECK blocks. */
export const smtpSchema: Fields = smtpFields;

/** An SMTP_CHECK block as read. */
export interface SmtpConfig {
  helo_name?: string;
  host?: HostConfig[];
}

// The interfaces above are written out because core's Keyword type is not public, so the
// inferred schema types cannot be exported; this line keeps them in step with the schema.
const _sameShape: (v: BlockValue<typeof smtpFields>) => SmtpConfig = (v) => v;
