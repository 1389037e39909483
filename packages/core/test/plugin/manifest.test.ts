import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { PLUGIN_API_VERSION } from '../../src/plugin/define.js';
import { readManifest, type ManifestResult, type PluginManifest } from '../../src/plugin/manifest.js';
import type { PluginProblem } from '../../src/plugin/errors.js';
import { BROKEN, CORE_DIR, EXAMPLE, PluginDir } from './helpers.js';

function manifestOf(r: ManifestResult): PluginManifest {
  assert.ok('manifest' in r, `expected a manifest, got ${JSON.stringify(r)}`);
  return r.manifest;
}

function problemOf(r: ManifestResult): PluginProblem {
  assert.ok('problem' in r, `expected a problem, got ${JSON.stringify(r)}`);
  return r.problem;
}

describe('readManifest', () => {
  let pd: PluginDir;
  before(() => {
    pd = new PluginDir('manifest');
  });
  after(() => pd.remove());

  it('reads the DNS_CHECK example from its package.json', () => {
    const m = manifestOf(readManifest(EXAMPLE));
    assert.equal(m.name, 'vigil-checker-dns');
    assert.equal(m.version, '1.0.0');
    assert.equal(m.dir, EXAMPLE);
    assert.deepEqual(m.checkers, ['DNS_CHECK']);
    assert.deepEqual(m.notifiers, []);
    assert.equal(m.apiVersion, '^1.0.0');
    assert.match(m.description, /DNS/);
  });

  it('says a package without the vigil-plugin keyword is not a plugin', () => {
    assert.deepEqual(readManifest(CORE_DIR), { notAPlugin: true });
  });

  it('says a directory without package.json is not a plugin', () => {
    assert.deepEqual(readManifest(join(pd.dir, 'nothing-here')), { notAPlugin: true });
  });

  it('reports invalid JSON, naming the directory (the name cannot be read)', () => {
    const dir = join(BROKEN, 'vigil-checker-badjson');
    const p = problemOf(readManifest(dir));
    assert.equal(p.package, dir);
    assert.equal(p.dir, dir);
    assert.match(p.message, /package\.json is not valid JSON/);
  });

  it('reports an incompatible apiVersion, naming the package and both versions', () => {
    const p = problemOf(readManifest(join(BROKEN, 'vigil-checker-oldapi')));
    assert.equal(p.package, 'vigil-checker-oldapi');
    assert.match(p.message, /\^0\.9\.0/);
    assert.ok(p.message.includes(PLUGIN_API_VERSION), p.message);
  });

  it('accepts the fixtures whose package.json is sound (their faults show only when loaded)', () => {
    for (const name of ['vigil-checker-throws', 'vigil-checker-notdef', 'vigil-checker-dns-copy']) {
      const m = manifestOf(readManifest(join(BROKEN, name)));
      assert.equal(m.name, name);
    }
  });

  it('reports a vigil-plugin keyword without a "vigil" field', () => {
    const dir = pd.addPackage('vigil-nofield', { pkg: { name: 'vigil-nofield', version: '1.0.0', keywords: ['vigil-plugin'] } });
    const p = problemOf(readManifest(dir));
    assert.equal(p.package, 'vigil-nofield');
    assert.match(p.message, /no "vigil" field/);
  });

  it('reports a "vigil" field declaring nothing', () => {
    const dir = pd.addPackage('vigil-empty', { checkers: [], notifiers: [] });
    assert.match(problemOf(readManifest(dir)).message, /declares no checkers and no notifiers/);
  });

  it('reports checkers that are not an array of keywords', () => {
    const dir = pd.addPackage('vigil-badlist', { pkg: { name: 'vigil-badlist', keywords: ['vigil-plugin'], vigil: { checkers: 'X_CHECK', apiVersion: '^1.0.0' } } });
    assert.match(problemOf(readManifest(dir)).message, /"vigil\.checkers" must be an array/);
  });

  it('reports an apiVersion that is not a semver range', () => {
    const dir = pd.addPackage('vigil-badrange', { checkers: ['X_CHECK'], apiVersion: 'latest' });
    assert.match(problemOf(readManifest(dir)).message, /must be a semver range/);
  });

  it('accepts any range that admits this API version, and a package without a version', () => {
    const dir = pd.addPackage('vigil-range', { pkg: { name: 'vigil-range', keywords: ['vigil-plugin'], vigil: { notifiers: ['pager'], apiVersion: '>=1.0.0 <2' } } });
    const m = manifestOf(readManifest(dir));
    assert.deepEqual(m.notifiers, ['pager']);
    assert.equal(m.version, '0.0.0');
  });
});
