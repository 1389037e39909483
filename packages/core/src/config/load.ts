import { existsSync, readFileSync } from 'node:fs';
import { extname } from 'node:path';
import type { ConfigDocument } from './ast.js';
import { Diagnostics, formatDiagnostic } from './diagnostics.js';
import type { VigilConfig } from './keywords/root.js';
import { readConfigFile, type ReadOptions } from './reader/index.js';
import type { SValue } from './structured.js';
import { validateDocument, type ValidateOptions } from './validate.js';
import { discoverPlugins } from '../plugin/discovery.js';
import { PluginRegistry } from '../plugin/registry.js';

/** Where the daemon looks when no -f is given, in order. */
export const DEFAULT_CONFIG_FILES = ['/etc/vigil/vigil.conf', '/etc/keepalived/keepalived.conf'] as const;

const MODULE_NAME = 'vigil';
const STRUCTURED_EXTENSIONS = new Set(['.json', '.yaml', '.yml', '.js', '.cjs', '.mjs', '.ts', '.cts', '.mts']);

export type ConfigFormat = 'keepalived' | 'structured';

export interface LoadConfigOptions extends ReadOptions, ValidateOptions {}

export interface LoadedConfig {
  readonly file: string;
  readonly format: ConfigFormat;
  readonly document: ConfigDocument;
  readonly config: VigilConfig | undefined;
  readonly diagnostics: Diagnostics;
  readonly registry: PluginRegistry;
}

// cosmiconfig and the YAML parser are loaded only when a structured file or a search needs them.
async function explorer() {
  const { cosmiconfig } = await import('cosmiconfig');
  return cosmiconfig(MODULE_NAME);
}

/** A configuration with errors: carries every diagnostic. */
export class ConfigError extends Error {
  constructor(readonly diagnostics: Diagnostics) {
    const errors = diagnostics.errors;
    super(`configuration has ${errors.length} error${errors.length === 1 ? '' : 's'}:\n` + errors.map(formatDiagnostic).join('\n'));
    this.name = 'ConfigError';
  }
}

/**
 * The configuration file to use: the one given, else the first default that exists, else what
 * cosmiconfig finds from `cwd` (vigil.config.*, .vigilrc*, package.json "vigil").
 */
export async function findConfigFile(given: string | undefined, cwd = process.cwd()): Promise<string | undefined> {
  if (given) return given; // kept as written: diagnostics show the path the operator typed
  for (const f of DEFAULT_CONFIG_FILES) if (existsSync(f)) return f;
  const found = await (await explorer()).search(cwd);
  return found?.filepath;
}

export function formatOf(file: string): ConfigFormat {
  if (STRUCTURED_EXTENSIONS.has(extname(file)) || /(^|\/)(\.vigilrc|package\.json)$/.test(file)) return 'structured';
  return 'keepalived';
}

async function readStructured(file: string, diags: Diagnostics): Promise<SValue | undefined> {
  const { structuredFromValue, structuredFromYaml } = await import('./structured.js');
  const ext = extname(file);
  if (file.endsWith('package.json')) {
    const loaded = await (await explorer()).load(file);
    return loaded ? structuredFromValue(loaded.config, file) : undefined;
  }
  if (ext === '.json' || ext === '.yaml' || ext === '.yml' || ext === '') {
    // Parsed here rather than by cosmiconfig so that every value keeps its line and column.
    return structuredFromYaml(readFileSync(file, 'utf8'), file, diags);
  }
  const loaded = await (await explorer()).load(file);
  return loaded ? structuredFromValue(loaded.config, file) : undefined;
}

function* keysOf(v: SValue): Generator<string> {
  if (v.kind === 'map') for (const e of v.entries) { yield e.key; yield* keysOf(e.value); }
  if (v.kind === 'seq') for (const i of v.items) yield* keysOf(i);
}

/**
 * Reads, validates and checks a configuration in either format. Never throws for a bad file:
 * every problem is in `diagnostics` with its file:line:col.
 */
export async function loadConfig(file: string, opts: LoadConfigOptions = {}): Promise<LoadedConfig> {
  const diagnostics = new Diagnostics();
  const format = formatOf(file);
  if (format === 'keepalived') {
    const document = readConfigFile(file, diagnostics, opts);
    const { config, registry } = await validateDocument(document, diagnostics, opts);
    return { file, format, document, config, diagnostics, registry };
  }
  const registry = opts.registry ?? new PluginRegistry(discoverPlugins(opts.pluginDirs ?? []));
  let tree: SValue | undefined;
  try {
    tree = await readStructured(file, diagnostics);
  } catch (e) {
    diagnostics.error({ file, line: 1, col: 1 }, 'unreadable', `cannot load ${file}: ${(e as Error).message}`);
  }
  if (!tree) {
    const document: ConfigDocument = { nodes: [], files: [file] };
    return { file, format, document, config: undefined, diagnostics, registry };
  }
  await registry.loadFor(keysOf(tree));
  const { structuredToDocument } = await import('./structured.js');
  const document = structuredToDocument(tree, file, diagnostics, registry);
  const { config } = await validateDocument(document, diagnostics, { ...opts, registry });
  return { file, format, document, config, diagnostics, registry };
}

/** loadConfig for the daemon: the model, or a ConfigError carrying every problem. */
export async function loadConfigOrThrow(file: string, opts: LoadConfigOptions = {}): Promise<LoadedConfig & { config: VigilConfig }> {
  const loaded = await loadConfig(file, opts);
  if (loaded.diagnostics.hasErrors || !loaded.config) throw new ConfigError(loaded.diagnostics);
  return loaded as LoadedConfig & { config: VigilConfig };
}
