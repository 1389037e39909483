import { after, advertIntervalUs, masterDownIntervalUs, OWNER_PRIORITY, RELEASE_PRIORITY } from './timers.js';
import type { StepContext } from './step-context.js';
import type { InstanceParams, VirtualResource, VrrpState, WantedState } from './types.js';

/*
 * Entering and leaving states, in Keepalived's order (vrrp.c vrrp_state_goto_master,
 * vrrp_state_become_master, vrrp_state_leave_master, vrrp_restore_interface). Every change of
 * state goes through setState, which reports it once.
 */

/** RFC 5798 §6.4.1: an owner that wants MASTER takes it at once; everyone else waits as BACKUP. */
function ownerWantsMaster(params: InstanceParams): boolean {
  return params.priority === OWNER_PRIORITY && params.initialState === 'MASTER';
}

/** The current Master_Down_Interval in µs. */
export function masterDownUs(t: StepContext): number {
  return masterDownIntervalUs(t.params.version, t.state.effectivePriority, t.state.masterAdvertInt, t.params.downTimerAdverts);
}

function setState(t: StepContext, to: VrrpState, reason: string): void {
  const from = t.state.state;
  t.update({ state: to });
  t.emit({ type: 'notify', from, to, priority: t.state.effectivePriority, reason });
}

/** What is installed on MASTER, in order; no_accept (Accept_Mode False) is a filter a non-owner needs. */
function resourcesOf(params: InstanceParams): VirtualResource[] {
  const filter: VirtualResource[] = params.accept || params.priority === OWNER_PRIORITY ? [] : ['no-accept-filter'];
  return [...filter, ...params.resources];
}

/** An advert with the current priority, restarting the Adver_Timer (RFC 5798 §6.4.3). */
export function sendAdvert(t: StepContext): void {
  t.emit({ type: 'send-advert', priority: t.state.effectivePriority });
  t.schedule('advert', after(t.now, advertIntervalUs(t.params.version, t.params.advertInt)));
}

/**
 * BACKUP (or INIT / FAULT for an owner) to MASTER. The advert goes first so that the old master
 * releases the addresses before our gratuitous ARPs claim them.
 */
export function goMaster(t: StepContext, reason: string): void {
  const { garp } = t.params;
  t.cancel('master-down');
  // Keepalived vrrp_state_become_master: a master advertises its own interval, not the one it learnt.
  t.update({ masterAdvertInt: t.params.advertInt, wantState: 'MASTER', preemptAt: undefined, installed: true });
  sendAdvert(t);
  for (const resource of resourcesOf(t.params)) t.emit({ type: 'add', resource });
  if (garp.masterRepeat > 0) t.emit({ type: 'send-garp', repeat: garp.masterRepeat, cause: 'become-master' });
  if (garp.masterDelayMs > 0) t.schedule('garp-master-delay', t.now + garp.masterDelayMs);
  if (garp.masterRefreshMs > 0) t.schedule('garp-refresh', t.now + garp.masterRefreshMs);
  setState(t, 'MASTER', reason);
}

/** Removes what MASTER installed; a master that stops or faults first tells the backups (priority 0). */
function releaseMaster(t: StepContext, announce: boolean): void {
  if (announce) t.emit({ type: 'send-advert', priority: RELEASE_PRIORITY });
  for (const resource of resourcesOf(t.params).reverse()) t.emit({ type: 'remove', resource });
  t.cancel('advert');
  t.cancel('garp-master-delay');
  t.cancel('garp-refresh');
  t.cancel('garp-lower-prio');
  t.update({ installed: false });
}

export interface BackupEntry {
  /** Master_Adver_Interval to time the master with (learnt from a v3 advert, or our own). */
  readonly masterAdvertInt: number;
  readonly wantState: WantedState;
}

/** Any state to BACKUP, with a fresh Master_Down_Timer. */
export function goBackup(t: StepContext, reason: string, entry: BackupEntry): void {
  if (t.state.state === 'MASTER') releaseMaster(t, false);
  t.update({ masterAdvertInt: entry.masterAdvertInt, wantState: entry.wantState, preemptAt: undefined, nextMasterReason: 'master down timer expired' });
  t.schedule('master-down', after(t.now, masterDownUs(t)));
  setState(t, 'BACKUP', reason);
}

/**
 * Leaving INIT or FAULT: an owner that wants MASTER takes it; anyone else is BACKUP (a sync group
 * member that wants MASTER waits there for its group).
 */
export function enterService(t: StepContext, reason: string): void {
  const wantsMaster = ownerWantsMaster(t.params);
  if (wantsMaster && !t.params.syncGroup) goMaster(t, reason);
  else goBackup(t, reason, { masterAdvertInt: t.params.advertInt, wantState: wantsMaster ? 'MASTER' : 'BACKUP' });
}

export function goFault(t: StepContext, reason: string): void {
  if (t.state.state === 'MASTER') releaseMaster(t, true);
  t.cancel('master-down');
  t.update({ wantState: 'BACKUP', preemptAt: undefined });
  setState(t, 'FAULT', reason);
}

/** RFC 5798 §6.4.2/§6.4.3 Shutdown: a master sends priority 0 and releases everything. */
export function goStop(t: StepContext): void {
  const joined = t.state.state !== 'INIT';
  if (t.state.state === 'MASTER') releaseMaster(t, true);
  t.cancel('master-down');
  setState(t, 'STOP', 'shutdown');
  if (joined && !t.params.unicast) t.emit({ type: 'leave-group' });
}

/** garp_lower_prio_repeat / _delay: repair ARP caches after a lower-priority router was master. */
export function lowerPriorityGarp(t: StepContext): void {
  const { garp } = t.params;
  if (garp.lowerPrioRepeat === 0) return;
  t.emit({ type: 'send-garp', repeat: garp.lowerPrioRepeat, cause: 'lower-priority' });
  if (garp.lowerPrioDelayMs > 0) t.schedule('garp-lower-prio', t.now + garp.lowerPrioDelayMs);
}
