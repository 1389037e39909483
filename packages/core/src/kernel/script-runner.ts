import { spawn, execFile } from 'node:child_process';
import { constants as fsc, promises as fsp, type Stats } from 'node:fs';
import { basename, delimiter, dirname, join } from 'node:path';
import type { Logger } from './logger.js';

/*
 * The one way vigil runs a configured script: checker notify_up/notify_down, quorum_up/down,
 * MISC_CHECK programs, and (later) the VRRP notify scripts.
 *
 * - argv is run directly (no shell) unless the command needs one (shell metacharacters);
 * - it runs as the script's user, else script_user, else keepalived_script if that user
 *   exists, else the user vigil runs as (Keepalived's get_default_script_user);
 * - in a process group of its own, with stdin/stdout/stderr on /dev/null; at its timeout the
 *   whole group gets SIGTERM, then SIGKILL after a grace period;
 * - Keepalived's script security (check_script_secure in lib/notify.c): a script run as root
 *   (or setuid/setgid root) whose file, or any directory on its path, a non-root user can
 *   write is refused under enable_script_security, and only warned about without it.
 */

/** What a configured script says (a ScriptSpec of the config, or MISC_CHECK's misc_path). */
export interface ScriptCommand {
  /** The command as written (first word of the line, quotes removed). */
  readonly command: string;
  /** argv as Keepalived's tokeniser splits the command. */
  readonly argv: readonly string[];
  readonly user?: string;
  readonly group?: string;
}

export type ScriptErrorCode =
  | 'VIGIL_ERR_SCRIPT_EMPTY'
  | 'VIGIL_ERR_SCRIPT_NOT_FOUND'
  | 'VIGIL_ERR_SCRIPT_NOT_EXECUTABLE'
  | 'VIGIL_ERR_SCRIPT_INSECURE'
  | 'VIGIL_ERR_SCRIPT_USER';

/** A script vigil will not run, with what to do about it. */
export class ScriptError extends Error {
  constructor(
    readonly code: ScriptErrorCode,
    /** The script as written. */
    readonly script: string,
    message: string,
  ) {
    super(message);
    this.name = 'ScriptError';
  }
}

/** A script checked and ready to run: who runs it and how. */
export interface PreparedScript {
  readonly command: string;
  /** What is executed: the argv, or ['/bin/sh', '-c', command]. */
  readonly argv: readonly string[];
  readonly shell: boolean;
  readonly uid: number;
  readonly gid: number;
  /** Found insecure while script security is off: it runs, and was warned about. */
  readonly insecure: boolean;
}

/** How a run ended. */
export type ScriptEnd =
  | { readonly kind: 'exit'; readonly code: number }
  | { readonly kind: 'signal'; readonly signal: string }
  | { readonly kind: 'timeout' }
  | { readonly kind: 'aborted' }
  | { readonly kind: 'refused'; readonly error: ScriptError }
  | { readonly kind: 'spawn-error'; readonly error: string };

export interface RunOptions {
  /** Milliseconds before the group is told to stop (SIGTERM), then killed (SIGKILL). */
  readonly timeoutMs: number;
  /** Between SIGTERM and SIGKILL; Keepalived gives 2 s. */
  readonly graceMs?: number;
  readonly signal?: AbortSignal;
  /** Words appended to argv (the VRRP notify arguments); passed as "$@" to a shell command. */
  readonly args?: readonly string[];
  readonly env?: NodeJS.ProcessEnv;
}

export interface ScriptRunnerOptions {
  /** global_defs enable_script_security. */
  readonly scriptSecurity?: boolean;
  /** global_defs script_user. */
  readonly scriptUser?: { readonly user: string; readonly group?: string };
  readonly log?: Logger;
}

/** Characters that make a command a shell command line rather than a program and its arguments. */
const SHELL_META = /[|&;<>()$`\\*?[\]{}~\n]/;

export function needsShell(command: string): boolean {
  return SHELL_META.test(command);
}

/** Mode bits Node's fs.constants leaves out. */
const S_ISUID = 0o4000;
const S_ISGID = 0o2000;
const S_ISVTX = 0o1000;

const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
const DEFAULT_SCRIPT_USER = 'keepalived_script';

interface Ids {
  readonly uid: number;
  readonly gid: number;
}

function exec(cmd: string, args: string[]): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile(cmd, args, { timeout: 5000 }, (err, stdout) => resolve(err ? undefined : stdout.trim()));
  });
}

/** A user's uid and primary gid through NSS (getent), or a number as it is. */
async function lookupUser(user: string): Promise<Ids | undefined> {
  if (/^\d+$/.test(user)) return { uid: Number(user), gid: Number(user) };
  const line = await exec('getent', ['passwd', user]);
  const f = line?.split('\n')[0]?.split(':');
  if (!f || f.length < 4 || !/^\d+$/.test(f[2] ?? '') || !/^\d+$/.test(f[3] ?? '')) return undefined;
  return { uid: Number(f[2]), gid: Number(f[3]) };
}

async function lookupGroup(group: string): Promise<number | undefined> {
  if (/^\d+$/.test(group)) return Number(group);
  const line = await exec('getent', ['group', group]);
  const gid = line?.split('\n')[0]?.split(':')[2];
  return gid !== undefined && /^\d+$/.test(gid) ? Number(gid) : undefined;
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    /* the group is gone already */
  }
}

/** Whether uid:gid may execute a file with these stats (is_executable in Keepalived). */
function isExecutable(st: Stats, uid: number, gid: number): boolean {
  if (uid === 0) return (st.mode & 0o111) !== 0;
  if (st.uid === uid) return (st.mode & fsc.S_IXUSR) !== 0;
  if (st.gid === gid) return (st.mode & fsc.S_IXGRP) !== 0;
  return (st.mode & fsc.S_IXOTH) !== 0;
}

/**
 * Keepalived's check_security: every prefix of the path ('/', '/a', '/a/b', the file) must be
 * owned by root, and not writable by a non-root group or by others (a directory with the sticky
 * bit, like /tmp, may be). Returns what is wrong, or undefined.
 */
async function insecurity(path: string): Promise<string | undefined> {
  const parts = path.split('/').filter(Boolean);
  const prefixes = ['/', ...parts.map((_, i) => '/' + parts.slice(0, i + 1).join('/'))];
  for (let i = 0; i < prefixes.length; i++) {
    const p = prefixes[i] as string;
    const last = i === prefixes.length - 1;
    let st: Stats;
    try {
      st = await fsp.lstat(p);
    } catch (e) {
      return `${p} cannot be read (${(e as NodeJS.ErrnoException).code ?? String(e)})`;
    }
    if (!last && !st.isDirectory()) return `${p} is not a directory`;
    if (last && !st.isFile() && !st.isSymbolicLink()) return `${p} is not a regular file`;
    if (st.uid !== 0) return `${p} is owned by uid ${st.uid}, not root`;
    const checked = (st.isDirectory() && (st.mode & S_ISVTX) === 0) || st.isFile();
    if (checked && ((st.gid !== 0 && (st.mode & fsc.S_IWGRP) !== 0) || (st.mode & fsc.S_IWOTH) !== 0)) {
      const who = (st.mode & fsc.S_IWOTH) !== 0 ? 'everyone' : `group ${st.gid}`;
      return `${p} is writable by ${who} (mode ${(st.mode & 0o7777).toString(8)})`;
    }
  }
  return undefined;
}

async function searchPath(name: string): Promise<string | undefined> {
  for (const dir of (process.env.PATH ?? DEFAULT_PATH).split(delimiter)) {
    if (!dir) continue;
    const p = join(dir, name);
    try {
      await fsp.access(p, fsc.X_OK);
      return p;
    } catch {
      /* next */
    }
  }
  return undefined;
}

/**
 * Runs configured scripts with Keepalived's user and security rules. Preparation (user lookup,
 * path search, security check) is done once per distinct script and remembered; a refusal is
 * remembered too (Keepalived checks at start and at reload: make a new runner on reload).
 */
export class ScriptRunner {
  private readonly prepared = new Map<string, Promise<PreparedScript>>();
  private defaultIds: Promise<Ids | ScriptError> | undefined;
  private readonly ourUid = process.getuid?.() ?? 0;
  private readonly ourGid = process.getgid?.() ?? 0;
  private readonly children = new Set<number>();

  constructor(readonly options: ScriptRunnerOptions = {}) {}

  /** Scripts still running (their process group ids). */
  get running(): number {
    return this.children.size;
  }

  private defaultUser(script: string): Promise<Ids | ScriptError> {
    this.defaultIds ??= (async () => {
      const su = this.options.scriptUser;
      if (su) {
        const ids = await lookupUser(su.user);
        if (!ids) return new ScriptError('VIGIL_ERR_SCRIPT_USER', script, `script_user '${su.user}' does not exist: create it or change script_user in global_defs`);
        if (su.group === undefined) return ids;
        const gid = await lookupGroup(su.group);
        if (gid === undefined) return new ScriptError('VIGIL_ERR_SCRIPT_USER', script, `script_user group '${su.group}' does not exist: create it or change script_user in global_defs`);
        return { uid: ids.uid, gid };
      }
      const ka = await lookupUser(DEFAULT_SCRIPT_USER);
      if (ka) return ka;
      if (this.options.scriptSecurity) {
        return new ScriptError(
          'VIGIL_ERR_SCRIPT_USER',
          script,
          `enable_script_security is set but there is no user '${DEFAULT_SCRIPT_USER}' and no script_user: create the user (useradd -r -s /sbin/nologin ${DEFAULT_SCRIPT_USER}) or set 'script_user USER' in global_defs`,
        );
      }
      return { uid: this.ourUid, gid: this.ourGid };
    })();
    return this.defaultIds;
  }

  private async ids(cmd: ScriptCommand): Promise<Ids> {
    if (cmd.user === undefined) {
      const d = await this.defaultUser(cmd.command);
      if (d instanceof ScriptError) throw d;
      return d;
    }
    const ids = await lookupUser(cmd.user);
    if (!ids) throw new ScriptError('VIGIL_ERR_SCRIPT_USER', cmd.command, `user '${cmd.user}' of script '${cmd.command}' does not exist: create it or name another user after the script`);
    if (cmd.group === undefined) return ids;
    const gid = await lookupGroup(cmd.group);
    if (gid === undefined) throw new ScriptError('VIGIL_ERR_SCRIPT_USER', cmd.command, `group '${cmd.group}' of script '${cmd.command}' does not exist: create it or name another group`);
    return { uid: ids.uid, gid };
  }

  /** Checks a script once (user, path, permissions); rejects with a ScriptError saying what to do. */
  prepare(cmd: ScriptCommand): Promise<PreparedScript> {
    const key = JSON.stringify([cmd.command, cmd.argv, cmd.user ?? null, cmd.group ?? null]);
    let p = this.prepared.get(key);
    if (!p) {
      p = this.doPrepare(cmd);
      this.prepared.set(key, p);
      p.catch(() => undefined); // a refusal is reported by whoever awaits it
    }
    return p;
  }

  private async doPrepare(cmd: ScriptCommand): Promise<PreparedScript> {
    const first = cmd.argv[0];
    if (first === undefined || first === '') throw new ScriptError('VIGIL_ERR_SCRIPT_EMPTY', cmd.command, 'the script is empty: give a program path');
    const { uid, gid } = await this.ids(cmd);
    const shell = needsShell(cmd.command);

    let path = first;
    if (!first.includes('/')) {
      const found = await searchPath(first);
      if (!found) throw new ScriptError('VIGIL_ERR_SCRIPT_NOT_FOUND', cmd.command, `script '${first}' is not in PATH (${process.env.PATH ?? DEFAULT_PATH}): write its full path`);
      path = found;
    }
    let real: string;
    let st: Stats;
    try {
      real = await fsp.realpath(path);
      st = await fsp.stat(real);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new ScriptError('VIGIL_ERR_SCRIPT_NOT_FOUND', cmd.command, `script ${path} cannot be found (${code ?? String(e)}): check the path`);
    }
    if (!st.isFile()) throw new ScriptError('VIGIL_ERR_SCRIPT_NOT_FOUND', cmd.command, `script ${path} is not a regular file`);
    if (!isExecutable(st, uid, gid)) {
      throw new ScriptError('VIGIL_ERR_SCRIPT_NOT_EXECUTABLE', cmd.command, `script ${path} is not executable by uid ${uid} gid ${gid}: chmod +x it, or run it as another user`);
    }

    // Only a script that runs with root's rights needs its path protected.
    const asRoot =
      uid === 0 ||
      gid === 0 ||
      (st.uid === 0 && (st.mode & fsc.S_IXUSR) !== 0 && (st.mode & S_ISUID) !== 0) ||
      (st.gid === 0 && (st.mode & fsc.S_IXGRP) !== 0 && (st.mode & S_ISGID) !== 0);
    let insecure = false;
    if (asRoot) {
      // As Keepalived: the directories as resolved (/bin -> /usr/bin) with the name as written
      // (a link such as sh -> dash is checked as a link), then the file it resolves to.
      let named = real;
      try {
        named = join(await fsp.realpath(dirname(path)), basename(path));
      } catch {
        /* keep the resolved path */
      }
      const why = (await insecurity(named)) ?? (real !== named ? await insecurity(real) : undefined);
      if (why) {
        if (this.options.scriptSecurity) {
          throw new ScriptError(
            'VIGIL_ERR_SCRIPT_INSECURE',
            cmd.command,
            `script ${path} is refused (enable_script_security): ${why}; it would run as root, so make it and every directory above it root-owned and writable by root only (chmod go-w), or run it as an unprivileged user`,
          );
        }
        insecure = true;
        this.options.log?.warn({ script: cmd.command, why }, `SECURITY VIOLATION - script ${path} runs as root but ${why}; set enable_script_security in global_defs to refuse such scripts`);
      }
    }
    const argv = shell ? ['/bin/sh', '-c', cmd.command] : [path, ...cmd.argv.slice(1)];
    return { command: cmd.command, argv, shell, uid, gid, insecure };
  }

  /** Prepares (once) and runs a script. Never rejects: a refusal is `{ kind: 'refused' }`. */
  async run(cmd: ScriptCommand, opts: RunOptions): Promise<ScriptEnd> {
    let prepared: PreparedScript;
    try {
      prepared = await this.prepare(cmd);
    } catch (e) {
      if (e instanceof ScriptError) return { kind: 'refused', error: e };
      return { kind: 'spawn-error', error: e instanceof Error ? e.message : String(e) };
    }
    return this.runPrepared(prepared, opts);
  }

  /** Runs a prepared script in a process group of its own. Never rejects. */
  runPrepared(p: PreparedScript, opts: RunOptions): Promise<ScriptEnd> {
    return new Promise<ScriptEnd>((resolve) => {
      const signal = opts.signal;
      if (signal?.aborted) {
        resolve({ kind: 'aborted' });
        return;
      }
      const extra = opts.args ?? [];
      // For a shell command the extra words are its $1, $2...: sh -c CMD sh ARGS.
      const argv = p.shell && extra.length ? [...p.argv, 'sh', ...extra] : [...p.argv, ...extra];
      const [file, ...args] = argv as [string, ...string[]];
      const sameUser = p.uid === this.ourUid && p.gid === this.ourGid;
      let child: ReturnType<typeof spawn>;
      try {
        child = spawn(file, args, {
          detached: true, // setsid(): a process group to kill as a whole
          stdio: 'ignore',
          ...(opts.env ? { env: opts.env } : {}),
          ...(sameUser ? {} : { uid: p.uid, gid: p.gid }),
        });
      } catch (e) {
        resolve({ kind: 'spawn-error', error: e instanceof Error ? e.message : String(e) });
        return;
      }
      const pid = child.pid;
      if (pid !== undefined) this.children.add(pid);
      let state: 'running' | 'terminating' | 'killing' = 'running';
      let settled = false;
      let grace: NodeJS.Timeout | undefined;
      const settle = (end: ScriptEnd): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (grace) clearTimeout(grace);
        signal?.removeEventListener('abort', onAbort);
        resolve(end);
      };
      const onAbort = (): void => {
        if (pid !== undefined) killGroup(pid, 'SIGKILL');
        settle({ kind: 'aborted' });
      };
      const timer = setTimeout(() => {
        if (pid === undefined) return;
        state = 'terminating';
        killGroup(pid, 'SIGTERM');
        grace = setTimeout(() => {
          state = 'killing';
          killGroup(pid, 'SIGKILL');
        }, opts.graceMs ?? 2000);
      }, Math.max(0, opts.timeoutMs));
      signal?.addEventListener('abort', onAbort, { once: true });
      child.once('error', (e: NodeJS.ErrnoException) => {
        if (pid !== undefined) this.children.delete(pid);
        settle({ kind: 'spawn-error', error: e.code === 'ENOENT' ? `${file}: not found` : e.code === 'EACCES' ? `${file}: permission denied` : e.message });
      });
      child.once('exit', (code, sig) => {
        if (pid !== undefined) {
          this.children.delete(pid);
          // What it left running in its group goes too.
          if (state !== 'running') killGroup(pid, 'SIGKILL');
        }
        if (state !== 'running') settle({ kind: 'timeout' });
        else if (sig !== null) settle({ kind: 'signal', signal: sig });
        else settle({ kind: 'exit', code: code ?? 0 });
      });
    });
  }

  /** Kills every script still running (at shutdown). */
  killAll(): void {
    for (const pid of this.children) killGroup(pid, 'SIGKILL');
    this.children.clear();
  }
}

/** One line for logs: how a run ended. */
export function describeScriptEnd(end: ScriptEnd): string {
  switch (end.kind) {
    case 'exit':
      return `exited with status ${end.code}`;
    case 'signal':
      return `was killed by ${end.signal}`;
    case 'timeout':
      return 'timed out and was killed';
    case 'aborted':
      return 'was aborted';
    case 'refused':
      return `was refused: ${end.error.message}`;
    case 'spawn-error':
      return `could not be started: ${end.error}`;
  }
}
