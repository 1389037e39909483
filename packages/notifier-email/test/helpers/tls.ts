import { execFile } from 'node:child_process';
import { rmSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

/** A CA and a server certificate for 127.0.0.1 / localhost signed by it, made now with openssl. */
export interface TestPki {
  readonly caFile: string;
  readonly key: Buffer;
  readonly cert: Buffer;
  remove(): Promise<void>;
}

export async function makePki(): Promise<TestPki> {
  const dir = await mkdtemp(join(tmpdir(), 'vigil-email-pki-'));
  const remove = (): Promise<void> => rm(dir, { recursive: true, force: true });
  // Removed at exit too, should the test never reach its `after` hook.
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  try {
    const f = (n: string): string => join(dir, n);
    await run('openssl', ['req', '-x509', ...EC, '-days', '1', '-subj', '/CN=vigil test smtp ca', '-keyout', f('ca.key'), '-out', f('ca.pem'),
      '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
    await writeFile(f('server.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n');
    await run('openssl', ['req', ...EC, '-subj', '/CN=localhost', '-keyout', f('server.key'), '-out', f('server.csr')]);
    await run('openssl', ['x509', '-req', '-in', f('server.csr'), '-CA', f('ca.pem'), '-CAkey', f('ca.key'), '-CAcreateserial', '-days', '1', '-out', f('server.pem'), '-extfile', f('server.ext')]);
    return { caFile: f('ca.pem'), key: await readFile(f('server.key')), cert: await readFile(f('server.pem')), remove };
  } catch (e) {
    await remove();
    throw e;
  }
}
