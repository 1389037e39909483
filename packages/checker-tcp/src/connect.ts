import { Socket } from 'node:net';
import { describeSocketError, type CheckTarget } from '@vigil/core/plugin';

/** Why a connection could not be made, in words an operator can act on. */
export function formatEndpoint(address: string, port: number): string {
  return address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
}

export type ConnectOutcome = { ok: true } | { ok: false; detail: string };

/**
 * Opens a TCP connection to the target within its connect_timeout, from bindto/bind_port when
 * given, and closes it again. The socket is destroyed on every path, abort included.
 */
export function connectAndClose(target: CheckTarget, signal: AbortSignal): Promise<ConnectOutcome> {
  return new Promise<ConnectOutcome>((resolve) => {
    const where = formatEndpoint(target.address, target.port);
    if (signal.aborted) {
      resolve({ ok: false, detail: 'check aborted' });
      return;
    }
    const socket = new Socket();
    let settled = false;
    const finish = (outcome: ConnectOutcome): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      socket.removeAllListeners('connect');
      // Errors after the outcome (a late RST) must not become unhandled 'error' events.
      socket.on('error', () => {});
      socket.destroy();
      resolve(outcome);
    };
    const onAbort = (): void => finish({ ok: false, detail: 'check aborted' });
    const timeoutMs = Math.max(0, target.connectTimeout * 1000);
    const timer = setTimeout(() => finish({ ok: false, detail: `no connection to ${where} within ${target.connectTimeout}s (connect_timeout)` }), timeoutMs);
    signal.addEventListener('abort', onAbort, { once: true });
    socket.once('error', (e) => finish({ ok: false, detail: `${where}: ${describeSocketError(e)}` }));
    socket.once('connect', () => finish({ ok: true }));
    socket.connect({
      host: target.address,
      port: target.port,
      family: target.family,
      ...(target.bindAddress !== undefined ? { localAddress: target.bindAddress } : {}),
      ...(target.bindPort !== undefined ? { localPort: target.bindPort } : {}),
    });
  });
}
