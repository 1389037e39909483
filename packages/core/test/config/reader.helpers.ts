import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after } from 'node:test';
import type { ConfigNode, Token } from '../../src/config/ast.js';
import { Diagnostics, type Diagnostic } from '../../src/config/diagnostics.js';
import { readConfigFile, readConfigText, type ReadOptions } from '../../src/config/reader/index.js';

/** The options every test reads with, so `@ID` lines and `${_RANDOM}` give fixed results. */
export const FIXED: ReadOptions = { configId: 'main', env: {}, randomSeed: 42 };

/**
 * A tree as lines, one per node: `LINE:COL keyword args`, quoted args in double quotes,
 * a block as `{LINE:COL` then its children indented and a closing `}`.
 */
export function outline(nodes: readonly ConfigNode[], indent = ''): string[] {
  return nodes.flatMap((n) => {
    const head = `${indent}${n.loc.line}:${n.loc.col} ${[n.keyword, ...n.args.map(word)].join(' ')}`;
    if (!n.children) return [head];
    const block = n.blockLoc as ConfigNode['loc'];
    return [`${head} {${block.line}:${block.col}`, ...outline(n.children, `${indent}  `), `${indent}}`];
  });
}

function word(t: Token): string {
  return t.quoted ? `"${t.text}"` : t.text;
}

/** Tokens with their columns: `text@COL`. */
export function located(tokens: readonly Token[]): string[] {
  return tokens.map((t) => `${word(t)}@${t.loc.line}:${t.loc.col}`);
}

/** Diagnostics as `severity LINE:COL code`, in the order reported. */
export function problems(diags: readonly Diagnostic[]): string[] {
  return diags.map((d) => `${d.severity} ${d.loc.line}:${d.loc.col} ${d.code}`);
}

export interface Read {
  readonly nodes: readonly ConfigNode[];
  readonly files: readonly string[];
  readonly diags: readonly Diagnostic[];
}

export function readText(text: string, opts: ReadOptions = {}, file = '/nonexistent/keepalived.conf'): Read {
  const diags = new Diagnostics();
  const doc = readConfigText(text, file, diags, { ...FIXED, ...opts });
  return { nodes: doc.nodes, files: doc.files, diags: diags.items };
}

export function readFile(file: string, opts: ReadOptions = {}): Read {
  const diags = new Diagnostics();
  const doc = readConfigFile(file, diags, { ...FIXED, ...opts });
  return { nodes: doc.nodes, files: doc.files, diags: diags.items };
}

/** A temporary directory holding `files` (paths relative to it), removed after the tests. */
export function tempTree(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-reader-'));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  for (const [name, content] of Object.entries(files)) {
    const file = path.join(dir, name);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, content);
  }
  return dir;
}
