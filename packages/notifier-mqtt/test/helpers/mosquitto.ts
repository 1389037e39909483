import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, run, stop, track, trackDir } from './processes.js';

export interface TlsFiles {
  readonly ca: string;
  readonly cert: string;
  readonly key: string;
}

export interface MosquittoOptions {
  /** Only this user, with mosquitto_passwd's hash of the password (no anonymous access). */
  readonly auth?: { readonly user: string; readonly password: string };
  /** A TLS listener with these files; clients must present a certificate signed by `ca` when `requireCertificate`. */
  readonly tls?: TlsFiles & { readonly requireCertificate?: boolean };
  /** The listener speaks MQTT over WebSockets. */
  readonly websockets?: boolean;
  /** Sessions and retained messages survive a restart (saved at shutdown). */
  readonly persistence?: boolean;
}

/** Whether mosquitto and its clients are installed (test/setup.sh installs them). */
export async function haveMosquitto(): Promise<boolean> {
  try {
    await run('sh', ['-c', 'command -v mosquitto && command -v mosquitto_sub && command -v mosquitto_passwd']);
    return true;
  } catch {
    return false;
  }
}

/**
 * A private mosquitto for one test file: its own directory (config, password file, persistence),
 * one listener on a free loopback port. `close()` stops it and removes the directory.
 */
export class Mosquitto {
  private proc: ChildProcess | undefined;
  private stderr = '';

  private constructor(
    readonly dir: string,
    readonly port: number,
    readonly options: MosquittoOptions,
  ) {}

  static async start(options: MosquittoOptions = {}): Promise<Mosquitto> {
    const dir = trackDir(await mkdtemp(join(tmpdir(), 'vigil-mosquitto-')));
    try {
      const port = await freePort();
      const m = new Mosquitto(dir, port, options);
      await m.writeConfig();
      await m.launch();
      return m;
    } catch (e) {
      await rm(dir, { recursive: true, force: true });
      throw e;
    }
  }

  get url(): string {
    const scheme = this.options.websockets ? (this.options.tls ? 'wss' : 'ws') : this.options.tls ? 'mqtts' : 'mqtt';
    return `${scheme}://127.0.0.1:${this.port}`;
  }

  get pid(): number | undefined {
    return this.proc?.pid;
  }

  get log(): string {
    return this.stderr;
  }

  private async writeConfig(): Promise<void> {
    const o = this.options;
    const lines = [
      `listener ${this.port} 127.0.0.1`,
      o.websockets ? 'protocol websockets' : 'protocol mqtt',
      `allow_anonymous ${o.auth ? 'false' : 'true'}`,
      // Run as the invoking user even as root, so the private directory stays readable.
      'user root',
      'log_dest stderr',
      'log_type error',
      'log_type warning',
      'log_type notice',
      'log_type information',
      'connection_messages true',
      `persistence ${o.persistence ? 'true' : 'false'}`,
      `persistence_location ${this.dir}/`,
      'autosave_interval 0',
      // No cap on what the broker queues for a slow or reconnecting subscriber: tests count every message.
      'max_queued_messages 0',
    ];
    if (o.auth) {
      const file = join(this.dir, 'passwd');
      await run('mosquitto_passwd', ['-b', '-c', file, o.auth.user, o.auth.password]);
      lines.push(`password_file ${file}`);
    }
    if (o.tls) {
      lines.push(`cafile ${o.tls.ca}`, `certfile ${o.tls.cert}`, `keyfile ${o.tls.key}`, `require_certificate ${o.tls.requireCertificate ? 'true' : 'false'}`);
    }
    await writeFile(join(this.dir, 'mosquitto.conf'), lines.join('\n') + '\n');
  }

  private launch(): Promise<void> {
    this.stderr = '';
    const proc = track(spawn('mosquitto', ['-c', join(this.dir, 'mosquitto.conf')], { stdio: ['ignore', 'ignore', 'pipe'] }));
    this.proc = proc;
    return new Promise((resolve, reject) => {
      let settled = false;
      const onError = (e: Error): void => fail(e);
      const onExit = (code: number | null, signal: string | null): void => fail(new Error(`mosquitto exited (${code ?? signal}) at start:\n${this.stderr}`));
      const timer = setTimeout(() => fail(new Error(`mosquitto did not start within 5 s:\n${this.stderr}`)), 5000);
      const settle = (): void => {
        settled = true;
        clearTimeout(timer);
        proc.off('error', onError);
        proc.off('exit', onExit);
      };
      const fail = (e: Error): void => {
        if (settled) return;
        settle();
        proc.kill('SIGKILL');
        reject(e);
      };
      proc.once('error', onError);
      proc.once('exit', onExit);
      proc.stderr?.setEncoding('utf8');
      proc.stderr?.on('data', (chunk: string) => {
        this.stderr += chunk;
        if (!settled && /mosquitto version \S+ running/.test(this.stderr)) {
          settle();
          resolve();
        }
      });
    });
  }

  /** SIGSTOP: the broker keeps its sockets open and stops reading them. */
  pause(): void {
    this.proc?.kill('SIGSTOP');
  }

  resume(): void {
    this.proc?.kill('SIGCONT');
  }

  /** Stops the broker (it saves its persistence file on the way out). */
  async stop(): Promise<void> {
    if (this.proc) await stop(this.proc);
    this.proc = undefined;
  }

  /** Starts it again on the same port with the same configuration. */
  async restart(): Promise<void> {
    await this.stop();
    await this.launch();
  }

  async close(): Promise<void> {
    await this.stop();
    await rm(this.dir, { recursive: true, force: true });
  }
}
