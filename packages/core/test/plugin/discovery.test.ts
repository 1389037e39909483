import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { discoverPlugins, installNodeModules, pluginDirNodeModules } from '../../src/plugin/discovery.js';
import { BROKEN_FIXTURES, CORE_DIR, PluginDir, REPO_ROOT } from './helpers.js';

describe('discoverPlugins', () => {
  let pd: PluginDir;
  before(() => {
    pd = new PluginDir('discovery');
    pd.addExample();
    for (const f of BROKEN_FIXTURES) pd.addBroken(f);
    pd.addPackage('vigil-checker-marker', { checkers: ['MARKER_CHECK'], marker: true });
    pd.addPackage('@acme/vigil-notifier-pager', { notifiers: ['pager'] });
    pd.addPackage('left-pad', { pkg: { name: 'left-pad', version: '1.3.0' } });
  });
  after(() => pd.remove());

  it('finds plugins from package.json alone, in name order, and reports the unreadable ones', () => {
    const r = discoverPlugins([pd.dir], []);
    assert.deepEqual(r.searched, [pd.nodeModules]);
    assert.deepEqual(
      r.plugins.map((p) => p.name),
      ['@acme/vigil-notifier-pager', 'vigil-checker-dns', 'vigil-checker-dns-copy', 'vigil-checker-marker', 'vigil-checker-notdef', 'vigil-checker-throws'],
    );
    const dns = r.plugins.find((p) => p.name === 'vigil-checker-dns');
    assert.equal(dns?.dir, join(pd.nodeModules, 'vigil-checker-dns'));
    assert.deepEqual(dns?.checkers, ['DNS_CHECK']);
    // Two problems: the package.json that is not JSON (named by its directory) and the old API.
    assert.equal(r.problems.length, 2, JSON.stringify(r.problems));
    const [bad, old] = r.problems;
    assert.equal(bad?.package, join(pd.nodeModules, 'vigil-checker-badjson'));
    assert.match(bad?.message ?? '', /not valid JSON/);
    assert.equal(old?.package, 'vigil-checker-oldapi');
  });

  it('imports nothing: a module that throws or records its import is not run', () => {
    discoverPlugins([pd.dir], []);
    assert.equal(existsSync(pd.markerFile('vigil-checker-marker')), false);
  });

  it('does not list @vigil/core (linked into the plugin directory) or packages that are not plugins', () => {
    const names = discoverPlugins([pd.dir], []).plugins.map((p) => p.name);
    assert.ok(!names.includes('@vigil/core'));
    assert.ok(!names.includes('left-pad'));
  });

  it('keeps the first package of a name and reports the later copy', () => {
    const second = new PluginDir('discovery-second');
    try {
      second.addPackage('vigil-checker-dns', { checkers: ['DNS_CHECK'], version: '2.0.0' });
      const r = discoverPlugins([pd.dir, second.dir], []);
      const dns = r.plugins.filter((p) => p.name === 'vigil-checker-dns');
      assert.equal(dns.length, 1);
      assert.equal(dns[0]?.version, '1.0.0');
      const dup = r.problems.find((p) => p.package === 'vigil-checker-dns');
      assert.ok(dup, JSON.stringify(r.problems));
      assert.equal(dup.dir, join(second.nodeModules, 'vigil-checker-dns'));
      assert.match(dup.message, /is also installed at .*; using that one/);
    } finally {
      second.remove();
    }
  });

  it('searches the install node_modules before the plugin directories', () => {
    const second = new PluginDir('discovery-install');
    try {
      second.addPackage('vigil-checker-dns', { checkers: ['DNS_CHECK'], version: '0.5.0' });
      const r = discoverPlugins([pd.dir], [second.nodeModules]);
      assert.deepEqual(r.searched, [second.nodeModules, pd.nodeModules]);
      assert.equal(r.plugins.find((p) => p.name === 'vigil-checker-dns')?.version, '0.5.0');
    } finally {
      second.remove();
    }
  });

  it('counts a package reached twice through symlinks once', () => {
    const r = discoverPlugins([pd.dir, pd.dir], []);
    assert.equal(r.plugins.filter((p) => p.name === 'vigil-checker-dns').length, 1);
    assert.equal(r.problems.length, 2);
  });

  it('finds nothing, without failing, in a plugin directory that does not exist', () => {
    const r = discoverPlugins([join(pd.dir, 'absent')], []);
    assert.deepEqual(r.plugins, []);
    assert.deepEqual(r.problems, []);
  });

  it('resolves a plugin directory to its node_modules', () => {
    assert.equal(pluginDirNodeModules('/var/lib/vigil/plugins'), '/var/lib/vigil/plugins/node_modules');
  });
});

describe('installNodeModules', () => {
  it('walks up from core like Node resolution, nearest first', () => {
    const dirs = installNodeModules(join(CORE_DIR, 'dist', 'src', 'plugin'));
    assert.ok(dirs.includes(join(REPO_ROOT, 'node_modules')), dirs.join(', '));
    for (const d of dirs) assert.ok(d.endsWith('node_modules'));
  });

  it('lists only node_modules directories that exist', () => {
    const base = mkdtempSync(join(tmpdir(), 'vigil-test-walk-'));
    try {
      const deep = join(base, 'a', 'b', 'c');
      mkdirSync(deep, { recursive: true });
      mkdirSync(join(base, 'a', 'node_modules'));
      const dirs = installNodeModules(deep);
      assert.equal(dirs[0], join(base, 'a', 'node_modules'));
      assert.ok(!dirs.includes(join(base, 'a', 'b', 'node_modules')));
    } finally {
      rmSync(base, { recursive: true, force: true });
    }
  });
});
