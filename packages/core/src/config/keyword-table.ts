import { BlockSchema, type Fields } from './schema/block.js';
import type { AnyKeyword } from './schema/keyword.js';
import type { KeywordStatus } from './schema/types.js';

/** One row of the keyword reference (docs/config.md, `vigil config keywords`). */
export interface KeywordRow {
  /** The enclosing blocks, e.g. `vrrp_instance > authentication`. */
  readonly block: string;
  readonly keyword: string;
  readonly synopsis: string;
  readonly status: KeywordStatus;
  readonly doc: string;
  readonly deprecated?: string;
}

function nestedSchema(spec: AnyKeyword): BlockSchema<Fields> | undefined {
  const s = spec.schema;
  return s instanceof BlockSchema ? (s as BlockSchema<Fields>) : undefined;
}

/** Every keyword of a schema and of the blocks nested in it, depth first. */
export function keywordRows(fields: Fields, block: string): KeywordRow[] {
  const rows: KeywordRow[] = [];
  for (const [keyword, spec] of Object.entries(fields)) {
    const o = spec.opts;
    rows.push({ block, keyword, synopsis: o.synopsis, status: o.status, doc: o.doc, ...(o.deprecated ? { deprecated: o.deprecated } : {}) });
    const inner = nestedSchema(spec);
    if (inner) rows.push(...keywordRows(inner.fields, block === '(top level)' ? keyword : `${block} > ${keyword}`));
  }
  return rows;
}

const STATUS_TEXT: Record<KeywordStatus, string> = {
  active: 'active',
  parsed: 'parsed, not yet active',
  unsupported: 'unsupported',
};

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/** The rows as Markdown tables, one per block. */
export function keywordTablesMarkdown(rows: readonly KeywordRow[]): string {
  const out: string[] = [];
  let current: string | undefined;
  for (const r of rows) {
    if (r.block !== current) {
      current = r.block;
      out.push('', `### ${r.block}`, '', '| keyword | arguments | status | notes |', '|---|---|---|---|');
    }
    const notes = [r.doc, r.deprecated ? `deprecated: use ${r.deprecated}` : ''].filter(Boolean).join(' ');
    out.push(`| \`${r.keyword}\` | ${r.synopsis ? `\`${cell(r.synopsis)}\`` : ''} | ${STATUS_TEXT[r.status]} | ${cell(notes)} |`);
  }
  return out.join('\n') + '\n';
}

export function statusCounts(rows: readonly KeywordRow[]): Record<KeywordStatus, number> {
  const c: Record<KeywordStatus, number> = { active: 0, parsed: 0, unsupported: 0 };
  for (const r of rows) c[r.status]++;
  return c;
}
