import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';

/** One message as the SMTP server received it. */
export interface ReceivedMail {
  readonly mailFrom: string;
  readonly rcptTo: string[];
  /** The name the client gave in EHLO/HELO. */
  readonly helo: string;
  /** STARTTLS was in effect. */
  readonly secure: boolean;
  readonly user: string | undefined;
  readonly raw: string;
  /** Header name (lower case) -> value, unfolded. */
  readonly headers: Map<string, string>;
  readonly body: string;
}

function parse(raw: string): { headers: Map<string, string>; body: string } {
  const end = raw.indexOf('\r\n\r\n');
  const head = end < 0 ? raw : raw.slice(0, end);
  const headers = new Map<string, string>();
  for (const line of head.replace(/\r\n[ \t]+/g, ' ').split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim());
  }
  return { headers, body: end < 0 ? '' : raw.slice(end + 4) };
}

export interface TestSmtpOptions {
  /** Offer STARTTLS with this key and certificate. */
  readonly tls?: { readonly key: Buffer; readonly cert: Buffer };
  /** Require AUTH with these credentials. */
  readonly auth?: { readonly user: string; readonly password: string };
}

/** A real SMTP server (the smtp-server package) on a loopback port, recording what it receives. */
export class TestSmtp {
  readonly mails: ReceivedMail[] = [];
  private readonly server: SMTPServer;
  port = 0;

  constructor(readonly options: TestSmtpOptions = {}) {
    const o: SMTPServerOptions = {
      logger: false,
      secure: false,
      authOptional: !options.auth,
      allowInsecureAuth: false,
      disabledCommands: options.tls ? [] : ['STARTTLS'],
      ...(options.tls ? { key: options.tls.key, cert: options.tls.cert } : {}),
      onAuth: (auth, _session, cb) => {
        if (options.auth && auth.username === options.auth.user && auth.password === options.auth.password) cb(null, { user: auth.username });
        else cb(new Error('Invalid username or password'));
      },
      onData: (stream, session, cb) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          const raw = Buffer.concat(chunks).toString('utf8');
          const env = session.envelope;
          this.mails.push({
            mailFrom: env.mailFrom ? env.mailFrom.address : '',
            rcptTo: env.rcptTo.map((r) => r.address),
            helo: session.hostNameAppearsAs,
            secure: session.secure,
            user: typeof session.user === 'string' ? session.user : undefined,
            raw,
            ...parse(raw),
          });
          cb();
        });
      },
    };
    this.server = new SMTPServer(o);
    this.server.on('error', () => {});
  }

  /** Listens on `port` (a free one when 0). */
  listen(port = 0): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => {
        this.port = (this.server.server.address() as AddressInfo).port;
        resolve(this.port);
      });
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** A TCP server that accepts and never says a word: an SMTP server that hangs. */
export async function silentServer(): Promise<{ port: number; sockets: Set<Socket>; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => {});
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    port: (server.address() as AddressInfo).port,
    sockets,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A loopback port with nothing listening on it now. */
export async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

export async function until(cond: () => boolean, what: string, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
