/**
 * `vigil genhash` against Keepalived's own genhash (Debian's keepalived package ships
 * /usr/bin/genhash) on the same pages: plain and TLS (a certificate made now), HTTP/1.0,
 * 1.0 with Connection: close and 1.1, Content-Length, chunked and close-delimited bodies.
 * Both must print the same digest, and it must be the one HTTP_GET compares.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createServer as createHttp, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttps } from 'node:https';
import { createServer as createNet, type Server as NetServer } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { makeCertificate, removeDir, runConfig, tempDir, vs, waitFor } from './helpers.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CLI = join(ROOT, 'packages', 'cli', 'dist', 'src', 'bin.js');
const GENHASH = '/usr/bin/genhash';

const BIG = Buffer.alloc(200 * 1024, 'vigil genhash ');
const PAGES: Record<string, Buffer> = {
  '/index.html': Buffer.from('<html><body>hello</body></html>\n'),
  '/big': BIG,
  '/empty': Buffer.alloc(0),
};

function handler(req: IncomingMessage, res: ServerResponse): void {
  const url = req.url ?? '/';
  if (url === '/chunked') {
    // No Content-Length: chunked for an HTTP/1.1 request, close-delimited for 1.0.
    res.writeHead(200, { 'Content-Type': 'text/plain' });
    res.write('first chunk\n');
    setTimeout(() => res.end('second chunk\n'), 10);
    return;
  }
  const body = PAGES[url];
  if (!body) {
    res.writeHead(404, { 'Content-Length': 9 });
    res.end('not found');
    return;
  }
  res.writeHead(200, { 'Content-Length': body.length, 'Content-Type': 'text/html' });
  res.end(body);
}

function listen(s: Server | NetServer): Promise<number> {
  return new Promise((r) => s.listen(0, '127.0.0.1', () => r((s.address() as { port: number }).port)));
}

/** Runs a command without blocking this process's event loop (the servers live here). */
function run(cmd: string, args: string[]): Promise<{ out: string; err: string; status: number | null }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], timeout: 30000 });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('close', (status) => resolve({ out, err, status }));
  });
}

let dir = '';
let http: Server;
let https: Server;
let raw: NetServer;
let httpPort = 0;
let httpsPort = 0;
let rawPort = 0;

before(async () => {
  assert.ok(spawnSync(GENHASH, ['-h']).error === undefined, `${GENHASH} is missing: install Debian's keepalived package (test/setup.sh does)`);
  dir = tempDir('genhash');
  const cert = makeCertificate(dir);
  http = createHttp(handler);
  https = createHttps({ key: cert.key, cert: cert.cert }, handler) as unknown as Server;
  // An old-style server: HTTP/1.0, no Content-Length, the body ends when it closes.
  raw = createNet((s) => {
    s.once('data', () => s.end('HTTP/1.0 200 OK\r\nServer: raw\r\n\r\nclose-delimited body\r\nwith two lines'));
    s.on('error', () => undefined);
  });
  [httpPort, httpsPort, rawPort] = await Promise.all([listen(http), listen(https), listen(raw)]);
});

after(async () => {
  for (const s of [http, https]) s?.closeAllConnections();
  await Promise.all([http, https, raw].filter(Boolean).map((s) => new Promise((r) => s.close(() => r(undefined)))));
  removeDir(dir);
});

describe('vigil genhash equals Keepalived genhash', () => {
  const cases: { name: string; port: () => number; path: string; tls: boolean; protocols: string[] }[] = [
    { name: 'a page with Content-Length', port: () => httpPort, path: '/index.html', tls: false, protocols: ['1.0', '1.0c', '1.1'] },
    { name: 'a 200 KiB page', port: () => httpPort, path: '/big', tls: false, protocols: ['1.0', '1.1'] },
    { name: 'an empty page', port: () => httpPort, path: '/empty', tls: false, protocols: ['1.0', '1.1'] },
    { name: 'a chunked page (HTTP/1.1) / close-delimited (1.0)', port: () => httpPort, path: '/chunked', tls: false, protocols: ['1.0', '1.0c', '1.1'] },
    { name: 'a 404 page', port: () => httpPort, path: '/missing', tls: false, protocols: ['1.0'] },
    { name: 'an HTTP/1.0 server without Content-Length', port: () => rawPort, path: '/', tls: false, protocols: ['1.0', '1.1'] },
    { name: 'a page over TLS', port: () => httpsPort, path: '/index.html', tls: true, protocols: ['1.0', '1.1'] },
    { name: 'a chunked page over TLS', port: () => httpsPort, path: '/chunked', tls: true, protocols: ['1.1'] },
    { name: 'a 200 KiB page over TLS', port: () => httpsPort, path: '/big', tls: true, protocols: ['1.0'] },
  ];
  for (const c of cases) {
    for (const p of c.protocols) {
      it(`${c.name}, HTTP ${p}`, async () => {
        const args = [...(c.tls ? ['-S'] : []), '-s', '127.0.0.1', '-p', String(c.port()), '-u', c.path, '-P', p];
        const [theirs, ours] = await Promise.all([run(GENHASH, args), run(process.execPath, [CLI, 'genhash', ...args])]);
        assert.match(theirs.out, /^[0-9a-f]{32}\n$/, `genhash printed ${JSON.stringify(theirs.out)} ${theirs.err}`);
        assert.equal(ours.status, 0, ours.err);
        assert.equal(ours.out, theirs.out);
      });
    }
  }

  it('prints the MD5 of the body for a Content-Length page', async () => {
    const r = await run(process.execPath, [CLI, 'genhash', '-s', '127.0.0.1', '-p', String(httpPort), '-u', '/index.html']);
    assert.equal(r.out, createHash('md5').update(PAGES['/index.html'] as Buffer).digest('hex') + '\n');
  });

  it('-V sets the Host header, -I sends it as SNI, as genhash does', async () => {
    const args = ['-S', '-s', '127.0.0.1', '-p', String(httpsPort), '-u', '/index.html', '-V', 'localhost', '-I'];
    const [ours, theirs] = await Promise.all([run(process.execPath, [CLI, 'genhash', ...args]), run(GENHASH, args)]);
    assert.match(theirs.out, /^[0-9a-f]{32}\n$/);
    assert.equal(ours.out, theirs.out);
  });

  it('-v shows the header, the body and the hash, as genhash -v', async () => {
    const r = await run(process.execPath, [CLI, 'genhash', '-v', '-s', '127.0.0.1', '-p', String(httpPort), '-u', '/index.html']);
    assert.equal(r.status, 0);
    for (const t of ['HTTP Header Buffer', 'HTTP Header Ascii Buffer', 'HTML Buffer', 'HTML hash resulting', 'HTML hash final resulting']) assert.ok(r.out.includes(`[${t.padStart(t.length)}`) || r.out.includes(t), t);
    assert.match(r.out, /^0000 {2}48 54 54 50 2f 31 2e 31/m);
    assert.match(r.out, /^Global response time for \[\/index\.html\] = \d+ usecs$/m);
  });

  it('says why when nothing listens, with a non-zero exit', async () => {
    const closed = execFileSync(process.execPath, ['-e', "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"], { encoding: 'utf8' }).trim();
    const r = await run(process.execPath, [CLI, 'genhash', '-s', '127.0.0.1', '-p', closed, '-u', '/']);
    assert.equal(r.status, 1);
    assert.match(r.err, /^vigil genhash: 127\.0\.0\.1:\d+\/: connection refused$/m);
  });

  it('the digest it prints is the one HTTP_GET accepts', async () => {
    const digest = (await run(process.execPath, [CLI, 'genhash', '-s', '127.0.0.1', '-p', String(httpPort), '-u', '/chunked', '-P', '1.1'])).out.trim();
    const r = await runConfig(
      dir,
      vs(`    real_server 127.0.0.1 ${httpPort} {\n        HTTP_GET {\n            url {\n                path /chunked\n                digest ${digest}\n            }\n            http_protocol 1.1\n            warmup 0\n        }\n    }\n`),
      { name: 'genhash-http.conf' },
    );
    try {
      const res = await waitFor('a result', () => r.of('check.result')[0]);
      assert.deepEqual([res.ok, res.detail], [true, 'GET /chunked: HTTP 200']);
    } finally {
      await r.stop();
    }
  });
});
