import { k, type ArgReader, type Fields } from '@vigil/core/plugin';

/** `smtp_server ADDRESS [PORT]`, as Keepalived's global_defs keyword (port 25 by default). */
export interface SmtpServer {
  readonly host: string;
  readonly port: number;
}

function readServer(a: ArgReader): SmtpServer {
  const host = a.next('an SMTP server address or host name').text;
  const port = a.done ? 25 : a.port('a port (1..65535)');
  if (port === 0) a.fail("'smtp_server': port 0 is not a port to connect to");
  return { host, port };
}

const ADDRESS = /^[^\s@<>]+@[^\s@<>]+$/;

function readAddress(a: ArgReader, what: string): string {
  const t = a.next(what);
  if (!ADDRESS.test(t.text)) a.fail(`'${a.keyword}': '${t.text}' is not an e-mail address (user@domain)`, t.loc);
  return t.text;
}

function readAddresses(a: ArgReader): string[] {
  const out = [readAddress(a, 'an e-mail address')];
  while (!a.done) out.push(readAddress(a, 'an e-mail address'));
  return out;
}

/**
 * The `notifier email { }` block. Its first keywords are Keepalived's global_defs ones
 * (smtp_server, smtp_helo_name, smtp_connect_timeout, notification_email_from -> `from`,
 * notification_email -> `to`, router_id, smtp_alert_vrrp, smtp_alert_checker, no_email_faults),
 * so core can fill the block from global_defs; the rest are vigil's.
 */
export const emailSchema = {
  smtp_server: k.custom('ADDRESS [PORT]', readServer).active().doc('The SMTP server (relay): an address or host name, and a port (25). Required.'),
  smtp_helo_name: k.string('NAME').active().doc('The name given in EHLO/HELO. Default: the host name.'),
  smtp_connect_timeout: k.timer(0.001, 3600).active().doc('Seconds allowed to connect and for each reply of the server. Default 30, as Keepalived.'),
  from: k.custom('ADDRESS', (a) => readAddress(a, 'an e-mail address')).active().doc('The sender (notification_email_from). Default: <user>@<host name>, as Keepalived.'),
  to: k.custom('ADDRESS...', readAddresses).many().active().doc('Recipients (notification_email): one or more per line, repeatable. Required.'),
  starttls: k.oneOf(['on', 'off', 'required']).active().doc('on: use STARTTLS when the server offers it (default); off: never; required: fail unless the server offers it.'),
  tls_verify: k.bool().active().doc("Verify the server's certificate when STARTTLS is used. Default on."),
  ca_file: k.string('FILE').active().doc("PEM CA certificate(s) to verify the server's certificate with. Default: the system CAs."),
  username: k.string('NAME').active().doc('User for SMTP AUTH.'),
  password: k.string('SECRET').active().doc('Password for SMTP AUTH.'),
  router_id: k.string('NAME').active().doc('The name in the subject: [router_id]. Default: global_defs router_id, else the host name.'),
  queue_size: k.int(1, 100_000).active().doc('Alerts waiting to be sent, at most; beyond it the oldest are dropped. Default 100.'),
  retries: k.int(0, 1000).active().doc('Further attempts for an alert the server did not take. Default 3.'),
  retry_delay: k.timer(0, 3600).active().doc('Seconds before the first retry; each next one waits twice as long (at most 300 s). Default 10.'),
  smtp_alert_vrrp: k.bool().active().doc('Mail VRRP instance and sync group state changes. Default on.'),
  smtp_alert_checker: k.bool().active().doc('Mail real server up/down and virtual server quorum changes. Default on.'),
  no_email_faults: k.bool().active().doc('No mail on entering FAULT. Default off.'),
} satisfies Fields;

export type EmailSchema = typeof emailSchema;
