import { distance } from 'fastest-levenshtein';
import type { ConfigNode, Token } from '../ast.js';
import type { SourceLoc } from '../location.js';
import { ArgError, ArgReader } from './args.js';
import { defaultOptions, Keyword, type AnyKeyword, type ValueOf } from './keyword.js';
import type { BlockSchemaLike, ExtensionPoint, KeywordStatus, ParseContext } from './types.js';

export type Fields = Record<string, AnyKeyword>;

/**
 * How far the kernel honours plugin blocks at each extension point: checker blocks run in the
 * checker process's scheduler (core/src/check), notifier blocks in the notifier host.
 */
export const EXTENSION_BLOCK_STATUS: Record<ExtensionPoint, KeywordStatus> = { checker: 'active', notifier: 'active' };

/** A checker (or other plugin) block found inside a block, with its plugin-validated config. */
export interface ExtensionBlock {
  readonly type: string;
  readonly loc: SourceLoc;
  readonly config: Record<string, unknown>;
}

/** Where each keyword of a block was written (the last occurrence for repeated scalars). */
export type KeywordLocs<F> = { readonly [K in keyof F]?: SourceLoc };

/** The values of a block's keywords, as a plugin receives them. */
export type FieldValues<F extends Fields> = { -readonly [K in keyof F]?: ValueOf<F[K]> };

export type BlockValue<F extends Fields, H = unknown> = FieldValues<F> & H & {
  readonly $loc: SourceLoc;
  readonly $locs: KeywordLocs<F>;
};

export interface BlockOptions<F extends Fields, H> {
  /** Reads the words between the keyword and `{` (e.g. an instance name). */
  readonly header?: (a: ArgReader, node: ConfigNode) => H;
  /** Keywords that must appear. */
  readonly required?: readonly (keyof F & string)[];
  /** Plugin blocks allowed here (checkers inside real_server). */
  readonly extension?: ExtensionPoint;
  /** Cross-keyword checks run once the block is read. */
  readonly check?: (value: BlockValue<F, H>, ctx: ParseContext, node: ConfigNode) => void;
}

/** Suggests the closest known keyword for a misspelling, if one is close enough. */
export function didYouMean(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDist = Infinity;
  for (const c of candidates) {
    const d = distance(word.toLowerCase(), c.toLowerCase());
    if (d < bestDist) {
      bestDist = d;
      best = c;
    }
  }
  const limit = Math.max(2, Math.floor(word.length / 3));
  return best !== undefined && bestDist <= limit ? best : undefined;
}

/**
 * A `{ ... }` block of keywords. It reads every line it knows, reports every line it
 * does not (with a did-you-mean), and produces a typed object keyed by keyword.
 */
export class BlockSchema<F extends Fields, H = unknown> implements BlockSchemaLike {
  readonly keywordNames: readonly string[];

  constructor(
    readonly fields: F,
    readonly options: BlockOptions<F, H> = {},
  ) {
    this.keywordNames = Object.keys(fields);
  }

  parseBlock(node: ConfigNode, ctx: ParseContext, headerName: string = node.keyword): BlockValue<F, H> | undefined {
    const out: Record<string, unknown> = {};
    const locs: Record<string, SourceLoc> = {};
    if (this.options.header) {
      const a = new ArgReader(headerName, node.args, node.loc, ctx);
      try {
        Object.assign(out, this.options.header(a, node));
        a.end('warning');
      } catch (e) {
        if (!(e instanceof ArgError)) throw e;
        return undefined;
      }
    } else if (node.args.length > 0) {
      const first = node.args[0] as Token;
      ctx.diags.warn(first.loc, 'extra-argument', `'${node.keyword}' takes no arguments before '{'; '${node.args.map((t) => t.text).join(' ')}' is ignored`);
    }

    const extensions: ExtensionBlock[] = [];
    for (const child of node.children ?? []) {
      const spec = this.fields[child.keyword];
      if (spec) {
        this.readKeyword(child, spec, ctx, out, locs);
        continue;
      }
      const ext = this.options.extension;
      const plugin = ext ? ctx.extensions.resolve(ext, child.keyword) : undefined;
      if (plugin && ext) {
        if (!child.children) {
          ctx.diags.error(child.loc, 'missing-brace', `missing '{' after '${child.keyword}'`);
          continue;
        }
        // Whether plugin blocks run is the kernel's matter (the checker scheduler), not the plugin's.
        ctx.noteStatus(child.keyword, EXTENSION_BLOCK_STATUS[ext], child.loc, ctx.path);
        const config = plugin.parseBlock(child, ctx.child(`${ctx.path}.${child.keyword}`, EXTENSION_BLOCK_STATUS[ext] !== 'active'), child.keyword);
        if (config) extensions.push({ type: child.keyword, loc: child.loc, config });
        continue;
      }
      if (ext && ctx.extensions.isBroken(ext, child.keyword)) continue; // reported once, as a plugin failure
      this.reportUnknown(child, ctx);
    }
    if (this.options.extension) out.$extensions = extensions;

    for (const req of this.options.required ?? []) {
      if (!(req in out) && !(req in locs)) {
        ctx.diags.error(node.loc, 'missing-keyword', `'${node.keyword}' needs '${req}'`);
      }
    }
    const value = Object.assign(out, { $loc: node.loc, $locs: locs }) as BlockValue<F, H>;
    this.options.check?.(value, ctx, node);
    return value;
  }

  private readKeyword(child: ConfigNode, spec: AnyKeyword, ctx: ParseContext, out: Record<string, unknown>, locs: Record<string, SourceLoc>): void {
    const o = spec.opts;
    if (o.deprecated) {
      ctx.diags.warn(child.loc, 'deprecated', `'${child.keyword}' is deprecated; use ${o.deprecated}`);
    }
    if (spec.status !== 'active') ctx.noteStatus(child.keyword, spec.status, child.loc, ctx.path);
    const key = o.storeAs ?? child.keyword;
    const v = spec.parse(child, ctx.child(ctx.path ? `${ctx.path}.${child.keyword}` : child.keyword, spec.status !== 'active'));
    locs[key] = child.loc;
    if (v === undefined) return;
    if (o.many) {
      const arr = (out[key] as unknown[] | undefined) ?? [];
      arr.push(v);
      out[key] = arr;
    } else if (spec.kind === 'list' && Array.isArray(out[key])) {
      // A value block given twice adds its items (Keepalived appends them).
      (out[key] as unknown[]).push(...(v as unknown[]));
    } else {
      out[key] = v;
    }
  }

  private reportUnknown(child: ConfigNode, ctx: ParseContext): void {
    const candidates = [...this.keywordNames];
    if (this.options.extension) candidates.push(...ctx.extensions.keywords(this.options.extension));
    const guess = didYouMean(child.keyword, candidates);
    const where = ctx.path ? ` in '${ctx.path.split('.').pop()}'` : '';
    ctx.diags.error(
      child.loc,
      'unknown-keyword',
      `unknown keyword '${child.keyword}'${where}` + (guess ? `; did you mean '${guess}'?` : ''),
    );
  }
}

/** A keyword followed by a block of keywords. */
export function block<F extends Fields, H = unknown>(fields: F, options: BlockOptions<F, H> = {}, synopsis = '{ ... }'): Keyword<BlockValue<F, H>> {
  const schema = new BlockSchema<F, H>(fields, options);
  return new Keyword<BlockValue<F, H>>(
    'block',
    (node, ctx) => {
      if (!node.children) {
        ctx.diags.error(node.loc, 'missing-brace', `missing '{' after '${node.keyword}'`);
        return undefined;
      }
      return schema.parseBlock(node, ctx);
    },
    defaultOptions(synopsis),
    schema,
  );
}

/** Gets the schema back from a keyword made by `block()` (for plugins and docs). */
export function schemaOf<F extends Fields, H>(kw: Keyword<BlockValue<F, H>, boolean>): BlockSchema<F, H> {
  const s = kw.schema;
  if (!(s instanceof BlockSchema)) throw new TypeError('not a block keyword');
  return s as BlockSchema<F, H>;
}

/** An item of a value block with where it was written. */
export type ListItem<T> = T & { readonly loc: SourceLoc };

/**
 * A value block: every line inside `{ }` is one item (`virtual_ipaddress { ... }`).
 * The first item may share the line with `{`, as Keepalived allows.
 */
export function list<T extends object>(itemSynopsis: string, readItem: (a: ArgReader, item: ConfigNode, ctx: ParseContext) => T): Keyword<ListItem<T>[]> {
  return new Keyword<ListItem<T>[]>(
    'list',
    (node, ctx) => {
      if (!node.children) {
        ctx.diags.error(node.loc, 'missing-brace', `missing '{' after '${node.keyword}'`);
        return undefined;
      }
      const items: ListItem<T>[] = [];
      for (const child of node.children) {
        if (child.children) {
          ctx.diags.error(child.blockLoc ?? child.loc, 'unexpected-block', `'${node.keyword}' items do not take a { } block`);
          continue;
        }
        const tokens: Token[] = [{ text: child.keyword, loc: child.loc, quoted: false }, ...child.args];
        const a = new ArgReader(node.keyword, tokens, child.loc, ctx);
        try {
          const item = readItem(a, child, ctx);
          a.end('warning');
          items.push(Object.assign(item, { loc: child.loc }));
        } catch (e) {
          if (!(e instanceof ArgError)) throw e;
        }
      }
      return items;
    },
    defaultOptions(`{ ${itemSynopsis} ... }`),
  );
}

/**
 * A keyword vigil accepts without reading (its arguments and any block are skipped),
 * for Keepalived features vigil does not implement. `vigil check` warns about each use.
 */
export function opaque(synopsis = '...'): Keyword<true> {
  return new Keyword<true>('opaque', () => true, { ...defaultOptions(synopsis), status: 'unsupported' });
}
