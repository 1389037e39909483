import type { Checker, CheckResult, CheckTarget, PluginServices } from '@vigil/core/plugin';
import { resolveIds, type Ids } from './ids.js';
import { runProgram, type RunEnd } from './run.js';
import type { MiscConfig } from './schema.js';

/** Keepalived's delay_loop default, used as misc_timeout when neither is in the block. */
const DEFAULT_TIMEOUT_S = 60;

/**
 * MISC_CHECK: runs the program; exit 0 is up, 1 is down. With misc_dynamic, 2..255 is up with
 * the real server's weight set to (status - 2); without it, any status but 0 is down. A program
 * that outlives misc_timeout is killed, with everything it started, and the check fails.
 */
export class MiscChecker implements Checker {
  private ids: Promise<Ids> | undefined;

  constructor(
    private readonly config: MiscConfig,
    private readonly services: PluginServices,
  ) {}

  /** The timeout in seconds: misc_timeout, else the checker's delay_loop, else Keepalived's 60 s. */
  get timeoutSeconds(): number {
    const t = this.config.misc_timeout;
    if (t !== undefined && t > 0) return t;
    return this.config.delay_loop ?? DEFAULT_TIMEOUT_S;
  }

  async check(_target: CheckTarget, signal: AbortSignal): Promise<CheckResult> {
    const clock = this.services.clock;
    const start = clock.monotonicMs();
    const done = (ok: boolean, detail: string, weight?: number | null): CheckResult => ({
      ok,
      detail,
      latencyMs: clock.monotonicMs() - start,
      ...(weight !== undefined ? { weight } : {}),
    });
    const cmd = this.config.misc_path;
    if (!cmd) return done(false, 'MISC_CHECK has no misc_path');
    const name = cmd.argv[0] ?? cmd.command;
    const timeout = this.timeoutSeconds;
    const scripts = this.services.scripts;

    let end: RunEnd;
    if (scripts) {
      // The kernel's runner: Keepalived's default script user and enable_script_security.
      const user = this.config.user;
      const r = await scripts.run({ command: cmd.command, argv: cmd.argv, ...(user ? { user: user.user, ...(user.group !== undefined ? { group: user.group } : {}) } : {}) }, { timeoutMs: timeout * 1000, signal });
      if (r.kind === 'refused') return done(false, `${name} is not run: ${r.error.message}`);
      end = r;
    } else {
      let ids: { uid: number; gid: number } | undefined;
      const user = this.config.user;
      if (user) {
        this.ids ??= resolveIds(user.user, user.group);
        const r = await this.ids;
        if ('error' in r) {
          this.ids = undefined; // the account may be created later
          return done(false, `cannot run ${name}: ${r.error}`);
        }
        ids = r;
      }
      end = await runProgram({ argv: cmd.argv, timeoutMs: timeout * 1000, ...(ids ?? {}) }, signal);
    }
    switch (end.kind) {
      case 'aborted':
        return done(false, 'check aborted');
      case 'spawn-error':
        return done(false, `cannot run ${name}: ${end.error}`);
      case 'timeout':
        return done(false, `${name} timed out after ${timeout}s (misc_timeout) and was killed`);
      case 'signal':
        return done(false, `${name} was killed by ${end.signal}`);
      case 'exit': {
        const code = end.code;
        // With misc_dynamic, status 0 puts the configured weight back (null), as Keepalived does.
        if (code === 0) return done(true, `${name} exited with status 0`, this.config.misc_dynamic ? null : undefined);
        if (this.config.misc_dynamic && code >= 2 && code <= 255) return done(true, `${name} exited with status ${code}: weight ${code - 2}`, code - 2);
        return done(false, `${name} exited with status ${code}`);
      }
    }
  }
}
