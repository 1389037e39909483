import type { DaemonLifecycleEvent, PoolChangeEvent, PoolQuorumEvent, VrrpStateEvent } from '@vigil/core/plugin';

const time = (): string => new Date().toISOString();

export const ev = {
  instance: (name: string, to: VrrpStateEvent['to'], from: VrrpStateEvent['from'] = 'BACKUP'): VrrpStateEvent => ({
    type: 'vrrp.state', time: time(), scope: 'instance', name, from, to, priority: 100, reason: 'test',
  }),
  group: (name: string, to: VrrpStateEvent['to'], from: VrrpStateEvent['from'] = 'BACKUP'): VrrpStateEvent => ({
    type: 'vrrp.state', time: time(), scope: 'group', name, from, to, priority: 0, reason: 'test',
  }),
  pool: (virtualServer: string, realServer: string, up: boolean, checker: string | null = 'TCP_CHECK', detail?: string): PoolChangeEvent => ({
    type: 'pool.change', time: time(), virtualServer, realServer, change: up ? 'added' : 'removed', up, weight: up ? 1 : 0,
    ...(checker ? { checker } : {}), ...(detail ? { detail } : {}),
  }),
  quorum: (virtualServer: string, up: boolean, alive: number, quorum: number): PoolQuorumEvent => ({ type: 'pool.quorum', time: time(), virtualServer, up, alive, quorum }),
  lifecycle: (phase: DaemonLifecycleEvent['phase']): DaemonLifecycleEvent => ({ type: 'daemon.lifecycle', time: time(), phase }),
};
