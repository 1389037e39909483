/**
 * The events every plugin can subscribe to. They are a public interface: MQTT topics,
 * notify scripts and e-mail alerts are all rendered from them, so fields are only ever added.
 */
export type VrrpState = 'INIT' | 'BACKUP' | 'MASTER' | 'FAULT' | 'STOP' | 'DELETED';

interface EventBase {
  /** ISO 8601 wall-clock time of the event. */
  readonly time: string;
}

/** An instance or a sync group changed state. */
export interface VrrpStateEvent extends EventBase {
  readonly type: 'vrrp.state';
  readonly scope: 'instance' | 'group';
  readonly name: string;
  readonly from: VrrpState;
  readonly to: VrrpState;
  readonly priority: number;
  /** Why, in a few words: "master down timer expired", "higher priority advert", "interface eth0 down", ... */
  readonly reason: string;
}

/** An instance's effective priority changed (trackers). */
export interface VrrpPriorityEvent extends EventBase {
  readonly type: 'vrrp.priority';
  readonly name: string;
  readonly from: number;
  readonly to: number;
  readonly reason: string;
}

/** One health check finished. */
export interface CheckResultEvent extends EventBase {
  readonly type: 'check.result';
  /** `192.0.2.10:80`, `fwmark 1` or `group NAME`, as written in the config. */
  readonly virtualServer: string;
  /** `IP:PORT` of the real server. */
  readonly realServer: string;
  /** The checker keyword, e.g. HTTP_GET. */
  readonly checker: string;
  readonly ok: boolean;
  readonly detail: string;
  readonly latencyMs: number;
}

/** A real server entered or left a pool, or its weight changed. */
export interface PoolChangeEvent extends EventBase {
  readonly type: 'pool.change';
  readonly virtualServer: string;
  readonly realServer: string;
  readonly change: 'added' | 'removed' | 'weight';
  readonly up: boolean;
  readonly weight: number;
  readonly checker?: string;
  readonly detail?: string;
}

/** A virtual server gained or lost quorum. */
export interface PoolQuorumEvent extends EventBase {
  readonly type: 'pool.quorum';
  readonly virtualServer: string;
  readonly up: boolean;
  /** Sum of the weights of the live real servers. */
  readonly alive: number;
  readonly quorum: number;
}

export type LifecyclePhase = 'starting' | 'started' | 'reloading' | 'reloaded' | 'reload-failed' | 'stopping' | 'stopped';

/** The daemon started, reloaded or stopped. */
export interface DaemonLifecycleEvent extends EventBase {
  readonly type: 'daemon.lifecycle';
  readonly phase: LifecyclePhase;
  readonly detail?: string;
}

export type VigilEvent =
  | VrrpStateEvent
  | VrrpPriorityEvent
  | CheckResultEvent
  | PoolChangeEvent
  | PoolQuorumEvent
  | DaemonLifecycleEvent;

export type VigilEventType = VigilEvent['type'];

export type EventOfType<T extends VigilEventType> = Extract<VigilEvent, { type: T }>;

export const EVENT_TYPES: readonly VigilEventType[] = [
  'vrrp.state',
  'vrrp.priority',
  'check.result',
  'pool.change',
  'pool.quorum',
  'daemon.lifecycle',
];
