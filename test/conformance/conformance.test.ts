/**
 * The conformance corpus against real Keepalived: every file is checked by `keepalived -t`
 * (keepalived-verdict.sh, in its own namespace) and by `vigil check` (in a namespace with the
 * same interfaces). Where Keepalived accepts, vigil must accept; where Keepalived reports an
 * error, vigil must exit 1 with an error on the same file and line.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { addCorpusInterfaces, NetNs } from '../lib/netns.js';
import { parseDiagnostics } from '../lib/diagnostics.js';
import { CORPUS_DIR, REPO_ROOT, VIGIL_BIN } from '../lib/paths.js';

interface KeepalivedVerdict {
  exit: number;
  errors: { file: string | null; line: number | null; message: string }[];
  raw: string;
}

const VERDICT_SCRIPT = join(REPO_ROOT, 'test', 'conformance', 'keepalived-verdict.sh');
const files = readdirSync(CORPUS_DIR).filter((f) => /^\d\d-.*\.conf$/.test(f)).sort();

function configId(file: string): string | undefined {
  const first = readFileSync(join(CORPUS_DIR, file), 'utf8').split('\n', 1)[0] ?? '';
  return /^#\s*config-id:\s*(\S+)/.exec(first)?.[1];
}

function keepalivedVerdict(file: string): KeepalivedVerdict {
  const r = spawnSync('bash', [VERDICT_SCRIPT, join(CORPUS_DIR, file)], { encoding: 'utf8', timeout: 120_000, env: { ...process.env, VGC_PREFIX: `vgck${process.pid.toString(36)}` } });
  assert.equal(r.status, 0, `keepalived-verdict.sh failed for ${file}: ${r.stderr}`);
  return JSON.parse(r.stdout) as KeepalivedVerdict;
}

/** Same file when the paths end alike: Keepalived prints include paths as written, vigil as resolved. */
function sameFile(a: string, b: string): boolean {
  return a === b || a.endsWith('/' + b) || b.endsWith('/' + a) || basename(a) === basename(b);
}

describe('conformance corpus: vigil check agrees with keepalived -t', { concurrency: false }, () => {
  let ns: NetNs;
  before(() => {
    ns = NetNs.create('conf');
    addCorpusInterfaces(ns);
  });
  after(() => ns?.destroy());

  it('has at least 40 files', () => assert.ok(files.length >= 40, `only ${files.length} corpus files`));

  for (const file of files) {
    it(file, () => {
      const ka = keepalivedVerdict(file);
      const id = configId(file);
      const r = ns.run('node', [VIGIL_BIN, 'check', '-f', file, ...(id ? ['-i', id] : [])], { cwd: CORPUS_DIR });
      const printed = parseDiagnostics(r.stderr);
      const errors = printed.filter((d) => d.severity === 'error');
      const show = `\nkeepalived (exit ${ka.exit}):\n${ka.errors.map((e) => `  ${e.file ?? '-'}:${e.line ?? '-'} ${e.message}`).join('\n')}\nvigil (exit ${r.status}):\n${r.stderr}`;
      if (ka.exit === 0) {
        assert.equal(r.status, 0, `Keepalived accepts ${file}; vigil must too${show}`);
        return;
      }
      assert.equal(r.status, 1, `Keepalived rejects ${file}; vigil must exit 1${show}`);
      const located = ka.errors.filter((e) => e.line !== null);
      if (located.length > 0) {
        const hit = located.some((e) => errors.some((d) => d.line === e.line && sameFile(d.file, e.file ?? file)));
        assert.ok(hit, `vigil must report an error on a line Keepalived reports${show}`);
      }
    });
  }
});
