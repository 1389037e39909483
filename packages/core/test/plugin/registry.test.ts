import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { ConfigNode, Token } from '../../src/config/ast.js';
import { ValidationContext } from '../../src/config/context.js';
import { Diagnostics, formatDiagnostic } from '../../src/config/diagnostics.js';
import { k } from '../../src/config/schema/builders.js';
import { discoverPlugins } from '../../src/plugin/discovery.js';
import { PluginRegistry } from '../../src/plugin/registry.js';
import { BROKEN_FIXTURES, PluginDir } from './helpers.js';

const FILE = '/etc/keepalived/keepalived.conf';

/** A config line `keyword word word` at `line`, words one space apart starting at `col`. */
function line(lineNo: number, col: number, text: string, children?: ConfigNode[]): ConfigNode {
  const words = text.split(' ');
  const tokens: Token[] = [];
  let c = col;
  for (const w of words) {
    tokens.push({ text: w, loc: { file: FILE, line: lineNo, col: c }, quoted: false });
    c += w.length + 1;
  }
  const [kw, ...args] = tokens as [Token, ...Token[]];
  const rest = text.slice(kw.text.length + 1);
  return {
    keyword: kw.text,
    loc: kw.loc,
    args,
    rawArgs: rest,
    rawArgsLoc: args[0]?.loc ?? kw.loc,
    ...(children ? { children, blockLoc: { file: FILE, line: lineNo, col: c } } : {}),
  };
}

describe('PluginRegistry', () => {
  let pd: PluginDir;
  before(() => {
    pd = new PluginDir('registry');
    pd.addExample();
    for (const f of BROKEN_FIXTURES) pd.addBroken(f);
    pd.addPackage('vigil-checker-marker', { checkers: ['MARKER_CHECK'], marker: true });
    pd.addPackage('vigil-checker-mismatch', { pkg: { name: 'vigil-checker-mismatch', keywords: ['vigil-plugin'], type: 'module', exports: './index.js', vigil: { checkers: ['DECLARED_CHECK'], apiVersion: '^1.0.0' } }, body: `import { defineChecker } from '@vigil/core/plugin';\nexport default defineChecker({ keyword: 'OTHER_CHECK', schema: {}, create: () => ({ check: async () => ({ ok: true, detail: '', latencyMs: 0 }) }) });\n` });
    pd.addPackage('vigil-checker-unbuilt', { pkg: { name: 'vigil-checker-unbuilt', keywords: ['vigil-plugin'], type: 'module', exports: './dist/index.js', vigil: { checkers: ['UNBUILT_CHECK'], apiVersion: '^1.0.0' } } });
    pd.addPackage('vigil-multi', { checkers: ['MULTI_CHECK'], notifiers: ['multi'] });
  });
  after(() => pd.remove());

  const registry = (): PluginRegistry => new PluginRegistry(discoverPlugins([pd.dir], []));

  describe('keyword claims', () => {
    it('gives a keyword claimed twice to the first package and names the other in a problem', () => {
      const r = registry();
      assert.equal(r.claim('checker', 'DNS_CHECK')?.plugin.name, 'vigil-checker-dns');
      const dup = r.problems.filter((p) => p.package === 'vigil-checker-dns-copy');
      assert.equal(dup.length, 1, JSON.stringify(r.problems));
      assert.match(dup[0]?.message ?? '', /claims checker keyword 'DNS_CHECK', already provided by vigil-checker-dns; ignored/);
    });

    it('carries discovery problems (bad JSON, old API) alongside its own', () => {
      const r = registry();
      assert.ok(r.problems.some((p) => p.package.endsWith('vigil-checker-badjson') && /not valid JSON/.test(p.message)));
      assert.ok(r.problems.some((p) => p.package === 'vigil-checker-oldapi'));
      assert.equal(r.claim('checker', 'OLDAPI_CHECK'), undefined);
    });

    it('lets a built-in (@vigil/) package win over a third party found earlier', () => {
      const builtins = new PluginDir('registry-builtin');
      try {
        builtins.addPackage('@vigil/checker-dns', { checkers: ['DNS_CHECK'] });
        // The third-party directory is searched first; the built-in still gets the keyword.
        const r = new PluginRegistry(discoverPlugins([pd.dir, builtins.dir], []));
        assert.deepEqual(
          r.plugins.map((p) => p.name).filter((n) => n.includes('dns')),
          ['vigil-checker-dns', 'vigil-checker-dns-copy', '@vigil/checker-dns'],
        );
        assert.equal(r.claim('checker', 'DNS_CHECK')?.plugin.name, '@vigil/checker-dns');
        const losers = r.problems.filter((p) => /DNS_CHECK/.test(p.message)).map((p) => p.package).sort();
        assert.deepEqual(losers, ['vigil-checker-dns', 'vigil-checker-dns-copy']);
        for (const p of r.problems.filter((x) => /DNS_CHECK/.test(x.message))) assert.match(p.message, /already provided by @vigil\/checker-dns/);
      } finally {
        builtins.remove();
      }
    });

    it('lists the keywords per extension point', () => {
      const r = registry();
      assert.deepEqual(r.keywords('checker').sort(), ['DECLARED_CHECK', 'DNS_CHECK', 'MARKER_CHECK', 'MULTI_CHECK', 'NOTDEF_CHECK', 'THROWS_CHECK', 'UNBUILT_CHECK']);
      assert.deepEqual(r.keywords('notifier'), ['multi']);
    });
  });

  describe('lazy loading', () => {
    it("loadFor(['DNS_CHECK']) imports that package only", async () => {
      const r = registry();
      const before = r.problems.length;
      await r.loadFor(['DNS_CHECK', 'virtual_server', 'real_server', 'delay_loop']);
      assert.equal(r.definition('checker', 'DNS_CHECK')?.keyword, 'DNS_CHECK');
      // The marker package was not imported, and neither were the ones that fail on import.
      assert.equal(existsSync(pd.markerFile('vigil-checker-marker')), false);
      assert.equal(r.problems.length, before, JSON.stringify(r.problems.slice(before)));
      assert.equal(r.failure('checker', 'THROWS_CHECK'), undefined);
      assert.equal(r.definition('checker', 'MARKER_CHECK'), undefined);
    });

    it('imports a package when its keyword is used, once', async () => {
      const r = registry();
      await r.loadFor(['MARKER_CHECK']);
      await r.loadFor(['MARKER_CHECK']);
      assert.equal(r.definition('checker', 'MARKER_CHECK')?.kind, 'checker');
      assert.equal(readFileSync(pd.markerFile('vigil-checker-marker'), 'utf8'), 'imported\n');
    });

    it('loads a package with several definitions through any of its keywords', async () => {
      const r = registry();
      await r.loadFor(['multi']);
      assert.equal(r.definition('notifier', 'multi')?.kind, 'notifier');
      assert.equal(r.definition('checker', 'MULTI_CHECK')?.kind, 'checker');
    });

    it('gives no schema for a claimed keyword until its package is loaded', async () => {
      const r = registry();
      assert.equal(r.resolve('checker', 'DNS_CHECK'), undefined);
      await r.loadFor(['DNS_CHECK']);
      assert.ok(r.resolve('checker', 'DNS_CHECK'));
      assert.equal(r.resolve('notifier', 'DNS_CHECK'), undefined);
    });
  });

  describe('a broken package is reported by name and does not stop the others', () => {
    it('a module that throws on import', async () => {
      const r = registry();
      await r.loadFor(['THROWS_CHECK', 'DNS_CHECK']);
      assert.ok(r.definition('checker', 'DNS_CHECK'));
      assert.equal(r.definition('checker', 'THROWS_CHECK'), undefined);
      assert.match(r.failure('checker', 'THROWS_CHECK') ?? '', /cannot initialise/);
      const p = r.problems.find((x) => x.package === 'vigil-checker-throws');
      assert.ok(p, JSON.stringify(r.problems));
      assert.match(p.message, /^failed to load: cannot initialise: the THROWS_CHECK backend is not configured$/);
    });

    it('a default export that is not a definition', async () => {
      const r = registry();
      await r.loadFor(['NOTDEF_CHECK', 'DNS_CHECK']);
      assert.ok(r.definition('checker', 'DNS_CHECK'));
      const p = r.problems.find((x) => x.package === 'vigil-checker-notdef');
      assert.ok(p, JSON.stringify(r.problems));
      assert.match(p.message, /its default export must be defineChecker/);
    });

    it('a module that defines another keyword than package.json declares', async () => {
      const r = registry();
      await r.loadFor(['DECLARED_CHECK']);
      const p = r.problems.find((x) => x.package === 'vigil-checker-mismatch');
      assert.match(p?.message ?? '', /declares checker:DECLARED_CHECK but the module does not define it/);
    });

    it('a package that was not built', async () => {
      const r = registry();
      await r.loadFor(['UNBUILT_CHECK']);
      assert.match(r.failure('checker', 'UNBUILT_CHECK') ?? '', /entry point \.\/dist\/index\.js does not exist \(was the package built\?\)/);
    });

    it('a failed package is tried once', async () => {
      const r = registry();
      await r.loadFor(['THROWS_CHECK']);
      await r.loadFor(['THROWS_CHECK']);
      assert.equal(r.problems.filter((x) => x.package === 'vigil-checker-throws').length, 1);
    });
  });

  describe("the DNS_CHECK example's schema, through the registry", () => {
    async function parse(children: ConfigNode[], common = {}): Promise<{ config: Record<string, unknown> | undefined; diags: Diagnostics }> {
      const r = new PluginRegistry(discoverPlugins([pd.dir], []), { checkerCommonFields: common });
      await r.loadFor(['DNS_CHECK']);
      const schema = r.resolve('checker', 'DNS_CHECK');
      assert.ok(schema);
      const diags = new Diagnostics();
      const ctx = ValidationContext.create(diags, r).child('virtual_server.real_server.DNS_CHECK');
      const config = schema.parseBlock(line(10, 9, 'DNS_CHECK', children), ctx, 'DNS_CHECK');
      return { config, diags };
    }

    it('reads type (any case) and name', async () => {
      const { config, diags } = await parse([line(11, 13, 'type aaaa'), line(12, 13, 'name www.example.org')]);
      assert.deepEqual(diags.items, []);
      assert.equal(config?.type, 'AAAA');
      assert.equal(config?.name, 'www.example.org');
    });

    it('reports a bad type at the word, with the choices', async () => {
      const { diags } = await parse([line(11, 13, 'type AAA')]);
      assert.deepEqual(diags.items.map(formatDiagnostic), [`${FILE}:11:18: error: 'type' takes A|NS|CNAME|SOA|MX|TXT|AAAA, not 'AAA'`]);
    });

    it('reports a misspelt keyword with a did-you-mean', async () => {
      const { diags } = await parse([line(11, 13, 'nmae www.example.org')]);
      assert.equal(diags.errors.length, 1);
      assert.equal(formatDiagnostic(diags.errors[0]!), `${FILE}:11:13: error: unknown keyword 'nmae' in 'DNS_CHECK'; did you mean 'name'?`);
    });

    it("adds core's common checker keywords to the plugin's own", async () => {
      const common = { connect_timeout: k.timer(0, 3600).active() };
      const { config, diags } = await parse([line(11, 13, 'connect_timeout 2.5'), line(12, 13, 'type MX')], common);
      assert.deepEqual(diags.items, []);
      assert.equal(config?.connect_timeout, 2.5);
      assert.equal(config?.type, 'MX');
    });
  });
});
