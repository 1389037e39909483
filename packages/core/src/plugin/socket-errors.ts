/** Short, operator-facing words for the socket errors a check meets. */
const REASONS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset by the server',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ETIMEDOUT: 'connection timed out',
  EPIPE: 'connection closed by the server',
  EADDRNOTAVAIL: 'bindto address is not an address of this host',
  EADDRINUSE: 'bind_port is already in use',
};

/**
 * What went wrong with a connection, in a few words, for a CheckResult's detail: the
 * errno's meaning, or OpenSSL's short reason for TLS errors (their messages are dumps).
 */
export function describeSocketError(e: unknown): string {
  const err = e as { code?: unknown; message?: unknown; reason?: unknown };
  if (typeof err.code === 'string') {
    const known = REASONS[err.code];
    if (known) return known;
    if (err.code.startsWith('ERR_SSL') || err.code.startsWith('ERR_TLS')) {
      return `TLS error: ${typeof err.reason === 'string' ? err.reason : String(err.message ?? err.code).trim()}`;
    }
    return err.code;
  }
  return e instanceof Error ? e.message : String(e);
}
