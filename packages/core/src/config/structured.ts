import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node as YamlNode } from 'yaml';
import type { ConfigDocument, ConfigNode, Token } from './ast.js';
import type { Diagnostics } from './diagnostics.js';
import type { SourceLoc } from './location.js';
import { BlockSchema, type Fields } from './schema/block.js';
import type { AnyKeyword } from './schema/keyword.js';
import type { ExtensionResolver } from './schema/types.js';
import { rootFields } from './keywords/root.js';

/**
 * The structured form of a configuration (vigil.config.yaml / .json / .js, package.json
 * "vigil"): the same keywords as keepalived.conf, as a tree, turned into the same nodes so that
 * exactly the same schemas and checks apply.
 *
 *   keyword: "args as written"     a scalar keyword          flag: true
 *   keyword: [a, b]                the keyword repeated      value_block: ["item", "item"]
 *   keyword: { ... }               a block                   named_block: { NAME: { ... } }
 */
export type SValue =
  | { kind: 'map'; loc: SourceLoc; entries: { key: string; keyLoc: SourceLoc; value: SValue }[] }
  | { kind: 'seq'; loc: SourceLoc; items: SValue[] }
  | { kind: 'scalar'; loc: SourceLoc; value: string | number | boolean | null };

/** Parses YAML (and so JSON) keeping the line and column of every value. */
export function structuredFromYaml(text: string, file: string, diags: Diagnostics): SValue | undefined {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const locOf = (offset: number): SourceLoc => {
    const p = lines.linePos(offset);
    return { file, line: p.line, col: p.col };
  };
  for (const e of doc.errors) diags.error(locOf(e.pos[0]), 'bad-yaml', e.message.split('\n')[0] ?? e.message);
  if (doc.errors.length) return undefined;
  const conv = (n: unknown): SValue => {
    const node = n as YamlNode | null;
    const loc = node?.range ? locOf(node.range[0]) : { file, line: 1, col: 1 };
    if (isMap(node)) {
      return {
        kind: 'map',
        loc,
        entries: node.items.map((pair) => {
          const key = pair.key as YamlNode | null;
          return { key: String(isScalar(key) ? key.value : key), keyLoc: key?.range ? locOf(key.range[0]) : loc, value: conv(pair.value) };
        }),
      };
    }
    if (isSeq(node)) return { kind: 'seq', loc, items: node.items.map(conv) };
    if (isScalar(node)) {
      const v = node.value;
      return { kind: 'scalar', loc, value: typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? v : v === null ? null : String(v) };
    }
    return { kind: 'scalar', loc, value: null };
  };
  return conv(doc.contents);
}

/** A configuration loaded as plain values (from JS/TS): every value is located at the file. */
export function structuredFromValue(value: unknown, file: string): SValue {
  const loc: SourceLoc = { file, line: 1, col: 1 };
  if (Array.isArray(value)) return { kind: 'seq', loc, items: value.map((v) => structuredFromValue(v, file)) };
  if (value !== null && typeof value === 'object') {
    return { kind: 'map', loc, entries: Object.entries(value).map(([key, v]) => ({ key, keyLoc: loc, value: structuredFromValue(v, file) })) };
  }
  return { kind: 'scalar', loc, value: typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? value : null };
}

/** Splits like keepalived.conf's default tokeniser: whitespace, and "double quoted" words. */
function tokens(text: string, loc: SourceLoc): Token[] {
  const out: Token[] = [];
  const re = /"([^"]*)"?|(\S+)/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const quoted = m[1] !== undefined;
    out.push({ text: quoted ? (m[1] as string) : (m[2] as string), quoted, loc: { ...loc, col: loc.col + m.index } });
  }
  return out;
}

function scalarText(v: SValue): string | undefined {
  if (v.kind !== 'scalar' || v.value === null) return undefined;
  return String(v.value);
}

function headerSchema(spec: AnyKeyword | undefined): BlockSchema<Fields> | undefined {
  const s = spec?.schema;
  return s instanceof BlockSchema ? (s as BlockSchema<Fields>) : undefined;
}

/** Turns the structured tree into keepalived.conf nodes, reporting shapes that cannot be one. */
export function structuredToDocument(root: SValue, file: string, diags: Diagnostics, extensions: ExtensionResolver): ConfigDocument {
  const leaf = (keyword: string, keyLoc: SourceLoc, v: SValue): ConfigNode | undefined => {
    if (v.kind === 'scalar') {
      if (v.value === false) return undefined; // a flag turned off is the flag left out
      const text = v.value === true || v.value === null ? '' : String(v.value);
      return { keyword, loc: keyLoc, args: tokens(text, v.loc), rawArgs: text, rawArgsLoc: v.loc };
    }
    diags.error(v.loc, 'bad-shape', `'${keyword}' takes a value here, not a ${v.kind === 'map' ? 'mapping' : 'list'}`);
    return undefined;
  };

  const blockNode = (keyword: string, keyLoc: SourceLoc, header: string, headerLoc: SourceLoc, body: SValue, fields: Fields | undefined, extension: 'checker' | 'notifier' | undefined): ConfigNode | undefined => {
    if (body.kind !== 'map') {
      diags.error(body.loc, 'bad-shape', `'${keyword}' takes a mapping of keywords`);
      return undefined;
    }
    return { keyword, loc: keyLoc, args: tokens(header, headerLoc), rawArgs: header, rawArgsLoc: headerLoc, children: block(body, fields, extension), blockLoc: body.loc };
  };

  const occurrence = (keyword: string, keyLoc: SourceLoc, v: SValue, spec: AnyKeyword | undefined, extension: 'checker' | 'notifier' | undefined): ConfigNode[] => {
    const schema = headerSchema(spec);
    if (spec?.kind === 'list' && v.kind === 'map') {
      // A named value block (virtual_server_group NAME { ... }): the name is the key.
      return v.entries.flatMap((e) => occurrence(keyword, keyLoc, e.value, spec, extension).map((n) => ({ ...n, args: tokens(e.key, e.keyLoc), rawArgs: e.key, rawArgsLoc: e.keyLoc })));
    }
    if (spec?.kind === 'list') {
      if (v.kind !== 'seq') {
        diags.error(v.loc, 'bad-shape', `'${keyword}' takes a list of items`);
        return [];
      }
      const children = v.items.flatMap((item) => {
        const text = scalarText(item);
        if (text === undefined) {
          diags.error(item.loc, 'bad-shape', `'${keyword}' items are strings such as "192.0.2.10/24 dev eth0"`);
          return [];
        }
        const [first, ...rest] = tokens(text, item.loc);
        if (!first) return [];
        const restText = text.slice(text.indexOf(first.text) + first.text.length).trim();
        return [{ keyword: first.text, loc: item.loc, args: rest, rawArgs: restText, rawArgsLoc: item.loc }];
      });
      return [{ keyword, loc: keyLoc, args: [], rawArgs: '', rawArgsLoc: keyLoc, children, blockLoc: v.loc }];
    }
    if (v.kind === 'map') {
      if (keyword === 'notifier') {
        return v.entries.flatMap((e) => blockNode(keyword, keyLoc, e.key, e.keyLoc, e.value, undefined, 'notifier') ?? []);
      }
      if (schema?.options.header) {
        return v.entries.flatMap((e) => blockNode(keyword, keyLoc, e.key, e.keyLoc, e.value, schema.fields, schema.options.extension) ?? []);
      }
      const extFields = !spec && extension ? undefined : schema?.fields;
      return [blockNode(keyword, keyLoc, '', keyLoc, v, extFields, schema?.options.extension) ?? []].flat();
    }
    return [leaf(keyword, keyLoc, v) ?? []].flat();
  };

  function block(body: SValue & { kind: 'map' }, fields: Fields | undefined, extension: 'checker' | 'notifier' | undefined): ConfigNode[] {
    const out: ConfigNode[] = [];
    for (const e of body.entries) {
      const spec = fields?.[e.key];
      // A plugin's block (a checker in real_server, a notifier): its keywords come from the plugin.
      const pluginFields = !spec && extension ? (extensions.resolve(extension, e.key) as unknown as { fields?: Fields } | undefined)?.fields : undefined;
      const values = e.value.kind === 'seq' && spec?.kind !== 'list' ? e.value.items : [e.value];
      for (const v of values) {
        if (pluginFields && v.kind === 'map') {
          out.push(...[blockNode(e.key, e.keyLoc, '', e.keyLoc, v, pluginFields, undefined) ?? []].flat());
        } else {
          out.push(...occurrence(e.key, e.keyLoc, v, spec, extension));
        }
      }
    }
    return out;
  }

  if (root.kind !== 'map') {
    diags.error(root.loc, 'bad-shape', 'a vigil configuration is a mapping of top-level keywords (global_defs, vrrp_instance, virtual_server, ...)');
    return { nodes: [], files: [file] };
  }
  return { nodes: block(root, rootFields as unknown as Fields, undefined), files: [file] };
}

function scalarValue(raw: string): string | number | true {
  if (raw === '') return true;
  // Numbers print as numbers when that changes nothing (no leading zeros, no exponent).
  if (/^-?(0|[1-9]\d{0,14})(\.\d*[1-9])?$/.test(raw)) return Number(raw);
  return raw;
}

/** The structured form of a read keepalived.conf, for `vigil config convert`. */
export function documentToStructured(doc: ConfigDocument, extensions: ExtensionResolver): Record<string, unknown> {
  const add = (obj: Record<string, unknown>, key: string, value: unknown, named: boolean): void => {
    if (!(key in obj)) {
      obj[key] = value;
    } else if (named && typeof obj[key] === 'object' && !Array.isArray(obj[key])) {
      Object.assign(obj[key] as object, value);
    } else {
      const prev = obj[key];
      obj[key] = Array.isArray(prev) && !named ? [...prev, value] : [prev, value];
    }
  };
  const toObject = (nodes: readonly ConfigNode[], fields: Fields | undefined, extension: 'checker' | 'notifier' | undefined): Record<string, unknown> => {
    const obj: Record<string, unknown> = {};
    for (const n of nodes) {
      const spec = fields?.[n.keyword];
      const schema = headerSchema(spec);
      if (spec?.kind === 'list') {
        const items = (n.children ?? []).map((c) => `${c.keyword} ${c.rawArgs}`.trim());
        if (n.rawArgs) add(obj, n.keyword, { [n.rawArgs]: items }, true);
        else obj[n.keyword] = [...((obj[n.keyword] as string[] | undefined) ?? []), ...items];
      } else if (n.keyword === 'notifier' && n.children) {
        const name = n.args[0]?.text ?? '';
        const pf = (extensions.resolve('notifier', name) as unknown as { fields?: Fields } | undefined)?.fields;
        add(obj, n.keyword, { [name]: toObject(n.children, pf, undefined) }, true);
      } else if (n.children && schema?.options.header) {
        add(obj, n.keyword, { [n.rawArgs]: toObject(n.children, schema.fields, schema.options.extension) }, true);
      } else if (n.children) {
        const pf = !spec && extension ? (extensions.resolve(extension, n.keyword) as unknown as { fields?: Fields } | undefined)?.fields : undefined;
        add(obj, n.keyword, toObject(n.children, schema?.fields ?? pf, schema?.options.extension), false);
      } else {
        add(obj, n.keyword, scalarValue(n.rawArgs), false);
      }
    }
    return obj;
  };
  return toObject(doc.nodes, rootFields as unknown as Fields, undefined);
}
