import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { expandBraces, glob } from '../../src/config/reader/glob.js';
import { tempTree } from './reader.helpers.js';

describe('reader: include globbing (glibc glob with GLOB_BRACE)', () => {
  const dir = tempTree({
    'a.conf': '',
    'b.conf': '',
    'ab.conf': '',
    '.hidden.conf': '',
    'x[1].conf': '',
    'sub/one/z.conf': '',
    'sub/two/z.conf': '',
  });
  const paths = (pattern: string): string[] => glob(pattern, dir).matches.map((m) => m.path);

  it('expands braces in order, nested, and leaves an unbalanced brace alone', () => {
    assert.deepEqual(expandBraces('a{b,c{d,e}}f'), ['abf', 'acdf', 'acef']);
    assert.deepEqual(expandBraces('{z,a}{1,2}'), ['z1', 'z2', 'a1', 'a2']);
    assert.deepEqual(expandBraces('a{b,c'), ['a{b,c']);
    assert.deepEqual(expandBraces('a\\{b,c}'), ['a\\{b,c}']);
  });

  it('matches *, ? and bracket expressions, never a leading dot unless written', () => {
    assert.deepEqual(paths('*.conf'), ['a.conf', 'ab.conf', 'b.conf', 'x[1].conf']);
    assert.deepEqual(paths('?.conf'), ['a.conf', 'b.conf']);
    assert.deepEqual(paths('[!a]*.conf'), ['b.conf', 'x[1].conf']);
    assert.deepEqual(paths('[a-b]b.conf'), ['ab.conf']);
    assert.deepEqual(paths('.*.conf'), ['.hidden.conf']);
    assert.deepEqual(paths('x\\[1\\].conf'), ['x[1].conf']);
  });

  it('globs directories on the way', () => {
    assert.deepEqual(paths('sub/*/z.conf'), ['sub/one/z.conf', 'sub/two/z.conf']);
    assert.deepEqual(
      glob('sub', dir).matches.map((m) => m.isDirectory),
      [true],
    );
  });

  it('tells missing names from wildcards that match nothing', () => {
    assert.deepEqual(
      [glob('none.conf', dir), glob('*.none', dir), glob('nodir/*.conf', dir), glob('{a,none}.conf', dir)].map((r) => [
        r.matches.length,
        r.missing,
        r.usedWildcards,
      ]),
      [
        [0, 1, false],
        [0, 0, true],
        [0, 1, true],
        [1, 1, false],
      ],
    );
  });
});
