/**
 * A small typed builder for the subset of nftables' JSON schema (libnftables-json(5)) that
 * vigil writes and reads: tables, base and regular chains, verdict maps, and rules made of
 * matches, vmaps over numgen/jhash, dnat, return and comments. `nft -j -f -` takes the
 * `{ nftables: [...] }` document; `nft -j list table` prints the same shapes back.
 */
export type NftFamily = 'ip' | 'ip6';

export type Expr =
  | string
  | number
  | { readonly payload: { readonly protocol: string; readonly field: string } }
  | { readonly meta: { readonly key: string } }
  | { readonly concat: readonly Expr[] }
  | { readonly set: readonly (Expr | readonly [Expr, Verdict])[] }
  | { readonly range: readonly [number, number] }
  | { readonly numgen: { readonly mode: 'inc' | 'random'; readonly mod: number; readonly offset?: number } }
  | { readonly jhash: { readonly mod: number; readonly seed?: number; readonly offset?: number; readonly expr: Expr } }
  | { readonly '&': readonly [Expr, Expr] }
  | { readonly prefix: { readonly addr: string; readonly len: number } };

export type Verdict = { readonly goto: { readonly target: string } } | { readonly jump: { readonly target: string } };

export type Stmt =
  | { readonly match: { readonly op: '==' | '!=' | 'in'; readonly left: Expr; readonly right: Expr } }
  | { readonly vmap: { readonly key: Expr; readonly data: Expr } }
  | { readonly dnat: { readonly addr: string; readonly port?: number; readonly family?: NftFamily } }
  | { readonly return: null }
  | Verdict
  | { readonly set: { readonly op: 'add' | 'update'; readonly elem: Expr | { readonly elem: { readonly val: Expr; readonly timeout: number } }; readonly set: string } };

export interface TableObj {
  readonly family: NftFamily;
  readonly name: string;
}
export interface ChainObj {
  readonly family: NftFamily;
  readonly table: string;
  readonly name: string;
  readonly type?: 'nat' | 'filter';
  readonly hook?: 'prerouting' | 'output' | 'input' | 'postrouting' | 'forward';
  readonly prio?: number;
  readonly policy?: 'accept' | 'drop';
}
export interface MapObj {
  readonly family: NftFamily;
  readonly table: string;
  readonly name: string;
  readonly type: string | readonly string[];
  readonly map: string;
  readonly elem?: readonly (readonly [Expr, Verdict])[];
}
export interface SetObj {
  readonly family: NftFamily;
  readonly table: string;
  readonly name: string;
  readonly type: string | readonly string[];
  readonly flags?: readonly string[];
  readonly timeout?: number;
}
export interface RuleObj {
  readonly family: NftFamily;
  readonly table: string;
  readonly chain: string;
  readonly expr: readonly Stmt[];
  readonly comment?: string;
}

export type NftObject = { readonly table: TableObj } | { readonly chain: ChainObj } | { readonly map: MapObj } | { readonly set: SetObj } | { readonly rule: RuleObj };
export type NftCommand = { readonly add: NftObject } | { readonly delete: NftObject } | { readonly flush: NftObject };
export interface NftDocument {
  readonly nftables: readonly NftCommand[];
}

/** Commands for one table of one family. */
export class NftBatch {
  readonly commands: NftCommand[] = [];

  constructor(
    readonly family: NftFamily,
    readonly table: string,
  ) {}

  /** Creates the table if missing and deletes it: what follows starts from nothing, atomically. */
  replaceTable(): this {
    const t = { table: { family: this.family, name: this.table } };
    this.commands.push({ add: t }, { delete: t }, { add: t });
    return this;
  }

  /** Deletes the table, also when it does not exist. */
  removeTable(): this {
    const t = { table: { family: this.family, name: this.table } };
    this.commands.push({ add: t }, { delete: t });
    return this;
  }

  chain(name: string, base?: { type: 'nat'; hook: 'prerouting' | 'output'; prio: number }): this {
    this.commands.push({ add: { chain: { family: this.family, table: this.table, name, ...(base ? { ...base, policy: 'accept' as const } : {}) } } });
    return this;
  }

  map(name: string, type: string | readonly string[], elem: readonly (readonly [Expr, Verdict])[]): this {
    this.commands.push({ add: { map: { family: this.family, table: this.table, name, type, map: 'verdict', ...(elem.length ? { elem } : {}) } } });
    return this;
  }

  set(name: string, type: string, opts: { flags?: readonly string[]; timeout?: number } = {}): this {
    this.commands.push({ add: { set: { family: this.family, table: this.table, name, type, ...opts } } });
    return this;
  }

  rule(chain: string, expr: readonly Stmt[], comment?: string): this {
    this.commands.push({ add: { rule: { family: this.family, table: this.table, chain, expr, ...(comment !== undefined ? { comment } : {}) } } });
    return this;
  }
}

// Expression helpers
export const payload = (protocol: string, field: string): Expr => ({ payload: { protocol, field } });
export const meta = (key: string): Expr => ({ meta: { key } });
export const goto = (target: string): Verdict => ({ goto: { target } });
export const match = (left: Expr, right: Expr, op: '==' | '!=' = '=='): Stmt => ({ match: { op, left, right } });
