/**
 * The structured form carries the same model: every valid corpus file, converted to YAML and to
 * JSON (`vigil config convert`) and loaded back, gives the model the keepalived.conf gives.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { documentToStructured, loadConfig, type HostInfo } from '@vigil/core';
import { CORPUS_DIR } from '../lib/paths.js';

const host: HostInfo = { interfaceExists: (n) => ['eth0', 'eth1', 'eth2', 'lo'].includes(n) };

/** The model without source locations, which differ between the two forms by design. */
function isLoc(v: unknown): boolean {
  return !!v && typeof v === 'object' && 'file' in v && 'line' in v && 'col' in v && Object.keys(v).length === 3;
}

function strip(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(strip);
  if (v && typeof v === 'object') {
    return Object.fromEntries(Object.entries(v).filter(([k, x]) => k !== '$locs' && !isLoc(x)).map(([k, x]) => [k, strip(x)]));
  }
  return v;
}

function configId(text: string): string | undefined {
  return /^#\s*config-id:\s*(\S+)/.exec(text.split('\n', 1)[0] ?? '')?.[1];
}

const valid = readdirSync(CORPUS_DIR)
  .filter((f) => /^\d\d-.*\.conf$/.test(f))
  .filter((f) => /^# expect: valid/m.test(readFileSync(join(CORPUS_DIR, f), 'utf8')))
  .sort();

describe('structured form equals keepalived.conf', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'vigil-structured-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('covers the valid corpus', () => assert.ok(valid.length >= 20, `${valid.length} valid files`));

  for (const file of valid) {
    it(file, async () => {
      const id = configId(readFileSync(join(CORPUS_DIR, file), 'utf8'));
      const opts = { host, ...(id ? { configId: id } : {}) };
      const conf = await loadConfig(join(CORPUS_DIR, file), opts);
      assert.equal(conf.diagnostics.errors.length, 0, conf.diagnostics.errors.map((d) => `${d.loc.line}:${d.loc.col} ${d.message}`).join('\n'));
      const tree = documentToStructured(conf.document, conf.registry);
      for (const [ext, text] of [['yaml', stringify(tree, { lineWidth: 0 })], ['json', JSON.stringify(tree, null, 2)]] as const) {
        const f = join(dir, `${file}.${ext}`);
        writeFileSync(f, text);
        const back = await loadConfig(f, opts);
        assert.equal(back.diagnostics.errors.length, 0, `${ext}: ` + back.diagnostics.errors.map((d) => `${d.loc.line}:${d.loc.col} ${d.message}`).join('\n'));
        assert.deepEqual(strip(back.config), strip(conf.config), `${ext} model differs`);
      }
    });
  }
});
