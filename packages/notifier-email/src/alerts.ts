import type { DaemonLifecycleEvent, PoolChangeEvent, PoolQuorumEvent, VigilEvent, VrrpStateEvent } from '@vigil/core/plugin';
import { formatRealServer, formatVirtualServer, type Protocol } from './keepalived-format.js';

/** One e-mail: Keepalived's subject line and body line for one event. */
export interface Alert {
  readonly subject: string;
  readonly body: string;
  /** When the event happened (the Date: header). */
  readonly time: string;
}

export interface AlertOptions {
  readonly routerId: string;
  /** VRRP instance and sync group alerts (Keepalived's smtp_alert_vrrp). */
  readonly vrrp: boolean;
  /** Real server and virtual server alerts (Keepalived's smtp_alert_checker). */
  readonly checker: boolean;
  /** No alert on entering FAULT (Keepalived's no_email_faults). */
  readonly noFaults: boolean;
}

/**
 * Keepalived 2.2.7's alert texts (vrrp_notify.c `vrrp_smtp_notifier` / `vrrp_sync_smtp_notifier`,
 * smtp.c `smtp_alert`, ipwrapper.c `do_vs_notifies` / `clear_service_rs`, and each checker's
 * epilog): [subject suffix, body].
 */
const INSTANCE: Partial<Record<VrrpStateEvent['to'], readonly [string, string]>> = {
  MASTER: ['Entering MASTER state', '=> VRRP Instance is now owning VRRP VIPs <='],
  BACKUP: ['Entering BACKUP state', '=> VRRP Instance is no longer owning VRRP VIPs <='],
  FAULT: ['Entering FAULT state', '=> VRRP Instance is no longer owning VRRP VIPs <='],
  STOP: ['Stopping', '=> VRRP Instance stopping <='],
  DELETED: ['Deleted', '=> VRRP Deleted at reload <='],
};

const GROUP: Partial<Record<VrrpStateEvent['to'], readonly [string, string]>> = {
  MASTER: ['Entering MASTER state', '=> All VRRP group instances are now in MASTER state <='],
  BACKUP: ['Entering BACKUP state', '=> All VRRP group instances are now in BACKUP state <='],
  FAULT: ['Entering FAULT state', '=> All VRRP group instances are now in FAULT state <='],
  STOP: ['Stopping', '=> All VRRP group instances are now stopping <='],
};

/** A checker's [up, down] bodies, as each Keepalived checker words them. */
function checkerBodies(checker: string | undefined, detail: string | undefined): readonly [string, string] {
  switch (checker) {
    case 'TCP_CHECK':
      return ['=> TCP CHECK succeed on service <=', '=> TCP CHECK failed on service <='];
    case 'HTTP_GET':
    case 'SSL_GET':
      return ['=> CHECK succeed on service <=', '=> CHECK failed on service : HTTP request failed <='];
    case 'SMTP_CHECK':
      return ['=> CHECK succeed on service <=', detail ? `=> CHECK failed on service : ${detail} <=` : '=> CHECK failed on service <='];
    case 'MISC_CHECK':
      return ['=> MISC CHECK succeeded on service <=', `=> MISC CHECK ${detail && /timed? ?out/i.test(detail) ? 'timed out' : 'failed'} on service <=`];
    case 'DNS_CHECK':
      return ['=> DNS_CHECK: succeed on service <=', '=> DNS_CHECK: failed on service <='];
    case 'UDP_CHECK':
      return ['=> UDP CHECK succeed on service <=', '=> UDP CHECK failed on service <='];
    case 'PING_CHECK':
      return ['=> ICMP CHECK succeed on service <=', '=> ICMP CHECK failed on service <='];
    default:
      return ['=> CHECK succeed on service <=', '=> CHECK failed on service <='];
  }
}

/** The protocol of a virtual server, when a (future) event says it. */
function protocolOf(e: PoolChangeEvent | PoolQuorumEvent): Protocol {
  const p = (e as { protocol?: unknown }).protocol;
  return p === 'udp' || p === 'sctp' || p === 'UDP' || p === 'SCTP' ? (p.toLowerCase() as Protocol) : 'tcp';
}

/**
 * Turns events into Keepalived's alerts. It remembers what it last mailed for each instance,
 * group, real server and virtual server, so a repeated state sends nothing (Keepalived's
 * `last_email_state`), and the daemon's phase, so removals at shutdown read "Shutting down".
 */
export class AlertRenderer {
  private readonly lastVrrp = new Map<string, string>();
  private readonly lastRs = new Map<string, boolean>();
  private readonly lastQuorum = new Map<string, boolean>();
  private phase: DaemonLifecycleEvent['phase'] | undefined;

  constructor(readonly options: AlertOptions) {}

  render(e: VigilEvent): Alert | undefined {
    switch (e.type) {
      case 'vrrp.state':
        return this.vrrp(e);
      case 'pool.change':
        return this.realServer(e);
      case 'pool.quorum':
        return this.quorum(e);
      case 'daemon.lifecycle':
        this.phase = e.phase;
        return undefined;
      default:
        return undefined;
    }
  }

  private subject(text: string): string {
    return `[${this.options.routerId}] ${text}`;
  }

  private vrrp(e: VrrpStateEvent): Alert | undefined {
    if (!this.options.vrrp) return undefined;
    if (e.to === 'FAULT' && this.options.noFaults) return undefined;
    const text = (e.scope === 'group' ? GROUP : INSTANCE)[e.to];
    if (!text) return undefined;
    const key = `${e.scope}\u0000${e.name}`;
    if (this.lastVrrp.get(key) === e.to) return undefined;
    this.lastVrrp.set(key, e.to);
    const what = e.scope === 'group' ? 'VRRP Group' : 'VRRP Instance';
    return { subject: this.subject(`${what} ${e.name} - ${text[0]}`), body: text[1], time: e.time };
  }

  private realServer(e: PoolChangeEvent): Alert | undefined {
    if (!this.options.checker || e.change === 'weight') return undefined;
    const key = `${e.virtualServer}\u0000${e.realServer}`;
    if (this.lastRs.get(key) === e.up) return undefined;
    this.lastRs.set(key, e.up);
    const protocol = protocolOf(e);
    const rs = formatRealServer(e.realServer, e.virtualServer, protocol);
    const vs = formatVirtualServer(e.virtualServer, protocol);
    let body: string;
    if (e.checker) body = checkerBodies(e.checker, e.detail)[e.up ? 0 : 1];
    else if (e.up) body = checkerBodies(undefined, undefined)[0];
    else body = this.stopping() ? '=> Shutting down <=' : '=> Removing <=';
    return { subject: this.subject(`Realserver ${rs} of virtual server ${vs} - ${e.up ? 'UP' : 'DOWN'}`), body, time: e.time };
  }

  private quorum(e: PoolQuorumEvent): Alert | undefined {
    if (!this.options.checker) return undefined;
    if (this.lastQuorum.get(e.virtualServer) === e.up) return undefined;
    this.lastQuorum.set(e.virtualServer, e.up);
    const h = (e as { hysteresis?: unknown }).hysteresis;
    const hysteresis = typeof h === 'number' && Number.isInteger(h) && h >= 0 ? h : 0;
    // Keepalived prints the threshold it compared against: quorum + hysteresis to gain, - to lose.
    const threshold = e.up ? e.quorum + hysteresis : e.quorum - hysteresis;
    const body =
      !e.up && this.stopping()
        ? '=> Shutting down <='
        : `=> ${e.up ? 'Gained quorum' : 'Lost quorum'} ${e.quorum}+${hysteresis}=${threshold} <= ${e.alive} <=`;
    return { subject: this.subject(`Virtualserver ${formatVirtualServer(e.virtualServer, protocolOf(e))} - ${e.up ? 'UP' : 'DOWN'}`), body, time: e.time };
  }

  private stopping(): boolean {
    return this.phase === 'stopping' || this.phase === 'stopped';
  }
}
