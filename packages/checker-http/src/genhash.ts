/**
 * What `vigil genhash` needs: one GET exactly as HTTP_GET / SSL_GET make it, with the MD5 of
 * the body computed the same way (`import { genhash } from '@vigil/checker-http/genhash'`).
 * The digest printed is therefore the one the checker compares against `digest`.
 */
import { isIP } from 'node:net';
import { requestText } from './check.js';
import { get, type GetResponse } from './request.js';
import type { HttpProtocol } from './schema.js';

export interface GenhashOptions {
  readonly address: string;
  readonly port: number;
  readonly path: string;
  readonly tls: boolean;
  readonly virtualhost?: string;
  /** The TLS SNI name, when one is sent. */
  readonly sni?: string;
  readonly protocol: HttpProtocol;
  /** Seconds, as connect_timeout. */
  readonly timeout: number;
  readonly bindAddress?: string;
}

export type GenhashOutcome = { ok: true; response: GetResponse; request: string; elapsedMs: number } | { ok: false; detail: string };

export async function genhash(o: GenhashOptions, signal: AbortSignal = new AbortController().signal): Promise<GenhashOutcome> {
  const family = isIP(o.address) === 6 ? 6 : 4;
  const host = o.virtualhost ?? (family === 6 ? `[${o.address}]:${o.port}` : `${o.address}:${o.port}`);
  const request = requestText(o.path, o.protocol, host);
  const t0 = performance.now();
  const outcome = await get(
    {
      target: { family, address: o.address, port: o.port, connectTimeout: o.timeout, ...(o.bindAddress ? { bindAddress: o.bindAddress } : {}) },
      tls: o.tls,
      ...(o.tls && o.sni !== undefined ? { servername: o.sni } : {}),
      text: request,
      digest: true,
      keepBody: 64 * 1024 * 1024,
    },
    signal,
  );
  if (!outcome.ok) return outcome;
  return { ok: true, response: outcome.response, request, elapsedMs: performance.now() - t0 };
}

export type { HttpProtocol };
