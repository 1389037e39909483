import { dirname, resolve } from 'node:path';
import type { ConfigDocument, ConfigNode } from './ast.js';
import { ValidationContext } from './context.js';
import type { Diagnostics } from './diagnostics.js';
import { currentHost, type HostInfo } from './host.js';
import { rootSchema, type VigilConfig } from './keywords/root.js';
import type { SourceLoc } from './location.js';
import { runSemanticChecks } from './semantic/index.js';
import { discoverPlugins } from '../plugin/discovery.js';
import { PluginRegistry } from '../plugin/registry.js';

export interface ValidateOptions {
  /** Plugins already discovered; otherwise discovery runs with the config's plugin_dir entries. */
  readonly registry?: PluginRegistry;
  /** Extra plugin directories (command line), searched after the config's. */
  readonly pluginDirs?: readonly string[];
  readonly host?: HostInfo;
  /** Treat keywords vigil does not support as errors rather than warnings. */
  readonly strict?: boolean;
}

export interface ValidateResult {
  /** The model; present even when there are errors (as far as it could be read). */
  readonly config: VigilConfig | undefined;
  readonly registry: PluginRegistry;
}

function* walk(nodes: readonly ConfigNode[]): Generator<ConfigNode> {
  for (const n of nodes) {
    yield n;
    if (n.children) yield* walk(n.children);
  }
}

/** plugin_dir must be known before the plugins it holds can validate their blocks. */
function pluginDirsOf(doc: ConfigDocument): string[] {
  const dirs: string[] = [];
  for (const n of doc.nodes) {
    if (n.keyword !== 'global_defs') continue;
    // Relative to the file that names it, as include paths are.
    for (const c of n.children ?? []) if (c.keyword === 'plugin_dir' && c.args[0]) dirs.push(resolve(dirname(c.loc.file), c.args[0].text));
  }
  return dirs;
}

/**
 * Turns a read document into the typed model: loads the plugins the file uses, validates
 * every block against its schema, runs the cross-block checks, and reports every problem
 * into `diags`.
 */
export async function validateDocument(doc: ConfigDocument, diags: Diagnostics, opts: ValidateOptions = {}): Promise<ValidateResult> {
  const registry =
    opts.registry ?? new PluginRegistry(discoverPlugins([...pluginDirsOf(doc), ...(opts.pluginDirs ?? [])]));

  const used = new Map<string, SourceLoc>();
  for (const n of walk(doc.nodes)) {
    if (!used.has(n.keyword)) used.set(n.keyword, n.loc);
    // `notifier NAME { }` names its plugin in the first argument.
    if (n.keyword === 'notifier' && n.args[0] && !used.has(n.args[0].text)) used.set(n.args[0].text, n.args[0].loc);
  }
  // Keepalived mails from global_defs alone; vigil does it with the email notifier plugin.
  if (!used.has('email') && used.has('smtp_server') && used.has('notification_email')) {
    const g = doc.nodes.find((n) => n.keyword === 'global_defs');
    const smtp = g?.children?.find((c) => c.keyword === 'smtp_server');
    if (smtp && g?.children?.some((c) => c.keyword === 'notification_email')) used.set('email', smtp.loc);
  }
  await registry.loadFor(used.keys());
  for (const [keyword, loc] of used) {
    for (const kind of ['checker', 'notifier'] as const) {
      const why = registry.failure(kind, keyword);
      const claim = registry.claim(kind, keyword);
      if (why && claim) diags.error(loc, 'plugin-failed', `${kind} '${keyword}' cannot be used: its plugin ${claim.plugin.name} failed to load: ${why}`);
    }
  }

  const ctx = ValidationContext.create(diags, registry);
  const file = doc.files[0] ?? '<config>';
  const top: ConfigNode = {
    keyword: 'configuration',
    loc: { file, line: 1, col: 1 },
    args: [],
    rawArgs: '',
    rawArgsLoc: { file, line: 1, col: 1 },
    children: doc.nodes,
  };
  const config = rootSchema.parseBlock(top, ctx) as VigilConfig | undefined;
  if (config) runSemanticChecks(config, { diags, host: opts.host ?? currentHost() });
  ctx.reportStatusNotes(opts.strict ?? false);
  return { config, registry };
}
