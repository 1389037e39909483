import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import satisfies from 'semver/functions/satisfies.js';
import validRange from 'semver/ranges/valid.js';
import { PLUGIN_API_VERSION } from './define.js';
import type { PluginProblem } from './errors.js';

export const PLUGIN_KEYWORD = 'vigil-plugin';

/** What package.json says about a plugin: enough to list it and to know when to import it. */
export interface PluginManifest {
  readonly name: string;
  readonly version: string;
  /** The package's directory. */
  readonly dir: string;
  readonly checkers: readonly string[];
  readonly notifiers: readonly string[];
  readonly apiVersion: string;
  readonly description: string;
}

export type ManifestResult = { manifest: PluginManifest } | { problem: PluginProblem } | { notAPlugin: true };

function stringArray(x: unknown): x is string[] {
  return Array.isArray(x) && x.every((s) => typeof s === 'string' && s.length > 0);
}

/** Reads one package.json; decides from it alone whether the package is a vigil plugin. */
export function readManifest(dir: string): ManifestResult {
  let text: string;
  try {
    text = readFileSync(join(dir, 'package.json'), 'utf8');
  } catch {
    return { notAPlugin: true };
  }
  let pkg: Record<string, unknown>;
  try {
    pkg = JSON.parse(text) as Record<string, unknown>;
    if (typeof pkg !== 'object' || pkg === null) throw new Error('not an object');
  } catch (e) {
    // Unreadable: we cannot tell whether it is a plugin, but a broken package.json is worth saying.
    return { problem: { package: dir, dir, message: `package.json is not valid JSON (${(e as Error).message})` } };
  }
  const keywords = Array.isArray(pkg.keywords) ? pkg.keywords : [];
  if (!keywords.includes(PLUGIN_KEYWORD)) return { notAPlugin: true };

  const name = typeof pkg.name === 'string' ? pkg.name : dir;
  const fail = (message: string): ManifestResult => ({ problem: { package: name, dir, message } });
  const v = pkg.vigil as Record<string, unknown> | undefined;
  if (typeof v !== 'object' || v === null) return fail(`has the "${PLUGIN_KEYWORD}" keyword but no "vigil" field`);
  const checkers = v.checkers ?? [];
  const notifiers = v.notifiers ?? [];
  if (!stringArray(checkers)) return fail('"vigil.checkers" must be an array of keywords');
  if (!stringArray(notifiers)) return fail('"vigil.notifiers" must be an array of keywords');
  if (checkers.length + notifiers.length === 0) return fail('declares no checkers and no notifiers in "vigil"');
  const apiVersion = typeof v.apiVersion === 'string' ? v.apiVersion : '';
  if (!validRange(apiVersion)) return fail(`"vigil.apiVersion" must be a semver range such as "^1.0.0", not ${JSON.stringify(v.apiVersion)}`);
  if (!satisfies(PLUGIN_API_VERSION, apiVersion)) {
    return fail(`was written for plugin API ${apiVersion}; this vigil provides ${PLUGIN_API_VERSION}`);
  }
  return {
    manifest: {
      name,
      version: typeof pkg.version === 'string' ? pkg.version : '0.0.0',
      dir,
      checkers,
      notifiers,
      apiVersion,
      description: typeof pkg.description === 'string' ? pkg.description : '',
    },
  };
}
