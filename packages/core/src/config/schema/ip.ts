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
