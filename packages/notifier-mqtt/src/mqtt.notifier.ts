import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { connect, type IClientOptions, type MqttClient } from 'mqtt';
import type { FieldValues, Logger, Notifier, PluginServices, VigilEvent } from '@vigil/core/plugin';
import { BoundedQueue } from './bounded-queue.js';
import type { MqttSchema } from './config.schema.js';
import { messagesFor, STATUS_OFFLINE, STATUS_ONLINE, statusTopic, topicSegment, type OutMessage } from './topics.js';

/** The block's values, resolved to what the notifier runs with. */
export interface MqttOptions {
  readonly broker: string;
  readonly clientId: string;
  readonly username?: string;
  readonly password?: string;
  readonly ca?: Buffer;
  readonly cert?: Buffer;
  readonly key?: Buffer;
  readonly prefix: string;
  readonly qos: 0 | 1 | 2;
  readonly retain: boolean;
  readonly maxBuffered: number;
  readonly keepaliveS: number;
  readonly connectTimeoutMs: number;
  readonly reconnectDelayMs: number;
  readonly reconnectMaxDelayMs: number;
  /** How long close() waits for the buffer to reach the broker. */
  readonly closeTimeoutMs: number;
  /** Messages handed to the client and not yet acknowledged (written, for QoS 0), at most. */
  readonly window: number;
}

export const DEFAULTS = {
  broker: 'mqtt://localhost:1883',
  qos: 1,
  retain: true,
  maxBuffered: 10_000,
  keepaliveS: 30,
  connectTimeoutS: 10,
  reconnectDelayS: 1,
  reconnectMaxDelayS: 30,
  closeTimeoutMs: 2000,
  window: 256,
} as const;

/** The most messages one pump turn hands to the client before yielding to the event loop. */
const PUMP_BATCH = 512;

function readPem(option: string, file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (e) {
    throw new Error(`notifier mqtt: ${option} ${file}: ${(e as Error).message}`, { cause: e });
  }
}

/** Fills the defaults and reads the PEM files. Throws, naming the option, when a file cannot be read. */
export function resolveOptions(config: FieldValues<MqttSchema> & Record<string, unknown>, defaultRouterId?: string): MqttOptions {
  const routerId = config.router_id ?? defaultRouterId ?? hostname();
  const reconnectDelayMs = (config.reconnect_delay ?? DEFAULTS.reconnectDelayS) * 1000;
  if ((config.cert_file === undefined) !== (config.key_file === undefined)) {
    throw new Error('notifier mqtt: cert_file and key_file go together; give both or neither');
  }
  return {
    broker: config.broker ?? DEFAULTS.broker,
    clientId: config.client_id ?? `vigil-${topicSegment(routerId)}-${randomBytes(3).toString('hex')}`,
    ...(config.username !== undefined ? { username: config.username } : {}),
    ...(config.password !== undefined ? { password: config.password } : {}),
    ...(config.ca_file !== undefined ? { ca: readPem('ca_file', config.ca_file) } : {}),
    ...(config.cert_file !== undefined ? { cert: readPem('cert_file', config.cert_file) } : {}),
    ...(config.key_file !== undefined ? { key: readPem('key_file', config.key_file) } : {}),
    prefix: config.topic_prefix ?? `vigil/${topicSegment(routerId)}`,
    qos: (config.qos ?? DEFAULTS.qos) as 0 | 1 | 2,
    retain: config.retain ?? DEFAULTS.retain,
    maxBuffered: config.max_buffered ?? DEFAULTS.maxBuffered,
    keepaliveS: config.keepalive ?? DEFAULTS.keepaliveS,
    connectTimeoutMs: (config.connect_timeout ?? DEFAULTS.connectTimeoutS) * 1000,
    reconnectDelayMs,
    reconnectMaxDelayMs: Math.max(reconnectDelayMs, (config.reconnect_max_delay ?? DEFAULTS.reconnectMaxDelayS) * 1000),
    closeTimeoutMs: DEFAULTS.closeTimeoutMs,
    window: DEFAULTS.window,
  };
}

/** Counters, for tests, `vigil status` and metrics. */
export interface MqttNotifierStats {
  readonly connected: boolean;
  /** Messages waiting in the buffer. */
  readonly buffered: number;
  /** Messages handed to the client and not yet acknowledged. */
  readonly inflight: number;
  /** Messages the broker acknowledged (QoS 1, 2) or that were written (QoS 0). */
  readonly sent: number;
  /** Messages dropped from a full buffer, oldest first, or left unsent at close. */
  readonly dropped: number;
  /** Messages whose acknowledgement was lost with a connection; the client resends QoS 1 and 2 ones. */
  readonly unconfirmed: number;
}

/**
 * Publishes vigil's events to an MQTT broker (topics in docs/mqtt.md).
 *
 * Concurrency: `handle()` only renders the event's messages and appends them to a bounded buffer;
 * it never waits and never throws. A pump, run from `setImmediate`, hands buffered messages to the
 * client while it is connected, at most `window` unacknowledged at a time, so a broker that stops
 * reading costs at most `max_buffered + window` messages of memory. When the buffer is full the
 * oldest message is dropped and counted, with one log line per burst. The client reconnects with
 * an exponential backoff from reconnect_delay to reconnect_max_delay; QoS 1/2 messages in flight
 * when a connection drops are resent by the client before the buffer resumes, so order is kept.
 */
export class MqttNotifier implements Notifier {
  private readonly client: MqttClient;
  private readonly log: Logger;
  private readonly queue: BoundedQueue<OutMessage>;
  private connected = false;
  private everConnected = false;
  private closing = false;
  private closed: Promise<void> | undefined;
  private inflight = 0;
  private sent = 0;
  private dropped = 0;
  private unconfirmed = 0;
  /** Drops since the buffer last had room; the first one of a burst is logged. */
  private burstDrops = 0;
  private droppedAtDisconnect = 0;
  private pumpScheduled = false;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private nextDelayMs: number;
  private errorLogged = false;
  private disconnectedAt = 0;
  private idleWaiters: (() => void)[] = [];

  constructor(
    readonly options: MqttOptions,
    services: PluginServices,
  ) {
    this.log = services.log;
    this.queue = new BoundedQueue(options.maxBuffered);
    this.nextDelayMs = options.reconnectDelayMs;
    const clientOptions: IClientOptions = {
      clientId: options.clientId,
      protocolVersion: 4,
      clean: true,
      keepalive: options.keepaliveS,
      connectTimeout: options.connectTimeoutMs,
      // Reconnection is ours (exponential backoff); the client's fixed period is switched off.
      reconnectPeriod: 0,
      resubscribe: false,
      queueQoSZero: false,
      rejectUnauthorized: true,
      will: { topic: statusTopic(options.prefix), payload: Buffer.from(STATUS_OFFLINE), qos: options.qos, retain: true },
      ...(options.username !== undefined ? { username: options.username } : {}),
      ...(options.password !== undefined ? { password: options.password } : {}),
      ...(options.ca ? { ca: options.ca } : {}),
      ...(options.cert ? { cert: options.cert } : {}),
      ...(options.key ? { key: options.key } : {}),
    };
    this.client = connect(options.broker, clientOptions);
    this.client.on('connect', () => this.onConnect());
    this.client.on('close', () => this.onClose());
    this.client.on('error', (err) => this.onError(err));
  }

  handle(event: VigilEvent): void {
    if (this.closing) return;
    try {
      for (const m of messagesFor(event, this.options.prefix, this.options.retain)) this.enqueue(m);
      this.schedulePump();
    } catch (err) {
      this.log.error({ err, event: (event as VigilEvent | null)?.type }, 'mqtt: could not queue an event');
    }
  }

  stats(): MqttNotifierStats {
    return {
      connected: this.connected,
      buffered: this.queue.length,
      inflight: this.inflight,
      sent: this.sent,
      dropped: this.dropped,
      unconfirmed: this.unconfirmed,
    };
  }

  close(): Promise<void> {
    this.closed ??= this.shutdown();
    return this.closed;
  }

  private enqueue(m: OutMessage): void {
    if (!this.queue.push(m)) return;
    this.dropped++;
    if (this.burstDrops++ === 0) {
      this.log.warn(
        { broker: this.options.broker, max_buffered: this.options.maxBuffered },
        `mqtt: buffer full (max_buffered ${this.options.maxBuffered}): dropping the oldest messages until the broker takes them again`,
      );
    }
  }

  private schedulePump(): void {
    if (this.pumpScheduled || !this.connected) return;
    this.pumpScheduled = true;
    setImmediate(() => {
      this.pumpScheduled = false;
      this.pump();
    });
  }

  private pump(): void {
    let n = 0;
    while (this.connected && this.inflight < this.options.window && this.queue.length > 0) {
      if (n++ === PUMP_BATCH) {
        this.schedulePump();
        return;
      }
      const m = this.queue.shift() as OutMessage;
      this.inflight++;
      this.client.publish(m.topic, m.payload, { qos: this.options.qos, retain: m.retain }, (err) => {
        this.inflight--;
        if (err) this.unconfirmed++;
        else this.sent++;
        if (this.queue.length > 0) this.schedulePump();
        else this.checkIdle();
      });
    }
    if (this.queue.length === 0) {
      this.burstDrops = 0;
      this.checkIdle();
    }
  }

  private checkIdle(): void {
    if (this.queue.length > 0 || this.inflight > 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }

  /** Resolves when everything buffered has been acknowledged, or after `ms`. */
  private waitIdle(ms: number): Promise<void> {
    if (this.queue.length === 0 && this.inflight === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.idleWaiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  private onConnect(): void {
    this.connected = true;
    this.nextDelayMs = this.options.reconnectDelayMs;
    this.errorLogged = false;
    const lost = this.dropped - this.droppedAtDisconnect;
    if (!this.everConnected) {
      this.log.info({ broker: this.options.broker, prefix: this.options.prefix }, 'mqtt: connected');
    } else {
      const seconds = Math.round((Date.now() - this.disconnectedAt) / 100) / 10;
      this.log.info(
        { broker: this.options.broker, offline_s: seconds, buffered: this.queue.length, dropped: lost },
        `mqtt: reconnected after ${seconds}s; sending ${this.queue.length} buffered messages` + (lost ? ` (${lost} dropped while offline)` : ''),
      );
    }
    this.everConnected = true;
    // The retained status first: a subscriber sees `online` before the buffered backlog.
    this.client.publish(statusTopic(this.options.prefix), STATUS_ONLINE, { qos: this.options.qos, retain: true });
    this.schedulePump();
  }

  private onClose(): void {
    if (this.connected) {
      this.connected = false;
      this.disconnectedAt = Date.now();
      this.droppedAtDisconnect = this.dropped;
      if (!this.closing) {
        this.log.warn({ broker: this.options.broker, max_buffered: this.options.maxBuffered }, 'mqtt: lost the connection to the broker; buffering messages');
      }
    }
    if (this.closing || this.reconnectTimer) return;
    const delay = this.nextDelayMs * (0.8 + 0.4 * Math.random());
    this.nextDelayMs = Math.min(this.nextDelayMs * 2, this.options.reconnectMaxDelayMs);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      if (!this.closing) this.client.reconnect();
    }, delay);
    this.reconnectTimer.unref();
  }

  private onError(err: Error): void {
    // One line per outage; the attempts after the first are at debug level.
    if (this.closing || this.errorLogged) {
      this.log.debug({ err: err.message, broker: this.options.broker }, 'mqtt: connection error');
      return;
    }
    this.errorLogged = true;
    this.log.error({ err: err.message, broker: this.options.broker }, `mqtt: ${err.message}; retrying with backoff up to ${this.options.reconnectMaxDelayMs / 1000}s`);
  }

  private async shutdown(): Promise<void> {
    this.closing = true;
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = undefined;
    const deadline = Date.now() + this.options.closeTimeoutMs;
    if (this.connected) {
      this.schedulePump();
      await this.waitIdle(this.options.closeTimeoutMs);
    }
    const left = this.queue.length + this.inflight;
    if (left > 0) {
      this.dropped += this.queue.clear();
      this.log.warn({ broker: this.options.broker, unsent: left }, `mqtt: closing with ${left} messages not acknowledged by the broker`);
    }
    const remaining = (): number => Math.max(0, deadline - Date.now());
    if (this.connected && remaining() > 0) {
      // A clean DISCONNECT does not fire the last will: say `offline` ourselves.
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, remaining());
        this.client.publish(statusTopic(this.options.prefix), STATUS_OFFLINE, { qos: this.options.qos, retain: true }, () => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    await new Promise<void>((resolve) => {
      if (!this.connected || remaining() === 0) {
        this.client.end(true, () => resolve());
        return;
      }
      // A broker that stopped reading never lets DISCONNECT through: cut the socket at the deadline.
      const timer = setTimeout(() => {
        this.client.stream.destroy();
        resolve();
      }, remaining());
      this.client.end(false, () => {
        clearTimeout(timer);
        resolve();
      });
    });
    this.connected = false;
  }
}
