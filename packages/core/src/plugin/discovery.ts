import { existsSync, readdirSync, realpathSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PluginProblem } from './errors.js';
import { readManifest, type PluginManifest } from './manifest.js';

export interface DiscoveryResult {
  readonly plugins: readonly PluginManifest[];
  readonly problems: readonly PluginProblem[];
  /** The node_modules directories that were searched, in order. */
  readonly searched: readonly string[];
}

/**
 * The node_modules directories visible from core's own location, nearest first, as Node's
 * resolution would walk them: the install's plugins are the packages core can see.
 */
export function installNodeModules(from: string = dirname(fileURLToPath(import.meta.url))): string[] {
  const dirs: string[] = [];
  let dir = from;
  for (;;) {
    const nm = join(dir, 'node_modules');
    if (existsSync(nm)) dirs.push(nm);
    const up = dirname(dir);
    if (up === dir) return dirs;
    dir = up;
  }
}

/** A plugin directory holds packages installed by `vigil plugins add` under its node_modules. */
export function pluginDirNodeModules(pluginDir: string): string {
  return join(resolve(pluginDir), 'node_modules');
}

function packageDirs(nodeModules: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(nodeModules).sort();
  } catch {
    return [];
  }
  const out: string[] = [];
  for (const e of entries) {
    if (e.startsWith('.')) continue;
    const p = join(nodeModules, e);
    if (e.startsWith('@')) {
      try {
        for (const s of readdirSync(p).sort()) out.push(join(p, s));
      } catch {
        /* an unreadable scope directory holds nothing we can load */
      }
    } else {
      out.push(p);
    }
  }
  return out;
}

/**
 * Finds plugins from package.json alone: nothing is imported here. The first package of a
 * name wins (the install's, then the plugin directories' in the order given).
 */
export function discoverPlugins(pluginDirs: readonly string[] = [], installDirs: readonly string[] = installNodeModules()): DiscoveryResult {
  const searched = [...installDirs, ...pluginDirs.map(pluginDirNodeModules)];
  const plugins: PluginManifest[] = [];
  const problems: PluginProblem[] = [];
  const byName = new Map<string, PluginManifest>();
  const seenReal = new Set<string>();
  for (const nm of searched) {
    for (const dir of packageDirs(nm)) {
      let real: string;
      try {
        real = realpathSync(dir);
      } catch {
        continue; // a dangling symlink is not a package
      }
      if (seenReal.has(real)) continue;
      seenReal.add(real);
      const r = readManifest(dir);
      if ('notAPlugin' in r) continue;
      if ('problem' in r) {
        problems.push(r.problem);
        continue;
      }
      const prior = byName.get(r.manifest.name);
      if (prior) {
        problems.push({ package: r.manifest.name, dir, message: `is also installed at ${prior.dir}; using that one` });
        continue;
      }
      byName.set(r.manifest.name, r.manifest);
      plugins.push(r.manifest);
    }
  }
  return { plugins, problems, searched };
}
