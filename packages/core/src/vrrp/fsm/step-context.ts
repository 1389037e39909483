import type { FsmAction, InstanceState, StepResult, TimerKind } from './types.js';

type Patch = { -readonly [K in Exclude<keyof InstanceState, 'params' | 'timers'>]?: InstanceState[K] };

/**
 * The work of one step: the state as it evolves and the actions it produces. Timers only change
 * through schedule / cancel / fired, so the state's timer table and the actions always agree and a
 * kind is never armed twice.
 */
export class StepContext {
  private current: InstanceState;
  private readonly actions: FsmAction[] = [];
  /** The timers the I/O layer holds: those armed before the step, less any that just fired. */
  private readonly held: Set<TimerKind>;

  constructor(
    state: InstanceState,
    readonly now: number,
  ) {
    this.current = state;
    this.held = new Set(Object.keys(state.timers) as TimerKind[]);
  }

  get state(): InstanceState {
    return this.current;
  }

  get params(): InstanceState['params'] {
    return this.current.params;
  }

  update(patch: Patch): void {
    this.current = { ...this.current, ...patch };
  }

  emit(action: FsmAction): void {
    this.actions.push(action);
  }

  /** Arms a timer, replacing any deadline it had. */
  schedule(timer: TimerKind, at: number): void {
    this.current = { ...this.current, timers: { ...this.current.timers, [timer]: at } };
    this.replaceTimerAction(timer, { type: 'schedule-timer', timer, at });
  }

  cancel(timer: TimerKind): void {
    if (this.current.timers[timer] === undefined) return;
    this.forget(timer);
    this.replaceTimerAction(timer, this.held.has(timer) ? { type: 'cancel-timer', timer } : undefined);
  }

  /** A timer that has just fired: the I/O layer no longer holds it. */
  fired(timer: TimerKind): void {
    this.forget(timer);
    this.held.delete(timer);
  }

  result(): StepResult {
    return { state: this.current, actions: this.actions };
  }

  private forget(timer: TimerKind): void {
    const timers = { ...this.current.timers };
    delete timers[timer];
    this.current = { ...this.current, timers };
  }

  /**
   * One timer action per kind and step: a later schedule or cancel supersedes an earlier one, and
   * cancelling a timer armed in this same step needs no action at all.
   */
  private replaceTimerAction(timer: TimerKind, action: FsmAction | undefined): void {
    const i = this.actions.findIndex((a) => (a.type === 'schedule-timer' || a.type === 'cancel-timer') && a.timer === timer);
    if (i >= 0) this.actions.splice(i, 1);
    if (action) this.actions.push(action);
  }
}
