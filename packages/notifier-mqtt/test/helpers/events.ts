import type {
  CheckResultEvent,
  DaemonLifecycleEvent,
  PoolChangeEvent,
  PoolQuorumEvent,
  VigilEvent,
  VrrpPriorityEvent,
  VrrpStateEvent,
} from '@vigil/core/plugin';

const time = (): string => new Date().toISOString();

export const ev = {
  instance: (name: string, to: VrrpStateEvent['to'], from: VrrpStateEvent['from'] = 'BACKUP', priority = 100): VrrpStateEvent => ({
    type: 'vrrp.state',
    time: time(),
    scope: 'instance',
    name,
    from,
    to,
    priority,
    reason: to === 'MASTER' ? 'master down timer expired' : 'higher priority advert',
  }),
  group: (name: string, to: VrrpStateEvent['to'], from: VrrpStateEvent['from'] = 'BACKUP'): VrrpStateEvent => ({
    type: 'vrrp.state',
    time: time(),
    scope: 'group',
    name,
    from,
    to,
    priority: 0,
    reason: 'all members want ' + to,
  }),
  priority: (name: string, from: number, to: number): VrrpPriorityEvent => ({ type: 'vrrp.priority', time: time(), name, from, to, reason: 'track_script chk_web failed' }),
  check: (virtualServer: string, realServer: string, ok: boolean): CheckResultEvent => ({
    type: 'check.result',
    time: time(),
    virtualServer,
    realServer,
    checker: 'HTTP_GET',
    ok,
    detail: ok ? 'HTTP status 200' : 'HTTP status 503',
    latencyMs: 1.5,
  }),
  pool: (virtualServer: string, realServer: string, up: boolean, extra: Partial<PoolChangeEvent> = {}): PoolChangeEvent => ({
    type: 'pool.change',
    time: time(),
    virtualServer,
    realServer,
    change: up ? 'added' : 'removed',
    up,
    weight: up ? 1 : 0,
    checker: 'HTTP_GET',
    detail: up ? 'HTTP status 200' : 'HTTP status 503',
    ...extra,
  }),
  quorum: (virtualServer: string, up: boolean, alive: number, quorum: number): PoolQuorumEvent => ({ type: 'pool.quorum', time: time(), virtualServer, up, alive, quorum }),
  lifecycle: (phase: DaemonLifecycleEvent['phase']): DaemonLifecycleEvent => ({ type: 'daemon.lifecycle', time: time(), phase }),
};

/** One event of every type. */
export function oneOfEach(): VigilEvent[] {
  return [
    ev.lifecycle('started'),
    ev.instance('VI_1', 'MASTER'),
    ev.group('G_web', 'MASTER'),
    ev.priority('VI_1', 100, 90),
    ev.check('192.0.2.10:80', '198.51.100.11:80', true),
    ev.pool('192.0.2.10:80', '198.51.100.11:80', true),
    ev.pool('fwmark 1', '198.51.100.12:0', false, { detail: undefined, checker: undefined }),
    ev.quorum('192.0.2.10:80', true, 3, 2),
  ];
}
