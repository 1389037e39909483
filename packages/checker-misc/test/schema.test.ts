import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import miscCheck from '../src/index.js';
import { testServices } from './services.js';
import { checkBlock, checkFile, registry, type Checked } from '@vigil/core/testing';

const corpus = (name: string): string => fileURLToPath(new URL(`../../../../test/conformance/corpus/${name}`, import.meta.url));
const lines = (...l: string[]): string => l.map((s) => `        ${s}`).join('\n');
/** `LINE:COL message`, sorted by position. */
const messages = (r: Checked, kind: 'errors' | 'warnings'): string[] =>
  [...r[kind]].sort((a, b) => a.loc.line - b.loc.line || a.loc.col - b.loc.col).map((d) => `${d.loc.line}:${d.loc.col} ${d.message}`);

describe('MISC_CHECK schema', () => {
  it('is found from package.json as the plugin @vigil/checker-misc', () => {
    assert.equal(registry.claim('checker', 'MISC_CHECK')?.plugin.name, '@vigil/checker-misc');
  });

  it('reads misc_path, misc_timeout, misc_dynamic and user', async () => {
    const r = await checkBlock(
      lines('MISC_CHECK {', `    misc_path "/usr/local/bin/check.sh 'two words' \\$HOME"`, '    misc_timeout 5', '    misc_dynamic', '    user nobody nogroup', '    retry 2', '    delay_loop 3', '}'),
    );
    assert.deepEqual(messages(r, 'errors'), [], r.report);
    const c = r.checkers[0]?.config as Record<string, unknown>;
    assert.deepEqual((c.misc_path as { argv: string[] }).argv, ['/usr/local/bin/check.sh', 'two words', '$HOME']);
    assert.equal(c.misc_timeout, 5);
    assert.equal(c.misc_dynamic, true);
    assert.deepEqual(c.user, { user: 'nobody', group: 'nogroup' });
    assert.equal(c.retry, 2);
    assert.equal(c.delay_loop, 3);
  });

  it('rejects what Keepalived -t rejects, at the offending word', async () => {
    const r = await checkBlock(
      lines(
        'MISC_CHECK {',
        '    misc_path /bin/true',
        '    misc_timeout 1.5', //  line 8
        '    misc_timeout -1',
        '    misc_timeout 4295',
        '    user', //              line 11
        '    misc_path "/bin/true',
        '}',
      ),
    );
    assert.deepEqual(messages(r, 'errors'), [
      "8:26 'misc_timeout' needs an integer, not '1.5'",
      "9:26 'misc_timeout' -1 is out of range 0..4294",
      "10:26 'misc_timeout' 4295 is out of range 0..4294",
      "11:13 'user' needs a user name",
      // The reader reports the quote too (it also ends the line there).
      '12:23 unterminated quote: add the closing " (until then, braces and comment characters are part of the quoted text)',
      "12:23 'misc_path': unterminated double quote",
    ]);
  });

  it('takes the scheduling keywords but not the connection ones, as Keepalived', async () => {
    const r = await checkBlock(
      lines('MISC_CHECK {', '    misc_path /bin/true', '    retry 2', '    delay_before_retry 1', '    warmup 1', '    alpha', '    log_all_failures', '    connect_ip 192.0.2.9', '    connect_timeout 3', '}'),
    );
    assert.deepEqual(messages(r, 'errors'), ["13:13 unknown keyword 'connect_ip' in 'MISC_CHECK'", "14:13 unknown keyword 'connect_timeout' in 'MISC_CHECK'"]);
  });

  it('warns where Keepalived accepts and ignores', async () => {
    const r = await checkBlock(lines('MISC_CHECK {', '    misc_path "/usr/bin/test -d /var/lib" root', '    misc_dynamic off', '    user root root extra', '}'));
    assert.deepEqual(messages(r, 'errors'), [], r.report);
    const w = messages(r, 'warnings');
    for (const e of [
      `7:23 'misc_path': 'root' after the command is ignored, as Keepalived does; quote the command with its arguments ("PATH ARGS"), and give the user with 'user'`,
      "8:26 'misc_dynamic' takes no argument; 'off' is ignored and misc_dynamic is on, as in Keepalived",
      "9:28 unexpected 'extra' after 'user'",
    ]) {
      assert.ok(w.includes(e), `missing warning: ${e}\n${r.report}`);
    }
    const c = r.checkers[0]?.config as Record<string, unknown>;
    assert.deepEqual(c.misc_path, { command: '/usr/bin/test -d /var/lib', argv: ['/usr/bin/test', '-d', '/var/lib'] });
    assert.equal(c.misc_dynamic, true);
  });

  it('accepts the conformance file with MISC_CHECKs', async () => {
    const r = await checkFile(corpus('27-misc-check.conf'));
    // Only the MISC_CHECK blocks are this package's: global_defs is core's.
    const ours = messages(r, 'errors').filter((m) => !m.includes("in 'global_defs'"));
    assert.deepEqual(ours, [], r.report);
  });

  describe('from keepalived.conf text to a check', () => {
    let dir: string;
    before(async () => {
      dir = await mkdtemp(join(tmpdir(), 'vigil-misc-schema-'));
    });
    after(() => rm(dir, { recursive: true, force: true }));

    it('runs the checker from the block the schema read', async () => {
      const script = join(dir, 'weight.sh');
      const out = join(dir, 'args');
      await writeFile(script, `#!/bin/sh\necho "$1" > ${out}\nexit 42\n`);
      await chmod(script, 0o755);
      const r = await checkBlock(lines('MISC_CHECK {', `    misc_path "${script} 'web 1'"`, '    misc_timeout 5', '    misc_dynamic', '}'));
      assert.deepEqual(messages(r, 'errors'), [], r.report);
      const checker = miscCheck.create(r.checkers[0]?.config as Parameters<typeof miscCheck.create>[0], testServices());
      const result = await checker.check({ family: 4, address: '192.0.2.2', port: 80, connectTimeout: 5 }, new AbortController().signal);
      assert.equal(result.ok, true, result.detail);
      assert.equal(result.weight, 40);
      assert.equal((await readFile(out, 'utf8')).trim(), 'web 1');
    });
  });
});
