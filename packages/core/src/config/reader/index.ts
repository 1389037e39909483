import os from 'node:os';
import path from 'node:path';
import type { ConfigDocument } from '../ast.js';
import type { Diagnostics } from '../diagnostics.js';
import { ExpansionBudget } from './budget.js';
import { builtinDefinitions } from './builtins.js';
import { readSourceFile, type SourceFile } from './files.js';
import { DEFAULT_MAX_EXPANSION } from './limits.js';
import { Definitions } from './macros.js';
import { Preprocessor } from './pipeline.js';
import { Reporter } from './report.js';
import { TreeBuilder } from './tree.js';

export type { ReaderCode } from './report.js';

export interface ReadOptions {
  /** For `@ID` / `@^ID` lines and `${_INSTANCE}`; default: the host name up to its first '.'. */
  configId?: string;
  /** For `${_ENV VAR}`; default: process.env. */
  env?: Record<string, string | undefined>;
  /** Seed for `${_RANDOM}` (Keepalived's `random_seed`); default: the time. */
  randomSeed?: number;
  /**
   * How much `~SEQ`, `~LST` and macros may produce: each line they make, and each line a
   * substitution makes, costs its length plus 64. Default 16 MiB. Bounds time and memory.
   */
  maxExpansion?: number;
}

/**
 * Reads a keepalived.conf and the files it includes into a located tree, following
 * Keepalived 2.2's `lib/parser.c`. Never throws: every problem is a diagnostic, and the
 * document holds whatever could be read.
 *
 * Locations are where the text was written. Text a macro produced is placed at the `$` of the
 * reference, and so is every line of a multi-line macro; lines repeated by `~SEQ`/`~LST` keep
 * the columns they have on the `~SEQ` line. A quoted token is at its opening quote.
 */
export function readConfigFile(file: string, diags: Diagnostics, opts: ReadOptions = {}): ConfigDocument {
  const report = new Reporter(diags);
  const source = readSourceFile(file, { file, line: 0, col: 0 }, true, report);
  if (source === null) return { nodes: [], files: [] };
  return readSource(source, report, opts);
}

/** Reads configuration text as if it were the file `file` (includes are relative to its directory). */
export function readConfigText(text: string, file: string, diags: Diagnostics, opts: ReadOptions = {}): ConfigDocument {
  return readSource({ path: file, realPath: path.resolve(file), content: text }, new Reporter(diags), opts);
}

function readSource(source: SourceFile, report: Reporter, opts: ReadOptions): ConfigDocument {
  const configId = opts.configId ?? os.hostname().split('.')[0] ?? '';
  const defs = new Definitions(
    builtinDefinitions({ configId, env: opts.env ?? process.env, randomSeed: opts.randomSeed ?? Date.now(), report }),
  );
  const lines = new Preprocessor(defs, report, {
    configId,
    expansion: new ExpansionBudget(opts.maxExpansion ?? DEFAULT_MAX_EXPANSION, report),
  });
  lines.start(source);
  const tree = new TreeBuilder(report);
  for (let line = lines.next(); line !== null; line = lines.next()) tree.add(line);
  return { nodes: tree.finish(), files: lines.files };
}
