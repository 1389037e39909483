/**
 * Helpers for the checker integration tests: a keepalived.conf loaded as the daemon loads it
 * (plugins discovered from node_modules, and from a plugin directory when given), run by the
 * real scheduler; events collected; real servers on loopback.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildCheckPlan, CheckScheduler, createLogger, loadConfigOrThrow, type LoadedConfig, type VigilConfig } from '@vigil/core';
import type { VigilEvent } from '@vigil/core/plugin';

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `vigil-${prefix}-`));
}

export function removeDir(dir: string): void {
  if (dir) rmSync(dir, { recursive: true, force: true });
}

/** An executable shell script. */
export function script(path: string, body: string, mode = 0o755): string {
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, mode);
  return path;
}

/** A notify script appending its name (and arguments) to a log file, one line per run. */
export function notifyScript(dir: string, name: string, log: string): string {
  return script(join(dir, `${name}.sh`), `echo "${name}$*" >> ${log}`);
}

export function lines(file: string): string[] {
  return existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];
}

export async function waitFor<T>(what: string, probe: () => T | undefined | false, timeoutMs = 10000, everyMs = 20): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export interface Run {
  readonly scheduler: CheckScheduler;
  readonly events: VigilEvent[];
  readonly loaded: LoadedConfig & { config: VigilConfig };
  of<T extends VigilEvent['type']>(type: T): Extract<VigilEvent, { type: T }>[];
  stop(): Promise<void>;
}

/** Loads `text` as a keepalived.conf and runs its checkers in this process. */
export async function runConfig(dir: string, text: string, opts: { pluginDirs?: string[]; name?: string } = {}): Promise<Run> {
  const file = join(dir, opts.name ?? 'keepalived.conf');
  writeFileSync(file, text);
  const loaded = await loadConfigOrThrow(file, { pluginDirs: opts.pluginDirs ?? [] });
  const registry = loaded.registry;
  const events: VigilEvent[] = [];
  const log = createLogger({ level: process.env.VIGIL_TEST_LOG === '1' ? 'debug' : 'silent' });
  const scheduler = new CheckScheduler({ definition: (kw) => registry.definition('checker', kw), log, emit: (e) => events.push(e), scriptTimeoutMs: 10000 });
  scheduler.start(buildCheckPlan(loaded.config, (kw) => registry.definition('checker', kw)));
  return {
    scheduler,
    events,
    loaded,
    of: <T extends VigilEvent['type']>(type: T) => events.filter((e): e is Extract<VigilEvent, { type: T }> => e.type === type),
    stop: () => scheduler.stop(),
  };
}

/** A TCP server on loopback that can be closed and reopened on the same port. */
export class Toggle {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  port = 0;

  constructor(
    readonly host = '127.0.0.1',
    private readonly onConnection: (s: Socket) => void = (s) => s.end(),
  ) {}

  async open(): Promise<this> {
    const server = createServer((s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
      s.on('error', () => undefined);
      this.onConnection(s);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, this.host, () => resolve());
    });
    this.port = (server.address() as { port: number }).port;
    this.server = server;
    return this;
  }

  async close(): Promise<void> {
    const s = this.server;
    this.server = undefined;
    for (const c of this.sockets) c.destroy();
    if (s) await new Promise<void>((r) => s.close(() => r()));
  }
}

/** A self-signed certificate for 127.0.0.1 / localhost, made now with openssl. */
export function makeCertificate(dir: string): { key: string; cert: string } {
  const key = join(dir, 'key.pem');
  const cert = join(dir, 'cert.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1'], { stdio: 'ignore' });
  return { key: readFileSync(key, 'utf8'), cert: readFileSync(cert, 'utf8') };
}

/** Open TCP sockets and child processes of this process, for leak checks. */
export function openHandles(): { sockets: number; processes: number } {
  const info = process.getActiveResourcesInfo();
  return { sockets: info.filter((r) => r === 'TCPSocketWrap' || r === 'TLSWrap').length, processes: info.filter((r) => r === 'ProcessWrap').length };
}

/** A virtual_server block around real servers. */
export function vs(body: string, head = '192.0.2.10 80', extra = ''): string {
  return `virtual_server ${head} {\n    lvs_sched rr\n    lvs_method NAT\n    protocol TCP\n${extra}${body}}\n`;
}
