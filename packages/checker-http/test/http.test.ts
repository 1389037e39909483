import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createServer as createHttpServer, type IncomingMessage, type Server as HttpServer, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import { createServer as createNetServer, type Server as NetServer, type Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { CheckerDefinition, CheckTarget } from '@vigil/core/plugin';
import definitions from '../src/index.js';
import type { HttpConfig, UrlConfig } from '../src/schema.js';
import { close, drained, listen, makeCert, type TestCert } from './servers.js';
import { block, testServices } from './services.js';

const [httpGet, sslGet] = definitions as [CheckerDefinition, CheckerDefinition];
const loc = { file: 'test.conf', line: 1, col: 1 };
const url = (path: string, extra: Partial<UrlConfig> = {}): UrlConfig => ({ path, $loc: loc, ...extra });
const md5 = (b: string | Buffer): string => createHash('md5').update(b).digest('hex');

const BODY = 'hello from the real server\n';
const LONG = 'x'.repeat(100) + 'NEEDLE' + 'y'.repeat(100);

interface Seen {
  path: string | undefined;
  version: string;
  host: string | undefined;
  userAgent: string | undefined;
  connection: string | undefined;
  servername?: string | false | null;
}

function handler(seen: Seen[]) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    seen.push({
      path: req.url,
      version: req.httpVersion,
      host: req.headers.host,
      userAgent: req.headers['user-agent'],
      connection: req.headers.connection,
      ...('servername' in req.socket ? { servername: (req.socket as TLSSocket).servername } : {}),
    });
    switch (req.url) {
      case '/ok':
        res.setHeader('Content-Length', Buffer.byteLength(BODY));
        res.end(BODY);
        return;
      case '/unavailable':
        res.statusCode = 503;
        res.end('down for maintenance');
        return;
      case '/long':
        res.end(LONG);
        return;
      case '/chunked':
        res.write('first part,');
        setTimeout(() => res.end('second part'), 10);
        return;
      case '/hang':
        return; // never answers
      default:
        res.statusCode = 404;
        res.end('not found');
    }
  };
}

describe('HTTP_GET and SSL_GET', () => {
  const services = testServices();
  const seen: Seen[] = [];
  let cert: TestCert;
  let http: HttpServer;
  let https: HttpsServer;
  let raw: NetServer;
  let httpPort: number;
  let httpsPort: number;
  let rawPort: number;
  let rawReply: (s: Socket) => void = () => {};

  const target = (port: number, extra: Partial<CheckTarget> = {}): CheckTarget => ({ family: 4, address: '127.0.0.1', port, connectTimeout: 2, ...extra });
  const check = (def: CheckerDefinition, config: Partial<HttpConfig>, t: CheckTarget, signal = new AbortController().signal) => def.create(block(config), services).check(t, signal);

  before(async () => {
    cert = await makeCert();
    http = createHttpServer(handler(seen));
    https = createHttpsServer({ key: cert.key, cert: cert.cert }, handler(seen));
    raw = createNetServer((s) => {
      s.on('error', () => {});
      s.once('data', () => rawReply(s));
    });
    httpPort = await listen(http);
    httpsPort = await listen(https);
    rawPort = await listen(raw);
  });

  after(async () => {
    await Promise.all([close(http), close(https), close(raw)]);
    await cert.remove();
  });

  describe('HTTP_GET', () => {
    it('is up when the url answers 200 (default status_code 200-299)', async () => {
      const r = await check(httpGet, { url: [url('/ok')] }, target(httpPort));
      assert.equal(r.ok, true, r.detail);
      assert.equal(r.detail, 'GET /ok: HTTP 200');
    });

    it('is down when nothing listens', async () => {
      const free = createNetServer();
      const port = await listen(free);
      await close(free);
      const r = await check(httpGet, { url: [url('/ok')] }, target(port));
      assert.equal(r.ok, false);
      assert.match(r.detail, /^GET \/ok: connection refused$/);
    });

    it('is down on a status outside status_code, up when status_code lists it', async () => {
      const down = await check(httpGet, { url: [url('/unavailable')] }, target(httpPort));
      assert.equal(down.ok, false);
      assert.equal(down.detail, 'GET /unavailable: HTTP status 503, expected 200-299');
      const listed = await check(httpGet, { url: [url('/unavailable', { status_code: [[[200, 200]], [[500, 503]]] })] }, target(httpPort));
      assert.equal(listed.ok, true, listed.detail);
      const other = await check(httpGet, { url: [url('/ok', { status_code: [[[204, 204], [301, 302]]] })] }, target(httpPort));
      assert.equal(other.ok, false);
      assert.match(other.detail, /HTTP status 200, expected 204 301-302/);
    });

    it('compares the MD5 digest of the body, in either case', async () => {
      const match = await check(httpGet, { url: [url('/ok', { digest: [md5(BODY)] })] }, target(httpPort));
      assert.equal(match.ok, true, match.detail);
      const upper = await check(httpGet, { url: [url('/ok', { digest: [md5(BODY).toUpperCase()] })] }, target(httpPort));
      assert.equal(upper.ok, true, upper.detail);
      const wrong = 'ffffffffffffffffffffffffffffffff';
      const mismatch = await check(httpGet, { url: [url('/ok', { digest: [wrong] })] }, target(httpPort));
      assert.equal(mismatch.ok, false);
      assert.equal(mismatch.detail, `GET /ok: MD5 digest ${md5(BODY)} differs from the configured ${wrong}`);
    });

    it('needs every url to pass', async () => {
      const ok = await check(httpGet, { url: [url('/ok'), url('/long')] }, target(httpPort));
      assert.equal(ok.ok, true, ok.detail);
      assert.equal(ok.detail, '2 urls passed (HTTP 200, 200)');
      const one = await check(httpGet, { url: [url('/ok'), url('/unavailable'), url('/long')] }, target(httpPort));
      assert.equal(one.ok, false);
      assert.match(one.detail, /^GET \/unavailable: HTTP status 503/);
    });

    it('sends the request Keepalived sends: http_protocol, User-Agent, Host', async () => {
      const cases: [HttpConfig['http_protocol'], string, string | undefined][] = [
        [undefined, '1.0', undefined],
        ['1.0', '1.0', undefined],
        ['1.0C', '1.0', 'close'],
        ['1.1', '1.1', 'close'],
      ];
      for (const [protocol, version, connection] of cases) {
        seen.length = 0;
        const r = await check(httpGet, { url: [url('/ok')], ...(protocol ? { http_protocol: protocol } : {}) }, target(httpPort));
        assert.equal(r.ok, true, r.detail);
        assert.equal(seen[0]?.version, version, `http_protocol ${protocol}`);
        assert.equal(seen[0]?.connection, connection, `http_protocol ${protocol}`);
        assert.equal(seen[0]?.userAgent, 'KeepAliveClient');
        assert.equal(seen[0]?.host, `127.0.0.1:${httpPort}`);
      }
    });

    it('uses the url virtualhost, else the checker virtualhost, as Host', async () => {
      seen.length = 0;
      const r = await check(httpGet, { virtualhost: 'www.example.com', url: [url('/ok'), url('/ok', { virtualhost: 'status.example.com' })] }, target(httpPort));
      assert.equal(r.ok, true, r.detail);
      assert.deepEqual(
        seen.map((s) => s.host),
        ['www.example.com', 'status.example.com'],
      );
    });

    it('brackets an IPv6 address in the default Host', async () => {
      const server6 = createHttpServer(handler(seen));
      try {
        const port = await listen(server6, '::1');
        seen.length = 0;
        const r = await check(httpGet, { url: [url('/ok')] }, { family: 6, address: '::1', port, connectTimeout: 2 });
        assert.equal(r.ok, true, r.detail);
        assert.equal(seen[0]?.host, `[::1]:${port}`);
      } finally {
        await close(server6);
      }
    });

    it('matches regex on the body, with regex_no_match and offsets', async () => {
      const t = target(httpPort);
      const cases: [Partial<UrlConfig>, boolean][] = [
        [{ regex: 'NEEDLE' }, true],
        [{ regex: 'needle' }, false],
        [{ regex: 'needle', regex_options: [['caseless']] }, true],
        [{ regex: 'NEEDLE', regex_no_match: true }, false],
        [{ regex: 'HAYSTACK', regex_no_match: true }, true],
        [{ regex: 'NEEDLE', regex_min_offset: 100 }, true],
        [{ regex: 'NEEDLE', regex_min_offset: 101 }, false],
        [{ regex: 'NEEDLE', regex_max_offset: 100 }, true],
        [{ regex: 'NEEDLE', regex_max_offset: 99 }, false],
        [{ regex: '^x+NEEDLEy+$' }, true],
      ];
      for (const [extra, ok] of cases) {
        const r = await check(httpGet, { url: [url('/long', extra)] }, t);
        assert.equal(r.ok, ok, `${JSON.stringify(extra)}: ${r.detail}`);
        if (!ok) assert.match(r.detail, /regex/);
      }
    });

    it('hashes a chunked HTTP/1.1 body as sent, framing included (as genhash does)', async () => {
      const sent = 'b\r\nfirst part,\r\nb\r\nsecond part\r\n0\r\n\r\n';
      const r = await check(httpGet, { http_protocol: '1.1', url: [url('/chunked', { digest: [md5(sent)] })] }, target(httpPort));
      assert.equal(r.ok, true, r.detail);
    });

    it('hashes Content-Length bytes of the body and does not wait for the close', async () => {
      rawReply = (s) => s.write('HTTP/1.0 200 OK\r\nContent-Length: 5\r\n\r\nhello and more'); // and keeps the connection open
      const t0 = performance.now();
      const r = await check(httpGet, { url: [url('/', { digest: [md5('hello')] })] }, target(rawPort, { connectTimeout: 5 }));
      assert.equal(r.ok, true, r.detail);
      assert.ok(performance.now() - t0 < 1000);
      assert.ok(await drained(raw));
    });

    it('is down when the server closes without answering', async () => {
      rawReply = (s) => s.end();
      const r = await check(httpGet, { url: [url('/')] }, target(rawPort));
      assert.equal(r.ok, false);
      assert.equal(r.detail, 'GET /: no data received (connection closed without a response)');
      rawReply = (s) => s.end('SSH-2.0-OpenSSH_9.2\r\n\r\n');
      const garbage = await check(httpGet, { url: [url('/')] }, target(rawPort));
      assert.equal(garbage.ok, false);
      assert.match(garbage.detail, /not an HTTP status line/);
    });

    it('is down when the server is slower than connect_timeout', async () => {
      const t0 = performance.now();
      const r = await check(httpGet, { url: [url('/hang')] }, target(httpPort, { connectTimeout: 0.3 }));
      const took = performance.now() - t0;
      assert.equal(r.ok, false);
      assert.equal(r.detail, 'GET /hang: no response within 0.3s (connect_timeout)');
      assert.ok(took >= 250 && took < 1500, `took ${took} ms`);
      assert.ok(await drained(http), 'the checker closed its connection');
    });

    it('settles promptly when aborted mid-check, and closes its connection', async () => {
      const ac = new AbortController();
      setTimeout(() => ac.abort(), 50);
      const t0 = performance.now();
      const r = await check(httpGet, { url: [url('/hang')] }, target(httpPort, { connectTimeout: 30 }), ac.signal);
      const took = performance.now() - t0;
      assert.equal(r.ok, false);
      assert.equal(r.detail, 'GET /hang: check aborted');
      assert.ok(took < 500, `took ${took} ms`);
      assert.ok(await drained(http), 'the checker closed its connection');
    });

    it('is down, saying why, when no url is configured', async () => {
      const r = await check(httpGet, {}, target(httpPort));
      assert.equal(r.ok, false);
      assert.equal(r.detail, 'HTTP_GET has no url to check');
    });
  });

  describe('SSL_GET', () => {
    it('is up against a self-signed certificate (no verification, as Keepalived)', async () => {
      const r = await check(sslGet, { url: [url('/ok', { digest: [md5(BODY)] })] }, target(httpsPort));
      assert.equal(r.ok, true, r.detail);
    });

    it('sends the virtualhost as SNI only with enable_sni', async () => {
      seen.length = 0;
      await check(sslGet, { virtualhost: 'www.example.com', url: [url('/ok')] }, target(httpsPort));
      await check(sslGet, { virtualhost: 'www.example.com', enable_sni: true, url: [url('/ok'), url('/ok', { virtualhost: 'status.example.com' })] }, target(httpsPort));
      assert.deepEqual(
        seen.map((s) => s.servername),
        [false, 'www.example.com', 'status.example.com'],
      );
    });

    it('is down on a status mismatch over TLS', async () => {
      const r = await check(sslGet, { url: [url('/unavailable')] }, target(httpsPort));
      assert.equal(r.ok, false);
      assert.match(r.detail, /HTTP status 503/);
    });

    it('is down when the server does not speak TLS', async () => {
      const r = await check(sslGet, { url: [url('/ok')] }, target(httpPort));
      assert.equal(r.ok, false);
      assert.match(r.detail, /^GET \/ok: (TLS error|connection reset|no data)/);
      assert.ok(await drained(http));
    });

    it('settles promptly when aborted during the TLS handshake', async () => {
      rawReply = () => {}; // accepts, reads the ClientHello, never answers
      const ac = new AbortController();
      setTimeout(() => ac.abort(), 50);
      const t0 = performance.now();
      const r = await check(sslGet, { url: [url('/ok')] }, target(rawPort, { connectTimeout: 30 }), ac.signal);
      assert.equal(r.detail, 'GET /ok: check aborted');
      assert.ok(performance.now() - t0 < 500);
      assert.ok(await drained(raw));
    });

    it('times out a handshake slower than connect_timeout', async () => {
      rawReply = () => {};
      const r = await check(sslGet, { url: [url('/ok')] }, target(rawPort, { connectTimeout: 0.2 }));
      assert.equal(r.ok, false);
      assert.equal(r.detail, 'GET /ok: no TLS handshake within 0.2s (connect_timeout)');
    });
  });
});
