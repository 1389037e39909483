/** docs/config.md lists every keyword with its current status: it is regenerated from the schemas. */
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from '../lib/paths.js';

it('docs/config.md matches the schemas (node scripts/gen-config-doc.mjs regenerates it)', () => {
  const r = spawnSync('node', [join(REPO_ROOT, 'scripts', 'gen-config-doc.mjs'), '--check'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
});
