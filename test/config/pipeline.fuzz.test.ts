/**
 * Fuzzing the whole reading pipeline (reader, schemas, plugin blocks, semantic checks) with
 * mutated corpus files and random text: never a crash or a hang, always located errors or a model.
 * The seed is printed; set VIGIL_FUZZ_SEED to replay a run, VIGIL_FUZZ_CASES for more cases.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { discoverPlugins, loadConfig, PluginRegistry, type HostInfo } from '@vigil/core';
import { mulberry32 } from '@vigil/core/testing';
import { CORPUS_DIR } from '../lib/paths.js';

const SEED = Number(process.env.VIGIL_FUZZ_SEED ?? Date.now() % 2 ** 31);
const CASES = Number(process.env.VIGIL_FUZZ_CASES ?? 3000);
const host: HostInfo = { interfaceExists: (n) => n === 'eth0' || n === 'eth1' };


const PIECES = ['{', '}', '"', "'", '\\', '#', '!', '$X', '${X}', '$X=1', '~SEQ(i,1,3)', '~LST(v,a,b)', '@id ', '@^id ', 'include *.inc', '\n', ' ', '\t', '0', '-1', '256', '99999999999', '192.0.2.1', '2001:db8::1', '/33', 'vrrp_instance', 'virtual_server', 'real_server', 'TCP_CHECK', 'HTTP_GET', 'url', 'notifier', 'global_defs', '\u0000', '\r\n', 'é'];

describe('pipeline fuzz', () => {
  let dir: string;
  let registry: PluginRegistry;
  const corpus = readdirSync(CORPUS_DIR).filter((f) => f.endsWith('.conf')).map((f) => readFileSync(join(CORPUS_DIR, f), 'utf8'));
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'vigil-fuzz-'));
    writeFileSync(join(dir, 'a.inc'), 'vrrp_script s {\n script /bin/true\n}\n');
    registry = new PluginRegistry(discoverPlugins());
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it(`${CASES} mutated and random inputs (seed ${SEED})`, { timeout: 300_000 }, async () => {
    const rand = mulberry32(SEED);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;
    let slowest = 0;
    for (let i = 0; i < CASES; i++) {
      let text: string;
      const mode = rand();
      if (mode < 0.1) {
        text = Array.from({ length: Math.floor(rand() * 400) }, () => String.fromCharCode(Math.floor(rand() * 256))).join('');
      } else if (mode < 0.3) {
        text = Array.from({ length: Math.floor(rand() * 80) }, () => pick(PIECES)).join(rand() < 0.5 ? ' ' : '');
      } else {
        text = pick(corpus);
        for (let m = 0, n = 1 + Math.floor(rand() * 6); m < n; m++) {
          const at = Math.floor(rand() * (text.length + 1));
          const len = Math.floor(rand() * 40);
          const op = rand();
          if (op < 0.3) text = text.slice(0, at) + pick(PIECES) + text.slice(at);
          else if (op < 0.55) text = text.slice(0, at) + text.slice(at + len);
          else if (op < 0.8) text = text.slice(0, at) + text.slice(at, at + len).repeat(2) + text.slice(at + len);
          else text = text.slice(0, at) + pick(corpus).slice(at, at + len) + text.slice(at + len);
        }
      }
      const file = join(dir, `case.conf`);
      writeFileSync(file, text);
      const t0 = performance.now();
      let result;
      try {
        result = await loadConfig(file, { host, registry, configId: 'id' });
      } catch (e) {
        writeFileSync(join(dir, `crash-${SEED}-${i}.conf`), text);
        assert.fail(`case ${i} (seed ${SEED}) threw: ${(e as Error).stack}`);
      }
      const ms = performance.now() - t0;
      slowest = Math.max(slowest, ms);
      assert.ok(ms < 5000, `case ${i} (seed ${SEED}) took ${ms.toFixed(0)} ms`);
      for (const d of result.diagnostics.items) {
        assert.ok(d.loc.file.length > 0 && d.loc.line >= 0 && d.loc.col >= 0 && d.message.length > 0, `case ${i}: bad diagnostic ${JSON.stringify(d)}`);
      }
      assert.ok(result.config !== undefined || result.diagnostics.hasErrors, `case ${i}: neither a model nor an error`);
    }
    process.stdout.write(`# pipeline fuzz: ${CASES} cases, seed ${SEED}, slowest ${slowest.toFixed(1)} ms\n`);
  });
});
