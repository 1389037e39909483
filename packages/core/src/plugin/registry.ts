import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { checkerCommonFields, checkerSchedulingFields } from '../config/keywords/checker-common.js';
import { BlockSchema, type Fields } from '../config/schema/block.js';
import type { BlockSchemaLike, ExtensionPoint, ExtensionResolver } from '../config/schema/types.js';
import { isPluginDefinition, type CheckerDefinition, type NotifierDefinition, type PluginDefinition } from './define.js';
import type { PluginProblem } from './errors.js';
import type { DiscoveryResult } from './discovery.js';
import type { PluginManifest } from './manifest.js';

type Kind = PluginDefinition['kind'];

export interface RegistryOptions {
  /** Keywords every checker block accepts (connect_timeout, retry, ...), added to each plugin's schema. */
  readonly checkerCommonFields?: Fields;
  /** The scheduling subset (delay_loop, retry, ...), for checkers that open no connection. */
  readonly checkerSchedulingFields?: Fields;
}

/** Which package claims a keyword, as read from package.json. */
export interface KeywordClaim {
  readonly kind: Kind;
  readonly keyword: string;
  readonly plugin: PluginManifest;
}

const pointKind: Record<ExtensionPoint, Kind> = { checker: 'checker', notifier: 'notifier' };

/** Built-in plugins win a keyword claimed twice; otherwise the first found keeps it. */
function isBuiltin(m: PluginManifest): boolean {
  return m.name.startsWith('@vigil/');
}

/**
 * The plugins found at discovery, and those imported so far. Importing is lazy: only the
 * packages whose keywords a config uses are loaded, and a package that fails to load is
 * recorded as a problem naming it while the others go on working.
 */
export class PluginRegistry implements ExtensionResolver {
  readonly problems: PluginProblem[];
  private readonly claims = new Map<string, KeywordClaim>();
  private readonly loaded = new Map<string, Map<string, PluginDefinition>>();
  private readonly failed = new Map<string, string>();
  private readonly schemas = new Map<string, BlockSchema<Fields>>();

  constructor(
    readonly discovery: DiscoveryResult,
    private readonly options: RegistryOptions = { checkerCommonFields, checkerSchedulingFields },
  ) {
    this.problems = [...discovery.problems];
    const ordered = [...discovery.plugins].sort((a, b) => Number(isBuiltin(b)) - Number(isBuiltin(a)));
    for (const plugin of ordered) {
      for (const [kind, list] of [['checker', plugin.checkers], ['notifier', plugin.notifiers]] as const) {
        for (const keyword of list) {
          const key = `${kind}:${keyword}`;
          const prior = this.claims.get(key);
          if (prior) {
            this.problems.push({ package: plugin.name, dir: plugin.dir, message: `claims ${kind} keyword '${keyword}', already provided by ${prior.plugin.name}; ignored` });
            continue;
          }
          this.claims.set(key, { kind, keyword, plugin });
        }
      }
    }
  }

  get plugins(): readonly PluginManifest[] {
    return this.discovery.plugins;
  }

  claim(kind: Kind, keyword: string): KeywordClaim | undefined {
    return this.claims.get(`${kind}:${keyword}`);
  }

  allClaims(): KeywordClaim[] {
    return [...this.claims.values()];
  }

  /** Why the plugin claiming this keyword could not be used, if it could not. */
  failure(kind: Kind, keyword: string): string | undefined {
    const c = this.claim(kind, keyword);
    return c ? this.failed.get(c.plugin.name) : undefined;
  }

  /** Imports the packages that claim any of `keywords` (and only those). */
  async loadFor(keywords: Iterable<string>): Promise<void> {
    const wanted = new Map<string, PluginManifest>();
    for (const kw of keywords) {
      for (const kind of ['checker', 'notifier'] as const) {
        const c = this.claim(kind, kw);
        if (c) wanted.set(c.plugin.name, c.plugin);
      }
    }
    await Promise.all([...wanted.values()].map((p) => this.load(p)));
  }

  async load(plugin: PluginManifest): Promise<void> {
    if (this.loaded.has(plugin.name) || this.failed.has(plugin.name)) return;
    try {
      const defs = await importDefinitions(plugin);
      const byKey = new Map<string, PluginDefinition>();
      for (const d of defs) byKey.set(`${d.kind}:${d.keyword}`, d);
      const declared = [...plugin.checkers.map((k) => `checker:${k}`), ...plugin.notifiers.map((k) => `notifier:${k}`)];
      const missing = declared.filter((k) => !byKey.has(k));
      if (missing.length) throw new Error(`package.json declares ${missing.join(', ')} but the module does not define ${missing.length > 1 ? 'them' : 'it'}`);
      const extra = [...byKey.keys()].filter((k) => !declared.includes(k));
      if (extra.length) throw new Error(`the module defines ${extra.join(', ')}, which package.json does not declare in "vigil"`);
      this.loaded.set(plugin.name, byKey);
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      this.failed.set(plugin.name, message);
      this.problems.push({ package: plugin.name, dir: plugin.dir, message: `failed to load: ${message}` });
    }
  }

  definition(kind: 'checker', keyword: string): CheckerDefinition | undefined;
  definition(kind: 'notifier', keyword: string): NotifierDefinition | undefined;
  definition(kind: Kind, keyword: string): PluginDefinition | undefined {
    const c = this.claim(kind, keyword);
    if (!c) return undefined;
    return this.loaded.get(c.plugin.name)?.get(`${kind}:${keyword}`);
  }

  resolve(where: ExtensionPoint, keyword: string): BlockSchemaLike | undefined {
    const kind = pointKind[where];
    const def = this.definition(kind as 'checker', keyword) as PluginDefinition | undefined;
    if (!def) return undefined;
    const key = `${kind}:${keyword}`;
    let schema = this.schemas.get(key);
    if (!schema) {
      const common =
        def.kind !== 'checker' ? {} : def.connectionless ? this.options.checkerSchedulingFields ?? {} : this.options.checkerCommonFields ?? {};
      schema = new BlockSchema<Fields>({ ...common, ...def.schema }, def.kind === 'checker' && def.required ? { required: def.required } : {});
      this.schemas.set(key, schema);
    }
    return schema;
  }

  isBroken(where: ExtensionPoint, keyword: string): boolean {
    return this.failure(pointKind[where], keyword) !== undefined;
  }

  keywords(where: ExtensionPoint): string[] {
    const kind = pointKind[where];
    return this.allClaims().filter((c) => c.kind === kind).map((c) => c.keyword);
  }
}

/** The module a package's `exports` or `main` points at. */
function entryPoint(plugin: PluginManifest): string {
  const pkg = JSON.parse(readFileSync(join(plugin.dir, 'package.json'), 'utf8')) as Record<string, unknown>;
  let entry: unknown = pkg.exports;
  if (entry && typeof entry === 'object' && '.' in (entry as object)) entry = (entry as Record<string, unknown>)['.'];
  while (entry && typeof entry === 'object') {
    const e = entry as Record<string, unknown>;
    entry = e.import ?? e.node ?? e.default ?? e.require;
  }
  const rel = typeof entry === 'string' ? entry : typeof pkg.main === 'string' ? pkg.main : 'index.js';
  const path = join(plugin.dir, rel);
  if (!existsSync(path)) throw new Error(`its entry point ${rel} does not exist (was the package built?)`);
  return path;
}

async function importDefinitions(plugin: PluginManifest): Promise<PluginDefinition[]> {
  const mod = (await import(pathToFileURL(entryPoint(plugin)).href)) as { default?: unknown };
  const exported = mod.default;
  const list = Array.isArray(exported) ? exported : [exported];
  if (list.length === 0 || !list.every(isPluginDefinition)) {
    throw new Error('its default export must be defineChecker({...}) / defineNotifier({...}) or an array of them');
  }
  return list;
}
