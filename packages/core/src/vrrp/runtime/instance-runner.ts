/*
 * One vrrp_instance at run time: packets in, the pure state machine (fsm/step) in the middle, its actions
 * carried out. The state machine is stepped synchronously; what its actions do to the world (adverts, VIPs,
 * gratuitous ARPs) goes through one ordered queue, so that a slow netlink answer never reorders two actions
 * nor blocks the next packet. Timers are absolute deadlines on the monotonic clock with a single setTimeout
 * for the nearest one. Nothing here throws at the event loop: failures are counted and logged.
 */
import type { VrrpPriorityEvent, VrrpStateEvent } from '../../kernel/events.js';
import { step, createInstance } from '../fsm/machine.js';
import type { FsmAction, FsmEvent, InstanceParams, InstanceState, TimerKind, VrrpState } from '../fsm/types.js';
import { passwordAuthData } from '../packet/auth-pass.js';
import { decodeIpv4 } from '../packet/decode-ipv4.js';
import { decodeVrrp } from '../packet/decode.js';
import { encodeVrrp } from '../packet/encode.js';
import type { DropReason, ReceiverConfig, VrrpPacket } from '../packet/types.js';
import type { InstanceSpec, VipSpec } from './params.js';

/** What the runner needs of the world; instance-io.ts opens the real one, tests give a fake. */
export interface InstanceIo {
  /** The group adverts go to. */
  readonly group: string;
  /** Sends a VRRP message (the kernel adds the IP header) to the group. */
  send(message: Buffer): Promise<void>;
  /** Adds a VIP; already there is fine. */
  addAddress(vip: VipSpec): Promise<void>;
  /** Removes a VIP; already gone is fine. */
  removeAddress(vip: VipSpec): Promise<void>;
  /** `repeat` rounds of gratuitous ARP / unsolicited NA for the addresses. */
  announce(addresses: readonly string[], repeat: number): Promise<void>;
  close(): void;
}

/** A packet as the transport received it (the fields of VrrpTransport's ReceivedPacket the runner reads). */
export interface RunnerPacket {
  readonly family: 4 | 6;
  readonly data: Buffer;
  readonly source: string;
  readonly destination: string | undefined;
  readonly ttl: number | undefined;
}

export interface RunnerLog {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export type RunnerEvent = VrrpStateEvent | VrrpPriorityEvent;

export interface InstanceRunnerOptions {
  readonly spec: InstanceSpec;
  readonly params: InstanceParams;
  readonly io: InstanceIo;
  readonly log: RunnerLog;
  readonly onEvent: (event: RunnerEvent) => void;
  /** Monotonic milliseconds; default process.hrtime. */
  readonly now?: () => number;
}

export interface RunnerStats {
  received: number;
  accepted: number;
  /** Packets of other virtual routers on the interface (another VRID): not ours, not an error. */
  otherVrid: number;
  dropped: Partial<Record<DropReason, number>>;
  sent: number;
  sendErrors: number;
  actionErrors: number;
}

const hrtimeMs = (): number => Number(process.hrtime.bigint()) / 1e6;

export class InstanceRunner {
  readonly stats: RunnerStats = { received: 0, accepted: 0, otherVrid: 0, dropped: {}, sent: 0, sendErrors: 0, actionErrors: 0 };
  private fsm: InstanceState;
  private readonly now: () => number;
  private readonly expect: ReceiverConfig;
  private timer: NodeJS.Timeout | undefined;
  private queue: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(private readonly opts: InstanceRunnerOptions) {
    this.fsm = createInstance(opts.params);
    this.now = opts.now ?? hrtimeMs;
    const { spec } = opts;
    this.expect = {
      version: spec.version,
      auth: spec.auth,
      ...(spec.version === 2 ? { advertInt: spec.advertInt } : {}),
      addresses: spec.vips.map((v) => v.address),
      mode: 'multicast',
    };
  }

  get name(): string {
    return this.opts.params.name;
  }

  get state(): VrrpState {
    return this.fsm.state;
  }

  get instance(): InstanceState {
    return this.fsm;
  }

  /** Clears VIPs a previous run may have left (a killed process), then starts the machine. */
  async start(): Promise<void> {
    for (const vip of [...this.opts.spec.vips, ...this.opts.spec.excludedVips]) {
      await this.opts.io.removeAddress(vip).catch((err: unknown) => this.opts.log.warn({ err, vip: vip.address }, 'could not clear a leftover VIP'));
    }
    this.handle({ kind: 'startup' });
  }

  /** RFC 5798 shutdown: a MASTER sends priority 0 and removes its VIPs; resolves when that is done. */
  async stop(): Promise<void> {
    if (this.closed) return;
    this.handle({ kind: 'shutdown' });
    this.closed = true;
    this.clearTimer();
    await this.queue;
    this.opts.io.close();
  }

  /** A packet from the transport: decoded, validated, and handed to the machine; never throws. */
  receive(packet: RunnerPacket): void {
    if (this.closed) return;
    this.stats.received++;
    let decoded: ReturnType<typeof decodeVrrp>;
    let source = packet.source;
    if (packet.family === 4) {
      const d = decodeIpv4(packet.data, { expect: this.expect });
      if (d.ok) source = d.ip.src;
      decoded = d.ok ? { ok: true, packet: d.packet } : d;
    } else {
      decoded = decodeVrrp(packet.data, { family: 6, src: packet.source, dst: packet.destination ?? this.opts.io.group, checksum: 'skip', expect: this.expect });
    }
    if (!decoded.ok) {
      // Another router's VRID on the same interface is dropped for its address count or addresses first;
      // peek at the VRID so that it is not counted as an error.
      const offset = packet.family === 4 ? ((packet.data[0] ?? 0) & 0x0f) * 4 : 0;
      if (packet.data.length > offset + 1 && packet.data[offset + 1] !== this.opts.spec.vrid) {
        this.stats.otherVrid++;
        return;
      }
      const n = (this.stats.dropped[decoded.reason] ?? 0) + 1;
      this.stats.dropped[decoded.reason] = n;
      // The first drop of each reason is worth a warning; the rest are counted.
      const log = n === 1 ? this.opts.log.warn.bind(this.opts.log) : this.opts.log.debug.bind(this.opts.log);
      log({ instance: this.name, from: packet.source, reason: decoded.reason, detail: decoded.detail, count: n }, 'advert dropped');
      return;
    }
    const p = decoded.packet;
    if (p.vrid !== this.opts.spec.vrid) {
      this.stats.otherVrid++;
      return;
    }
    this.stats.accepted++;
    const advertInt = p.version === 2 ? p.advertInt : p.maxAdvertInt;
    this.handle({ kind: 'advert', advert: { priority: p.priority, source, advertInt } });
  }

  /** Steps the machine and carries out its actions. */
  private handle(event: FsmEvent): void {
    if (this.closed) return;
    let result;
    try {
      result = step(this.fsm, event, this.now());
    } catch (err) {
      this.opts.log.error({ err, instance: this.name, event: event.kind }, 'the state machine failed on an event; ignoring it');
      return;
    }
    this.fsm = result.state;
    for (const action of result.actions) this.carryOut(action);
    this.armTimer();
  }

  private carryOut(action: FsmAction): void {
    const { log } = this.opts;
    switch (action.type) {
      case 'schedule-timer':
      case 'cancel-timer':
        // The deadlines live in the state (fsm.timers); armTimer follows them.
        return;
      case 'send-advert':
        this.enqueue(`send advert (priority ${action.priority})`, () => this.sendAdvert(action.priority));
        return;
      case 'add':
      case 'remove':
        this.resource(action.type, action.resource);
        return;
      case 'send-garp': {
        const addresses = [...this.opts.spec.vips, ...this.opts.spec.excludedVips].filter((v) => v.dev === this.opts.spec.ifname).map((v) => v.address);
        if (addresses.length > 0) this.enqueue(`gratuitous ARP (${action.cause})`, () => this.opts.io.announce(addresses, action.repeat));
        return;
      }
      case 'notify':
        log.info({ instance: this.name, from: action.from, to: action.to, priority: action.priority, reason: action.reason }, `${this.name}: ${action.from} -> ${action.to}`);
        this.emit({ type: 'vrrp.state', scope: 'instance', name: this.name, from: action.from, to: action.to, priority: action.priority, reason: action.reason, time: new Date().toISOString() });
        return;
      case 'priority-changed':
        this.emit({ type: 'vrrp.priority', name: this.name, from: action.from, to: action.to, reason: 'trackers', time: new Date().toISOString() });
        return;
      case 'notify-master-rx-lower-pri':
        log.info({ instance: this.name, source: action.source, priority: action.priority }, 'MASTER received a lower-priority advert');
        return;
      case 'join-group':
      case 'leave-group':
        // The transport joins the group when it opens and leaves it when it closes.
        return;
      case 'warning':
        log.warn({ instance: this.name }, action.message);
        return;
    }
  }

  private resource(kind: 'add' | 'remove', resource: string): void {
    const { spec, io } = this.opts;
    const vips = resource === 'vips' ? spec.vips : resource === 'evips' ? spec.excludedVips : undefined;
    if (!vips) return; // no-accept-filter, routes, rules: not carried out yet (params.ts reports them).
    for (const vip of kind === 'add' ? vips : [...vips].reverse()) {
      this.enqueue(`${kind} ${vip.address}/${vip.prefixLength} on ${vip.dev}`, () => (kind === 'add' ? io.addAddress(vip) : io.removeAddress(vip)));
    }
  }

  private emit(event: RunnerEvent): void {
    try {
      this.opts.onEvent(event);
    } catch (err) {
      this.opts.log.error({ err }, 'an event listener failed');
    }
  }

  private enqueue(what: string, work: () => Promise<void>): void {
    this.queue = this.queue.then(work).catch((err: unknown) => {
      this.stats.actionErrors++;
      this.opts.log.error({ err, instance: this.name }, `${this.name}: could not ${what}`);
    });
  }

  private advert(priority: number): VrrpPacket {
    const { spec } = this.opts;
    const addresses = spec.vips.map((v) => v.address);
    if (spec.version === 3) return { type: 1, version: 3, vrid: spec.vrid, priority, addresses, maxAdvertInt: spec.advertInt };
    const pass = spec.auth.type === 'pass';
    return {
      type: 1,
      version: 2,
      vrid: spec.vrid,
      priority,
      addresses,
      authType: pass ? 1 : 0,
      advertInt: spec.advertInt,
      authData: spec.family === 4 ? (pass && spec.auth.type === 'pass' ? passwordAuthData(spec.auth.password) : Buffer.alloc(8)) : null,
    };
  }

  private async sendAdvert(priority: number): Promise<void> {
    const { spec, params, io } = this.opts;
    const message = encodeVrrp(this.advert(priority), { family: spec.family, src: params.primaryAddress, dst: io.group });
    try {
      await io.send(message);
      this.stats.sent++;
    } catch (err) {
      this.stats.sendErrors++;
      throw err;
    }
  }

  // ---- timers ----------------------------------------------------------------------------------------

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** One setTimeout for the nearest deadline of the machine's timers. */
  private armTimer(): void {
    this.clearTimer();
    if (this.closed) return;
    let next: [TimerKind, number] | undefined;
    for (const [kind, at] of Object.entries(this.fsm.timers) as [TimerKind, number][]) {
      if (next === undefined || at < next[1]) next = [kind, at];
    }
    if (!next) return;
    const delay = Math.max(0, next[1] - this.now());
    this.timer = setTimeout(() => this.fire(), Math.ceil(delay));
  }

  /** Every timer whose deadline has passed fires, earliest first. */
  private fire(): void {
    this.timer = undefined;
    for (;;) {
      const now = this.now();
      const due = (Object.entries(this.fsm.timers) as [TimerKind, number][]).filter(([, at]) => at <= now).sort((a, b) => a[1] - b[1]);
      const first = due[0];
      if (!first || this.closed) break;
      const before = this.fsm;
      this.handle({ kind: 'timer', timer: first[0] });
      // A machine that ignores the event leaves the timer set: do not spin on it.
      if (this.fsm === before) break;
    }
    this.armTimer();
  }
}
