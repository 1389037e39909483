import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { located, outline, problems, readText } from './reader.helpers.js';

/** The keyword and arguments of each top-level node, without locations. */
function lines(text: string, opts = {}): string[] {
  return readText(text, opts).nodes.map((n) => [n.keyword, ...n.args.map((a) => a.text)].join(' '));
}

describe('reader: ~SEQ', () => {
  it('repeats the rest of the line, keeping the columns it was written at', () => {
    const r = readText('~SEQ(SUBNET, 0, 3) ip_address 10.0.${SUBNET}.1\n');
    assert.deepEqual(outline(r.nodes), [
      '1:20 ip_address 10.0.0.1',
      '1:20 ip_address 10.0.1.1',
      '1:20 ip_address 10.0.2.1',
      '1:20 ip_address 10.0.3.1',
    ]);
    assert.deepEqual(located(r.nodes[3]?.args ?? []), ['10.0.3.1@1:31']);
  });

  it('defaults START and STEP as Keepalived does', () => {
    assert.deepEqual(lines('~SEQ(i, 3) a$i\n'), ['a1', 'a2', 'a3']);
    assert.deepEqual(lines('~SEQ(i, 0) a$i\n'), ['a1', 'a0']);
    assert.deepEqual(lines('~SEQ(i, -2) a$i\n'), ['a-1', 'a-2']);
    assert.deepEqual(lines('~SEQ(i, 3, 1) a$i\n'), ['a3', 'a2', 'a1']);
    assert.deepEqual(lines('~SEQ(i, 1, 4, 10) a$i\n'), ['a1', 'a5', 'a9']);
  });

  it('reads C numbers and writes hexadecimal for ~SEQx (the manual example)', () => {
    assert.deepEqual(lines('~SEQx(SUBNET, 0x90, 0x10, 0xc0) ip fe80::20:${SUBNET}:1\n'), [
      'ip fe80::20:90:1',
      'ip fe80::20:a0:1',
      'ip fe80::20:b0:1',
      'ip fe80::20:c0:1',
    ]);
    assert.deepEqual(lines('~SEQ(i, 010, 0x0a) a$i\n'), ['a8', 'a9', 'a10']);
  });

  it('takes macros in its arguments', () => {
    assert.deepEqual(lines('$LAST=3\n~SEQ(i, 2, $LAST) a$i\n'), ['a2', 'a3']);
  });

  it('nests, inner arguments seeing the outer variable', () => {
    assert.deepEqual(lines('~SEQ(a, 1, 2) ~SEQ(b, 1, $a) k${a}_$b\n'), ['k1_1', 'k2_1', 'k2_2']);
  });

  it('leaves its variable defined afterwards', () => {
    assert.deepEqual(lines('~SEQ(i, 2) x\nlast $i\n'), ['x', 'x', 'last 2']);
  });

  it('repeats item lines inside a block (where $i/24 needs braces: ${i}/24)', () => {
    const r = readText('virtual_ipaddress {\n  ~SEQ(i, 1, 2) 192.0.2.${i}/24\n}\n');
    assert.deepEqual(outline(r.nodes), ['1:1 virtual_ipaddress {1:19', '  2:17 192.0.2.1/24', '  2:17 192.0.2.2/24', '}']);
  });

  it('reports an invalid ~SEQ at the line start and ignores the line', () => {
    const r = readText('~SEQ(i, 1, 0, 3) a\n~SEQ(i 1, 2) b\n~SEQ(i, 1\n~SEQx(i, -1, 2) c\n~SEQUENCE d\nok\n');
    assert.deepEqual(outline(r.nodes), ['6:1 ok']);
    assert.deepEqual(problems(r.diags), [
      'error 1:1 sequence-invalid',
      'error 2:1 sequence-invalid',
      'error 3:1 sequence-invalid',
      'error 4:1 sequence-invalid',
      'error 5:1 sequence-invalid',
    ]);
  });
});

describe('reader: ~LST', () => {
  it('repeats the line for each value', () => {
    assert.deepEqual(lines('~LST(v, x, y , z) k_$v\n'), ['k_x', 'k_y', 'k_z']);
  });

  it('sets several variables from each {} set, leaving missing ones empty (the manual example)', () => {
    assert.deepEqual(lines('~LST({IP, IP1}, {10,1},{20,4}, {5}) 192.168.${IP}.${IP1}\n'), [
      '192.168.10.1',
      '192.168.20.4',
      '192.168.5.',
    ]);
  });

  it('combines with ~LST and ~SEQ, the outer one varying slowest (the manual example)', () => {
    assert.deepEqual(lines('~LST(IP, 1, 2) ~LST(IP1, 5,6) 192.169.${IP}.${IP1}\n'), [
      '192.169.1.5',
      '192.169.1.6',
      '192.169.2.5',
      '192.169.2.6',
    ]);
    assert.deepEqual(lines('~LST({IP, IP1}, {10,1},{20,4}) ~SEQ(IP2,168,2,170) 192.${IP2}.${IP}.${IP1}\n'), [
      '192.168.10.1',
      '192.170.10.1',
      '192.168.20.4',
      '192.170.20.4',
    ]);
  });

  it('reports an invalid ~LST', () => {
    const r = readText('~LST({p,q}, {1,2,3}) a\n~LST(v) b\n~LST(v, 1\nok\n');
    assert.deepEqual(outline(r.nodes), ['4:1 ok']);
    assert.deepEqual(problems(r.diags), ['error 1:1 sequence-invalid', 'error 2:1 sequence-invalid', 'error 3:1 sequence-invalid']);
  });
});

describe('reader: limits on expansion', () => {
  it('stops substituting when the budget is spent and reads later lines as written', () => {
    // Each substitution costs the length of the line it makes plus 64: 85, then 94, then 103.
    const r = readText('$A=0123456789\nk $A $A $A\nnext $A\n', { maxExpansion: 200 });
    assert.deepEqual(outline(r.nodes), ['2:1 k 0123456789 0123456789 $A', '3:1 next $A']);
    assert.deepEqual(problems(r.diags), ['error 2:9 expansion-too-large']);
  });

  it('refuses a ~SEQ larger than what is left, before generating any line', () => {
    const started = Date.now();
    const r = readText('~SEQ(i, 1, 100000000000) a\nok\n', { maxExpansion: 1000 });
    assert.ok(Date.now() - started < 1000);
    assert.deepEqual(outline(r.nodes), ['2:1 ok']);
    assert.deepEqual(problems(r.diags), ['error 1:1 sequence-too-large']);
  });

  it('stops nested repetitions when the budget is spent', () => {
    // A round costs 17 + 64 for the outer line and 100 x (1 + 64) for the inner ones: three
    // rounds fit in 20000, then the inner ~SEQ no longer does, then nothing more does.
    const r = readText('~SEQ(a, 1, 100) ~SEQ(b, 1, 100) k\nok\n', { maxExpansion: 20_000 });
    assert.equal(r.nodes.filter((n) => n.keyword === 'k').length, 300);
    assert.deepEqual(outline(r.nodes.slice(-1)), ['2:1 ok']);
    assert.deepEqual(problems(r.diags), ['error 1:17 sequence-too-large', 'error 1:17 expansion-too-large']);
  });

  it('stops a ~SEQ that a macro makes nest without end', () => {
    const r = readText('$S=~SEQ(i, 1, 2) $S\n$S\nok\n', { maxExpansion: 20_000 });
    assert.deepEqual(outline(r.nodes), ['3:1 ok']);
    assert.deepEqual(problems(r.diags), ['error 2:1 sequence-too-deep', 'error 2:1 expansion-too-large']);
  });

  it('stops a multi-line macro that expands itself without end', () => {
    const r = readText('$M=\\\nk\\\n$M\n$M\nok\n', { maxExpansion: 2000 });
    assert.equal(r.nodes.filter((n) => n.keyword === 'k').length, 15);
    // When the budget runs out the line being expanded is kept as written.
    assert.deepEqual(outline(r.nodes.slice(-2)), ['4:1 $M', '5:1 ok']);
    assert.deepEqual(problems(r.diags), ['error 4:1 expansion-too-large']);
  });

  it('stops a macro that regrows the text after each brace split', () => {
    // `{7{7...{7$X` is split at each brace, and each residue would be substituted again.
    const r = readText('$X={7$X\n$X\nok\n');
    const all = outline(r.nodes);
    assert.ok(all.length < 2000);
    assert.equal(all.filter((l) => l.trim() === '3:1 ok').length, 1);
    assert.ok(r.diags.some((d) => d.code === 'macro-recursion'));
  });
});
