// Policy rules (RTM_NEWRULE / RTM_DELRULE): a virtual_rules line as a spec, its netlink message, and the kernel's
// report as plain info. Defaults follow ip-rule(8); a removal leaves unset fields as wildcards, as `ip rule del`.
// Pure: no socket.
import type { rt } from 'netlink';
import { addressText, familyCode, familyOf, parsePrefix, u32, type Family } from './netlink-attr.js';
import { enumNumber, ROUTE_PROTOCOLS, TABLE_MAIN, type RouteProtocol } from './netlink-route.js';

export const RULE_ACTIONS = {
  table: 'toTbl',
  goto: 'goto',
  nop: 'nop',
  blackhole: 'blackhole',
  unreachable: 'unreachable',
  prohibit: 'prohibit',
} as const satisfies Record<string, keyof typeof rt.RuleAction>;
export type RuleAction = keyof typeof RULE_ACTIONS;

export type PortRange = number | { readonly start: number; readonly end: number };

/** A policy rule to add or remove: one virtual_rules / static_rules line. */
export interface RuleSpec {
  /** Default: the family of `from` / `to`, else 4. */
  readonly family?: Family;
  readonly from?: string;
  readonly to?: string;
  readonly iif?: string;
  readonly oif?: string;
  readonly fwmark?: number;
  readonly fwmask?: number;
  readonly tos?: number;
  /** `table` / `lookup`; with no action given, the action is 'table'. A rule added with neither looks up main. */
  readonly table?: number;
  /** `preference` / `priority` / `order`: Keepalived advises to give one. */
  readonly priority?: number;
  readonly action?: RuleAction;
  /** The preference to jump to, with action 'goto'. */
  readonly goto?: number;
  /** `not` */
  readonly invert?: boolean;
  readonly uidRange?: { readonly start: number; readonly end: number };
  readonly ipProto?: number;
  readonly sport?: PortRange;
  readonly dport?: PortRange;
  readonly l3mdev?: boolean;
  readonly suppressPrefixLength?: number;
  readonly suppressIfgroup?: number;
  readonly protocol?: RouteProtocol;
}

/** A rule as the kernel reports it. */
export interface RuleInfo {
  readonly family: Family;
  readonly priority: number | undefined;
  readonly from: string | undefined;
  readonly to: string | undefined;
  readonly iif: string | undefined;
  readonly oif: string | undefined;
  readonly fwmark: number | undefined;
  readonly table: number;
  readonly action: RuleAction | number;
  readonly invert: boolean;
}

function ruleFamily(spec: RuleSpec): Family {
  if (spec.family) return spec.family;
  const hint = spec.from ?? spec.to;
  return hint?.includes(':') ? 6 : 4;
}

function portRange(range: PortRange): rt.RulePortRange {
  return typeof range === 'number' ? { start: range, end: range } : { start: range.start, end: range.end };
}

/** "from 192.0.2.0/24 table 100 pref 100", for messages. */
export function describeRule(spec: RuleSpec): string {
  const parts: string[] = [];
  if (spec.invert) parts.push('not');
  parts.push(`from ${spec.from ?? 'all'}`);
  if (spec.to) parts.push(`to ${spec.to}`);
  if (spec.fwmark !== undefined) parts.push(`fwmark ${spec.fwmark}`);
  if (spec.iif) parts.push(`iif ${spec.iif}`);
  if (spec.oif) parts.push(`oif ${spec.oif}`);
  if (spec.table !== undefined) parts.push(`table ${spec.table}`);
  if (spec.action && spec.action !== 'table') parts.push(spec.action);
  if (spec.priority !== undefined) parts.push(`pref ${spec.priority}`);
  return parts.join(' ');
}

/** RTM_NEWRULE / RTM_DELRULE for a spec; a removal leaves unset fields as wildcards, as `ip rule del`. */
export function ruleMessage(spec: RuleSpec, purpose: 'add' | 'remove'): rt.RuleMessage {
  const family = ruleFamily(spec);
  const data: rt.Rule = { family: familyCode(family) };
  const attrs: rt.RuleAttrs = {};
  for (const [key, value] of [
    ['from', spec.from],
    ['to', spec.to],
  ] as const) {
    if (value === undefined) continue;
    const prefix = parsePrefix(value);
    if (prefix.family !== family) throw new RangeError(`rule ${key} ${value}: not IPv${family}`);
    const length = prefix.prefixLength ?? (family === 4 ? 32 : 128);
    if (key === 'from') [data.srcLen, attrs.src] = [length, prefix.bytes];
    else [data.dstLen, attrs.dst] = [length, prefix.bytes];
  }
  if (spec.iif !== undefined) attrs.iifname = spec.iif;
  if (spec.oif !== undefined) attrs.oifname = spec.oif;
  if (spec.fwmark !== undefined) attrs.fwmark = spec.fwmark;
  if (spec.fwmask !== undefined) attrs.fwmask = spec.fwmask;
  if (spec.tos !== undefined) data.tos = spec.tos;
  if (spec.priority !== undefined) attrs.priority = spec.priority;
  if (spec.invert) data.flags = { invert: true };
  if (spec.uidRange) attrs.uidRange = { start: spec.uidRange.start, end: spec.uidRange.end };
  if (spec.ipProto !== undefined) attrs.ipProto = spec.ipProto;
  if (spec.sport !== undefined) attrs.sportRange = portRange(spec.sport);
  if (spec.dport !== undefined) attrs.dportRange = portRange(spec.dport);
  if (spec.l3mdev) attrs.l3Mdev = 1;
  if (spec.suppressPrefixLength !== undefined) attrs.suppressPrefixlen = u32(spec.suppressPrefixLength);
  if (spec.suppressIfgroup !== undefined) attrs.suppressIfgroup = u32(spec.suppressIfgroup);
  if (spec.protocol !== undefined) attrs.protocol = typeof spec.protocol === 'number' ? spec.protocol : ROUTE_PROTOCOLS[spec.protocol];
  if (spec.goto !== undefined) attrs.goto = spec.goto;

  const implied = spec.action ?? (spec.goto !== undefined ? 'goto' : 'table');
  const table = spec.table ?? (purpose === 'add' && implied === 'table' ? TABLE_MAIN : undefined);
  if (table !== undefined) {
    if (!Number.isInteger(table) || table < 1 || table > 0xffffffff) throw new RangeError(`table ${table} is not 1..2^32-1`);
    data.table = table < 256 ? table : 0;
    attrs.table = table;
  }
  const action = spec.action ?? (implied !== 'table' || table !== undefined ? implied : undefined);
  if (action) data.action = RULE_ACTIONS[action];
  return { kind: 'rule', data, attrs };
}

/** An RTM_NEWRULE from the kernel as plain info; undefined for families other than IPv4/IPv6. */
export function ruleInfo(msg: rt.RuleMessage): RuleInfo | undefined {
  const family = familyOf(msg.data.family);
  if (!family) return undefined;
  const prefix = (bytes: Buffer | undefined, length: number | undefined): string | undefined => {
    const t = addressText(bytes, family);
    return t === undefined ? undefined : `${t}/${length ?? 0}`;
  };
  const actionName = typeof msg.data.action === 'string' ? msg.data.action : undefined;
  const action = (Object.keys(RULE_ACTIONS) as RuleAction[]).find((a) => RULE_ACTIONS[a] === actionName);
  return {
    family,
    priority: msg.attrs.priority,
    from: prefix(msg.attrs.src, msg.data.srcLen),
    to: prefix(msg.attrs.dst, msg.data.dstLen),
    iif: msg.attrs.iifname,
    oif: msg.attrs.oifname,
    fwmark: msg.attrs.fwmark,
    table: msg.attrs.table ?? msg.data.table ?? 0,
    action: action ?? enumNumber(msg.data.action, {}),
    invert: !!msg.data.flags?.invert,
  };
}
