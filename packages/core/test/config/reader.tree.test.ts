import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { outline, problems, readText } from './reader.helpers.js';

describe('reader: blocks', () => {
  it('builds nested blocks with the location of each keyword and brace', () => {
    const r = readText(
      [
        'vrrp_instance VI_1 {',
        '    state MASTER',
        '    virtual_ipaddress {',
        '        192.0.2.1/24 dev eth0',
        '        192.0.2.2',
        '    }',
        '}',
      ].join('\n'),
    );
    assert.deepEqual(outline(r.nodes), [
      '1:1 vrrp_instance VI_1 {1:20',
      '  2:5 state MASTER',
      '  3:5 virtual_ipaddress {3:23',
      '    4:9 192.0.2.1/24 dev eth0',
      '    5:9 192.0.2.2',
      '  }',
      '}',
    ]);
    assert.deepEqual(r.diags, []);
  });

  it('reads a block written on one line', () => {
    const r = readText('virtual_ipaddress { 192.0.2.1/24 dev eth0 }\n');
    assert.deepEqual(outline(r.nodes), ['1:1 virtual_ipaddress {1:19', '  1:21 192.0.2.1/24 dev eth0', '}']);
  });

  it('takes a { on its own line, after blank and comment lines, as the block of the keyword before', () => {
    const r = readText('global_defs\n\n# opening next\n{\n  router_id r1\n}\n');
    assert.deepEqual(outline(r.nodes), ['1:1 global_defs {4:1', '  5:3 router_id r1', '}']);
  });

  it('reads what follows a } as a new line', () => {
    const r = readText('a { b } c { d }   e\n');
    assert.deepEqual(outline(r.nodes), ['1:1 a {1:3', '  1:5 b', '}', '1:9 c {1:11', '  1:13 d', '}', '1:19 e']);
  });

  it('reads a block that is opened and closed on the same line as an empty block', () => {
    const r = readText('track_script {}\n');
    assert.deepEqual(outline(r.nodes), ['1:1 track_script {1:14', '}']);
    assert.deepEqual(r.nodes[0]?.children, []);
  });

  it('does not split at braces inside double quotes', () => {
    const r = readText('notify "/bin/x {a}" { y }\n');
    assert.deepEqual(outline(r.nodes), ['1:1 notify "/bin/x {a}" {1:21', '  1:23 y', '}']);
  });

  it('reports a } that closes no block, and goes on', () => {
    const r = readText('a {\n}\n}\nb\n');
    assert.deepEqual(outline(r.nodes), ['1:1 a {1:3', '}', '4:1 b']);
    assert.deepEqual(problems(r.diags), ['error 3:1 unmatched-brace']);
  });

  it('reports every { left open at the end, at the brace', () => {
    const r = readText('a {\n  b {\n    c\n');
    assert.deepEqual(outline(r.nodes), ['1:1 a {1:3', '  2:3 b {2:5', '    3:5 c', '  }', '}']);
    assert.deepEqual(problems(r.diags), ['error 1:3 unclosed-brace', 'error 2:5 unclosed-brace']);
  });

  it('reports a { that follows no keyword and keeps its lines at the current level', () => {
    const r = readText('{\n  a\n}\nb { c }\n{ d }\n');
    assert.deepEqual(outline(r.nodes), ['2:3 a', '4:1 b {4:3', '  4:5 c', '}', '5:3 d']);
    assert.deepEqual(problems(r.diags), ['error 1:1 unexpected-brace', 'error 5:1 unexpected-brace']);
  });

  it('reads the text after a brace through conditionals again, as Keepalived does', () => {
    // `@other x }` is dropped whole, its '}' included, so the block stays open.
    const r = readText('a { @main x } y\nb { @other x }\n', { configId: 'main' });
    assert.deepEqual(outline(r.nodes), ['1:1 a {1:3', '  1:11 x', '}', '1:15 y', '2:1 b {2:3', '}']);
    assert.deepEqual(problems(r.diags), ['error 2:3 unclosed-brace']);
  });

  it('keeps deeply nested blocks without exhausting the stack', () => {
    const depth = 20_000;
    const r = readText(`${'k {\n'.repeat(depth)}${'}\n'.repeat(depth)}`);
    assert.deepEqual(r.diags, []);
    let node = r.nodes[0];
    let levels = 0;
    while (node) {
      levels++;
      node = node.children?.[0];
    }
    assert.equal(levels, depth);
  });
});
