import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createInstance } from '../../../src/vrrp/fsm/machine.js';
import { createSyncGroup, stepGroup, type GroupAction, type SyncGroupState } from '../../../src/vrrp/fsm/sync-group.js';
import type { FsmEvent, InstanceParams, VrrpState } from '../../../src/vrrp/fsm/types.js';
import { params } from './fixtures.js';

/*
 * vrrp_sync_group G { group { VI_1 VI_2 } } through Keepalived's rules (vrrp_sync.c): one member's
 * change brings the others along.
 */

function group(p: Partial<InstanceParams> = {}, trackingWeight = false): SyncGroupState {
  const member = (name: string, primaryAddress: string) => createInstance(params({ name, primaryAddress, syncGroup: { name: 'G', trackingWeight }, ...p }));
  return createSyncGroup('G', [member('VI_1', '192.0.2.1'), member('VI_2', '198.51.100.1')]);
}

class Run {
  actions: GroupAction[] = [];
  constructor(public group: SyncGroupState) {}

  send(instance: string, event: FsmEvent, now: number): this {
    const r = stepGroup(this.group, instance, event, now);
    this.group = r.group;
    this.actions = [...r.actions];
    return this;
  }

  /** Fires the member's armed timer at its deadline. */
  fire(instance: string, timer: 'master-down' | 'advert'): this {
    const at = this.member(instance).timers[timer];
    assert.ok(at !== undefined, `${instance} has no ${timer} timer`);
    return this.send(instance, { kind: 'timer', timer }, at);
  }

  member(instance: string) {
    const m = this.group.members.find((x) => x.params.name === instance);
    assert.ok(m);
    return m;
  }

  states(): Record<string, VrrpState> {
    return Object.fromEntries(this.group.members.map((m) => [m.params.name, m.state]));
  }

  groupNotifies(): string[] {
    return this.actions.flatMap((a) => (a.type === 'group-notify' ? [`${a.from}->${a.to}: ${a.reason}`] : []));
  }

  memberActions(instance: string): string[] {
    return this.actions.flatMap((a) => (a.type === 'member' && a.instance === instance ? [a.action.type === 'notify' ? `notify ${a.action.to}` : a.action.type] : []));
  }
}

function started(p: Partial<InstanceParams> = {}, trackingWeight = false): Run {
  return new Run(group(p, trackingWeight)).send('VI_1', { kind: 'startup' }, 0).send('VI_2', { kind: 'startup' }, 0);
}

function bothMaster(): Run {
  return started().fire('VI_1', 'master-down').fire('VI_2', 'master-down');
}

describe('sync groups (Keepalived vrrp_sync.c)', () => {
  it('the group is BACKUP once every member has started', () => {
    const run = new Run(group()).send('VI_1', { kind: 'startup' }, 0);
    assert.equal(run.group.state, 'INIT');
    run.send('VI_2', { kind: 'startup' }, 0);
    assert.deepEqual(run.states(), { VI_1: 'BACKUP', VI_2: 'BACKUP' });
    assert.deepEqual(run.groupNotifies(), ['INIT->BACKUP: startup']);
  });

  it('one member wanting MASTER is not enough: it stays BACKUP and its timer runs again', () => {
    const run = started().fire('VI_1', 'master-down');
    assert.deepEqual(run.states(), { VI_1: 'BACKUP', VI_2: 'BACKUP' });
    assert.equal(run.member('VI_1').wantState, 'MASTER');
    assert.equal(run.member('VI_1').timers['master-down'], 3609.375 * 2);
    assert.deepEqual(run.groupNotifies(), []);
  });

  it('when every member wants MASTER, all go MASTER together', () => {
    const run = bothMaster();
    assert.deepEqual(run.states(), { VI_1: 'MASTER', VI_2: 'MASTER' });
    assert.equal(run.group.state, 'MASTER');
    assert.deepEqual(run.groupNotifies(), ['BACKUP->MASTER: every member wants MASTER']);
    assert.deepEqual(run.memberActions('VI_1'), ['cancel-timer', 'send-advert', 'schedule-timer', 'add', 'send-garp', 'schedule-timer', 'notify MASTER']);
  });

  it('an advert for one member takes its wish for MASTER away', () => {
    const run = started()
      .fire('VI_1', 'master-down')
      .send('VI_1', { kind: 'advert', advert: { priority: 200, source: '192.0.2.9', advertInt: 100 } }, 4000)
      .fire('VI_2', 'master-down');
    assert.deepEqual(run.states(), { VI_1: 'BACKUP', VI_2: 'BACKUP' });
  });

  it('a member that leaves MASTER takes the others to BACKUP', () => {
    const run = bothMaster().send('VI_2', { kind: 'advert', advert: { priority: 200, source: '198.51.100.9', advertInt: 100 } }, 8000);
    assert.deepEqual(run.states(), { VI_1: 'BACKUP', VI_2: 'BACKUP' });
    assert.equal(run.group.state, 'BACKUP');
    assert.deepEqual(run.memberActions('VI_1'), ['remove', 'cancel-timer', 'cancel-timer', 'schedule-timer', 'notify BACKUP']);
    assert.deepEqual(run.groupNotifies(), ['MASTER->BACKUP: VI_2 left MASTER']);
  });

  it('a member in FAULT puts the group in FAULT; a MASTER member sends priority 0', () => {
    const run = bothMaster().send('VI_2', { kind: 'fault', source: 'interface', reason: 'interface eth1 down' }, 8000);
    assert.deepEqual(run.states(), { VI_1: 'FAULT', VI_2: 'FAULT' });
    assert.equal(run.group.state, 'FAULT');
    assert.deepEqual(run.groupNotifies(), ['MASTER->FAULT: VI_2: interface eth1 down']);
    const vi1 = run.actions.filter((a) => a.type === 'member' && a.instance === 'VI_1').map((a) => (a.type === 'member' ? a.action : undefined));
    assert.deepEqual(vi1[0], { type: 'send-advert', priority: 0 });
    assert.deepEqual(vi1.at(-1), { type: 'notify', from: 'MASTER', to: 'FAULT', priority: 100, reason: 'fault: sync group G: VI_2 is in FAULT' });
  });

  it('the group leaves FAULT only when no member has a fault of its own', () => {
    const run = started()
      .send('VI_1', { kind: 'fault', source: 'interface', reason: 'interface eth0 down' }, 1000)
      .send('VI_2', { kind: 'fault', source: 'interface', reason: 'interface eth1 down' }, 1000)
      .send('VI_1', { kind: 'fault-cleared', source: 'interface' }, 2000);
    assert.deepEqual(run.states(), { VI_1: 'FAULT', VI_2: 'FAULT' });
    run.send('VI_2', { kind: 'fault-cleared', source: 'interface' }, 3000);
    assert.deepEqual(run.states(), { VI_1: 'BACKUP', VI_2: 'BACKUP' });
    assert.equal(run.group.state, 'BACKUP');
    assert.deepEqual(run.groupNotifies(), ['FAULT->BACKUP: no member is in FAULT']);
  });

  it('a member in FAULT at startup starts the group in FAULT', () => {
    const run = new Run(group()).send('VI_1', { kind: 'fault', source: 'interface', reason: 'interface eth0 down' }, 0);
    run.send('VI_1', { kind: 'startup' }, 0).send('VI_2', { kind: 'startup' }, 0);
    assert.deepEqual(run.states(), { VI_1: 'FAULT', VI_2: 'FAULT' });
    assert.deepEqual(run.groupNotifies(), ['INIT->FAULT: VI_1: interface eth0 down']);
  });

  it('owners with state MASTER go MASTER together as soon as all have started', () => {
    const run = started({ priority: 255, initialState: 'MASTER' });
    assert.deepEqual(run.states(), { VI_1: 'MASTER', VI_2: 'MASTER' });
    assert.deepEqual(run.groupNotifies(), ['INIT->MASTER: every member wants MASTER']);
  });

  it('a lower-priority advert at one master has every master send its garp_lower_prio burst', () => {
    const run = bothMaster().send('VI_1', { kind: 'advert', advert: { priority: 50, source: '192.0.2.9', advertInt: 100 } }, 8000);
    assert.deepEqual(run.memberActions('VI_2'), ['send-garp', 'schedule-timer']);
    assert.deepEqual(run.states(), { VI_1: 'MASTER', VI_2: 'MASTER' });
  });

  it('weighted trackers fault members unless sync_group_tracking_weight is set', () => {
    const trackers = [{ kind: 'interface' as const, name: 'eth9', weight: -20, reverse: false }];
    const up: FsmEvent = { kind: 'tracker', key: 'interface eth9', reading: true };
    const down: FsmEvent = { kind: 'tracker', key: 'interface eth9', reading: false };
    const run = (trackingWeight: boolean) =>
      new Run(group({ trackers }, trackingWeight))
        .send('VI_1', up, 0)
        .send('VI_2', up, 0)
        .send('VI_1', { kind: 'startup' }, 0)
        .send('VI_2', { kind: 'startup' }, 0)
        .send('VI_1', down, 1000);
    assert.deepEqual(run(false).states(), { VI_1: 'FAULT', VI_2: 'FAULT' });
    const weighted = run(true);
    assert.deepEqual(weighted.states(), { VI_1: 'BACKUP', VI_2: 'BACKUP' });
    assert.equal(weighted.member('VI_1').effectivePriority, 80);
  });

  it('the group is STOP when every member has stopped', () => {
    const run = bothMaster().send('VI_1', { kind: 'shutdown' }, 9000);
    assert.deepEqual(run.states(), { VI_1: 'STOP', VI_2: 'MASTER' });
    run.send('VI_2', { kind: 'shutdown' }, 9000);
    assert.deepEqual(run.groupNotifies(), ['MASTER->STOP: shutdown']);
  });

  it('an event for an instance outside the group changes nothing', () => {
    const g = group();
    assert.deepEqual(stepGroup(g, 'VI_9', { kind: 'startup' }, 0), { group: g, actions: [] });
  });
});
