import { isIP } from 'node:net';

/**
 * Keepalived's names for virtual and real servers in its alerts (check_data.c `format_vs` /
 * `format_rs`, utils.c `inet_sockaddrtotrio`):
 *
 *   virtual server by address   [192.0.2.10]:tcp:80
 *   virtual server by fwmark    FWM 1
 *   virtual server by group     [NAME]:0        (the group's virtual server has no address of its own)
 *   real server                 [198.51.100.11]:tcp:80, with the protocol of its virtual server,
 *                               `none` for a fwmark one
 *
 * vigil's events name them as the config does (`192.0.2.10:80`, `fwmark 1`, `group NAME`, `IP:PORT`);
 * the protocol is not in the events, so it is `tcp`, Keepalived's usual one, unless the event
 * carries a `protocol` field.
 */
export type Protocol = 'tcp' | 'udp' | 'sctp';

interface Endpoint {
  readonly ip: string;
  readonly port: string;
}

/** `IP:PORT`, `[IPv6]:PORT` or `IP PORT`; undefined when it is none of these. */
export function parseEndpoint(text: string): Endpoint | undefined {
  const t = text.trim();
  const bracket = /^\[([^\]]+)\](?::|\s+)(\d+)$/.exec(t);
  if (bracket?.[1] && bracket[2]) return { ip: bracket[1], port: bracket[2] };
  const spaced = /^(\S+)\s+(\d+)$/.exec(t);
  if (spaced?.[1] && spaced[2] && isIP(spaced[1])) return { ip: spaced[1], port: spaced[2] };
  const colon = /^(.+):(\d+)$/.exec(t);
  if (colon?.[1] && colon[2] && isIP(colon[1])) return { ip: colon[1], port: colon[2] };
  if (isIP(t)) return { ip: t, port: '0' };
  return undefined;
}

export function isFwmark(vs: string): boolean {
  return /^fwmark\s+\d+$/i.test(vs.trim());
}

/** FMT_VS */
export function formatVirtualServer(vs: string, protocol: Protocol = 'tcp'): string {
  const t = vs.trim();
  const fwm = /^fwmark\s+(\d+)$/i.exec(t);
  if (fwm) return `FWM ${fwm[1]}`;
  const group = /^group\s+(\S+)$/i.exec(t);
  if (group) return `[${group[1]}]:0`;
  const ep = parseEndpoint(t);
  return ep ? `[${ep.ip}]:${protocol}:${ep.port}` : t;
}

/** FMT_RS: the real server with its virtual server's protocol. */
export function formatRealServer(rs: string, vs: string, protocol: Protocol = 'tcp'): string {
  const ep = parseEndpoint(rs);
  if (!ep) return rs;
  return `[${ep.ip}]:${isFwmark(vs) ? 'none' : protocol}:${ep.port}`;
}
