import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readlinkSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { discoverPlugins, pluginDirNodeModules, PluginRegistry, type PluginManifest } from '@vigil/core/config';
import { EXIT } from '../output.js';

interface ListOptions {
  pluginDir?: string[];
  json?: boolean;
}

function describe(p: PluginManifest): string {
  const kinds = [
    ...p.checkers.map((c) => `checker ${c}`),
    ...p.notifiers.map((n) => `notifier ${n}`),
  ];
  return `${p.name}@${p.version}\n    ${kinds.join(', ')}\n    ${p.dir}`;
}

/** `vigil plugins`: what discovery finds, read from package.json alone. */
export function pluginsListCommand(opts: ListOptions): void {
  const found = discoverPlugins(opts.pluginDir ?? []);
  // The registry settles keyword claims, so a plugin whose keyword another already has shows up.
  const problems = new PluginRegistry(found).problems;
  if (opts.json) {
    process.stdout.write(JSON.stringify({ plugins: found.plugins, problems, searched: found.searched }, null, 2) + '\n');
    return;
  }
  if (found.plugins.length === 0) process.stdout.write('no plugins found\n');
  for (const p of found.plugins) process.stdout.write(describe(p) + '\n');
  for (const pr of problems) process.stdout.write(`problem: ${pr.package} (${pr.dir}): ${pr.message}\n`);
  process.stdout.write(`searched: ${found.searched.join(', ') || '(nothing)'}\n`);
}

/** The directory of the @vigil/core package this CLI runs with. */
function corePackageDir(): string {
  const require = createRequire(import.meta.url);
  return dirname(realpathSync(require.resolve('@vigil/core/package.json')));
}

/**
 * Plugins import '@vigil/core/plugin' (a peer dependency). Linking the running core into the
 * plugin directory makes them share this very instance instead of installing another.
 */
function linkCore(pluginDir: string): void {
  const scope = join(pluginDirNodeModules(pluginDir), '@vigil');
  const link = join(scope, 'core');
  const target = corePackageDir();
  mkdirSync(scope, { recursive: true });
  try {
    const st = lstatSync(link);
    if (st.isSymbolicLink() && readlinkSync(link) === target) return;
    rmSync(link, { recursive: true, force: true });
  } catch {
    /* absent */
  }
  symlinkSync(target, link, 'dir');
}

function npm(pluginDir: string, args: string[]): boolean {
  const r = spawnSync('npm', [...args, '--prefix', pluginDir, '--legacy-peer-deps', '--no-audit', '--no-fund'], { stdio: 'inherit' });
  return r.status === 0;
}

function ensurePluginDir(dir: string): void {
  mkdirSync(dir, { recursive: true });
  const pkg = join(dir, 'package.json');
  if (!existsSync(pkg)) writeFileSync(pkg, JSON.stringify({ name: 'vigil-plugins', private: true, description: 'plugins installed by vigil plugins add' }, null, 2) + '\n');
}

/** A spec that names a local path is resolved from where the command runs, not the plugin dir. */
function normaliseSpec(spec: string): string {
  return spec.startsWith('.') || spec.startsWith('/') ? resolve(spec) : spec;
}

export function pluginsAddCommand(spec: string, opts: { pluginDir: string }): void {
  const dir = resolve(opts.pluginDir);
  ensurePluginDir(dir);
  if (!npm(dir, ['install', normaliseSpec(spec)])) {
    process.stderr.write(`vigil: npm could not install ${spec} into ${dir}\n`);
    process.exitCode = EXIT.usage;
    return;
  }
  linkCore(dir);
  const found = discoverPlugins([dir], []);
  for (const pr of found.problems) process.stderr.write(`problem: ${pr.package}: ${pr.message}\n`);
  if (found.plugins.length === 0) {
    process.stderr.write(`vigil: ${spec} was installed but is not a vigil plugin (no "vigil-plugin" keyword in its package.json)\n`);
    process.exitCode = EXIT.usage;
    return;
  }
  for (const p of found.plugins) process.stdout.write(describe(p) + '\n');
}

export function pluginsRemoveCommand(name: string, opts: { pluginDir: string }): void {
  const dir = resolve(opts.pluginDir);
  if (!existsSync(join(dir, 'package.json'))) {
    process.stderr.write(`vigil: ${dir} is not a plugin directory (nothing was installed there)\n`);
    process.exitCode = EXIT.usage;
    return;
  }
  if (!npm(dir, ['uninstall', name])) {
    process.stderr.write(`vigil: npm could not remove ${name} from ${dir}\n`);
    process.exitCode = EXIT.usage;
    return;
  }
  linkCore(dir);
  process.stdout.write(`removed ${name}\n`);
}
