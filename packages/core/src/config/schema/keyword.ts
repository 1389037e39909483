import type { ConfigNode } from '../ast.js';
import type { SourceLoc } from '../location.js';
import { ArgError, ArgReader } from './args.js';
import type { BlockSchemaLike, KeywordKind, KeywordStatus, ParseContext } from './types.js';

export type ParseFn<T> = (node: ConfigNode, ctx: ParseContext) => T | undefined;

interface KeywordOptions {
  readonly status: KeywordStatus;
  readonly many: boolean;
  readonly doc: string;
  readonly synopsis: string;
  readonly deprecated?: string;
  /** The value is stored under this keyword instead (old names such as nb_get_retry). */
  readonly storeAs?: string;
}

/**
 * A keyword of keepalived.conf: how to read what follows it, and how far vigil honours it.
 * Instances are immutable; the chain methods return modified copies:
 *
 *   k.int(1, 255).active().doc('VRRP priority')
 */
export class Keyword<T, Many extends boolean = false> {
  /** Type-level only: whether repeats accumulate (see ValueOf). */
  declare readonly manyType?: Many;

  constructor(
    readonly kind: KeywordKind,
    readonly parseFn: ParseFn<T>,
    readonly opts: KeywordOptions,
    /** The schema of the keywords inside, for block keywords (docs, the structured form). */
    readonly schema?: BlockSchemaLike,
  ) {}

  private with(patch: Partial<KeywordOptions>): this {
    return new Keyword(this.kind, this.parseFn, { ...this.opts, ...patch }, this.schema) as this;
  }

  /** vigil honours this keyword. */
  active(): this {
    return this.with({ status: 'active' });
  }

  /** vigil reads this keyword but does not act on it; `vigil check` warns. */
  parsed(): this {
    return this.with({ status: 'parsed' });
  }

  /** vigil will not honour this keyword; it is accepted so the file still loads, with a warning. */
  unsupported(): this {
    return this.with({ status: 'unsupported' });
  }

  /** Repeated occurrences accumulate into an array (otherwise the last one wins). */
  many(): Keyword<T, true> {
    return new Keyword<T, true>(this.kind, this.parseFn, { ...this.opts, many: true }, this.schema);
  }

  doc(text: string): this {
    return this.with({ doc: text });
  }

  synopsis(text: string): this {
    return this.with({ synopsis: text });
  }

  /** An old spelling: accepted with a warning naming the new one; the value is stored under `storeAs`. */
  deprecated(replacement: string, storeAs?: string): this {
    return this.with({ deprecated: replacement, ...(storeAs ? { storeAs } : {}) });
  }

  get status(): KeywordStatus {
    return this.opts.status;
  }

  parse(node: ConfigNode, ctx: ParseContext): T | undefined {
    try {
      return this.parseFn(node, ctx);
    } catch (e) {
      if (e instanceof ArgError) return undefined;
      throw e;
    }
  }
}

export type AnyKeyword = Keyword<unknown, boolean>;

/** The value type a keyword produces in the model. */
export type ValueOf<K> = K extends Keyword<infer T, infer M> ? (M extends true ? T[] : T) : never;

export function defaultOptions(synopsis: string): KeywordOptions {
  return { status: 'parsed', many: false, doc: '', synopsis };
}

/** Builds a scalar keyword from a function that reads its arguments. */
export function scalar<T>(synopsis: string, read: (a: ArgReader, node: ConfigNode, ctx: ParseContext) => T, trailing: 'error' | 'warning' = 'warning'): Keyword<T> {
  return new Keyword<T>(
    'scalar',
    (node, ctx) => {
      if (node.children) {
        ctx.diags.error(node.blockLoc ?? node.loc, 'unexpected-block', `'${node.keyword}' does not take a { } block`);
      }
      const a = new ArgReader(node.keyword, node.args, node.loc, ctx);
      const v = read(a, node, ctx);
      a.end(trailing);
      return v;
    },
    defaultOptions(synopsis),
  );
}

/** Keeps a value with where it was written, for checks that refer back to it. */
export interface Located<T> {
  readonly value: T;
  readonly loc: SourceLoc;
}
