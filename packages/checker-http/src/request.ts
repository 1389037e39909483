import { createHash, type Hash } from 'node:crypto';
import { Socket } from 'node:net';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import { describeSocketError, type CheckTarget } from '@vigil/core/plugin';

/**
 * One GET over a socket of its own, the way Keepalived's HTTP_GET does it: the request is
 * written as Keepalived writes it (so `http_protocol 1.0` really sends HTTP/1.0), the response
 * is read raw, and the digest is the MD5 of the bytes after the header (Content-Length of them
 * when the server gives one), exactly what genhash computes. Chunked bodies are hashed as
 * sent, framing included, as Keepalived does.
 *
 * connect_timeout bounds the connection, the TLS handshake, and every wait for data.
 */

export interface GetRequest {
  readonly target: CheckTarget;
  readonly tls: boolean;
  /** TLS Server Name Indication; none when undefined. */
  readonly servername?: string;
  /** The request, headers and blank line included. */
  readonly text: string;
  readonly digest: boolean;
  /** Keep the body (for a regex), up to this many bytes. */
  readonly keepBody: number;
}

export interface GetResponse {
  readonly status: number;
  readonly contentLength?: number;
  /** Lower-case hex, when asked for. */
  readonly md5?: string;
  readonly body: Buffer;
  readonly bodyBytes: number;
  /** The header as received, status line to blank line included (genhash -v shows it). */
  readonly rawHeader: Buffer;
}

export type GetOutcome = { ok: true; response: GetResponse } | { ok: false; detail: string };

/** Largest response header accepted before giving up on finding its end. */
const MAX_HEADER = 64 * 1024;

function headerEnd(buf: Buffer): { end: number; bodyStart: number } | undefined {
  const crlf = buf.indexOf('\r\n\r\n');
  const lf = buf.indexOf('\n\n');
  if (crlf >= 0 && (lf < 0 || crlf < lf)) return { end: crlf, bodyStart: crlf + 4 };
  if (lf >= 0) return { end: lf, bodyStart: lf + 2 };
  return undefined;
}

export function get(req: GetRequest, signal: AbortSignal): Promise<GetOutcome> {
  const { target } = req;
  const timeoutMs = Math.max(0, target.connectTimeout * 1000);
  return new Promise<GetOutcome>((resolve) => {
    if (signal.aborted) {
      resolve({ ok: false, detail: 'check aborted' });
      return;
    }
    const raw = new Socket();
    let stream: Socket | TLSSocket = raw;
    let settled = false;
    let phase: 'connect' | 'handshake' | 'response' = 'connect';
    let timer: NodeJS.Timeout | undefined;

    let head: Buffer = Buffer.alloc(0);
    let header: { status: number; contentLength?: number } | undefined;
    let rawHeader: Buffer = Buffer.alloc(0);
    let md5: Hash | undefined = req.digest ? createHash('md5') : undefined;
    const kept: Buffer[] = [];
    let keptBytes = 0;
    let bodyBytes = 0;

    const finish = (outcome: GetOutcome): void => {
      if (settled) return;
      settled = true;
      if (timer) clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      for (const s of new Set([raw, stream])) {
        s.removeAllListeners('data');
        s.on('error', () => {});
        s.destroy();
      }
      resolve(outcome);
    };
    const fail = (detail: string): void => finish({ ok: false, detail });
    const onAbort = (): void => fail('check aborted');
    // One timer, re-armed whenever the server makes progress: Keepalived's connect_timeout
    // applies to the connection and to each read.
    const arm = (): void => {
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => {
        const what = phase === 'connect' ? 'no connection' : phase === 'handshake' ? 'no TLS handshake' : header ? 'the body stalled' : 'no response';
        fail(`${what} within ${target.connectTimeout}s (connect_timeout)`);
      }, timeoutMs);
    };

    const complete = (): void => {
      if (settled) return;
      if (!header) {
        fail(head.length === 0 ? 'no data received (connection closed without a response)' : 'malformed response: no end of HTTP header');
        return;
      }
      finish({
        ok: true,
        response: {
          status: header.status,
          ...(header.contentLength !== undefined ? { contentLength: header.contentLength } : {}),
          ...(md5 ? { md5: md5.digest('hex') } : {}),
          body: Buffer.concat(kept),
          bodyBytes,
          rawHeader,
        },
      });
      md5 = undefined;
    };

    const onBody = (chunk: Buffer): void => {
      if (!header) return;
      const room = header.contentLength === undefined ? chunk.length : Math.max(0, header.contentLength - bodyBytes);
      const part = chunk.length > room ? chunk.subarray(0, room) : chunk;
      bodyBytes += part.length;
      md5?.update(part);
      if (keptBytes < req.keepBody) {
        const k = part.subarray(0, req.keepBody - keptBytes);
        kept.push(k);
        keptBytes += k.length;
      }
      if (header.contentLength !== undefined && bodyBytes >= header.contentLength) complete();
    };

    const onData = (chunk: Buffer): void => {
      arm();
      if (header) {
        onBody(chunk);
        return;
      }
      head = head.length === 0 ? chunk : Buffer.concat([head, chunk]);
      const end = headerEnd(head);
      if (!end) {
        if (head.length > MAX_HEADER) fail(`malformed response: no end of HTTP header in ${MAX_HEADER} bytes`);
        return;
      }
      const text = head.subarray(0, end.end).toString('latin1');
      const status = /^HTTP\/\d+(?:\.\d+)?[ \t]+(\d{3})(?:[ \t]|\r?$)/.exec(text);
      if (!status) {
        fail(`malformed response: '${text.split(/\r?\n/, 1)[0]?.slice(0, 80) ?? ''}' is not an HTTP status line`);
        return;
      }
      const cl = /^content-length[ \t]*:[ \t]*(\d+)[ \t]*$/im.exec(text);
      header = { status: Number(status[1]), ...(cl ? { contentLength: Number(cl[1]) } : {}) };
      rawHeader = Buffer.from(head.subarray(0, end.bodyStart));
      const rest = head.subarray(end.bodyStart);
      head = Buffer.alloc(0);
      if (header.contentLength === 0) complete();
      else if (rest.length > 0) onBody(rest);
    };

    const startRequest = (): void => {
      phase = 'response';
      arm();
      stream.on('data', onData);
      stream.once('end', complete);
      stream.write(req.text);
    };

    signal.addEventListener('abort', onAbort, { once: true });
    raw.once('error', (e) => fail(describeSocketError(e)));
    raw.once('connect', () => {
      if (!req.tls) {
        startRequest();
        return;
      }
      phase = 'handshake';
      arm();
      // Like Keepalived without an SSL block: no certificate verification.
      const t = tlsConnect({
        socket: raw,
        rejectUnauthorized: false,
        ...(req.servername !== undefined ? { servername: req.servername } : {}),
      });
      stream = t;
      t.once('error', (e) => fail(describeSocketError(e)));
      t.once('secureConnect', startRequest);
    });
    arm();
    raw.connect({
      host: target.address,
      port: target.port,
      family: target.family,
      ...(target.bindAddress !== undefined ? { localAddress: target.bindAddress } : {}),
      ...(target.bindPort !== undefined ? { localPort: target.bindPort } : {}),
    });
  });
}
