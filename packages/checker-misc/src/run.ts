import { spawn } from 'node:child_process';

/** How a run of the program ended. */
export type RunEnd =
  | { kind: 'exit'; code: number }
  | { kind: 'signal'; signal: string }
  | { kind: 'timeout' }
  | { kind: 'aborted' }
  | { kind: 'spawn-error'; error: string };

export interface RunOptions {
  readonly argv: readonly string[];
  /** Milliseconds before the program is told to stop (SIGTERM), then killed (SIGKILL). */
  readonly timeoutMs: number;
  /** After SIGTERM, how long it has before SIGKILL. Keepalived gives 2 s. */
  readonly graceMs?: number;
  readonly uid?: number;
  readonly gid?: number;
}

const SPAWN_ERRORS: Record<string, string> = {
  ENOENT: 'not found',
  EACCES: 'permission denied (is it executable?)',
  EPERM: 'not permitted to run it as that user',
  ENOEXEC: 'not an executable (missing #! line?)',
};

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    /* the group is gone already */
  }
}

/**
 * Runs a program directly (no shell) in a process group of its own, with no stdin, stdout or
 * stderr (as Keepalived: /dev/null). At the timeout the whole group gets SIGTERM, then SIGKILL
 * after the grace period, and once the program is gone the rest of its group is killed too; on
 * abort the group gets SIGKILL at once. Never rejects.
 */
export function runProgram(opts: RunOptions, signal: AbortSignal): Promise<RunEnd> {
  return new Promise<RunEnd>((resolve) => {
    if (signal.aborted) {
      resolve({ kind: 'aborted' });
      return;
    }
    const [file, ...args] = opts.argv;
    if (file === undefined) {
      resolve({ kind: 'spawn-error', error: 'empty command' });
      return;
    }
    let child: ReturnType<typeof spawn>;
    try {
      child = spawn(file, args, {
        detached: true, // setsid(): a process group to kill as a whole
        stdio: 'ignore',
        ...(opts.uid !== undefined ? { uid: opts.uid } : {}),
        ...(opts.gid !== undefined ? { gid: opts.gid } : {}),
      });
    } catch (e) {
      resolve({ kind: 'spawn-error', error: e instanceof Error ? e.message : String(e) });
      return;
    }
    let state: 'running' | 'terminating' | 'killing' | 'aborted' = 'running';
    let settled = false;
    let grace: NodeJS.Timeout | undefined;

    const settle = (end: RunEnd): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (grace) clearTimeout(grace);
      signal.removeEventListener('abort', onAbort);
      resolve(end);
    };
    const onAbort = (): void => {
      state = 'aborted';
      if (child.pid !== undefined) killGroup(child.pid, 'SIGKILL');
      // Settle now: SIGKILL cannot be refused, and the exit is reaped when it comes.
      settle({ kind: 'aborted' });
    };
    const timer = setTimeout(() => {
      if (child.pid === undefined) return;
      state = 'terminating';
      killGroup(child.pid, 'SIGTERM');
      grace = setTimeout(() => {
        state = 'killing';
        if (child.pid !== undefined) killGroup(child.pid, 'SIGKILL');
      }, opts.graceMs ?? 2000);
    }, opts.timeoutMs);

    signal.addEventListener('abort', onAbort, { once: true });
    child.once('error', (e: NodeJS.ErrnoException) => {
      settle({ kind: 'spawn-error', error: (e.code && SPAWN_ERRORS[e.code]) ?? e.message });
    });
    child.once('exit', (code, sig) => {
      if (state === 'terminating' || state === 'killing') {
        // Stopped for its timeout: what it started in its group goes too (as Keepalived).
        if (child.pid !== undefined) killGroup(child.pid, 'SIGKILL');
        settle({ kind: 'timeout' });
      } else if (sig !== null) settle({ kind: 'signal', signal: sig });
      else settle({ kind: 'exit', code: code ?? 0 });
    });
  });
}
