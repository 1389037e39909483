import { createInstance } from '../../../src/vrrp/fsm/machine.js';
import type { InstanceParams, InstanceState, VrrpState } from '../../../src/vrrp/fsm/types.js';

/** Defaults as Keepalived resolves them for `vrrp_instance VI_1 { version 3; priority 100; ... }`. */
export function params(overrides: Partial<InstanceParams> = {}): InstanceParams {
  return {
    name: 'VI_1',
    version: 3,
    priority: 100,
    advertInt: 100,
    initialState: 'BACKUP',
    primaryAddress: '192.0.2.1',
    preempt: true,
    preemptDelayMs: 0,
    accept: true,
    unicast: false,
    downTimerAdverts: 3,
    lowerPrioNoAdvert: false,
    higherPrioSendAdvert: false,
    ownerIgnoresAdverts: false,
    garp: { masterDelayMs: 5000, masterRepeat: 5, masterRefreshMs: 0, masterRefreshRepeat: 1, lowerPrioDelayMs: 5000, lowerPrioRepeat: 5 },
    resources: ['vips'],
    trackers: [],
    ...overrides,
  };
}

/** Where a table row's events happen, unless it says otherwise. */
export const NOW = 5000;

/**
 * An instance already in `state`, as the machine would have left it: a BACKUP with its down timer
 * running, a MASTER with its addresses installed and its advert timer running.
 */
export function given(state: VrrpState, p: Partial<InstanceParams> = {}, patch: Partial<InstanceState> = {}): InstanceState {
  const initial = createInstance(params(p));
  const timers: InstanceState['timers'] = state === 'BACKUP' ? { 'master-down': 8000 } : state === 'MASTER' ? { advert: 6000 } : {};
  return { ...initial, state, timers, installed: state === 'MASTER', wantState: state === 'MASTER' ? 'MASTER' : 'BACKUP', ...patch };
}
