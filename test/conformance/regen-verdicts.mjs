#!/usr/bin/env node
// Regenerate test/conformance/keepalived-verdicts.json: what the real Keepalived (`keepalived -t`) says about
// every file of the conformance corpus (test/conformance/corpus/NN-*.conf), and check each verdict against the
// intent written in the file's header:
//
//   # expect: valid                                   keepalived -t exits 0 and prints nothing
//   # expect: invalid exit=5 line=11                  non-zero exit (=5), errors on exactly these lines
//   # expect: invalid exit=5 line=9,10,11             several lines
//   # expect: invalid exit=5 line=none                only errors without a line (post-parse validation)
//   # expect: invalid exit=5 line=include.d/x.inc:6,16  a line in another file is FILE:LINE
//
// Usage (root: each verdict runs in a fresh network namespace, see keepalived-verdict.sh):
//   sudo node test/conformance/regen-verdicts.mjs            run all, write the JSON, check intents
//   sudo node test/conformance/regen-verdicts.mjs --check    run all, compare with the committed JSON too,
//                                                            write nothing (for CI: does Keepalived still agree?)
//   sudo node test/conformance/regen-verdicts.mjs FILE...    only these corpus files (never writes the JSON)
// Exit status: 0 when every verdict matches its intent (and, with --check, the committed JSON), else 1.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const corpusDir = join(here, 'corpus');
const verdictScript = join(here, 'keepalived-verdict.sh');
const outFile = join(here, 'keepalived-verdicts.json');

const args = process.argv.slice(2);
const check = args.includes('--check');
const named = args.filter((a) => a !== '--check').map((a) => basename(a));
const files = named.length > 0
  ? named
  : readdirSync(corpusDir).filter((f) => /^\d\d-.*\.conf$/.test(f)).sort();

function expectation(file) {
  const head = readFileSync(join(corpusDir, file), 'utf8').split('\n').slice(0, 30);
  for (const l of head) {
    const m = /^[#!]\s*expect:\s*(valid|invalid)\b(.*)$/.exec(l);
    if (!m) continue;
    const exp = { valid: m[1] === 'valid', exit: null, lines: null };
    const exit = /\bexit=(\d+)/.exec(m[2]);
    if (exit) exp.exit = Number(exit[1]);
    const lines = /\bline=(\S+)/.exec(m[2]);
    if (lines) {
      exp.lines = lines[1] === 'none' ? [] : lines[1].split(',').map((t) => {
        const fl = /^(.*):(\d+)$/.exec(t);
        return fl ? `${fl[1]}:${fl[2]}` : `${file}:${t}`;
      });
    }
    return exp;
  }
  return null;
}

function verdict(file) {
  const r = spawnSync('bash', [verdictScript, join(corpusDir, file)], { encoding: 'utf8' });
  if (r.status !== 0) {
    throw new Error(`keepalived-verdict.sh ${file} failed (${r.status}): ${r.stderr}`);
  }
  const v = JSON.parse(r.stdout);
  const entry = { exit: v.exit, valid: v.exit === 0 };
  if (v.configId) entry.configId = v.configId;
  entry.errors = v.errors;
  return entry;
}

const sameSet = (a, b) => a.length === b.length && a.every((x) => b.includes(x));

const verdicts = {};
const problems = [];
for (const file of files) {
  const v = verdict(file);
  verdicts[file] = v;
  const exp = expectation(file);
  const lined = [...new Set(v.errors.filter((e) => e.line !== null).map((e) => `${e.file}:${e.line}`))];
  let status = 'ok';
  if (!exp) {
    status = 'no `expect:` header';
  } else if (exp.valid) {
    if (v.exit !== 0 || v.errors.length > 0) status = `expected valid, got exit ${v.exit}`;
  } else if (v.exit === 0) {
    status = 'expected invalid, Keepalived accepted it';
  } else if (exp.exit !== null && v.exit !== exp.exit) {
    status = `expected exit ${exp.exit}, got ${v.exit}`;
  } else if (exp.lines !== null && !sameSet(exp.lines, lined)) {
    status = `expected errors on [${exp.lines.join(' ')}], got [${lined.join(' ')}]`;
  }
  const tag = v.valid ? 'valid  ' : `invalid(exit ${v.exit})`;
  console.log(`${status === 'ok' ? 'ok  ' : 'FAIL'} ${file.padEnd(40)} ${tag}${status === 'ok' ? '' : `: ${status}`}`);
  if (status !== 'ok') problems.push(`${file}: ${status}`);
}

const json = `${JSON.stringify(verdicts, null, 2)}\n`;
if (check) {
  const old = JSON.parse(readFileSync(outFile, 'utf8'));
  for (const file of files) {
    if (JSON.stringify(old[file]) !== JSON.stringify(verdicts[file])) {
      problems.push(`${file}: verdict differs from ${basename(outFile)}`);
      console.log(`DIFF ${file}: recorded ${JSON.stringify(old[file])}\n     now      ${JSON.stringify(verdicts[file])}`);
    }
  }
} else if (named.length === 0) {
  writeFileSync(outFile, json);
  console.log(`wrote ${outFile} (${files.length} files)`);
}

const nValid = Object.values(verdicts).filter((v) => v.valid).length;
console.log(`${files.length} files: ${nValid} valid, ${files.length - nValid} invalid; ${problems.length} problem(s)`);
if (problems.length > 0) {
  for (const p of problems) console.log(`  ${p}`);
  process.exit(1);
}
