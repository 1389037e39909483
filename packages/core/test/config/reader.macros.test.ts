import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { located, outline, problems, readText } from './reader.helpers.js';

describe('reader: conditional lines', () => {
  it('keeps @ID lines for the config-id and @^ID lines for any other, without the prefix', () => {
    const r = readText('@main a 1\n@other b 2\n@^main c 3\n@^other   d 4\n', { configId: 'main' });
    assert.deepEqual(outline(r.nodes), ['1:7 a 1', '4:11 d 4']);
  });

  it('drops a conditional line with nothing after the ID', () => {
    const r = readText('@main\n@^other\nx\n', { configId: 'main' });
    assert.deepEqual(outline(r.nodes), ['3:1 x']);
  });

  it('compares the whole ID', () => {
    const r = readText('@mai a\n@main2 b\n@main c\n', { configId: 'main' });
    assert.deepEqual(outline(r.nodes), ['3:7 c']);
  });

  it('takes an empty config-id', () => {
    const r = readText('@ a\n@^ b\n', { configId: '' });
    assert.deepEqual(outline(r.nodes), ['1:3 a']);
  });
});

describe('reader: macro definitions and substitution', () => {
  it('substitutes $NAME and ${NAME}, placing the value at the $', () => {
    const r = readText('$IP=192.0.2.1\n$DEV=eth0\nvip $IP dev ${DEV}x\n');
    assert.deepEqual(located(r.nodes[0]?.args ?? []), ['192.0.2.1@3:5', 'dev@3:9', 'eth0x@3:13']);
  });

  it('needs a blank, comma, ) or the line end after $NAME', () => {
    const r = readText('$A=1\nk $A, ($A) $A/24 $AB $A\n');
    assert.deepEqual(outline(r.nodes), ['2:1 k 1, (1) $A/24 $AB 1']);
  });

  it('leaves undefined names and lone $ signs as they are', () => {
    const r = readText('$A=1\nk $UNDEF $ $$ $A$\n');
    assert.deepEqual(outline(r.nodes), ['2:1 k $UNDEF $ $$ $A$']);
  });

  it('leaves an undefined ${NAME} as is, whose braces then split the line as in Keepalived', () => {
    const r = readText('k ${UNDEF}\n');
    assert.deepEqual(outline(r.nodes), ['1:1 k $ {1:4', '  1:5 UNDEF', '}']);
  });

  it('takes no definition with a blank before =', () => {
    const r = readText('$A =1\n');
    assert.deepEqual(outline(r.nodes), ['1:1 $A =1']);
  });

  it('allows empty values and strips what an empty macro leaves at the line start', () => {
    const r = readText('$E=\n$E  k ${E}v\n');
    assert.deepEqual(outline(r.nodes), ['2:5 k v']);
  });

  it('expands at use time and takes redefinitions (the manual example)', () => {
    const r = readText(
      [
        '$ADDRESS_BASE=10.2.${ADDRESS_BASE_SUB}',
        '$ADDRESS_BASE_SUB=0',
        '${ADDRESS_BASE}.100/32',
        '$ADDRESS_BASE_SUB=10',
        '${ADDRESS_BASE}.100/32',
      ].join('\n'),
    );
    assert.deepEqual(outline(r.nodes), ['3:1 10.2.0.100/32', '5:1 10.2.10.100/32']);
  });

  it('applies a conditional a macro expands to, and conditional definitions', () => {
    const r = readText('@main $P=240\n@other $P=200\n$IF_MAIN=@main\n$IF_NOT=@other\n$IF_MAIN priority $P\n$IF_NOT weight 1\n', {
      configId: 'main',
    });
    assert.deepEqual(outline(r.nodes), ['5:10 priority 240']);
  });

  it('reports a macro that refers to itself and drops the line', () => {
    const r = readText('$A=$A\n$B=x $C\n$C=$B\nk $A\nk2 $B\nnext\n');
    assert.deepEqual(outline(r.nodes), ['6:1 next']);
    assert.deepEqual(problems(r.diags), ['error 4:3 macro-recursion', 'error 5:4 macro-recursion']);
  });

  it('stops substituting when the line would exceed 1023 bytes, as Keepalived does', () => {
    const r = readText('$A=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx $A\nk $A\n');
    assert.deepEqual(problems(r.diags), ['error 2:3 line-too-long']);
    assert.ok((r.nodes[0]?.args.length ?? 0) > 10);
  });

  it('turns a macro value holding an escaped # into a comment: only ${_HASH} is safe', () => {
    const r = readText('$C=a\\#b\nk $C\nk2 x${_HASH}y !\n');
    assert.deepEqual(outline(r.nodes), ['2:1 k a', '3:1 k2 x#y']);
  });
});

describe('reader: multi-line macros', () => {
  it('collects lines ending in \\, skips comment lines and ends at a line without \\', () => {
    const r = readText(
      [
        '$VS= \\',
        'virtual_server 192.0.2.1 80 { \\',
        '# a comment does not end it',
        '    delay_loop 6 \\',
        '}',
        'x',
        '  $VS',
      ].join('\n'),
    );
    assert.deepEqual(outline(r.nodes), ['6:1 x', '7:3 virtual_server 192.0.2.1 80 {7:3', '  7:3 delay_loop 6', '}']);
  });

  it('ends a definition at an empty line', () => {
    const r = readText('$M=a 1 \\\nb 2 \\\n\nc 3\n$M\n');
    assert.deepEqual(outline(r.nodes), ['4:1 c 3', '5:1 a 1', '5:1 b 2']);
  });

  it('expands only at the end of a line, joining the first line to what comes before', () => {
    const r = readText('$M=\\\nk1 a\\\nk2 b\npre $M\n$M post\n');
    assert.deepEqual(outline(r.nodes), ['4:1 pre k1 a', '4:5 k2 b', '5:1 $M post']);
  });

  it('takes `$X=\\` followed by one line as a one-line macro', () => {
    const r = readText('$X=\\\nvalue\nk $X z\n');
    assert.deepEqual(outline(r.nodes), ['3:1 k value z']);
  });

  it('nests multi-line macros, redefining inside them (the manual example, shortened)', () => {
    const r = readText(
      [
        '$RS= \\',
        'real_server 192.0.2.${RS_NUM} 80 { \\',
        '    weight 1 \\',
        '}',
        '$VS= \\',
        'virtual_server 192.0.2.${VS_NUM} 80 { \\',
        '    $RS_NUM=1 \\',
        '    $RS \\',
        '    $RS_NUM=2 \\',
        '    $RS \\',
        '}',
        '$VS_NUM=10',
        '$VS',
      ].join('\n'),
    );
    assert.deepEqual(outline(r.nodes), [
      '13:1 virtual_server 192.0.2.10 80 {13:1',
      '  13:1 real_server 192.0.2.1 80 {13:1',
      '    13:1 weight 1',
      '  }',
      '  13:1 real_server 192.0.2.2 80 {13:1',
      '    13:1 weight 1',
      '  }',
      '}',
    ]);
    assert.deepEqual(r.diags, []);
  });
});

describe('reader: pre-defined macros', () => {
  it('${_PWD} is the directory of the file, ${_INSTANCE} the config-id', () => {
    const r = readText('k ${_PWD} $_INSTANCE\n', { configId: 'lb1' }, '/etc/keepalived/conf.d/a.conf');
    assert.deepEqual(outline(r.nodes), ['1:1 k /etc/keepalived/conf.d lb1']);
  });

  it('${_PWD} of a relative file name is absolute', () => {
    const r = readText('k ${_PWD}\n', {}, 'conf/a.conf');
    assert.equal(r.nodes[0]?.args[0]?.text, path.resolve('conf'));
  });

  it('${_INSTANCE} may be empty', () => {
    const r = readText('k x${_INSTANCE}y\n', { configId: '' });
    assert.deepEqual(outline(r.nodes), ['1:1 k xy']);
  });

  it('${_RANDOM [MIN [MAX]]} stays in range and repeats with the same seed', () => {
    const text = 'k ${_RANDOM} ${_RANDOM 7} ${_RANDOM 5 6} ${_RANDOM 3 3}\n';
    const first = readText(text, { randomSeed: 7 });
    const [any, fromSeven, fiveOrSix, three] = (first.nodes[0]?.args ?? []).map((a) => Number(a.text));
    assert.ok(any !== undefined && any >= 0 && any <= 32767);
    assert.ok(fromSeven !== undefined && fromSeven >= 7 && fromSeven <= 32767);
    assert.ok(fiveOrSix === 5 || fiveOrSix === 6);
    assert.equal(three, 3);
    assert.deepEqual(outline(readText(text, { randomSeed: 7 }).nodes), outline(first.nodes));
  });

  it('leaves ${_RANDOM} with arguments that are not numbers as text', () => {
    const r = readText('k ${_RANDOM a}\n');
    assert.deepEqual(outline(r.nodes), ['1:1 k $ {1:4', '  1:5 _RANDOM a', '}']);
  });

  it('reports ${_RANDOM MIN MAX} with MAX below MIN and gives MIN', () => {
    const r = readText('k ${_RANDOM 9 2}\n');
    assert.deepEqual(outline(r.nodes), ['1:1 k 9']);
    assert.deepEqual(problems(r.diags), ['error 1:3 macro-invalid-argument']);
  });

  it('${_ENV VAR} is the variable, or empty with a warning', () => {
    const r = readText('k ${_ENV PEER}/${_ENV NOPE}.\n', { env: { PEER: '192.0.2.7' } });
    assert.deepEqual(outline(r.nodes), ['1:1 k 192.0.2.7/.']);
    assert.deepEqual(problems(r.diags), ['warning 1:16 env-undefined']);
  });

  it('${_HASH} and ${_BANG} are characters that start no comment', () => {
    const r = readText('$H=${_HASH}\nk a${_HASH}b $H ${_BANG}c # comment\n');
    assert.deepEqual(outline(r.nodes), ['2:1 k a#b # !c']);
  });

  it('a definition replaces a pre-defined macro', () => {
    const r = readText('$_INSTANCE=mine\nk $_INSTANCE\n', { configId: 'main' });
    assert.deepEqual(outline(r.nodes), ['2:1 k mine']);
  });
});
