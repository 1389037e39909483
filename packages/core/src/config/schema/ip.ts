import { isIPv4, isIPv6 } from 'node:net';

export type IpFamily = 4 | 6;

export interface IpAddress {
  readonly family: IpFamily;
  /** Canonical text form. */
  readonly address: string;
}

export interface IpPrefix extends IpAddress {
  /** Prefix length; a bare address has the full length (32 or 128). */
  readonly prefixLength: number;
  /** The prefix length was written explicitly. */
  readonly explicitPrefix: boolean;
}

export function parseIpAddress(text: string): IpAddress | undefined {
  if (isIPv4(text)) return { family: 4, address: text };
  // Zone ids (fe80::1%eth0) are not accepted in addresses of keepalived.conf.
  if (isIPv6(text) && !text.includes('%')) return { family: 6, address: text.toLowerCase() };
  return undefined;
}

export function parseIpPrefix(text: string): IpPrefix | undefined {
  const slash = text.indexOf('/');
  const addrText = slash < 0 ? text : text.slice(0, slash);
  const ip = parseIpAddress(addrText);
  if (!ip) return undefined;
  const max = ip.family === 4 ? 32 : 128;
  if (slash < 0) return { ...ip, prefixLength: max, explicitPrefix: false };
  const lenText = text.slice(slash + 1);
  if (!/^\d{1,3}$/.test(lenText)) return undefined;
  const len = Number(lenText);
  if (len > max) return undefined;
  return { ...ip, prefixLength: len, explicitPrefix: true };
}

export function formatPrefix(p: IpPrefix): string {
  return p.explicitPrefix ? `${p.address}/${p.prefixLength}` : p.address;
}

/** An IPv4 address as a 32-bit number, for ranges and comparisons. */
export function ipv4ToInt(a: string): number {
  return a.split('.').reduce((n, o) => n * 256 + Number(o), 0);
}

export function intToIpv4(n: number): string {
  return [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');
}

/** An IPv6 address as a 128-bit number, for ranges and comparisons. */
export function ipv6ToBigInt(a: string): bigint {
  const [head = '', tail] = a.split('::');
  const h = head ? head.split(':') : [];
  const t = tail !== undefined && tail !== '' ? tail.split(':') : [];
  const groups = tail === undefined ? h : [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
  // Embedded IPv4 (::ffff:192.0.2.1) takes two groups.
  const expanded = groups.flatMap((g) => (g.includes('.') ? [(ipv4ToInt(g) >>> 16).toString(16), (ipv4ToInt(g) & 0xffff).toString(16)] : [g]));
  return expanded.reduce((n, g) => (n << 16n) | BigInt(parseInt(g || '0', 16)), 0n);
}

export function bigIntToIpv6(n: bigint): string {
  const groups: string[] = [];
  for (let i = 7; i >= 0; i--) groups.push(((n >> BigInt(i * 16)) & 0xffffn).toString(16));
  // The URL parser writes IPv6 addresses in their canonical (RFC 5952) form.
  return new URL(`http://[${groups.join(':')}]`).hostname.slice(1, -1);
}
