import type { VigilEvent } from '@vigil/core/plugin';

/**
 * One topic level built from a name (an instance, a virtual or real server). MQTT forbids `+` and
 * `#` in a published topic, and `/` would split the level, so:
 *
 *   whitespace        -> `_`          `fwmark 1` -> `fwmark_1`, `group web` -> `group_web`
 *   `/` `+` `#` `%`   -> `%2F` `%2B` `%23` `%25`
 *   control characters, U+0000..U+001F and U+007F -> `%XX`
 *   the empty name    -> `_`
 *
 * Everything else stays as it is: `192.0.2.10:80`, `[2001:db8::10]:443`, `VI_1`. The mapping is
 * reversible except for whitespace, which Keepalived names contain only in `fwmark N` and `group NAME`;
 * the payloads carry the names unescaped.
 */
export function topicSegment(name: string): string {
  if (name === '') return '_';
  let out = '';
  for (const ch of name) {
    const code = ch.codePointAt(0) ?? 0;
    if (/\s/u.test(ch)) out += '_';
    else if (ch === '/' || ch === '+' || ch === '#' || ch === '%' || code < 0x20 || code === 0x7f) {
      out += '%' + code.toString(16).toUpperCase().padStart(2, '0');
    } else out += ch;
  }
  return out;
}

/** Why a topic_prefix cannot be used, or undefined when it can. */
export function prefixProblem(prefix: string): string | undefined {
  if (prefix === '') return 'is empty';
  if (/[+#]/.test(prefix)) return "contains '+' or '#', which MQTT allows only in subscriptions";
  if (prefix.includes('\u0000')) return 'contains a NUL character';
  if (prefix.startsWith('$')) return "starts with '$', which brokers reserve for their own topics";
  return undefined;
}

/** A message for the broker: one topic, one payload. */
export interface OutMessage {
  readonly topic: string;
  readonly payload: string;
  readonly retain: boolean;
}

/** `<prefix>/vrrp/<instance>/state` (and `vrrp_group/<group>/state`): retained. */
export interface VrrpStatePayload {
  readonly instance?: string;
  readonly group?: string;
  readonly state: string;
  readonly previous: string;
  readonly priority: number;
  readonly reason: string;
  readonly time: string;
}

/** `<prefix>/pool/<virtual server>/<real server>/state`: retained. */
export interface RealServerStatePayload {
  readonly virtualServer: string;
  readonly realServer: string;
  readonly up: boolean;
  readonly weight: number;
  readonly change: 'added' | 'removed' | 'weight';
  readonly checker: string | null;
  readonly detail: string | null;
  readonly time: string;
}

/** `<prefix>/pool/<virtual server>/quorum`: retained. */
export interface QuorumPayload {
  readonly virtualServer: string;
  readonly up: boolean;
  readonly alive: number;
  readonly quorum: number;
  readonly time: string;
}

export const STATUS_ONLINE = 'online';
export const STATUS_OFFLINE = 'offline';

export function statusTopic(prefix: string): string {
  return `${prefix}/status`;
}

export function eventsTopic(prefix: string): string {
  return `${prefix}/events`;
}

/**
 * The messages one event becomes: its state topic (retained when `retainState`), if it has one,
 * then the event itself on `<prefix>/events` (never retained).
 */
export function messagesFor(e: VigilEvent, prefix: string, retainState: boolean): OutMessage[] {
  const out: OutMessage[] = [];
  const state = (topic: string, payload: object): void => {
    out.push({ topic: `${prefix}/${topic}`, payload: JSON.stringify(payload), retain: retainState });
  };
  switch (e.type) {
    case 'vrrp.state': {
      const body = { state: e.to, previous: e.from, priority: e.priority, reason: e.reason, time: e.time };
      if (e.scope === 'group') state(`vrrp_group/${topicSegment(e.name)}/state`, { group: e.name, ...body } satisfies VrrpStatePayload);
      else state(`vrrp/${topicSegment(e.name)}/state`, { instance: e.name, ...body } satisfies VrrpStatePayload);
      break;
    }
    case 'pool.change':
      state(`pool/${topicSegment(e.virtualServer)}/${topicSegment(e.realServer)}/state`, {
        virtualServer: e.virtualServer,
        realServer: e.realServer,
        up: e.up,
        weight: e.weight,
        change: e.change,
        checker: e.checker ?? null,
        detail: e.detail ?? null,
        time: e.time,
      } satisfies RealServerStatePayload);
      break;
    case 'pool.quorum':
      state(`pool/${topicSegment(e.virtualServer)}/quorum`, {
        virtualServer: e.virtualServer,
        up: e.up,
        alive: e.alive,
        quorum: e.quorum,
        time: e.time,
      } satisfies QuorumPayload);
      break;
    default:
      break;
  }
  out.push({ topic: eventsTopic(prefix), payload: JSON.stringify(e), retain: false });
  return out;
}
