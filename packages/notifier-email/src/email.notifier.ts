import { readFileSync } from 'node:fs';
import { hostname, userInfo } from 'node:os';
import { createTransport } from 'nodemailer';
import type { FieldValues, Logger, Notifier, PluginServices, VigilEvent } from '@vigil/core/plugin';
import { AlertRenderer, type Alert } from './alerts.js';
import type { EmailSchema, SmtpServer } from './config.schema.js';

/** The block's values, resolved to what the notifier runs with. */
export interface EmailOptions {
  readonly server: SmtpServer;
  readonly heloName: string;
  readonly timeoutMs: number;
  readonly from: string;
  readonly to: readonly string[];
  readonly starttls: 'on' | 'off' | 'required';
  readonly tlsVerify: boolean;
  readonly ca?: Buffer;
  readonly username?: string;
  readonly password?: string;
  readonly routerId: string;
  readonly queueSize: number;
  readonly retries: number;
  readonly retryDelayMs: number;
  readonly retryMaxDelayMs: number;
  readonly vrrp: boolean;
  readonly checker: boolean;
  readonly noFaults: boolean;
  /** How long close() lets queued alerts go out before it gives up on them. */
  readonly closeTimeoutMs: number;
}

export const DEFAULTS = {
  connectTimeoutS: 30,
  queueSize: 100,
  retries: 3,
  retryDelayS: 10,
  retryMaxDelayS: 300,
  closeTimeoutMs: 5000,
} as const;

function defaultFrom(): string {
  let user = 'root';
  try {
    user = userInfo().username;
  } catch {
    // no passwd entry: keep root
  }
  return `${user}@${hostname()}`;
}

function readCa(file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (e) {
    throw new Error(`notifier email: ca_file ${file}: ${(e as Error).message}`, { cause: e });
  }
}

/** Fills the defaults. Throws, naming the keyword, when a required one is missing. */
export function resolveOptions(config: FieldValues<EmailSchema> & Record<string, unknown>, defaultRouterId?: string): EmailOptions {
  if (!config.smtp_server) throw new Error("notifier email: 'smtp_server' is required");
  const to = (config.to ?? []).flat();
  if (to.length === 0) throw new Error("notifier email: 'to' is required (one or more recipients)");
  if ((config.username === undefined) !== (config.password === undefined)) {
    throw new Error('notifier email: username and password go together; give both or neither');
  }
  const retryDelayMs = (config.retry_delay ?? DEFAULTS.retryDelayS) * 1000;
  return {
    server: config.smtp_server,
    heloName: config.smtp_helo_name ?? hostname(),
    timeoutMs: (config.smtp_connect_timeout ?? DEFAULTS.connectTimeoutS) * 1000,
    from: config.from ?? defaultFrom(),
    to,
    starttls: config.starttls ?? 'on',
    tlsVerify: config.tls_verify ?? true,
    ...(config.ca_file !== undefined ? { ca: readCa(config.ca_file) } : {}),
    ...(config.username !== undefined ? { username: config.username } : {}),
    ...(config.password !== undefined ? { password: config.password } : {}),
    routerId: config.router_id ?? defaultRouterId ?? hostname(),
    queueSize: config.queue_size ?? DEFAULTS.queueSize,
    retries: config.retries ?? DEFAULTS.retries,
    retryDelayMs,
    retryMaxDelayMs: Math.max(retryDelayMs, DEFAULTS.retryMaxDelayS * 1000),
    vrrp: config.smtp_alert_vrrp ?? true,
    checker: config.smtp_alert_checker ?? true,
    noFaults: config.no_email_faults ?? false,
    closeTimeoutMs: DEFAULTS.closeTimeoutMs,
  };
}

export interface EmailNotifierStats {
  /** Alerts waiting, the one being sent included. */
  readonly queued: number;
  readonly sent: number;
  /** Attempts that failed and were tried again. */
  readonly retried: number;
  /** Alerts given up: after the last retry, pushed out of a full queue, or left at close. */
  readonly dropped: number;
}

interface Job {
  readonly alert: Alert;
  attempts: number;
}

/**
 * Sends Keepalived's e-mail alerts (subjects and bodies in alerts.ts) through an SMTP server.
 *
 * Concurrency: `handle()` renders the alert and appends it to a queue of at most `queue_size`;
 * it never waits and never throws. One worker sends the queue in order, one alert at a time.
 * An alert the server does not take is tried again `retries` times, after `retry_delay`, then
 * twice that, ... (at most 300 s); then it is dropped with exactly one warning. Retries are
 * logged at debug level only. A full queue drops its oldest waiting alert, with one warning per
 * burst.
 */
export class EmailNotifier implements Notifier {
  private readonly log: Logger;
  private readonly renderer: AlertRenderer;
  private readonly transport: ReturnType<typeof createTransport>;
  private readonly pending: Job[] = [];
  private current: Job | undefined;
  private working = false;
  private scheduled = false;
  private stopped = false;
  private closing = false;
  private closed: Promise<void> | undefined;
  private sent = 0;
  private retried = 0;
  private dropped = 0;
  private burstDrops = 0;
  private wake: (() => void) | undefined;
  /** Aborts the delivery in progress when close() gives up on it. */
  private readonly abort = new AbortController();
  private idleWaiters: (() => void)[] = [];

  constructor(
    readonly options: EmailOptions,
    services: PluginServices,
  ) {
    this.log = services.log;
    this.renderer = new AlertRenderer({ routerId: options.routerId, vrrp: options.vrrp, checker: options.checker, noFaults: options.noFaults });
    this.transport = createTransport({
      pool: true,
      maxConnections: 1,
      host: options.server.host,
      port: options.server.port,
      secure: false,
      name: options.heloName,
      ignoreTLS: options.starttls === 'off',
      requireTLS: options.starttls === 'required',
      connectionTimeout: options.timeoutMs,
      greetingTimeout: options.timeoutMs,
      socketTimeout: options.timeoutMs,
      tls: { rejectUnauthorized: options.tlsVerify, ...(options.ca ? { ca: options.ca } : {}) },
      ...(options.username !== undefined && options.password !== undefined ? { auth: { user: options.username, pass: options.password } } : {}),
    });
    // A pooled transport reports a connection that fails while idle here; send errors come back per message.
    this.transport.on('error', (err: Error) => this.log.debug({ err: err.message }, 'smtp: connection error'));
  }

  handle(event: VigilEvent): void {
    if (this.closing) return;
    try {
      const alert = this.renderer.render(event);
      if (!alert) return;
      this.pending.push({ alert, attempts: 0 });
      if (this.pending.length > this.options.queueSize) {
        const old = this.pending.shift();
        this.dropped++;
        if (this.burstDrops++ === 0) {
          this.log.warn(
            { queue_size: this.options.queueSize, subject: old?.alert.subject },
            `smtp: alert queue full (queue_size ${this.options.queueSize}): dropping the oldest alerts until the server takes them again`,
          );
        }
      }
      if (!this.working && !this.scheduled) {
        this.scheduled = true;
        setImmediate(() => {
          this.scheduled = false;
          void this.work();
        });
      }
    } catch (err) {
      this.log.error({ err, event: (event as VigilEvent | null)?.type }, 'smtp: could not queue an alert');
    }
  }

  stats(): EmailNotifierStats {
    return { queued: this.pending.length + (this.current ? 1 : 0), sent: this.sent, retried: this.retried, dropped: this.dropped };
  }

  close(): Promise<void> {
    this.closed ??= this.shutdown();
    return this.closed;
  }

  private async work(): Promise<void> {
    if (this.working) return;
    this.working = true;
    try {
      while (!this.stopped) {
        const job = this.pending.shift();
        if (!job) break;
        this.current = job;
        await this.deliver(job);
        this.current = undefined;
        if (this.pending.length === 0) this.burstDrops = 0;
      }
    } finally {
      this.current = undefined;
      this.working = false;
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const w of waiters) w();
    }
  }

  private async deliver(job: Job): Promise<void> {
    const { alert } = job;
    for (;;) {
      job.attempts++;
      try {
        await this.transport.sendMail({
          from: this.options.from,
          to: this.options.to.join(', '),
          subject: alert.subject,
          // Keepalived sends the body line and CRLF, nothing else.
          text: `${alert.body}\r\n`,
          date: new Date(alert.time),
          headers: { 'X-Mailer': 'Keepalived' },
          signal: this.abort.signal,
        });
        this.sent++;
        this.log.info({ subject: alert.subject, server: `${this.options.server.host}:${this.options.server.port}` }, 'SMTP alert successfully sent.');
        return;
      } catch (err) {
        const reason = err instanceof Error ? err.message : String(err);
        if (this.stopped) return;
        if (job.attempts > this.options.retries) {
          this.dropped++;
          this.log.warn(
            { subject: alert.subject, attempts: job.attempts, err: reason, server: `${this.options.server.host}:${this.options.server.port}` },
            `smtp: alert dropped after ${job.attempts} attempts: ${reason}`,
          );
          return;
        }
        this.retried++;
        const delay = Math.min(this.options.retryDelayMs * 2 ** (job.attempts - 1), this.options.retryMaxDelayMs);
        this.log.debug({ subject: alert.subject, attempt: job.attempts, retry_in_ms: delay, err: reason }, 'smtp: sending failed; will retry');
        await this.sleep(delay);
        if (this.stopped) return;
      }
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.wake = () => {
        this.wake = undefined;
        done();
      };
    });
  }

  private async shutdown(): Promise<void> {
    this.closing = true;
    if (this.working || this.pending.length > 0) {
      if (!this.working) void this.work();
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.options.closeTimeoutMs);
        this.idleWaiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    this.stopped = true;
    this.wake?.();
    const left = this.pending.length + (this.current ? 1 : 0);
    if (left > 0) {
      this.dropped += left;
      this.pending.length = 0;
      this.log.warn({ unsent: left }, `smtp: closing with ${left} alert${left > 1 ? 's' : ''} not sent`);
    }
    this.abort.abort();
    // `force`: also the connection of a delivery in progress (a server that stalls it).
    this.transport.close({ force: true });
  }
}
