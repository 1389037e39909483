import { activeFaults, reconcileHealth, SYNC_GROUP_FAULT } from './health.js';
import { receiveAdvert } from './receive.js';
import { after, advertIntervalUs } from './timers.js';
import { effectivePriority, evaluateTrackers, readingFits, trackerKey } from './tracking.js';
import { StepContext } from './step-context.js';
import { enterService, goBackup, goFault, goMaster, goStop, lowerPriorityGarp, masterDownUs } from './transitions.js';
import type { FsmEvent, InstanceParams, InstanceState, StepResult, TimerKind } from './types.js';

/*
 * The VRRP state machine of one instance as a pure function: a state and an event in, the next
 * state and the actions for the I/O layer out. No sockets, no timers, no clock: `now` is the
 * monotonic time (ms) at which the event is handled, and deadlines are absolute times on that clock.
 */

/** An instance before startup. */
export function createInstance(params: InstanceParams): InstanceState {
  const readings = {};
  return {
    params,
    state: 'INIT',
    wantState: params.initialState,
    effectivePriority: effectivePriority(params.priority, evaluateTrackers(params, readings).weight),
    masterAdvertInt: params.advertInt,
    timers: {},
    installed: false,
    readings,
    faults: {},
    nextMasterReason: 'master down timer expired',
  };
}

export function step(state: InstanceState, event: FsmEvent, now: number): StepResult {
  // STOP is final: a reload builds a new instance.
  if (state.state === 'STOP') return { state, actions: [] };
  const t = new StepContext(state, now);
  switch (event.kind) {
    case 'startup':
      startup(t);
      break;
    case 'shutdown':
      goStop(t);
      break;
    case 'timer':
      timerFired(t, event.timer);
      break;
    case 'advert':
      receiveAdvert(t, event.advert);
      break;
    case 'tracker': {
      const tracker = t.params.trackers.find((tr) => trackerKey(tr) === event.key);
      if (!tracker || !readingFits(tracker, event.reading)) break;
      t.update({ readings: { ...t.state.readings, [event.key]: event.reading } });
      reconcileHealth(t);
      break;
    }
    case 'fault':
      t.update({ faults: { ...t.state.faults, [event.source]: event.reason } });
      reconcileHealth(t);
      break;
    case 'fault-cleared': {
      const { [event.source]: _cleared, ...faults } = t.state.faults;
      t.update({ faults });
      reconcileHealth(t);
      break;
    }
    case 'sync':
      syncCommand(t, event);
      break;
    default:
      return assertNever(event);
  }
  return t.result();
}

function assertNever(event: never): never {
  throw new Error(`unknown FSM event ${JSON.stringify(event)}`);
}

/** Keepalived vrrp_init_state: FAULT if anything is down, MASTER at once for an owner, else BACKUP. */
function startup(t: StepContext): void {
  if (t.state.state !== 'INIT') return;
  if (!t.params.unicast) t.emit({ type: 'join-group' });
  const [fault] = activeFaults(t.state);
  if (fault) goFault(t, `fault: ${fault[1]}`);
  else enterService(t, 'startup');
}

function timerFired(t: StepContext, timer: TimerKind): void {
  const deadline = t.state.timers[timer];
  // A timer cancelled or re-armed after the I/O layer took it is stale: ignore it.
  if (deadline === undefined || deadline > t.now) return;
  t.fired(timer);
  const { garp } = t.params;
  switch (timer) {
    case 'master-down':
      if (!t.params.syncGroup) {
        goMaster(t, t.state.nextMasterReason);
        break;
      }
      // vrrp_sync_can_goto_master: a member only wants MASTER; its group decides, and the timer runs again.
      t.update({ wantState: 'MASTER' });
      t.schedule('master-down', after(t.now, masterDownUs(t)));
      break;
    case 'advert': {
      t.emit({ type: 'send-advert', priority: t.state.effectivePriority });
      // Next deadline from the last one, so adverts do not drift; from now if the loop fell behind.
      const interval = advertIntervalUs(t.params.version, t.params.advertInt);
      const next = after(deadline, interval);
      t.schedule('advert', next > t.now ? next : after(t.now, interval));
      break;
    }
    case 'garp-master-delay':
      t.emit({ type: 'send-garp', repeat: garp.masterRepeat, cause: 'master-delay' });
      break;
    case 'garp-refresh':
      t.emit({ type: 'send-garp', repeat: garp.masterRefreshRepeat, cause: 'refresh' });
      t.schedule('garp-refresh', t.now + garp.masterRefreshMs);
      break;
    case 'garp-lower-prio':
      t.emit({ type: 'send-garp', repeat: garp.lowerPrioRepeat, cause: 'lower-priority' });
      break;
    default:
      assertNever(timer);
  }
}

/** Forced transitions from the instance's sync group (Keepalived vrrp_sync.c). */
function syncCommand(t: StepContext, event: Extract<FsmEvent, { kind: 'sync' }>): void {
  const reason = `sync group ${event.group}: ${event.cause}`;
  switch (event.command) {
    case 'master':
      if (t.state.state === 'BACKUP') goMaster(t, reason);
      break;
    case 'backup':
      if (t.state.state === 'MASTER') goBackup(t, reason, { masterAdvertInt: t.params.advertInt, wantState: 'BACKUP' });
      break;
    case 'fault':
      t.update({ faults: { ...t.state.faults, [SYNC_GROUP_FAULT]: reason } });
      reconcileHealth(t);
      break;
    case 'recover': {
      const { [SYNC_GROUP_FAULT]: _recovered, ...faults } = t.state.faults;
      t.update({ faults });
      reconcileHealth(t);
      break;
    }
    case 'garp-lower-prio':
      if (t.state.state === 'MASTER') lowerPriorityGarp(t);
      break;
    default:
      assertNever(event.command);
  }
}
