/*
 * Numeric comparison of the primary addresses of two routers: RFC 5798 §6.4.3 breaks a priority tie
 * by "the primary IPvX address of the sender is greater than the local primary IPvX address", which
 * Keepalived compares as network-order bytes (inet_sockaddrcmp).
 */

function ipv4Bytes(text: string): number[] | undefined {
  const parts = text.split('.');
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255)) return undefined;
  return parts.map(Number);
}

function ipv6Bytes(text: string): number[] | undefined {
  const bare = text.split('%')[0] ?? '';
  const halves = bare.split('::');
  if (halves.length > 2) return undefined;
  const groups = (half: string | undefined): number[] | undefined => {
    if (!half) return [];
    const out: number[] = [];
    for (const g of half.split(':')) {
      // A dotted IPv4 tail (::ffff:192.0.2.1) is two groups.
      const v4 = g.includes('.') ? ipv4Bytes(g) : undefined;
      if (v4) out.push(((v4[0] ?? 0) << 8) | (v4[1] ?? 0), ((v4[2] ?? 0) << 8) | (v4[3] ?? 0));
      else if (/^[0-9a-f]{1,4}$/i.test(g)) out.push(parseInt(g, 16));
      else return undefined;
    }
    return out;
  };
  const head = groups(halves[0]);
  const tail = groups(halves[1]);
  if (!head || !tail) return undefined;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const all = [...head, ...Array<number>(missing).fill(0), ...tail];
  return all.flatMap((g) => [g >> 8, g & 0xff]);
}

/** The address as bytes in network order, or undefined if it is neither IPv4 nor IPv6. */
function addressBytes(text: string): number[] | undefined {
  return text.includes(':') ? ipv6Bytes(text) : ipv4Bytes(text);
}

/**
 * -1, 0 or 1 as `a` is numerically below, equal to or above `b`. IPv4 sorts before IPv6 (an
 * instance only ever compares addresses of its own family); text that is not an address compares
 * equal, so it can never win a tie.
 */
export function compareAddresses(a: string, b: string): -1 | 0 | 1 {
  const x = addressBytes(a);
  const y = addressBytes(b);
  if (!x || !y) return 0;
  if (x.length !== y.length) return x.length < y.length ? -1 : 1;
  for (let i = 0; i < x.length; i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return 0;
}
