import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { fileURLToPath } from 'node:url';
import smtpCheck from '../src/index.js';
import { testServices } from './services.js';
import { checkBlock, checkFile, registry, type Checked } from '@vigil/core/testing';

const corpus = (name: string): string => fileURLToPath(new URL(`../../../../test/conformance/corpus/${name}`, import.meta.url));
const lines = (...l: string[]): string => l.map((s) => `        ${s}`).join('\n');
/** `LINE:COL message`, sorted by position. */
const messages = (r: Checked, kind: 'errors' | 'warnings'): string[] =>
  [...r[kind]].sort((a, b) => a.loc.line - b.loc.line || a.loc.col - b.loc.col).map((d) => `${d.loc.line}:${d.loc.col} ${d.message}`);

describe('SMTP_CHECK schema', () => {
  it('is found from package.json as the plugin @vigil/checker-smtp', () => {
    assert.equal(registry.claim('checker', 'SMTP_CHECK')?.plugin.name, '@vigil/checker-smtp');
  });

  it('reads helo_name and the deprecated host blocks, warning about them', async () => {
    const r = await checkBlock(
      lines(
        'SMTP_CHECK {',
        '    helo_name "lb check.example.org"',
        '    connect_timeout 10',
        '    host {', //                      line 9
        '        connect_ip 192.0.2.25',
        '        connect_port 587',
        '        bindto 192.0.2.9',
        '        bind_port 2525',
        '        connect_timeout 5',
        '    }',
        '    host {',
        '        connect_ip 2001:db8::25',
        '    }',
        '}',
      ),
    );
    assert.deepEqual(messages(r, 'errors'), [], r.report);
    const c = r.checkers[0]?.config as Record<string, unknown> & { host: Record<string, unknown>[] };
    assert.equal(c.helo_name, 'lb check.example.org');
    assert.equal(c.connect_timeout, 10);
    assert.equal(c.host.length, 2);
    assert.deepEqual(c.host[0]?.connect_ip, { family: 4, address: '192.0.2.25' });
    assert.equal(c.host[0]?.connect_port, 587);
    assert.deepEqual(c.host[0]?.bindto, { family: 4, address: '192.0.2.9' });
    assert.equal(c.host[0]?.bind_port, 2525);
    assert.equal(c.host[0]?.connect_timeout, 5);
    assert.deepEqual(c.host[1]?.connect_ip, { family: 6, address: '2001:db8::25' });
    assert.ok(messages(r, 'warnings').includes("9:13 'host' is deprecated; use a separate SMTP_CHECK block for each address"), r.report);
  });

  it('rejects what Keepalived -t rejects, at the offending word', async () => {
    const r = await checkBlock(
      lines(
        'SMTP_CHECK {',
        '    helo_name', //                              line 7
        '    host {',
        '        connect_ip 2001:db8::25',
        '        bindto 192.0.2.9', //                   line 10
        '        connect_port 0',
        '        bogus 1',
        '    }',
        '    url {',
        '        path /',
        '    }',
        '}',
      ),
    );
    assert.deepEqual(messages(r, 'errors'), [
      "7:13 'helo_name' needs NAME",
      "10:17 'bindto' 192.0.2.9 is not of the address family of 'connect_ip' 2001:db8::25",
      "11:30 'connect_port' 0 is out of range 1..65535",
      "12:17 unknown keyword 'bogus' in 'host'",
      "14:13 unknown keyword 'url' in 'SMTP_CHECK'",
    ]);
  });

  it('accepts the conformance file with SMTP_CHECKs', async () => {
    const r = await checkFile(corpus('26-smtp-check.conf'));
    assert.deepEqual(messages(r, 'errors'), [], r.report);
  });

  describe('from keepalived.conf text to a check', () => {
    let server: Server;
    let port: number;
    const received: string[] = [];
    before(async () => {
      server = createServer((s) => {
        s.setEncoding('latin1');
        s.write('220 ready\r\n');
        s.on('data', (d: string) => {
          received.push(d.trim());
          if (d.startsWith('HELO')) s.write('250 hello\r\n');
          else s.end('221 bye\r\n');
        });
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      port = (server.address() as AddressInfo).port;
    });
    after(() => new Promise<void>((resolve) => server.close(() => resolve())));

    it('runs the checker from the block the schema read', async () => {
      const r = await checkBlock(lines('SMTP_CHECK {', '    helo_name lb.example.com', '}'));
      assert.deepEqual(messages(r, 'errors'), [], r.report);
      const checker = smtpCheck.create(r.checkers[0]?.config as Parameters<typeof smtpCheck.create>[0], testServices());
      const result = await checker.check({ family: 4, address: '127.0.0.1', port, connectTimeout: 2 }, new AbortController().signal);
      assert.equal(result.ok, true, result.detail);
      assert.deepEqual(received, ['HELO lb.example.com', 'QUIT']);
    });
  });
});
