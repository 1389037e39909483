import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createInstance, step } from '../../../src/vrrp/fsm/machine.js';
import type { FsmEvent, InstanceParams, InstanceState, TimerKind, VrrpState } from '../../../src/vrrp/fsm/types.js';
import { params } from './fixtures.js';

/*
 * Routers on one simulated LAN: their adverts reach each other at once, and their timers fire at
 * their deadlines. The times asserted are the RFC formulas' results.
 */

interface Router {
  state: InstanceState;
  alive: boolean;
}

class Lan {
  readonly routers = new Map<string, Router>();
  readonly changes: string[] = [];
  now = 0;

  add(p: Partial<InstanceParams>): this {
    const name = p.name ?? `R${this.routers.size + 1}`;
    this.routers.set(name, { state: createInstance(params({ ...p, name })), alive: true });
    return this;
  }

  send(name: string, event: FsmEvent): void {
    const router = this.routers.get(name);
    assert.ok(router);
    if (!router.alive) return;
    const r = step(router.state, event, this.now);
    router.state = r.state;
    for (const a of r.actions) {
      if (a.type === 'notify') this.changes.push(`${this.now} ${name} ${a.from}->${a.to}`);
      if (a.type !== 'send-advert') continue;
      const advert = { priority: a.priority, source: router.state.params.primaryAddress, advertInt: router.state.params.advertInt };
      for (const other of this.routers.keys()) if (other !== name) this.send(other, { kind: 'advert', advert });
    }
  }

  /** Runs every timer due up to `until`, earliest first. */
  runUntil(until: number): this {
    for (;;) {
      let next: [string, TimerKind, number] | undefined;
      for (const [name, r] of this.routers) {
        if (!r.alive) continue;
        for (const [timer, at] of Object.entries(r.state.timers) as [TimerKind, number][]) if (at <= until && (!next || at < next[2])) next = [name, timer, at];
      }
      if (!next) break;
      this.now = next[2];
      this.send(next[0], { kind: 'timer', timer: next[1] });
    }
    this.now = until;
    return this;
  }

  startAll(): this {
    for (const name of this.routers.keys()) this.send(name, { kind: 'startup' });
    return this;
  }

  /** The router stops without a word: a crash or a cut cable. */
  crash(name: string): void {
    const r = this.routers.get(name);
    assert.ok(r);
    r.alive = false;
  }

  state(name: string): VrrpState | undefined {
    return this.routers.get(name)?.state.state;
  }
}

describe('scenarios: routers on one LAN', () => {
  it('the higher priority wins the first election after its Master_Down_Interval (3 s + 218.75 ms)', () => {
    const lan = new Lan().add({ name: 'A', priority: 200, primaryAddress: '192.0.2.1' }).add({ name: 'B', priority: 100, primaryAddress: '192.0.2.2' }).startAll().runUntil(20000);
    assert.deepEqual(lan.changes, ['0 A INIT->BACKUP', '0 B INIT->BACKUP', '3218.75 A BACKUP->MASTER']);
  });

  it('a master that shuts down sends priority 0: the backup takes over one Skew_Time later', () => {
    const lan = new Lan().add({ name: 'A', priority: 200, primaryAddress: '192.0.2.1' }).add({ name: 'B', priority: 100, primaryAddress: '192.0.2.2' }).startAll().runUntil(10000);
    lan.send('A', { kind: 'shutdown' });
    lan.runUntil(20000);
    assert.deepEqual(lan.changes.slice(3), ['10000 A MASTER->STOP', '10609.375 B BACKUP->MASTER']);
  });

  it('a master that dies: the backup takes over Master_Down_Interval after its last advert', () => {
    const lan = new Lan().add({ name: 'A', priority: 200, primaryAddress: '192.0.2.1' }).add({ name: 'B', priority: 100, primaryAddress: '192.0.2.2' }).startAll().runUntil(10000);
    lan.crash('A');
    lan.runUntil(20000);
    // A's adverts: 3218.75, 4218.75, ... 9218.75; 9218.75 + 3609.375 = 12828.125.
    assert.deepEqual(lan.changes.slice(3), ['12828.125 B BACKUP->MASTER']);
  });

  it('at 10 ms adverts the backup takes over 36.093 ms after the last advert', () => {
    const lan = new Lan().add({ name: 'A', priority: 200, primaryAddress: '192.0.2.1', advertInt: 1 }).add({ name: 'B', priority: 100, primaryAddress: '192.0.2.2', advertInt: 1 }).startAll().runUntil(100);
    lan.crash('A');
    lan.runUntil(300);
    const last = lan.changes.at(-1) ?? '';
    const [at] = last.split(' ');
    // A became master at 32.187 ms (30 ms + skew(200) 2.187 ms) and advertised every 10 ms: last at 92.187.
    assert.equal(last.endsWith('B BACKUP->MASTER'), true);
    assert.equal(Math.round((Number(at) - 92.187) * 1000), 36_093);
  });

  it('a returning higher-priority router preempts; with nopreempt it does not', () => {
    for (const preempt of [true, false]) {
      const lan = new Lan().add({ name: 'A', priority: 200, primaryAddress: '192.0.2.1', preempt }).add({ name: 'B', priority: 100, primaryAddress: '192.0.2.2' });
      lan.send('B', { kind: 'startup' });
      lan.runUntil(10000);
      lan.send('A', { kind: 'startup' });
      lan.runUntil(20000);
      assert.equal(lan.state('A'), preempt ? 'MASTER' : 'BACKUP', `preempt ${preempt}`);
      assert.equal(lan.state('B'), preempt ? 'BACKUP' : 'MASTER', `preempt ${preempt}`);
    }
  });

  it('preempt_delay: a higher-priority backup waits 30 s from the first lower-priority advert', () => {
    const lan = new Lan().add({ name: 'B', priority: 100, primaryAddress: '192.0.2.2' });
    lan.send('B', { kind: 'startup' });
    lan.runUntil(10000);
    lan.add({ name: 'A', priority: 200, primaryAddress: '192.0.2.1', preemptDelayMs: 30000 });
    lan.send('A', { kind: 'startup' });
    lan.runUntil(60000);
    // B became master at 3609.375 and advertises every second from 4609.375. A first hears it at
    // 10609.375, so the delay ends at 40609.375: the last advert A accepts is at 39609.375, and A takes
    // over one Master_Down_Interval (priority 200: 3218.75 ms) later. Its advert goes out before it
    // claims the addresses, so B has let go of them first.
    assert.deepEqual(lan.changes, ['0 B INIT->BACKUP', '3609.375 B BACKUP->MASTER', '10000 A INIT->BACKUP', '42828.125 B MASTER->BACKUP', '42828.125 A BACKUP->MASTER']);
  });
});
