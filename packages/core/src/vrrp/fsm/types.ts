import type { VrrpVersion } from '../packet/types.js';

/*
 * The data of the VRRP state machine: what an instance is configured with, what it knows, what can
 * happen to it and what it asks the I/O layer to do. Everything is plain, immutable data.
 */

/**
 * RFC 5798 §6.4 states, plus Keepalived's internal ones (keepalived/include/vrrp.h):
 * FAULT (not in the RFC) and STOP (notify-only in Keepalived; terminal here).
 */
export type VrrpState = 'INIT' | 'BACKUP' | 'MASTER' | 'FAULT' | 'STOP';

/** The state an instance would be in if its sync group did not hold it back (Keepalived's `wantstate`). */
export type WantedState = 'BACKUP' | 'MASTER';

/**
 * One timer of each kind at most, as an absolute monotonic deadline in ms.
 * - `master-down`: RFC 5798 Master_Down_Timer (BACKUP only).
 * - `advert`: RFC 5798 Adver_Timer (MASTER only).
 * - `garp-master-delay`: the second gratuitous ARP / NA burst after becoming MASTER.
 * - `garp-refresh`: periodic gratuitous ARP / NA while MASTER (garp_master_refresh).
 * - `garp-lower-prio`: the delayed burst after a lower-priority advert reached the MASTER.
 */
export const TIMER_KINDS = ['master-down', 'advert', 'garp-master-delay', 'garp-refresh', 'garp-lower-prio'] as const;
export type TimerKind = (typeof TIMER_KINDS)[number];

/** What moves with the MASTER state, in the order it is installed (and removed in reverse). */
export const VIRTUAL_RESOURCES = ['no-accept-filter', 'vips', 'evips', 'routes', 'rules'] as const;
export type VirtualResource = (typeof VIRTUAL_RESOURCES)[number];

/** Why gratuitous ARPs / unsolicited NAs are sent. */
export type GarpCause = 'become-master' | 'master-delay' | 'refresh' | 'lower-priority';

/** Kinds of tracked objects; all but `file` are up or down. */
export type TrackerKind = 'interface' | 'script' | 'process' | 'bfd' | 'file';

/** One track_interface / track_script / track_file / track_process / track_bfd line, resolved. */
export interface TrackerConfig {
  readonly kind: TrackerKind;
  readonly name: string;
  /** 0: the instance faults while the object is down (file: while its value is not 0). */
  readonly weight: number;
  /** Swap what counts as up and down (file: negate the value). */
  readonly reverse: boolean;
}

/** A tracker's latest result: up/succeeded for the binary kinds, the integer read for `file`. */
export type TrackerReading = boolean | number;

/** Gratuitous ARP / unsolicited NA settings, resolved from the instance and global keywords. */
export interface GarpParams {
  /** garp_master_delay: the second burst after becoming MASTER; 0 for none. */
  readonly masterDelayMs: number;
  /** garp_master_repeat: packets per VIP in each burst. */
  readonly masterRepeat: number;
  /** garp_master_refresh: period of refreshes while MASTER; 0 for none. */
  readonly masterRefreshMs: number;
  /** garp_master_refresh_repeat. */
  readonly masterRefreshRepeat: number;
  /** garp_lower_prio_delay: the second burst after a lower-priority advert; 0 for none. */
  readonly lowerPrioDelayMs: number;
  /** garp_lower_prio_repeat: 0 sends nothing on a lower-priority advert. */
  readonly lowerPrioRepeat: number;
}

/** A vrrp_instance as the state machine needs it: every default already applied. */
export interface InstanceParams {
  readonly name: string;
  readonly version: VrrpVersion;
  /** Configured priority, 1..255; 255 is the address owner (RFC 5798 §5.2.4). */
  readonly priority: number;
  /** advert_int in wire units: whole seconds in v2, centiseconds in v3. */
  readonly advertInt: number;
  /** `state`, or what Keepalived derives from the priority when it is not given. */
  readonly initialState: WantedState;
  /** The address adverts are sent from, compared with a sender's on a priority tie. */
  readonly primaryAddress: string;
  /** false with `nopreempt`; an owner preempts regardless (RFC 5798 §6.1 Preempt_Mode). */
  readonly preempt: boolean;
  /** preempt_delay; 0 for none. */
  readonly preemptDelayMs: number;
  /** Accept_Mode (RFC 5798 §6.1); an owner always accepts. */
  readonly accept: boolean;
  /** Adverts go to unicast peers, so no multicast group is joined. */
  readonly unicast: boolean;
  /** down_timer_adverts: the RFC's 3 in Master_Down_Interval. */
  readonly downTimerAdverts: number;
  /** lower_prio_no_advert: a MASTER does not answer a lower-priority advert. */
  readonly lowerPrioNoAdvert: boolean;
  /** higher_prio_send_advert: a MASTER sends one more advert before yielding. */
  readonly higherPrioSendAdvert: boolean;
  /** owner_ignore_adverts: an owner at 255 drops every advert. */
  readonly ownerIgnoresAdverts: boolean;
  readonly garp: GarpParams;
  /** The non-empty ones of virtual_ipaddress, virtual_ipaddress_excluded, virtual_routes, virtual_rules. */
  readonly resources: readonly Exclude<VirtualResource, 'no-accept-filter'>[];
  /** The instance's trackers followed by its sync group's. */
  readonly trackers: readonly TrackerConfig[];
  readonly syncGroup?: {
    readonly name: string;
    /** sync_group_tracking_weight: member trackers keep their weights. */
    readonly trackingWeight: boolean;
  };
}

/** Everything the machine knows about one instance. */
export interface InstanceState {
  readonly params: InstanceParams;
  readonly state: VrrpState;
  readonly wantState: WantedState;
  /** The configured priority moved by tracker weights; never changed for an owner. */
  readonly effectivePriority: number;
  /** RFC 5798 Master_Adver_Interval, wire units; learnt from the master in v3. */
  readonly masterAdvertInt: number;
  /** Armed timers and their deadlines (monotonic ms). */
  readonly timers: Readonly<Partial<Record<TimerKind, number>>>;
  /** preempt_delay: when a BACKUP stops accepting lower-priority adverts; unset until one arrives. */
  readonly preemptAt?: number;
  /** VIPs, eVIPs, routes and rules are in place. */
  readonly installed: boolean;
  /** Latest reading of each tracker, by trackerKey(). */
  readonly readings: Readonly<Record<string, TrackerReading>>;
  /** Faults that are not trackers' (interface down, no peers, sync group), by source, with their reason. */
  readonly faults: Readonly<Record<string, string>>;
  /** What to report if the master-down timer fires. */
  readonly nextMasterReason: string;
}

/** A received advert that the receive path has validated (RFC 5798 §7.1, Keepalived vrrp_check_packet). */
export interface ReceivedAdvert {
  readonly priority: number;
  /** Source address of the IP packet. */
  readonly source: string;
  /** Adver Int in wire units: seconds in v2, centiseconds in v3. */
  readonly advertInt: number;
}

/** Commands a sync group gives its members (Keepalived vrrp_sync.c). */
export type SyncCommand = 'master' | 'backup' | 'fault' | 'recover' | 'garp-lower-prio';

export type FsmEvent =
  | { readonly kind: 'startup' }
  | { readonly kind: 'shutdown' }
  | { readonly kind: 'timer'; readonly timer: TimerKind }
  | { readonly kind: 'advert'; readonly advert: ReceivedAdvert }
  /** A tracker's result changed; `key` is trackerKey() of one of params.trackers. */
  | { readonly kind: 'tracker'; readonly key: string; readonly reading: TrackerReading }
  /** A fault other than a tracker's, e.g. source 'interface', reason 'interface eth0 down'. */
  | { readonly kind: 'fault'; readonly source: string; readonly reason: string }
  | { readonly kind: 'fault-cleared'; readonly source: string }
  | { readonly kind: 'sync'; readonly command: SyncCommand; readonly group: string; readonly cause: string };

export type FsmAction =
  | { readonly type: 'send-advert'; readonly priority: number }
  | { readonly type: 'schedule-timer'; readonly timer: TimerKind; readonly at: number }
  | { readonly type: 'cancel-timer'; readonly timer: TimerKind }
  | { readonly type: 'add'; readonly resource: VirtualResource }
  | { readonly type: 'remove'; readonly resource: VirtualResource }
  | { readonly type: 'send-garp'; readonly repeat: number; readonly cause: GarpCause }
  | { readonly type: 'notify'; readonly from: VrrpState; readonly to: VrrpState; readonly priority: number; readonly reason: string }
  /** notify_master_rx_lower_pri and the FIFO's MASTER_RX_LOWER_PRI. */
  | { readonly type: 'notify-master-rx-lower-pri'; readonly source: string; readonly priority: number }
  | { readonly type: 'priority-changed'; readonly from: number; readonly to: number }
  | { readonly type: 'join-group' }
  | { readonly type: 'leave-group' }
  | { readonly type: 'warning'; readonly message: string };

export interface StepResult {
  readonly state: InstanceState;
  readonly actions: readonly FsmAction[];
}
