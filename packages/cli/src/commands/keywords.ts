import { checkerCommonFields, discoverPlugins, keywordRows, keywordTablesMarkdown, PluginRegistry, rootFields, schema, statusCounts, type KeywordRow } from '@vigil/core/config';

/**
 * The reference of every keyword vigil knows, with its status: Keepalived's own keywords, the
 * keywords every checker shares, and those of each installed checker and notifier plugin.
 */
export async function keywordReference(pluginDirs: readonly string[] = []): Promise<{ rows: KeywordRow[]; markdown: string }> {
  const registry = new PluginRegistry(discoverPlugins(pluginDirs));
  const claims = registry.allClaims().sort((a, b) => a.kind.localeCompare(b.kind) || a.keyword.localeCompare(b.keyword));
  await registry.loadFor(claims.map((c) => c.keyword));
  const rows = keywordRows(rootFields as unknown as schema.Fields, '(top level)');
  rows.push(...keywordRows(checkerCommonFields, 'every checker block (common)'));
  const defs = claims.flatMap((c) => {
    const def = registry.definition(c.kind as 'checker', c.keyword);
    return def ? [{ claim: c, def }] : [];
  });
  // First the plugin blocks themselves (whose status is the kernel's), then each one's keywords.
  for (const { claim, def } of defs) {
    const where = claim.kind === 'checker' ? 'real_server: checker blocks (plugins)' : 'notifier blocks (plugins)';
    rows.push({ block: where, keyword: claim.keyword, synopsis: '{ ... }', status: schema.EXTENSION_BLOCK_STATUS[claim.kind], doc: `${def.description ?? ''} (${claim.plugin.name})`.trim() });
  }
  for (const { claim, def } of defs) {
    rows.push(...keywordRows(def.schema, `${claim.kind === 'checker' ? 'real_server > ' : 'notifier '}${claim.keyword} (${claim.plugin.name})`));
  }
  const counts = statusCounts(rows);
  const header = `${rows.length} keywords: ${counts.active} active, ${counts.parsed} parsed but not yet active, ${counts.unsupported} unsupported.\n`;
  return { rows, markdown: header + keywordTablesMarkdown(rows) };
}

export async function keywordsCommand(opts: { pluginDir?: string[]; json?: boolean }): Promise<void> {
  const { rows, markdown } = await keywordReference(opts.pluginDir ?? []);
  process.stdout.write(opts.json ? JSON.stringify(rows, null, 2) + '\n' : markdown);
}
