import { compareAddresses } from './address.js';
import { after, OWNER_PRIORITY, RELEASE_PRIORITY, skewTimeUs } from './timers.js';
import type { StepContext } from './step-context.js';
import { goBackup, lowerPriorityGarp, masterDownUs, sendAdvert } from './transitions.js';
import type { ReceivedAdvert } from './types.js';

/*
 * What a valid advert does (RFC 5798 §6.4.2 / §6.4.3 as Keepalived implements them in
 * vrrp_state_backup and vrrp_state_master_rx). INIT, FAULT and STOP ignore adverts
 * (vrrp_dispatcher_read).
 */

export function receiveAdvert(t: StepContext, advert: ReceivedAdvert): void {
  if (t.params.ownerIgnoresAdverts && t.state.effectivePriority === OWNER_PRIORITY) return;
  if (t.state.state === 'BACKUP') backupReceives(t, advert);
  else if (t.state.state === 'MASTER') masterReceives(t, advert);
}

/** The v3 Max Adver Int a backup times the master by (RFC 5798 §6.4.2); v2 always uses its own. */
function learntInterval(t: StepContext, advert: ReceivedAdvert): number {
  return t.params.version === 3 && advert.advertInt > 0 ? advert.advertInt : t.state.masterAdvertInt;
}

function backupReceives(t: StepContext, advert: ReceivedAdvert): void {
  const { params, now } = t;
  if (advert.priority === RELEASE_PRIORITY) {
    // The master is leaving: take over after one Skew_Time, the highest-priority backup first.
    t.schedule('master-down', after(now, skewTimeUs(params.version, t.state.effectivePriority, t.state.masterAdvertInt)));
    t.update({ nextMasterReason: `master ${advert.source} released the virtual router (priority 0)` });
    return;
  }
  const mine = t.state.effectivePriority;
  const preempts = params.preempt || params.priority === OWNER_PRIORITY;
  const { preemptAt } = t.state;
  // Keepalived's preempt_delay: keep accepting a lower-priority master until the delay, counted
  // from the first such advert, has passed.
  const delaying = params.preemptDelayMs > 0 && (preemptAt === undefined || preemptAt > now);
  if (preempts && advert.priority < mine && !delaying) {
    // Not reset: the Master_Down_Timer runs out and we take over (RFC 5798 §6.4.2 "discard").
    t.update({ nextMasterReason: `preempted lower priority master ${advert.source} (priority ${advert.priority})` });
    return;
  }
  let nextPreemptAt: number | undefined;
  if (params.preemptDelayMs > 0 && advert.priority < mine) nextPreemptAt = preemptAt ?? now + params.preemptDelayMs;
  const masterAdvertInt = learntInterval(t, advert);
  t.update({ masterAdvertInt, wantState: 'BACKUP', preemptAt: nextPreemptAt, nextMasterReason: 'master down timer expired' });
  t.schedule('master-down', after(now, masterDownUs(t)));
}

function masterReceives(t: StepContext, advert: ReceivedAdvert): void {
  const { params } = t;
  const mine = t.state.effectivePriority;
  if (advert.priority === RELEASE_PRIORITY) {
    // RFC 5798 §6.4.3: answer at once so the backups do not take over.
    sendAdvert(t);
    return;
  }
  const order = compareAddresses(advert.source, params.primaryAddress);
  if (advert.priority === mine && order === 0) {
    t.emit({ type: 'warning', message: `equal priority advert received from ${advert.source}, our own address` });
    return;
  }
  if (advert.priority > mine || (advert.priority === mine && order > 0)) {
    if (params.higherPrioSendAdvert) t.emit({ type: 'send-advert', priority: mine });
    const reason =
      advert.priority > mine
        ? `higher priority advert from ${advert.source} (priority ${advert.priority})`
        : `equal priority advert from higher address ${advert.source}`;
    goBackup(t, reason, { masterAdvertInt: learntInterval(t, advert), wantState: 'BACKUP' });
    return;
  }
  // A lower-priority router thinks it is master. RFC 5798 discards the advert; Keepalived answers at
  // once ("forcing new election") so that it yields without waiting for our next advert.
  if (!params.lowerPrioNoAdvert) sendAdvert(t);
  lowerPriorityGarp(t);
  t.emit({ type: 'notify-master-rx-lower-pri', source: advert.source, priority: advert.priority });
}
