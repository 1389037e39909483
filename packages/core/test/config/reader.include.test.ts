import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { outline, problems, readFile, tempTree } from './reader.helpers.js';

/** `FILE:LINE:COL keyword args` for each top-level node, FILE relative to `dir`. */
function where(dir: string, nodes: ReturnType<typeof readFile>['nodes']): string[] {
  return nodes.map((n) => `${path.relative(dir, n.loc.file)}:${n.loc.line}:${n.loc.col} ${[n.keyword, ...n.args.map((a) => a.text)].join(' ')}`);
}

describe('reader: include', () => {
  it('reads included files where the include is, relative to the including file, nested', () => {
    const dir = tempTree({
      'keepalived.conf': 'a\ninclude conf.d/vrrp.conf\nz\n',
      'conf.d/vrrp.conf': 'b\ninclude sub/deeper.conf\nc\n',
      'conf.d/sub/deeper.conf': '\n  d\n',
    });
    const r = readFile(path.join(dir, 'keepalived.conf'));
    assert.deepEqual(where(dir, r.nodes), [
      'keepalived.conf:1:1 a',
      'conf.d/vrrp.conf:1:1 b',
      'conf.d/sub/deeper.conf:2:3 d',
      'conf.d/vrrp.conf:3:1 c',
      'keepalived.conf:3:1 z',
    ]);
    assert.deepEqual(
      r.files.map((f) => path.relative(dir, f)),
      ['keepalived.conf', 'conf.d/vrrp.conf', 'conf.d/sub/deeper.conf'],
    );
    assert.deepEqual(r.diags, []);
  });

  it('reads wildcard matches sorted and brace alternatives in the order written', () => {
    const dir = tempTree({
      'main.conf': 'include d/*.conf\ninclude d/{c,a}.conf\n',
      'd/b.conf': 'b\n',
      'd/a.conf': 'a\n',
      'd/c.conf': 'c\n',
      'd/.hidden.conf': 'hidden\n',
      'd/other.txt': 'other\n',
    });
    const r = readFile(path.join(dir, 'main.conf'));
    assert.deepEqual(
      r.nodes.map((n) => n.keyword),
      ['a', 'b', 'c', 'c', 'a'],
    );
  });

  it('takes the rest of the line as the pattern, blanks included', () => {
    const dir = tempTree({ 'main.conf': 'include my file.conf\n', 'my file.conf': 'spaced\n' });
    assert.deepEqual(outline(readFile(path.join(dir, 'main.conf')).nodes).map((l) => l.split(' ').slice(1).join(' ')), [
      'spaced',
    ]);
  });

  it('reports missing files by include variant, as Keepalived does', () => {
    const dir = tempTree({
      'main.conf': [
        'include none.conf',
        'includer none.conf',
        'includem none.conf',
        'includem d/*.conf',
        'includew d/*.conf',
        'include nodir/*.conf',
        'includea nodir/*.conf',
      ].join('\n'),
      'd/x.txt': '',
    });
    const r = readFile(path.join(dir, 'main.conf'));
    assert.deepEqual(problems(r.diags), [
      'warning 1:9 include-missing',
      'warning 2:10 include-missing',
      'error 3:10 include-missing',
      'error 5:10 include-missing',
      'warning 6:9 include-missing',
      'error 7:10 include-missing',
    ]);
  });

  it('with includeb, includes nothing when one brace alternative is missing', () => {
    const dir = tempTree({ 'main.conf': 'includeb {a,b}.conf\nincludem {a,b}.conf\n', 'a.conf': 'a\n' });
    const r = readFile(path.join(dir, 'main.conf'));
    assert.deepEqual(r.nodes.map((n) => n.keyword), ['a']);
    assert.deepEqual(problems(r.diags), ['error 1:10 include-missing', 'warning 2:10 include-missing']);
  });

  it('skips directories and executable files, as errors with includer', () => {
    const dir = tempTree({ 'main.conf': 'include d*\nincluder d*\n', 'd1/x.conf': 'x\n', 'd2.conf': 'exec\n' });
    fs.chmodSync(path.join(dir, 'd2.conf'), 0o755);
    const r = readFile(path.join(dir, 'main.conf'));
    assert.deepEqual(r.nodes, []);
    assert.deepEqual(problems(r.diags), [
      'warning 1:9 file-not-regular',
      'warning 1:9 file-not-regular',
      'error 2:10 file-not-regular',
      'error 2:10 file-not-regular',
    ]);
  });

  it('reports an include loop instead of looping', () => {
    const dir = tempTree({ 'a.conf': 'a\ninclude b.conf\n', 'b.conf': 'b\ninclude a.conf\nb2\n' });
    const r = readFile(path.join(dir, 'a.conf'));
    assert.deepEqual(where(dir, r.nodes), ['a.conf:1:1 a', 'b.conf:1:1 b', 'b.conf:3:1 b2']);
    assert.deepEqual(problems(r.diags), ['error 2:9 include-loop']);
    assert.equal(r.diags[0]?.loc.file, path.join(dir, 'b.conf'));
  });

  it('reports includes nested too deep', () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 40; i++) files[`f${i}.conf`] = `k${i}\ninclude f${i + 1}.conf\n`;
    const dir = tempTree(files);
    const r = readFile(path.join(dir, 'f0.conf'));
    assert.equal(r.nodes.length, 32);
    assert.deepEqual(problems(r.diags), ['error 2:9 include-too-deep']);
  });

  it('recognises an include made by a macro, a conditional or a brace, as Keepalived 2.2 does', () => {
    const dir = tempTree({
      'main.conf': '$I=include one.conf\n$I\n@main include two.conf\n@other include one.conf\nblock { include three.conf\n}\n',
      'one.conf': 'one\n',
      'two.conf': 'two\n',
      'three.conf': 'three\n',
    });
    const r = readFile(path.join(dir, 'main.conf'), { configId: 'main' });
    assert.deepEqual(outline(r.nodes).map((l) => l.replace(/\d+:\d+ /, '')), ['one', 'two', 'block {5:7', '  three', '}']);
  });

  it('lets a block opened in one file be closed in another', () => {
    const dir = tempTree({ 'main.conf': 'global_defs {\ninclude body.conf\n', 'body.conf': 'router_id r1\n}\n' });
    const r = readFile(path.join(dir, 'main.conf'));
    assert.deepEqual(outline(r.nodes), ['1:1 global_defs {1:13', '  1:1 router_id r1', '}']);
    assert.deepEqual(r.diags, []);
  });

  it('scopes include_check to the file that sets it', () => {
    const dir = tempTree({
      'main.conf': 'include strict.conf\ninclude none1.conf\n',
      'strict.conf': 'include_check\ninclude none2.conf\n',
    });
    const r = readFile(path.join(dir, 'main.conf'));
    assert.deepEqual(
      r.diags.map((d) => `${d.severity} ${path.basename(d.loc.file)}:${d.loc.line} ${d.code}`),
      ['error strict.conf:2 include-missing', 'warning main.conf:2 include-missing'],
    );
  });

  it('reports an unknown include_check option', () => {
    const dir = tempTree({ 'main.conf': 'include_check match +readable -bogus\n' });
    const r = readFile(path.join(dir, 'main.conf'));
    assert.deepEqual(problems(r.diags), ['error 1:31 include-check-invalid']);
  });

  it('takes `include` with nothing after it as an ordinary keyword line', () => {
    const dir = tempTree({ 'main.conf': 'include\n' });
    assert.deepEqual(outline(readFile(path.join(dir, 'main.conf')).nodes), ['1:1 include']);
  });
});

describe('reader: the main file', () => {
  it('reports a missing main file and returns an empty document', () => {
    const dir = tempTree({});
    const file = path.join(dir, 'nope.conf');
    const r = readFile(file);
    assert.deepEqual(r.nodes, []);
    assert.deepEqual(r.files, []);
    assert.deepEqual(
      r.diags.map((d) => [d.code, d.loc]),
      [['file-missing', { file, line: 0, col: 0 }]],
    );
  });

  it('refuses an executable main file, as Keepalived does', () => {
    const dir = tempTree({ 'main.conf': 'a\n' });
    fs.chmodSync(path.join(dir, 'main.conf'), 0o700);
    const r = readFile(path.join(dir, 'main.conf'));
    assert.deepEqual(r.nodes, []);
    assert.deepEqual(problems(r.diags), ['error 0:0 file-not-regular']);
  });

  it('reads a file with any bytes without throwing', () => {
    const dir = tempTree({});
    const file = path.join(dir, 'binary.conf');
    fs.writeFileSync(file, Buffer.from([0xff, 0xfe, 0x00, 0x7b, 0x0a, 0x80, 0x7d, 0x0a]));
    const r = readFile(file);
    assert.deepEqual(problems(r.diags), ['error 1:3 nul-byte', 'error 2:2 unmatched-brace']);
  });
});
