import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import type { CheckerDefinition } from '@vigil/core/plugin';
import definitions from '../src/index.js';
import { close, listen } from './servers.js';
import { testServices } from './services.js';
import { checkBlock, checkFile, registry, type Checked } from '@vigil/core/testing';

const corpus = (name: string): string => fileURLToPath(new URL(`../../../../test/conformance/corpus/${name}`, import.meta.url));
const lines = (...l: string[]): string => l.map((s) => `        ${s}`).join('\n');
/** `LINE:COL message`, sorted by position. */
const messages = (r: Checked, kind: 'errors' | 'warnings'): string[] =>
  [...r[kind]].sort((a, b) => a.loc.line - b.loc.line || a.loc.col - b.loc.col).map((d) => `${d.loc.line}:${d.loc.col} ${d.message}`);

describe('HTTP_GET / SSL_GET schema', () => {
  it('is found from package.json: one package provides both keywords', () => {
    assert.equal(registry.claim('checker', 'HTTP_GET')?.plugin.name, '@vigil/checker-http');
    assert.equal(registry.claim('checker', 'SSL_GET')?.plugin.name, '@vigil/checker-http');
  });

  it('reads every keyword Keepalived 2.2.7 has in these blocks', async () => {
    const r = await checkBlock(
      lines(
        'SSL_GET {',
        '    url {',
        '        path /health?full=1',
        '        digest 9B3A0C85A887A256D6939DA88AABD8CD',
        '        status_code 200 300-399',
        '        status_code 503',
        '        virtualhost status.example.com',
        '        regex "^ok( [0-9]+)?$"',
        '        regex_no_match',
        '        regex_options caseless multiline',
        '        regex_min_offset 3',
        '        regex_max_offset 300',
        '        regex_stack 1000 20000',
        '    }',
        '    url {',
        '        path /',
        '    }',
        '    virtualhost www.example.com',
        '    http_protocol 1.0c',
        '    enable_sni',
        '    fast_recovery on',
        '    connect_timeout 3',
        '}',
      ),
    );
    assert.deepEqual(messages(r, 'errors'), [], r.report);
    const c = r.checkers[0]?.config as Record<string, unknown> & { url: Record<string, unknown>[] };
    assert.equal(r.checkers[0]?.type, 'SSL_GET');
    assert.equal(c.url.length, 2);
    const u = c.url[0] as Record<string, unknown>;
    assert.equal(u.path, '/health?full=1');
    assert.deepEqual(u.digest, ['9b3a0c85a887a256d6939da88aabd8cd']);
    assert.deepEqual(u.status_code, [[[200, 200], [300, 399]], [[503, 503]]]);
    assert.equal(u.virtualhost, 'status.example.com');
    assert.equal(u.regex, '^ok( [0-9]+)?$');
    assert.equal(u.regex_no_match, true);
    assert.deepEqual(u.regex_options, [['caseless', 'multiline']]);
    assert.equal(u.regex_min_offset, 3);
    assert.equal(u.regex_max_offset, 300);
    assert.equal(c.virtualhost, 'www.example.com');
    assert.equal(c.http_protocol, '1.0C');
    assert.equal(c.enable_sni, true);
    assert.equal(c.fast_recovery, true);
    assert.equal(c.connect_timeout, 3);
  });

  it('rejects what Keepalived -t rejects, at the offending word', async () => {
    const r = await checkBlock(
      lines(
        'HTTP_GET {', //                                    line 6
        '    url {',
        '        status_code 99 600 200-100 abc 204', //   line 8
        '        digest 9b3a0c85',
        '        digest 9b3a0c85a887a256d6939da88aabd8cz',
        '    }', //                                         url without path: line 7
        '    url {',
        '        path /',
        '        virtualhost',
        '    }',
        '    http_protocol 0.9',
        '    enable_sni maybe',
        '    tls_compliant',
        '    sni_name www.example.com',
        '}',
      ),
    );
    assert.deepEqual(messages(r, 'errors'), [
      "7:13 'url' needs 'path'",
      "8:29 'status_code': '99' is not a status code or range (CODE or MIN-MAX, within 100..599)",
      "8:32 'status_code': '600' is not a status code or range (CODE or MIN-MAX, within 100..599)",
      "8:36 'status_code': '200-100' is not a status code or range (CODE or MIN-MAX, within 100..599)",
      "8:44 'status_code': 'abc' is not a status code or range (CODE or MIN-MAX, within 100..599)",
      "9:24 'digest' must be 32 hex digits (an MD5 sum), not 8 characters",
      "10:24 'digest' has 'z' at offset 31, which is not a hex digit",
      "14:17 'virtualhost' needs HOST",
      "16:27 'http_protocol' takes 1.0, 1.0C or 1.1, not '0.9'",
      "17:24 'enable_sni' takes on|off|true|false|yes|no, not 'maybe'",
      "18:13 unknown keyword 'tls_compliant' in 'HTTP_GET'",
      "19:13 unknown keyword 'sni_name' in 'HTTP_GET'",
    ]);
  });

  it('reports a digest given twice in one url', async () => {
    const r = await checkBlock(lines('HTTP_GET {', '    url {', '        path /', '        digest 9b3a0c85a887a256d6939da88aabd8cd', '        digest 9b3a0c85a887a256d6939da88aabd8cd', '    }', '}'));
    assert.deepEqual(messages(r, 'errors'), ["10:17 'digest' is given 2 times in one url; give it once"]);
  });

  it('warns where Keepalived accepts and ignores', async () => {
    const r = await checkBlock(
      lines(
        'HTTP_GET {',
        '    url {',
        '        path /',
        '        regex_no_match', //                     no regex in this url: line 9
        '        regex_options caseless',
        '    }',
        '    url {',
        '        path /',
        '        regex ok ready', //                     two words: ignored, line 14
        '    }',
        '    url {',
        '        path /',
        '        regex ok',
        '        regex_options caseless bogus ungreedy', // line 19
        '        regex_min_offset 20',
        '        regex_max_offset 10x', //                line 21
        '    }',
        '    url {',
        '        path /',
        '        regex "a++b"',
        '        regex_min_offset 20', //                 line 26
        '        regex_max_offset 10',
        '    }',
        '    url {',
        '        path /',
        '        regex "(unclosed"', //                  line 31
        '    }',
        '}',
      ),
    );
    assert.deepEqual(messages(r, 'errors'), [], r.report);
    const w = messages(r, 'warnings');
    const expect = [
      "9:17 'regex_no_match' is ignored: this url has no 'regex'",
      "10:17 'regex_options' is ignored: this url has no 'regex'",
      "14:23 'regex' takes one pattern (quote it if it has spaces), not 2 words; it is ignored, as Keepalived does",
      "19:40 'regex_options': 'bogus' is not a PCRE2 option Keepalived knows; it is ignored",
      "19:46 'regex_options': 'ungreedy' has no equivalent in vigil's regular expressions (JavaScript RegExp); it is ignored",
      "21:34 'regex_max_offset' needs a number of bytes, not '10x'; it is ignored, as Keepalived does",
      "26:17 'regex_min_offset' 20 is beyond 'regex_max_offset' 10; both are ignored, as Keepalived does",
    ];
    for (const e of expect) assert.ok(w.includes(e), `missing warning: ${e}\n${r.report}`);
    assert.ok(w.some((m) => m.startsWith("25:17 'regex' cannot be compiled as a JavaScript regular expression")), r.report);
    assert.ok(w.some((m) => m.startsWith("31:17 'regex' cannot be compiled as a JavaScript regular expression")), r.report);
  });

  it('reads regex with Keepalived\'s escapes, and warns when they change the pattern', async () => {
    const r = await checkBlock(lines('HTTP_GET {', '    url {', '        path /', '        regex "^ok\\.\\d+ \\\\d$"', '    }', '}'));
    assert.deepEqual(messages(r, 'errors'), [], r.report);
    const u = (r.checkers[0]?.config.url as Record<string, unknown>[])[0];
    // \. and \d are escapes of the tokeniser (as in Keepalived); \\ gives the regex its backslash.
    assert.equal(u?.regex, '^ok.d+ \\d$');
    assert.ok(
      messages(r, 'warnings').includes(
        "9:23 'regex': Keepalived's tokeniser reads backslash escapes before the regex sees them (\\. \\d), so the pattern is '^ok.d+ \\d$'; write \\\\ where the regex needs a backslash",
      ),
      r.report,
    );
  });

  it('accepts the conformance files with HTTP_GET and SSL_GET', async () => {
    for (const f of ['24-http-get.conf', '25-ssl-get.conf']) {
      const r = await checkFile(corpus(f));
      assert.deepEqual(messages(r, 'errors'), [], `${f}\n${r.report}`);
    }
  });

  describe('from keepalived.conf text to a check', () => {
    const body = 'status: ready\n';
    let server: Server;
    let port: number;
    before(async () => {
      server = createServer((req, res) => {
        if (req.headers.host !== 'status.example.com') res.statusCode = 421;
        res.end(body);
      });
      port = await listen(server);
    });
    after(() => close(server));

    it('runs the checker from the block the schema read', async () => {
      const digest = createHash('md5').update(body).digest('hex').toUpperCase();
      const r = await checkBlock(
        lines(
          'HTTP_GET {',
          '    url {',
          '        path /status',
          `        digest ${digest}`,
          '        status_code 200-204',
          '        regex "^status: (ready|ok)$"',
          '        regex_options multiline',
          '    }',
          '    virtualhost status.example.com',
          '    http_protocol 1.1',
          '}',
        ),
      );
      assert.deepEqual(messages(r, 'errors'), [], r.report);
      const def = (definitions as CheckerDefinition[]).find((d) => d.keyword === r.checkers[0]?.type);
      assert.ok(def);
      const checker = def.create(r.checkers[0]?.config as Parameters<typeof def.create>[0], testServices());
      const result = await checker.check({ family: 4, address: '127.0.0.1', port, connectTimeout: 2 }, new AbortController().signal);
      assert.equal(result.ok, true, result.detail);
    });
  });
});
