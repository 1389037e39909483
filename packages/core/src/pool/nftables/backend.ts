/**
 * The nftables backend: one table `vigil` per family (`table ip vigil`, `table ip6 vigil`),
 * replaced atomically per change with one `nft -j -f FILE` transaction (add table, delete table,
 * add table and its content), the way kube-proxy's nftables mode drives nft. Established
 * connections keep their NAT bindings in conntrack, so a replacement drops no traffic; new
 * connections see either the old table or the new one, never a mix.
 *
 * `read()` parses `nft -j list table` back (see parse.ts). A family whose part of the table does
 * not change is not rewritten: applying a plan that changes nothing runs no transaction.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyPlan, tableToJSON } from '../plan.js';
import type { PoolBackend, PoolPlan, PoolService, PoolTable } from '../types.js';
import type { NftDocument, NftFamily } from './json.js';
import { parseNftTable } from './parse.js';
import { NFT_DSTNAT_PRIORITY, NFT_TABLE, renderFamily, sortedService, splitByFamily } from './render.js';

export interface NftablesBackendOptions {
  /** The command that runs nft, e.g. `['ip', 'netns', 'exec', 'lb', 'nft']` (default `['nft']`). */
  readonly command?: readonly string[];
  /** Table name (default `vigil`). */
  readonly table?: string;
  /** Per nft run, ms (default 30 s). */
  readonly timeoutMs?: number;
}

export interface NftRunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export class NftError extends Error {
  constructor(
    message: string,
    readonly result?: NftRunResult,
  ) {
    super(message);
    this.name = 'NftError';
  }
}

const FAMILIES: readonly NftFamily[] = ['ip', 'ip6'];

export class NftablesBackend implements PoolBackend {
  readonly name = 'nftables' as const;
  private readonly command: readonly string[];
  readonly table: string;
  /** The last table read or applied, per family: what apply() builds on. */
  private cache: Map<string, PoolService> | undefined;
  /** Transactions run by apply() (0 for a plan that changes nothing). */
  transactions = 0;

  constructor(private readonly opts: NftablesBackendOptions = {}) {
    this.command = opts.command ?? ['nft'];
    this.table = opts.table ?? NFT_TABLE;
  }

  /**
   * Runs `nft ARGS -f FILE` with `doc` in a private temporary file. nft opens /dev/stdin, which
   * fails on the socket Node gives a child for a piped stdin (ENXIO), so `-f -` cannot be used.
   */
  async runDocument(args: readonly string[], doc: NftDocument): Promise<NftRunResult> {
    const dir = await mkdtemp(join(tmpdir(), 'vigil-nft-'));
    try {
      const file = join(dir, 'batch.json');
      await writeFile(file, JSON.stringify(doc), { mode: 0o600 });
      return await this.run([...args, '-f', file]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  /** Runs nft with `args`, `input` on stdin. */
  run(args: readonly string[], input = ''): Promise<NftRunResult> {
    const [cmd, ...pre] = this.command;
    if (!cmd) throw new NftError('empty nft command');
    return new Promise((resolve, reject) => {
      const child = spawn(cmd, [...pre, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      const timer = setTimeout(() => child.kill('SIGKILL'), this.opts.timeoutMs ?? 30_000);
      child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
      child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
      child.on('error', (err) => {
        clearTimeout(timer);
        reject(new NftError(`cannot run ${this.command.join(' ')}: ${err.message}`));
      });
      child.on('close', (code) => {
        clearTimeout(timer);
        resolve({ code: code ?? -1, stdout, stderr });
      });
      child.stdin.on('error', () => undefined);
      child.stdin.end(input);
    });
  }

  /** nft runs and the kernel accepts a nat table of this shape (checked with `nft -c`, nothing is committed). */
  async available(): Promise<boolean> {
    try {
      const t = { family: 'ip' as const, name: `${this.table}_probe` };
      // Nothing is committed with -c: the kernel validates the transaction and it is aborted.
      const doc: NftDocument = {
        nftables: [
          { add: { table: t } },
          { add: { chain: { family: 'ip', table: t.name, name: 'prerouting', type: 'nat', hook: 'prerouting', prio: NFT_DSTNAT_PRIORITY, policy: 'accept' } } },
          { add: { chain: { family: 'ip', table: t.name, name: 'x' } } },
          { add: { rule: { family: 'ip', table: t.name, chain: 'x', expr: [{ dnat: { addr: '192.0.2.1' } }] } } },
          { add: { rule: { family: 'ip', table: t.name, chain: 'prerouting', expr: [{ vmap: { key: { numgen: { mode: 'inc', mod: 2, offset: 0 } }, data: { set: [[0, { goto: { target: 'x' } }], [{ range: [1, 1] }, { goto: { target: 'x' } }]] } } }] } } },
        ],
      };
      const r = await this.runDocument(['-c', '-j'], doc);
      return r.code === 0;
    } catch {
      return false;
    }
  }

  /** The raw `nft -j list table` document of one family, or undefined when the table does not exist. */
  async listFamily(family: NftFamily): Promise<unknown> {
    const r = await this.run(['-j', 'list', 'table', family, this.table]);
    if (r.code !== 0) {
      if (/No such file or directory/.test(r.stderr)) return undefined;
      throw new NftError(`nft list table ${family} ${this.table} failed: ${r.stderr.trim()}`, r);
    }
    return JSON.parse(r.stdout) as unknown;
  }

  async read(): Promise<PoolTable> {
    const out = new Map<string, PoolService>();
    for (const family of FAMILIES) {
      const doc = await this.listFamily(family);
      if (doc === undefined) continue;
      for (const [id, s] of parseNftTable(doc)) out.set(id, s);
    }
    this.cache = out;
    return out;
  }

  /** Renders the whole table for `table` (both families) as one nft JSON document. */
  render(table: PoolTable, families: readonly NftFamily[] = FAMILIES): NftDocument {
    const split = splitByFamily(table);
    return { nftables: families.flatMap((f) => renderFamily(f, split[f].map(sortedService), this.table).commands) };
  }

  async apply(plan: PoolPlan): Promise<void> {
    const before = this.cache ?? (await this.read());
    const after = applyPlan(before, plan);
    const changed = FAMILIES.filter((f) => {
      const fam = (t: PoolTable): string => JSON.stringify(tableToJSON(new Map([...t].filter(([, s]) => (s.service.key.family === 4 ? 'ip' : 'ip6') === f))));
      return fam(before) !== fam(after);
    });
    if (changed.length === 0) return;
    const doc = this.render(after, changed);
    this.cache = undefined; // unknown until the transaction is known to have run
    const r = await this.runDocument(['-j'], doc);
    if (r.code !== 0) throw new NftError(`nft -j -f failed (exit ${r.code}): ${r.stderr.trim()}`, r);
    this.transactions++;
    this.cache = after;
  }

  /** Forgets the cached table (the kernel's table is left as it is: the reconciler decides). */
  close(): Promise<void> {
    this.cache = undefined;
    return Promise.resolve();
  }
}
