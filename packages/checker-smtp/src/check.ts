import type { Checker, CheckResult, CheckTarget, PluginServices } from '@vigil/core/plugin';
import type { HostConfig, SmtpConfig } from './schema.js';
import { CheckAborted, LineSession, SessionError } from './session.js';

/** Keepalived's default HELO name (SMTP_DEFAULT_HELO in check_smtp.h). */
export const DEFAULT_HELO = 'smtpchecker.keepalived.org';

function endpoint(t: CheckTarget): string {
  return t.family === 6 ? `[${t.address}]:${t.port}` : `${t.address}:${t.port}`;
}

/** Where a deprecated `host { }` entry connects: its own options over the checker's. */
export function hostTarget(h: HostConfig, base: CheckTarget): CheckTarget {
  const family = h.connect_ip?.family ?? base.family;
  const bindAddress = h.bindto?.address ?? (base.bindAddress !== undefined && family === base.family ? base.bindAddress : undefined);
  const bindPort = h.bind_port ?? base.bindPort;
  return {
    family,
    address: h.connect_ip?.address ?? base.address,
    port: h.connect_port ?? base.port,
    connectTimeout: h.connect_timeout ?? base.connectTimeout,
    ...(bindAddress !== undefined ? { bindAddress } : {}),
    ...(bindPort !== undefined ? { bindPort } : {}),
    ...(base.fwmark !== undefined ? { fwmark: base.fwmark } : {}),
  };
}

/** One conversation: the 220 greeting, HELO answered by 250, QUIT. */
async function converse(target: CheckTarget, helo: string, signal: AbortSignal): Promise<string> {
  const session = await LineSession.open(target, signal);
  try {
    const banner = await session.reply('greeting');
    if (banner.code !== 220) throw new SessionError(`greeting '${banner.text.slice(0, 80)}', expected 220`);
    session.send(`HELO ${helo}\r\n`);
    const hello = await session.reply('reply to HELO');
    if (hello.code !== 250) throw new SessionError(`HELO answered '${hello.text.slice(0, 80)}', expected 250`);
    session.send('QUIT\r\n');
    // The reply to QUIT is read as Keepalived does; a server that just closes is fine too.
    await session.reply('reply to QUIT').catch((e: unknown) => {
      if (e instanceof CheckAborted) throw e;
    });
    return hello.text;
  } finally {
    session.close();
  }
}

/**
 * SMTP_CHECK: the real server is up when it greets with 220, answers HELO with 250, and QUIT
 * ends the session. With (deprecated) host blocks, every host is checked in turn.
 */
export class SmtpChecker implements Checker {
  private readonly helo: string;
  private fwmarkWarned = false;

  constructor(
    private readonly config: SmtpConfig,
    private readonly services: PluginServices,
  ) {
    this.helo = config.helo_name ?? DEFAULT_HELO;
  }

  async check(target: CheckTarget, signal: AbortSignal): Promise<CheckResult> {
    const clock = this.services.clock;
    const start = clock.monotonicMs();
    const done = (ok: boolean, detail: string): CheckResult => ({ ok, detail, latencyMs: clock.monotonicMs() - start });
    if (target.fwmark !== undefined && !this.fwmarkWarned) {
      this.fwmarkWarned = true;
      this.services.log.warn({ fwmark: target.fwmark }, 'fwmark is not applied to SMTP_CHECK connections: Node.js cannot set SO_MARK on a socket');
    }
    const targets = this.config.host?.length ? this.config.host.map((h) => hostTarget(h, target)) : [target];
    for (const t of targets) {
      try {
        await converse(t, this.helo, signal);
      } catch (e) {
        if (e instanceof CheckAborted) return done(false, 'check aborted');
        const why = e instanceof SessionError ? e.message : String(e);
        return done(false, targets.length > 1 ? `${endpoint(t)}: ${why}` : why);
      }
    }
    return done(true, targets.length > 1 ? `${targets.length} hosts answered HELO with 250` : `${endpoint(target)} answered HELO with 250`);
  }
}
