import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { activeFaults } from '../../../src/vrrp/fsm/health.js';
import { createInstance, step } from '../../../src/vrrp/fsm/machine.js';
import { createSyncGroup, stepGroup, type SyncGroupState } from '../../../src/vrrp/fsm/sync-group.js';
import type { FsmAction, FsmEvent, InstanceParams, InstanceState, TimerKind, TrackerConfig } from '../../../src/vrrp/fsm/types.js';
import { TIMER_KINDS } from '../../../src/vrrp/fsm/types.js';
import { params } from './fixtures.js';
import { mulberry32 } from '../../../src/util/random.js';

/*
 * Seeded random sequences of events against invariants that must hold after every step. A failure
 * names its seed and step, so it can be replayed.
 */


class Random {
  constructor(readonly next: () => number) {}
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.next() * items.length)];
    assert.ok(item !== undefined);
    return item;
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
}

const TRACKERS: TrackerConfig[] = [
  { kind: 'interface', name: 'eth1', weight: 0, reverse: false },
  { kind: 'interface', name: 'eth2', weight: 10, reverse: true },
  { kind: 'script', name: 'chk', weight: -30, reverse: false },
  { kind: 'file', name: 'f', weight: 4, reverse: false },
];

function randomParams(r: Random, overrides: Partial<InstanceParams> = {}): InstanceParams {
  const version = r.pick([2, 3] as const);
  const v6 = version === 3 && r.chance(0.3);
  return params({
    version,
    priority: r.pick([1, 50, 100, 200, 254, 255]),
    advertInt: version === 2 ? r.pick([1, 2]) : r.pick([1, 10, 100]),
    initialState: r.pick(['MASTER', 'BACKUP'] as const),
    primaryAddress: v6 ? '2001:db8::10' : '192.0.2.10',
    preempt: r.chance(0.7),
    preemptDelayMs: r.pick([0, 0, 2000]),
    accept: r.chance(0.5),
    unicast: r.chance(0.3),
    lowerPrioNoAdvert: r.chance(0.3),
    higherPrioSendAdvert: r.chance(0.3),
    ownerIgnoresAdverts: r.chance(0.2),
    garp: {
      masterDelayMs: r.pick([0, 5000]),
      masterRepeat: r.pick([1, 5]),
      masterRefreshMs: r.pick([0, 60000]),
      masterRefreshRepeat: 1,
      lowerPrioDelayMs: r.pick([0, 5000]),
      lowerPrioRepeat: r.pick([0, 5]),
    },
    resources: r.pick([['vips'], ['vips', 'evips', 'routes', 'rules'], []] as const),
    trackers: TRACKERS.filter(() => r.chance(0.5)),
    ...overrides,
  });
}

function randomEvent(r: Random, s: InstanceState): { event: FsmEvent; at: (now: number) => number } {
  const armed = Object.entries(s.timers) as [TimerKind, number][];
  const roll = r.next();
  if (roll < 0.35 && armed.length > 0) {
    const [timer, deadline] = r.pick(armed);
    return { event: { kind: 'timer', timer }, at: (now) => Math.max(now, deadline) };
  }
  const later = (now: number) => now + r.int(0, 1500);
  if (roll < 0.45) return { event: { kind: 'timer', timer: r.pick(TIMER_KINDS) }, at: later };
  if (roll < 0.75) {
    const v6 = s.params.primaryAddress.includes(':');
    const source = r.pick(v6 ? ['2001:db8::10', '2001:db8::9', '2001:db8::1:0'] : ['192.0.2.10', '192.0.2.9', '192.0.2.200']);
    const mine = s.effectivePriority;
    const priority = r.pick([0, 1, 100, 254, 255, mine, Math.max(1, mine - 1), Math.min(255, mine + 1)]);
    const advertInt = s.params.version === 2 ? s.params.advertInt : r.pick([1, 10, 100]);
    return { event: { kind: 'advert', advert: { priority, source, advertInt } }, at: later };
  }
  if (roll < 0.88 && s.params.trackers.length > 0) {
    const t = r.pick(s.params.trackers);
    const reading = t.kind === 'file' ? r.pick([0, 1, 3, -10, -100, 300]) : r.chance(0.5);
    return { event: { kind: 'tracker', key: `${t.kind} ${t.name}`, reading }, at: later };
  }
  if (roll < 0.97) {
    const source = r.pick(['interface', 'peers']);
    const event: FsmEvent = r.chance(0.5) ? { kind: 'fault', source, reason: `${source} lost` } : { kind: 'fault-cleared', source };
    return { event, at: later };
  }
  return { event: { kind: 'shutdown' }, at: later };
}

/** The I/O layer's view of the timers, kept only from the actions. */
function applyTimers(held: Map<TimerKind, number>, prev: InstanceState, event: FsmEvent, now: number, actions: readonly FsmAction[]): void {
  if (event.kind === 'timer') {
    const deadline = prev.timers[event.timer];
    if (deadline !== undefined && deadline <= now) held.delete(event.timer);
  }
  const touched = new Set<TimerKind>();
  for (const a of actions) {
    if (a.type !== 'schedule-timer' && a.type !== 'cancel-timer') continue;
    assert.ok(!touched.has(a.timer), `two actions for the ${a.timer} timer in one step`);
    touched.add(a.timer);
    if (a.type === 'schedule-timer') {
      assert.ok(a.at >= now, `${a.timer} scheduled in the past (${a.at} < ${now})`);
      held.set(a.timer, a.at);
    } else {
      assert.ok(held.has(a.timer), `cancel of the ${a.timer} timer, which is not armed`);
      held.delete(a.timer);
    }
  }
}

function checkInstance(prev: InstanceState, event: FsmEvent, now: number, s: InstanceState, actions: readonly FsmAction[], held: Map<TimerKind, number>): void {
  // VIPs installed iff MASTER, and resources added / removed only across that edge.
  assert.equal(s.installed, s.state === 'MASTER', 'VIPs installed iff MASTER');
  let installed = prev.installed;
  for (const a of actions) {
    if (a.type === 'add') assert.ok(!installed || a.resource !== 'vips', 'VIPs added twice');
    if (a.type === 'add' && a.resource === 'vips') installed = true;
    if (a.type === 'remove' && a.resource === 'vips') {
      assert.ok(installed, 'VIPs removed while not installed');
      installed = false;
    }
  }

  // The timers: one of a kind, the state's table equals what the actions told the I/O layer.
  applyTimers(held, prev, event, now, actions);
  assert.deepEqual(Object.fromEntries(held), s.timers, 'the I/O layer and the state disagree about the timers');
  const kinds = Object.keys(s.timers);
  if (s.state === 'BACKUP') assert.deepEqual(kinds, ['master-down'], 'a BACKUP runs exactly its down timer');
  else if (s.state === 'MASTER') assert.ok(kinds.includes('advert') && !kinds.includes('master-down'), 'a MASTER runs its advert timer');
  else assert.deepEqual(kinds, [], `${s.state} runs no timer`);

  // One notification per change of state, none without.
  const notes = actions.filter((a) => a.type === 'notify');
  if (prev.state === s.state) assert.equal(notes.length, 0, 'notify without a change of state');
  else assert.deepEqual(notes.map((n) => [n.from, n.to]), [[prev.state, s.state]]);

  // Priority 0 only when a master stops or faults; other adverts carry the effective priority.
  for (const a of actions) {
    if (a.type !== 'send-advert') continue;
    if (a.priority === 0) assert.ok(prev.state === 'MASTER' && (s.state === 'FAULT' || s.state === 'STOP'), 'priority 0 sent without leaving MASTER');
    else assert.ok(a.priority === s.effectivePriority || a.priority === prev.effectivePriority, 'advert with a stale priority');
  }

  // Priorities: the owner's is 255; anyone else's 1..254.
  if (s.params.priority === 255) assert.equal(s.effectivePriority, 255);
  else assert.ok(s.effectivePriority >= 1 && s.effectivePriority <= 254, `effective priority ${s.effectivePriority}`);

  // FAULT exactly while something is faulty (once started).
  if (s.state !== 'INIT' && s.state !== 'STOP') assert.equal(s.state === 'FAULT', activeFaults(s).length > 0, 'FAULT iff a fault is active');
  if (prev.state === 'STOP') assert.deepEqual(actions, [], 'STOP is final');
}

const SEQUENCES = 300;
const STEPS = 150;

describe('property: random event sequences keep the invariants', () => {
  it(`${SEQUENCES} seeded sequences of ${STEPS} events`, () => {
    for (let seed = 1; seed <= SEQUENCES; seed++) {
      const r = new Random(mulberry32(seed));
      let s = createInstance(randomParams(r));
      const held = new Map<TimerKind, number>();
      let now = 0;
      const events: FsmEvent[] = [{ kind: 'startup' }];
      for (let i = 0; i < STEPS; i++) {
        const next = i === 0 ? { event: events[0] as FsmEvent, at: (n: number) => n } : randomEvent(r, s);
        now = next.at(now);
        const result = step(s, next.event, now);
        try {
          checkInstance(s, next.event, now, result.state, result.actions, held);
        } catch (e) {
          throw new Error(`seed ${seed}, step ${i}, ${JSON.stringify(next.event)} at ${now} from ${s.state}: ${(e as Error).message}`, { cause: e });
        }
        s = result.state;
      }
    }
  });

  it('an owner with state MASTER and nothing down is MASTER right after startup', () => {
    for (let seed = 1; seed <= 100; seed++) {
      const r = new Random(mulberry32(seed));
      const p = randomParams(r, { priority: 255, initialState: 'MASTER', trackers: [] });
      const { state, actions } = step(createInstance(p), { kind: 'startup' }, r.int(0, 1e6));
      assert.equal(state.state, 'MASTER', `seed ${seed}`);
      assert.deepEqual(actions.find((a) => a.type === 'send-advert'), { type: 'send-advert', priority: 255 });
    }
  });
});

describe('property: sync group members move together', () => {
  it('200 seeded sequences: all members MASTER or none, all in FAULT or none', () => {
    for (let seed = 1; seed <= 200; seed++) {
      const r = new Random(mulberry32(seed * 7919));
      const base = randomParams(r, { syncGroup: { name: 'G', trackingWeight: r.chance(0.5) }, trackers: [] });
      const names = ['VI_1', 'VI_2', 'VI_3'].slice(0, r.int(2, 3));
      let g: SyncGroupState = createSyncGroup(
        'G',
        names.map((name, i) => createInstance({ ...base, name, primaryAddress: `192.0.2.${i + 10}`, priority: r.pick([base.priority, 100]) })),
      );
      let now = 0;
      for (const name of names) g = stepGroup(g, name, { kind: 'startup' }, now).group;
      for (let i = 0; i < 120; i++) {
        const name = r.pick(names);
        const member = g.members.find((m) => m.params.name === name);
        assert.ok(member);
        const next = randomEvent(r, member);
        if (next.event.kind === 'shutdown') continue;
        now = next.at(now);
        g = stepGroup(g, name, next.event, now).group;
        const states = g.members.map((m) => m.state);
        const where = `seed ${seed * 7919}, step ${i}, ${name} ${JSON.stringify(next.event)}: ${states.join(' ')} group ${g.state}`;
        const count = (x: string) => states.filter((st) => st === x).length;
        assert.ok(count('MASTER') === 0 || count('MASTER') === states.length, where);
        assert.ok(count('FAULT') === 0 || count('FAULT') === states.length, where);
        assert.equal(g.state === 'FAULT', count('FAULT') > 0, where);
        if (g.state === 'MASTER') assert.equal(count('MASTER'), states.length, where);
      }
    }
  });
});
