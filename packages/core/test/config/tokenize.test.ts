import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { splitScriptWords } from '../../src/config/tokenize.js';

function words(text: string): string[] {
  const result = splitScriptWords(text);
  assert.ok('words' in result, `unexpected error: ${JSON.stringify(result)}`);
  return result.words;
}

describe('splitScriptWords (Keepalived alloc_strvec_quoted_escaped)', () => {
  it('splits on any white space', () => {
    assert.deepEqual(words(' a\tb\fc\vd\re  '), ['a', 'b', 'c', 'd', 'e']);
  });

  it('quotes with " and \', joining adjacent pieces', () => {
    assert.deepEqual(words(`a"b c"'d e'f "x 'y' z" '' end`), ['ab cd ef', "x 'y' z", '', 'end']);
  });

  it('takes escapes inside quotes as well as outside', () => {
    assert.deepEqual(words(String.raw`"a\"b" 'it\'s' \"c \ d`), ['a"b', "it's", '"c', ' d']);
  });

  it('knows \\a \\b \\E \\f \\n \\r \\t \\v and takes any other \\C as C', () => {
    assert.deepEqual(words(String.raw`\a\b\E\f\n\r\t\v \e\q\\`), ['\x07\b\x1b\f\n\r\t\v', 'eq\\']);
  });

  it('reads \\xHH with every hex digit that follows, keeping the low 8 bits', () => {
    assert.deepEqual(words(String.raw`\x41 \x414243 \x4g \xg`), ['A', 'C', '\x04g', 'xg']);
  });

  it('reads up to three octal digits and \\cC control characters', () => {
    assert.deepEqual(words(String.raw`\101 \0101 \7 \cA \c`), ['A', '\x081', '\x07', '\x01', 'c']);
  });

  it('splits the manual example in two steps as Keepalived does', () => {
    // \x takes every hex digit that follows, so the manual's `\x20file` is \x0f + `ile`.
    const line = `"/etc/x.sh ' spaces\\\\x20f\\x69le ' '\\"s p a c e \\"' $` + `{SG_NAME}.$INST master" $USER group`;
    const first = words(line);
    assert.deepEqual(first, [`/etc/x.sh ' spaces\\x20file ' '"s p a c e "' $` + `{SG_NAME}.$INST master`, '$USER', 'group']);
    assert.deepEqual(words(first[0] as string), ['/etc/x.sh', ' spaces\x0file ', '"s p a c e "', '$' + '{SG_NAME}.$INST', 'master']);
  });

  it('reports an unterminated quote at the quote', () => {
    assert.deepEqual(splitScriptWords(`ok "a b`), { error: 'unterminated double quote', offset: 3 });
    assert.deepEqual(splitScriptWords(`x'a`), { error: 'unterminated single quote', offset: 1 });
  });

  it('reports a backslash that ends the text', () => {
    assert.deepEqual(splitScriptWords('a b\\'), { error: 'backslash at the end escapes nothing', offset: 3 });
  });
});
