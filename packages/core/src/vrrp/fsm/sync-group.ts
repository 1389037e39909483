import { ownFaults, SYNC_GROUP_FAULT } from './health.js';
import { step } from './machine.js';
import type { FsmAction, FsmEvent, InstanceState, SyncCommand } from './types.js';

/*
 * A vrrp_sync_group as a pure function over its members (Keepalived vrrp_sync.c): an event goes to
 * one member, then the group brings the others into line with sync commands until it is settled.
 * - A member with a fault of its own puts the whole group in FAULT (and holds itself there too, so
 *   that the group leaves FAULT only when no member has a fault).
 * - A member that leaves MASTER takes every member to BACKUP.
 * - The group goes MASTER only when every member wants it, which prefers BACKUP to thrashing;
 *   members never go MASTER alone (see the master-down timer in machine.ts).
 * - A master receiving a lower-priority advert has every member send its garp_lower_prio burst.
 */

export type GroupState = 'INIT' | 'BACKUP' | 'MASTER' | 'FAULT' | 'STOP';

export interface SyncGroupState {
  readonly name: string;
  readonly state: GroupState;
  /** In configuration order. */
  readonly members: readonly InstanceState[];
}

/** notify_master / _backup / _fault / _stop of the group; scripts get priority 0 for groups. */
export interface GroupNotify {
  readonly type: 'group-notify';
  readonly group: string;
  readonly from: GroupState;
  readonly to: GroupState;
  readonly reason: string;
}

export interface MemberAction {
  readonly type: 'member';
  readonly instance: string;
  readonly action: FsmAction;
}

export type GroupAction = MemberAction | GroupNotify;

export interface GroupStepResult {
  readonly group: SyncGroupState;
  readonly actions: readonly GroupAction[];
}

export function createSyncGroup(name: string, members: readonly InstanceState[]): SyncGroupState {
  return { name, state: 'INIT', members };
}

/** Hands `event` to the member named `instance`, then settles the group. */
export function stepGroup(group: SyncGroupState, instance: string, event: FsmEvent, now: number): GroupStepResult {
  if (!group.members.some((m) => m.params.name === instance)) return { group, actions: [] };
  const run = new GroupRun(group, now);
  const actions = run.apply(instance, event);
  if (actions.some((a) => a.type === 'notify-master-rx-lower-pri')) {
    for (const m of run.members) if (m.params.name !== instance) run.command(m, 'garp-lower-prio', `${instance} received a lower priority advert`);
  }
  run.settle();
  return run.result();
}

class GroupRun {
  private state: GroupState;
  private readonly byName: Map<string, InstanceState>;
  private readonly actions: GroupAction[] = [];

  constructor(
    private readonly group: SyncGroupState,
    private readonly now: number,
  ) {
    this.state = group.state;
    this.byName = new Map(group.members.map((m) => [m.params.name, m]));
  }

  get members(): InstanceState[] {
    return [...this.byName.values()];
  }

  apply(instance: string, event: FsmEvent): readonly FsmAction[] {
    const member = this.byName.get(instance);
    if (!member) return [];
    const r = step(member, event, this.now);
    this.byName.set(instance, r.state);
    for (const action of r.actions) this.actions.push({ type: 'member', instance, action });
    return r.actions;
  }

  command(member: InstanceState, command: SyncCommand, cause: string): void {
    this.apply(member.params.name, { kind: 'sync', command, group: this.group.name, cause });
  }

  /** Applies the group's rules until nothing changes; each round moves every member at most once. */
  settle(): void {
    for (let round = 0; round <= this.byName.size + 2; round++) if (!this.settleOnce()) return;
  }

  result(): GroupStepResult {
    return { group: { ...this.group, state: this.state, members: this.members }, actions: this.actions };
  }

  private setState(to: GroupState, reason: string): void {
    if (to === this.state) return;
    this.actions.push({ type: 'group-notify', group: this.group.name, from: this.state, to, reason });
    this.state = to;
  }

  /** One round of the rules; true if a member was commanded. */
  private settleOnce(): boolean {
    const members = this.members;
    if (members.some((m) => m.state === 'STOP')) {
      if (members.every((m) => m.state === 'STOP')) this.setState('STOP', 'shutdown');
      return false;
    }
    // Until every member has started, there is nothing to agree on.
    if (members.some((m) => m.state === 'INIT')) return false;

    const faulty = members.find((m) => ownFaults(m).length > 0);
    if (faulty) {
      this.setState('FAULT', `${faulty.params.name}: ${ownFaults(faulty)[0]?.[1]}`);
      const free = members.filter((m) => m.faults[SYNC_GROUP_FAULT] === undefined);
      for (const m of free) this.command(m, 'fault', `${faulty.params.name} is in FAULT`);
      return free.length > 0;
    }
    const held = members.filter((m) => m.faults[SYNC_GROUP_FAULT] !== undefined);
    if (held.length > 0) {
      for (const m of held) this.command(m, 'recover', 'no member is in FAULT');
      return true;
    }

    const backups = members.filter((m) => m.state === 'BACKUP');
    const masters = members.filter((m) => m.state === 'MASTER');
    if (this.state === 'MASTER' && backups.length > 0) {
      const cause = `${backups.map((m) => m.params.name).join(', ')} left MASTER`;
      for (const m of masters) this.command(m, 'backup', cause);
      this.setState('BACKUP', cause);
      return masters.length > 0;
    }
    if (backups.length > 0 && members.every((m) => m.wantState === 'MASTER')) {
      for (const m of backups) this.command(m, 'master', 'every member wants MASTER');
      this.setState('MASTER', 'every member wants MASTER');
      return true;
    }
    this.setState(masters.length === members.length ? 'MASTER' : 'BACKUP', this.state === 'FAULT' ? 'no member is in FAULT' : 'startup');
    return false;
  }
}
