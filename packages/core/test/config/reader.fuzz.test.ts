import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import type { ConfigNode } from '../../src/config/ast.js';
import { Diagnostics } from '../../src/config/diagnostics.js';
import type { SourceLoc } from '../../src/config/location.js';
import { readConfigText } from '../../src/config/reader/index.js';
import { tempTree } from './reader.helpers.js';
import { SeededRandom as Random } from '../../src/util/random.js';

/**
 * Feeds the reader thousands of generated inputs and checks it always returns promptly, never
 * throws, and locates everything it reports. Set VIGIL_FUZZ_SEED to replay a run.
 */

const CASES_PER_KIND = 2000;
const MAX_MS_PER_CASE = 2000;



const SNIPPETS = [
  `global_defs {\n  router_id lb1 # id\n  @main vrrp_strict\n  notification_email { ops@example.com }\n}\n`,
  `vrrp_instance VI_1 {\n  state MASTER\n  interface eth0\n  virtual_router_id 51\n  priority 100\n  virtual_ipaddress {\n    192.0.2.1/24 dev eth0\n    ~SEQ(i, 10, 12) 192.0.2.\${i}/24\n  }\n  notify_master "/etc/keepalived/x.sh 'a b' \\\\x41"\n}\n`,
  `$VIP=198.51.100.7\n$M= \\\nvirtual_server $VIP 80 { \\\n  real_server 203.0.113.\${N} 80 { weight 1 } \\\n}\n$N=1\n$M\n~LST({A, B}, {1, 2}, {3}) k \${A}-\${B}\n`,
  `include inc.conf\ninclude *.conf\nincludea {a,b}.conf\ninclude_check +match\n@^main k "quoted # not comment" \\# x \${_HASH} \${_RANDOM 1 9} \${_ENV HOME}\n`,
  `static_ipaddress {\n  2001:db8::1/64 dev eth0\n}\nvirtual_server_group G {\n  192.0.2.10 80\n  fwmark 7\n}\n$A=$B\n$B=$A\nx $A\n~SEQx(h, 0x10, 0x12) ~SEQ(j, 2) h\${h}j\${j}\n`,
];

/** Characters weighted towards what the reader treats specially. */
const ALPHABET = [
  ...'{}{}""$$$@@#!\\\\()~,,;=^_ \t\t  \n\n\n\r',
  ...'abcxyzABCXYZ0123456789./:-',
  '~SEQ(',
  '~SEQx(',
  '~LST(',
  '${',
  '$X=',
  '$X',
  '@main ',
  '@^main ',
  'include ',
  'includea ',
  '\\\n',
  '\0',
  'é',
  '\u{1F600}',
];

function printable(random: Random, length: number): string {
  let text = '';
  while (text.length < length) text += random.pick(ALPHABET);
  return text;
}

function randomBytes(random: Random, length: number): string {
  const bytes = Buffer.alloc(length);
  for (let i = 0; i < length; i++) bytes[i] = random.int(256);
  // As a file would be read (UTF-8), or one character per byte.
  return random.int(2) === 0 ? bytes.toString('utf8') : bytes.toString('latin1');
}

function mutate(random: Random, source: string): string {
  let text = source;
  for (let n = 1 + random.int(4); n > 0; n--) {
    const at = random.int(text.length + 1);
    const size = 1 + random.int(40);
    switch (random.int(5)) {
      case 0:
        text = text.slice(0, at) + printable(random, random.int(12)) + text.slice(at);
        break;
      case 1:
        text = text.slice(0, at) + text.slice(at + size);
        break;
      case 2:
        text = text.slice(0, at) + text.slice(at, at + size).repeat(2 + random.int(3)) + text.slice(at + size);
        break;
      case 3: {
        const other = random.int(text.length + 1);
        const [a, b] = at < other ? [at, other] : [other, at];
        text = text.slice(0, a) + text.slice(b, b + size) + text.slice(a + size, b) + text.slice(a, a + size) + text.slice(b + size);
        break;
      }
      default:
        text = text.slice(0, at) + random.pick(SNIPPETS).slice(0, size) + text.slice(at);
    }
  }
  return text;
}

/** The conformance corpus (test/conformance/corpus at the repository root), if it is there. */
function corpus(): string[] {
  for (let dir = path.dirname(fileURLToPath(import.meta.url)); dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'test', 'conformance', 'corpus');
    if (fs.existsSync(candidate)) {
      return fs
        .readdirSync(candidate)
        .filter((f) => f.endsWith('.conf'))
        .sort()
        .map((f) => fs.readFileSync(path.join(candidate, f), 'utf8'));
    }
  }
  return [];
}

function assertLocated(loc: SourceLoc, what: string): void {
  assert.ok(loc.file.length > 0 && loc.line >= 1 && loc.col >= 1, `${what} has no proper location: ${JSON.stringify(loc)}`);
}

function checkCase(dir: string, text: string, label: string): void {
  const diags = new Diagnostics();
  const started = performance.now();
  let nodes: readonly ConfigNode[];
  try {
    nodes = readConfigText(text, path.join(dir, 'fuzz.conf'), diags, { configId: 'main', env: { HOME: '/root' }, randomSeed: 1 })
      .nodes;
  } catch (err) {
    assert.fail(`${label}: threw ${String(err)} on input ${JSON.stringify(text.slice(0, 300))}`);
  }
  const elapsed = performance.now() - started;
  assert.ok(elapsed < MAX_MS_PER_CASE, `${label}: took ${elapsed.toFixed(0)} ms on ${JSON.stringify(text.slice(0, 300))}`);
  for (const d of diags.items) assertLocated(d.loc, `${label}: diagnostic ${d.code}`);
  const pending = [...nodes];
  for (let node = pending.pop(); node !== undefined; node = pending.pop()) {
    assertLocated(node.loc, `${label}: node ${node.keyword}`);
    for (const arg of node.args) assertLocated(arg.loc, `${label}: argument ${arg.text}`);
    for (const child of node.children ?? []) pending.push(child);
  }
}

describe('reader fuzz', () => {
  const seed = Number(process.env.VIGIL_FUZZ_SEED ?? Date.now() % 2 ** 31);
  const dir = tempTree({
    'inc.conf': 'include inc.conf\nk 1\n',
    'a.conf': '$X=include a.conf\n$X\n',
    'b.conf': 'vrrp_instance I { state BACKUP\n',
  });
  const seeds = [...SNIPPETS, ...corpus()];

  it('reads random bytes', (t) => {
    t.diagnostic(`seed ${seed} (VIGIL_FUZZ_SEED=${seed} replays it)`);
    const random = new Random(seed);
    for (let i = 0; i < CASES_PER_KIND; i++) checkCase(dir, randomBytes(random, random.int(2000)), `seed ${seed} bytes #${i}`);
  });

  it('reads random text made of the characters the reader cares about', (t) => {
    t.diagnostic(`seed ${seed}`);
    const random = new Random(seed + 1);
    for (let i = 0; i < CASES_PER_KIND; i++) checkCase(dir, printable(random, random.int(2000)), `seed ${seed} text #${i}`);
  });

  it(`reads mutations of ${seeds.length} valid configurations`, (t) => {
    t.diagnostic(`seed ${seed}`);
    const random = new Random(seed + 2);
    for (let i = 0; i < CASES_PER_KIND; i++) checkCase(dir, mutate(random, random.pick(seeds)), `seed ${seed} mutation #${i}`);
  });
});
