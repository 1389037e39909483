import type { NotifierBlock, VigilConfig } from '../config/keywords/root.js';
import type { SourceLoc } from '../config/location.js';

/**
 * Keepalived mails its alerts from global_defs alone (smtp_server, notification_email, ...);
 * vigil does it with the `email` notifier plugin. This derives the `notifier email { }` block
 * that says the same, shaped as the plugin's schema (packages/notifier-email/src/config.schema.ts)
 * would have parsed it: smtp_server {host, port}, to string[][] (one list per line), from,
 * smtp_helo_name, smtp_connect_timeout (seconds), router_id, smtp_alert_vrrp,
 * smtp_alert_checker, no_email_faults.
 *
 * Undefined when the file has an explicit `notifier email { }` block (it wins), or when
 * global_defs lacks smtp_server or notification_email (Keepalived sends no mail then).
 */
export function emailBlockFromGlobalDefs(config: VigilConfig | undefined): NotifierBlock | undefined {
  if (!config) return undefined;
  if ((config.notifier ?? []).some((b) => b.type === 'email')) return undefined;
  const g = config.global_defs;
  if (!g?.smtp_server) return undefined;
  const to = (g.notification_email ?? []).map((l) => l.value);
  if (to.length === 0) return undefined;

  // Keepalived: an instance/sync group mails when its own smtp_alert says so, else
  // smtp_alert_vrrp, else smtp_alert, else not. The plugin has one switch for all of VRRP, so
  // with neither global keyword it is on when any instance or sync group asks for mail.
  const anyVrrpAlert = [...(config.vrrp_instance ?? []), ...(config.vrrp_sync_group ?? [])].some((b) => b.smtp_alert === true);
  const vrrp = g.smtp_alert_vrrp ?? g.smtp_alert ?? anyVrrpAlert;
  // Checkers: real_server smtp_alert defaults to on unless set globally.
  const checker = g.smtp_alert_checker ?? g.smtp_alert;

  const locs: Record<string, SourceLoc> = {};
  const at = (key: string, from: string): void => {
    const loc = (g.$locs as Partial<Record<string, SourceLoc>>)[from];
    if (loc) locs[key] = loc;
  };
  at('smtp_server', 'smtp_server');
  at('to', 'notification_email');
  at('from', 'notification_email_from');
  at('smtp_helo_name', 'smtp_helo_name');
  at('smtp_connect_timeout', 'smtp_connect_timeout');
  at('router_id', 'router_id');
  at('smtp_alert_vrrp', g.smtp_alert_vrrp !== undefined ? 'smtp_alert_vrrp' : 'smtp_alert');
  at('smtp_alert_checker', g.smtp_alert_checker !== undefined ? 'smtp_alert_checker' : 'smtp_alert');
  at('no_email_faults', 'no_email_faults');

  const out: Record<string, unknown> = {
    smtp_server: { host: g.smtp_server.host, port: g.smtp_server.port },
    to: [to],
    smtp_alert_vrrp: vrrp,
  };
  if (g.notification_email_from !== undefined) out['from'] = g.notification_email_from;
  if (typeof g.smtp_helo_name === 'string' && g.smtp_helo_name !== '') out['smtp_helo_name'] = g.smtp_helo_name;
  if (g.smtp_connect_timeout !== undefined) out['smtp_connect_timeout'] = g.smtp_connect_timeout;
  if (g.router_id !== undefined) out['router_id'] = g.router_id;
  if (checker !== undefined) out['smtp_alert_checker'] = checker;
  if (g.no_email_faults) out['no_email_faults'] = true;

  const $loc = locs['smtp_server'] ?? g.$loc;
  return { type: 'email', config: Object.assign(out, { $loc, $locs: locs }) as NotifierBlock['config'] };
}
