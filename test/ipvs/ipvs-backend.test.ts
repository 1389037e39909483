/**
 * The IPVS backend against a real IPVS: boots the user-mode-linux kernel (test/lib/uml.ts) and runs
 * test/ipvs/inside/backend.uml.js there with node:test; each inner test is reported here as a subtest.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';

import { REPO_ROOT } from '../lib/paths.js';
import { describeUml, runInUml, umlSkipReason } from '../lib/uml.js';

const skip = umlSkipReason();

test('IPVS backend inside user-mode-linux', { skip: skip ?? false, timeout: 300_000 }, async (t) => {
  const inner = join(REPO_ROOT, 'test', 'dist', 'ipvs', 'inside', 'backend.uml.js');
  const r = await runInUml({
    modules: ['ip_vs', 'ip_vs_rr', 'ip_vs_wrr'],
    script: `exec node --test --test-reporter=tap --test-concurrency=1 ${inner}\n`,
    cwd: REPO_ROOT,
    timeoutMs: 240_000,
  });
  t.diagnostic(`UML run: ${r.elapsedMs} ms including boot`);
  // Report each inner test (TAP "ok N - name" / "not ok N - name" / "# SKIP reason").
  const lines = r.stdout.split('\n');
  for (const [i, line] of lines.entries()) {
    const m = /^\s{4}(not ok|ok) \d+ - (.*?)(?: # SKIP (.*))?$/.exec(line);
    if (!m?.[2]) continue;
    const [, verdict, name, skipped] = m;
    if (skipped !== undefined) {
      await t.test(name, { skip: skipped || true }, () => {});
      continue;
    }
    const details = lines.slice(i + 1, i + 40).join('\n');
    await t.test(name, () => {
      if (verdict === 'not ok') assert.fail(details);
    });
  }
  assert.equal(r.status, 0, describeUml(r));
});
