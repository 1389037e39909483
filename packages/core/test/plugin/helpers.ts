/**
 * Plugin directories for the discovery/registry tests: real packages on disk in a temporary
 * node_modules, made from the fixtures in test/plugins/ (the broken set and the DNS_CHECK example)
 * and from small packages written here.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** packages/core (this file runs as packages/core/dist/test/plugin/helpers.js). */
export const CORE_DIR = fileURLToPath(new URL('../../../', import.meta.url));
export const REPO_ROOT = fileURLToPath(new URL('../../../../../', import.meta.url));
export const FIXTURES = join(REPO_ROOT, 'test', 'plugins');
export const BROKEN = join(FIXTURES, 'broken');
export const EXAMPLE = join(FIXTURES, 'vigil-checker-dns');

export const BROKEN_FIXTURES = [
  'vigil-checker-badjson',
  'vigil-checker-dns-copy',
  'vigil-checker-notdef',
  'vigil-checker-oldapi',
  'vigil-checker-throws',
] as const;

/** A plugin directory as `vigil plugins add` leaves it: package.json, node_modules, @vigil/core linked. */
export class PluginDir {
  readonly dir: string;

  constructor(label = 'plugins') {
    this.dir = mkdtempSync(join(tmpdir(), `vigil-test-${label}-`));
    writeFileSync(join(this.dir, 'package.json'), JSON.stringify({ name: 'vigil-plugins', private: true }) + '\n');
    mkdirSync(join(this.nodeModules, '@vigil'), { recursive: true });
    // Plugins import '@vigil/core/plugin': give them this very core, as linkCore does.
    symlinkSync(CORE_DIR.replace(/\/$/, ''), join(this.nodeModules, '@vigil', 'core'), 'dir');
  }

  get nodeModules(): string {
    return join(this.dir, 'node_modules');
  }

  /** Copies one of test/plugins/broken/* into node_modules; returns its directory there. */
  addBroken(name: (typeof BROKEN_FIXTURES)[number]): string {
    const to = join(this.nodeModules, name);
    cpSync(join(BROKEN, name), to, { recursive: true });
    return to;
  }

  /** Links the DNS_CHECK example package (it must have been built: its dist/index.js is imported). */
  addExample(): string {
    if (!existsSync(join(EXAMPLE, 'dist', 'index.js'))) {
      throw new Error(`${EXAMPLE} is not built: run 'npx tsc -b' at the repository root first`);
    }
    const to = join(this.nodeModules, 'vigil-checker-dns');
    symlinkSync(EXAMPLE, to, 'dir');
    return to;
  }

  /**
   * Writes a small plugin package. `body` is the module's source; by default it defines each
   * checker with an empty schema. `marker` makes the module append a line to a file next to it
   * whenever it is imported, to prove when it is (and is not) loaded.
   */
  addPackage(name: string, opts: { checkers?: string[]; notifiers?: string[]; apiVersion?: string; version?: string; body?: string; marker?: boolean; pkg?: Record<string, unknown> } = {}): string {
    const to = join(this.nodeModules, name);
    mkdirSync(to, { recursive: true });
    const checkers = opts.checkers ?? [];
    const notifiers = opts.notifiers ?? [];
    const pkg = opts.pkg ?? {
      name,
      version: opts.version ?? '1.0.0',
      keywords: ['vigil-plugin'],
      type: 'module',
      exports: './index.js',
      vigil: { checkers, notifiers, apiVersion: opts.apiVersion ?? '^1.0.0' },
    };
    writeFileSync(join(to, 'package.json'), JSON.stringify(pkg, null, 2) + '\n');
    const defs = [
      ...checkers.map((c) => `defineChecker({ keyword: ${JSON.stringify(c)}, schema: {}, create: () => ({ check: async () => ({ ok: true, detail: 'fine', latencyMs: 0 }) }) })`),
      ...notifiers.map((n) => `defineNotifier({ keyword: ${JSON.stringify(n)}, schema: {}, create: () => ({ handle() {}, async close() {} }) })`),
    ];
    const body =
      opts.body ??
      `import { defineChecker, defineNotifier } from '@vigil/core/plugin';\nexport default ${defs.length === 1 ? defs[0] : `[${defs.join(', ')}]`};\n`;
    const marker = opts.marker ? `import { appendFileSync } from 'node:fs';\nappendFileSync(new URL('./imported.marker', import.meta.url), 'imported\\n');\n` : '';
    writeFileSync(join(to, 'index.js'), marker + body);
    return to;
  }

  markerFile(name: string): string {
    return join(this.nodeModules, name, 'imported.marker');
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
