import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo, Server } from 'node:net';
import { promisify } from 'node:util';

/** A self-signed certificate for localhost, made for this run in a directory of its own. */
export interface TestCert {
  readonly key: Buffer;
  readonly cert: Buffer;
  remove(): Promise<void>;
}

export async function makeCert(): Promise<TestCert> {
  const dir = await mkdtemp(join(tmpdir(), 'vigil-http-test-'));
  try {
    const keyFile = join(dir, 'key.pem');
    const certFile = join(dir, 'cert.pem');
    await promisify(execFile)('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
      '-subj', '/CN=localhost', '-keyout', keyFile, '-out', certFile,
    ]);
    return { key: await readFile(keyFile), cert: await readFile(certFile), remove: () => rm(dir, { recursive: true, force: true }) };
  } catch (e) {
    await rm(dir, { recursive: true, force: true });
    throw e;
  }
}

export function listen(server: Server, host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve((server.address() as AddressInfo).port));
  });
}

/** Closes a server, ending the connections it still has (a hanging test route keeps one). */
export function close(server: Server & { closeAllConnections?: () => void }): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections?.();
  });
}

export async function openConnections(server: Server): Promise<number> {
  return new Promise((resolve, reject) => server.getConnections((e, n) => (e ? reject(e) : resolve(n))));
}

/** Waits until the server has no connection left (a checker must close what it opened). */
export async function drained(server: Server, ms = 1000): Promise<boolean> {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    if ((await openConnections(server)) === 0) return true;
    await new Promise((r) => setTimeout(r, 10));
  }
  return false;
}
