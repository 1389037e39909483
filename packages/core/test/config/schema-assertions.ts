/**
 * Validating keepalived.conf text in schema tests: the diagnostics without the status notes, and
 * assertions that a problem of a code stands exactly at a place in the text.
 */
import assert from 'node:assert/strict';
import { Diagnostics, formatDiagnostic, type Diagnostic, type Severity } from '../../src/config/diagnostics.js';
import { checkerCommonFields } from '../../src/config/keywords/checker-common.js';
import type { VigilConfig } from '../../src/config/keywords/root.js';
import { readConfigText } from '../../src/config/reader/index.js';
import { validateDocument } from '../../src/config/validate.js';
import { PluginRegistry } from '../../src/plugin/registry.js';

export const FILE = '/etc/keepalived/keepalived.conf';
/** The host of these tests has eth0, eth1 and eth2 only. */
export const host = { interfaceExists: (name: string): boolean => ['eth0', 'eth1', 'eth2'].includes(name) };
export const STATUS_CODES = new Set(['not-yet-active', 'unsupported-keyword']);

export interface Result {
  readonly config: VigilConfig | undefined;
  readonly diags: Diagnostics;
  readonly text: string;
}

export async function validate(text: string): Promise<Result> {
  const diags = new Diagnostics();
  const doc = readConfigText(text, FILE, diags, { configId: 'test' });
  const registry = new PluginRegistry({ plugins: [], problems: [], searched: [] }, { checkerCommonFields });
  const { config } = await validateDocument(doc, diags, { registry, host });
  return { config, diags, text };
}

export function problems(diags: Diagnostics): Diagnostic[] {
  return diags.sorted().filter((d) => !STATUS_CODES.has(d.code));
}

export function show(diags: Diagnostics): string {
  return problems(diags).map(formatDiagnostic).join('\n') || '(none)';
}

/** Where a needle is: a `|` marks the column meant (else its first character); `nth` picks a later one. */
export function locOf(text: string, needle: string, nth = 1): { line: number; col: number } {
  const bar = needle.indexOf('|');
  const plain = needle.replace('|', '');
  let at = -1;
  for (let i = 0, from = 0; i < nth; i++) {
    at = text.indexOf(plain, from);
    assert.ok(at >= 0, `'${plain}' (#${i + 1}) is not in the text`);
    from = at + 1;
  }
  at += bar < 0 ? 0 : bar;
  const before = text.slice(0, at).split('\n');
  return { line: before.length, col: (before[before.length - 1] as string).length + 1 };
}

/** Asserts exactly one problem of this code (and severity), at the needle. */
export function expectOne(r: Result, code: string, needle: string, severity: Severity = 'error', nth = 1): Diagnostic {
  const found = problems(r.diags).filter((d) => d.code === code);
  assert.equal(found.length, 1, `expected one '${code}', got:\n${show(r.diags)}`);
  const d = found[0] as Diagnostic;
  assert.equal(d.severity, severity, formatDiagnostic(d));
  assert.deepEqual({ line: d.loc.line, col: d.loc.col }, locOf(r.text, needle, nth), formatDiagnostic(d));
  assert.equal(d.loc.file, FILE);
  return d;
}

export function expectClean(r: Result): void {
  assert.equal(problems(r.diags).length, 0, `expected no problems, got:\n${show(r.diags)}`);
}

