import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';

/*
 * `vigil genhash`: Keepalived's genhash (keepalived -T). Fetches a page as HTTP_GET / SSL_GET
 * fetch it and prints the MD5 digest of its body, the value to write in a url's `digest`. The
 * request and the digest are the checker's own (@vigil/checker-http), so what this prints is
 * what the checker compares.
 */

export interface GenhashCliOptions {
  server?: string;
  port?: string;
  url?: string;
  useSsl?: boolean;
  useVirtualhost?: string;
  useSni?: string | boolean;
  protocol?: string;
  timeout?: string;
  verbose?: boolean;
  fwmark?: string;
  bindto?: string;
}

function fail(message: string, code = 2): void {
  process.stderr.write(`vigil genhash: ${message}\n`);
  process.exitCode = code;
}

const PROTOCOLS: Record<string, '1.0' | '1.0C' | '1.1'> = { '1.0': '1.0', '1.0c': '1.0C', '1.0C': '1.0C', '1.1': '1.1' };

/** genhash's hex dump: offset, 16 bytes split 8 - 8, then the printable characters. */
export function hexDump(buf: Buffer): string {
  const lines: string[] = [];
  for (let off = 0; off < buf.length; off += 16) {
    const row = buf.subarray(off, off + 16);
    const hex: string[] = [];
    for (let i = 0; i < 16; i++) {
      if (i === 8) hex.push('-');
      const b = row[i];
      hex.push(b === undefined ? '  ' : b.toString(16).padStart(2, '0'));
    }
    const ascii = Array.from(row, (b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.')).join('').padEnd(16, ' ');
    lines.push(`${String(off).padStart(4, '0')}  ${hex.join(' ')}   ${ascii}`);
  }
  return lines.join('\n');
}

const banner = (title: string): string => `-----------------------[${title}]-----------------------`;

export async function genhashCommand(opts: GenhashCliOptions): Promise<void> {
  if (!opts.server) return fail('give the server address with -s');
  if (!opts.url) return fail('give the url path with -u (e.g. -u /index.html)');
  const protocol = PROTOCOLS[opts.protocol ?? '1.0'];
  if (!protocol) return fail(`-P takes 1.0, 1.0c or 1.1, not '${opts.protocol}'`);
  const tls = opts.useSsl === true;
  const port = opts.port === undefined ? (tls ? 443 : 80) : Number(opts.port);
  if (!Number.isInteger(port) || port < 1 || port > 65535) return fail(`-p takes a port (1..65535), not '${opts.port}'`);
  const timeout = opts.timeout === undefined ? 5 : Number(opts.timeout);
  if (!(timeout > 0)) return fail(`-t takes a timeout in seconds, not '${opts.timeout}'`);
  let address = opts.server;
  if (!isIP(address)) {
    try {
      address = (await lookup(address)).address;
    } catch {
      return fail(`cannot resolve '${opts.server}': give an IP address`);
    }
  }
  // -I alone sends the virtualhost as SNI (Keepalived's genhash); -I NAME sends NAME.
  const sni = opts.useSni === undefined || opts.useSni === false ? undefined : typeof opts.useSni === 'string' ? opts.useSni : opts.useVirtualhost;
  if (opts.useSni !== undefined && !tls) process.stderr.write('vigil genhash: -I (SNI) has no effect without -S\n');
  if (opts.fwmark !== undefined) process.stderr.write('vigil genhash: -m (fwmark) is not applied: Node.js cannot set SO_MARK\n');

  const { genhash } = await import('@vigil/checker-http/genhash');
  const r = await genhash({
    address,
    port,
    path: opts.url,
    tls,
    protocol,
    timeout,
    ...(opts.useVirtualhost !== undefined ? { virtualhost: opts.useVirtualhost } : {}),
    ...(sni !== undefined ? { sni } : {}),
    ...(opts.bindto !== undefined ? { bindAddress: opts.bindto } : {}),
  });
  if (!r.ok) return fail(`${address}:${port}${opts.url}: ${r.detail}`, 1);
  const md5 = r.response.md5 ?? '';
  if (!opts.verbose) {
    process.stdout.write(`${md5}\n`);
    return;
  }
  const out: string[] = [];
  out.push(banner('    HTTP Header Buffer    '), hexDump(r.response.rawHeader));
  out.push(banner(' HTTP Header Ascii Buffer '), r.response.rawHeader.toString('latin1').replace(/\r/g, ''));
  out.push(banner('        HTML Buffer        '), hexDump(r.response.body), '');
  out.push(banner('    HTML hash resulting    '), hexDump(Buffer.from(md5, 'hex')));
  out.push(banner(' HTML hash final resulting '), md5, '');
  out.push(`Global response time for [${opts.url}] = ${Math.round(r.elapsedMs * 1000)} usecs`);
  process.stdout.write(out.join('\n') + '\n');
}
