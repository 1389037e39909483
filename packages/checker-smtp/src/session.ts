import { Socket } from 'node:net';
import { describeSocketError, type CheckTarget } from '@vigil/core/plugin';

/**
 * A TCP conversation of request and reply lines, each wait bounded by connect_timeout and the
 * whole of it by the abort signal. Every failure is a message, never a throw; the socket is
 * destroyed by `close`, which the caller always reaches.
 */

/** One SMTP reply: its code and its (last) text line. */
export interface Reply {
  readonly code: number;
  readonly text: string;
}

export class CheckAborted extends Error {}

/** A failure of the conversation, with the words to report. */
export class SessionError extends Error {}

/** Longest reply accepted (SMTP lines are at most 512 bytes; a few of them). */
const MAX_REPLY = 64 * 1024;

export class LineSession {
  private readonly socket = new Socket();
  private buffer = '';
  private ended = false;
  private error: string | undefined;
  private wake: (() => void) | undefined;

  private constructor(
    private readonly target: CheckTarget,
    private readonly signal: AbortSignal,
  ) {
    this.socket.setEncoding('latin1');
    this.socket.on('data', (d: string) => {
      this.buffer += d;
      this.poke();
    });
    this.socket.on('end', () => {
      this.ended = true;
      this.poke();
    });
    this.socket.on('error', (e) => {
      this.error ??= describeSocketError(e);
      this.poke();
    });
    this.socket.on('close', () => {
      this.ended = true;
      this.poke();
    });
  }

  private poke(): void {
    const w = this.wake;
    this.wake = undefined;
    w?.();
  }

  /** Waits for `ready` to hold, for connect_timeout at most, or the abort. */
  private async waitFor<T>(ready: () => T | undefined, what: string): Promise<T> {
    const timeoutMs = Math.max(0, this.target.connectTimeout * 1000);
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      if (this.signal.aborted) throw new CheckAborted('check aborted');
      const v = ready();
      if (v !== undefined) return v;
      if (this.error) throw new SessionError(this.error);
      if (this.ended) throw new SessionError(`connection closed by the server while waiting for ${what}`);
      const left = deadline - performance.now();
      if (left <= 0) throw new SessionError(`no ${what} within ${this.target.connectTimeout}s (connect_timeout)`);
      const signal = this.signal;
      await new Promise<void>((resolve) => {
        const done = (): void => {
          clearTimeout(timer);
          signal.removeEventListener('abort', done);
          resolve();
        };
        const timer = setTimeout(done, left);
        signal.addEventListener('abort', done, { once: true });
        this.wake = done;
      });
    }
  }

  static async open(target: CheckTarget, signal: AbortSignal): Promise<LineSession> {
    const s = new LineSession(target, signal);
    let connected = false;
    s.socket.once('connect', () => {
      connected = true;
      s.poke();
    });
    s.socket.connect({
      host: target.address,
      port: target.port,
      family: target.family,
      ...(target.bindAddress !== undefined ? { localAddress: target.bindAddress } : {}),
      ...(target.bindPort !== undefined ? { localPort: target.bindPort } : {}),
    });
    try {
      await s.waitFor(() => (connected ? true : undefined), 'connection');
    } catch (e) {
      s.close();
      throw e;
    }
    return s;
  }

  /**
   * Reads one reply, multi-line ones (`250-...` lines then `250 ...`) included. A line that
   * does not start with three digits is a malformed reply.
   */
  async reply(what: string): Promise<Reply> {
    return this.waitFor(() => {
      let start = 0;
      for (;;) {
        const nl = this.buffer.indexOf('\n', start);
        if (nl < 0) {
          if (this.buffer.length > MAX_REPLY) throw new SessionError(`${what} is longer than ${MAX_REPLY} bytes`);
          return undefined;
        }
        const line = this.buffer.slice(start, nl).replace(/\r$/, '');
        start = nl + 1;
        const m = /^(\d{3})([ -]?)(.*)$/.exec(line);
        if (!m) throw new SessionError(`malformed ${what}: '${line.slice(0, 80)}'`);
        if (m[2] === '-') continue;
        this.buffer = this.buffer.slice(start);
        return { code: Number(m[1]), text: line };
      }
    }, what);
  }

  send(line: string): void {
    if (!this.socket.destroyed) this.socket.write(line);
  }

  close(): void {
    this.socket.destroy();
  }
}
