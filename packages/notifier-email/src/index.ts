/**
 * E-mail alerts for vigil, as Keepalived sends them: the same subjects and bodies
 * (`[lb1] VRRP Instance VI_1 - Entering MASTER state`, `=> VRRP Instance is now owning VRRP VIPs <=`),
 * through an SMTP server, with a bounded queue, retries, STARTTLS and SMTP AUTH.
 *
 *   notifier email {
 *       smtp_server 192.0.2.25 25
 *       from lb1@example.net
 *       to ops@example.net oncall@example.net
 *       router_id lb1
 *   }
 */
import { defineNotifier, type Fields } from '@vigil/core/plugin';
import { emailSchema } from './config.schema.js';
import { EmailNotifier, resolveOptions } from './email.notifier.js';

export { EmailNotifier, resolveOptions, type EmailNotifierStats, type EmailOptions } from './email.notifier.js';
export { AlertRenderer, type Alert, type AlertOptions } from './alerts.js';
export { formatRealServer, formatVirtualServer } from './keepalived-format.js';

// The explicit <Fields> keeps the emitted index.d.ts free of core's internal types.
export default defineNotifier<Fields>({
  keyword: 'email',
  description: "Keepalived's e-mail alerts (VRRP state, real server up/down, quorum) through an SMTP server",
  schema: emailSchema,
  // Keepalived mails these; priority changes and single check results are not mailed.
  events: ['vrrp.state', 'pool.change', 'pool.quorum', 'daemon.lifecycle'],
  create(config, services) {
    return new EmailNotifier(resolveOptions(config, services.routerId), services);
  },
});
