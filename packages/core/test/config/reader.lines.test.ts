import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { located, outline, problems, readText } from './reader.helpers.js';

describe('reader: physical lines and comments', () => {
  it('drops # and ! comments and keeps line numbers across blank lines', () => {
    const r = readText('# header\n\n   ! note\nrouter_id r1 # trailing\n\n\nvrrp_strict ! why\n');
    assert.deepEqual(outline(r.nodes), ['4:1 router_id r1', '7:1 vrrp_strict']);
    assert.deepEqual(r.diags, []);
  });

  it('keeps # and ! inside double quotes and after a backslash', () => {
    const r = readText('notify "/bin/x #1 !2" \\#3 a\\!b # gone\n');
    assert.deepEqual(located(r.nodes[0]?.args ?? []), ['"/bin/x #1 !2"@1:8', '#3@1:24', 'a!b@1:27']);
  });

  it('reads CRLF files like LF files', () => {
    const r = readText('global_defs {\r\n  router_id r1\r\n}\r\n');
    assert.deepEqual(outline(r.nodes), ['1:1 global_defs {1:13', '  2:3 router_id r1', '}']);
  });

  it('treats a lone CR inside a line as white space between words', () => {
    const r = readText('a b\rc\n');
    assert.deepEqual(located(r.nodes[0]?.args ?? []), ['b@1:3', 'c@1:5']);
  });

  it('reports a NUL byte where it is and ignores the rest of the line', () => {
    const r = readText('router_id r1\0junk\nnext 1\n');
    assert.deepEqual(outline(r.nodes), ['1:1 router_id r1', '2:1 next 1']);
    assert.deepEqual(problems(r.diags), ['error 1:13 nul-byte']);
  });

  it('reports a line longer than 1023 bytes and reads it as two lines from there, as Keepalived does', () => {
    const r = readText(`router_id ${'x'.repeat(1100)}\nnext\n`);
    assert.deepEqual(
      r.nodes.map((n) => `${n.loc.line}:${n.loc.col} ${n.keyword.length} ${n.args.map((a) => a.text.length).join(' ')}`),
      ['1:1 9 1013', '1:1024 87 ', '2:1 4 '],
    );
    assert.deepEqual(problems(r.diags), ['error 1:1024 line-too-long']);
  });

  it('counts bytes, not characters, against the line limit', () => {
    const r = readText(`k ${'é'.repeat(600)}\n`);
    assert.deepEqual(problems(r.diags), ['error 1:513 line-too-long']);
  });

  it('reports an unterminated quote once, at the quote', () => {
    const r = readText('notify_master "/bin/x arg { not a block\nnext\n');
    assert.deepEqual(problems(r.diags), ['error 1:15 unterminated-quote']);
    assert.deepEqual(outline(r.nodes), ['1:1 notify_master', '2:1 next']);
  });

  it('skips an escaped quote when looking for comments, though the tokeniser does not', () => {
    // decomment sees one quoted string `"a\" # b"`; the tokeniser ends it at the escaped quote.
    const r = readText('k "a\\" # b"\n');
    assert.deepEqual(located(r.nodes[0]?.args ?? []), ['"a\\"@1:3', '#@1:8', 'b@1:10']);
    assert.deepEqual(problems(r.diags), ['error 1:11 unterminated-quote']);
  });

  it('keeps a backslash that ends an ordinary line', () => {
    const r = readText('k a\\\n');
    assert.deepEqual(located(r.nodes[0]?.args ?? []), ['a\\@1:3']);
  });
});

describe('reader: default tokeniser', () => {
  it('splits on white space and strips the quotes of a quoted word without escapes', () => {
    const r = readText('k\ta  "b c"\f"" \'d e\' "x\\ty"\n');
    assert.deepEqual(located(r.nodes[0]?.args ?? []), ['a@1:3', '"b c"@1:6', '""@1:12', "'d@1:15", "e'@1:18", '"x\\ty"@1:21']);
  });

  it('ends a word at a quote, as Keepalived does', () => {
    const r = readText('k a"b c"d\n');
    assert.deepEqual(located(r.nodes[0]?.args ?? []), ['a@1:3', '"b c"@1:4', 'd@1:9']);
  });

  it('gives the raw text after the keyword, quotes and escapes as written', () => {
    const r = readText('  notify_master   "/bin/a b" \'c\\x20d\'   # comment\n');
    const node = r.nodes[0];
    assert.equal(node?.rawArgs, `"/bin/a b" 'c\\x20d'`);
    assert.deepEqual(node?.rawArgsLoc, { file: '/nonexistent/keepalived.conf', line: 1, col: 19 });
  });

  it('places rawArgsLoc just after a keyword that has no arguments', () => {
    const r = readText('nopreempt\n');
    assert.equal(r.nodes[0]?.rawArgs, '');
    assert.deepEqual(r.nodes[0]?.rawArgsLoc, { file: '/nonexistent/keepalived.conf', line: 1, col: 10 });
  });
});
