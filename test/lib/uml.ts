/**
 * The user-mode-linux test bed (DESIGN §7): boots Debian's `linux.uml` with the host's filesystem as
 * a read-only root (hostfs), runs one shell script inside as init, and brings back its stdout,
 * stderr and exit status through a per-run directory mounted read-write from the host.
 *
 * Inside: /proc, /sys, /dev (devtmpfs), a tmpfs on /run; `modprobe` on PATH is a wrapper that runs
 * `modprobe -d /run/mods` over a tree whose lib/modules/<version> points at
 * /usr/lib/uml/modules/<version>; the host's node, ipvsadm, ip (netns, veth) run as they are.
 * Networking is only what the script makes (namespaces, veth); UML has no link to the host.
 *
 * A boot takes about 2-3 s on this machine. Every run gets its own temp dir and UML umid dir; a
 * timeout kills the UML process group; both are removed also when the run fails.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const UML_BIN = '/usr/bin/linux.uml';
export const UML_MODULES = '/usr/lib/uml/modules';

export interface UmlRunOptions {
  /** A POSIX shell script run inside (as root, cwd = `cwd`). Its exit status comes back as `status`. */
  readonly script: string;
  /** Modules to load first (`modprobe -a`); a missing module fails the run before the script. */
  readonly modules?: readonly string[];
  /** Extra environment for the script. */
  readonly env?: Readonly<Record<string, string>>;
  /** Working directory of the script inside (host path; default: the host's cwd). */
  readonly cwd?: string;
  /** Kills UML after this long (default 120 s). */
  readonly timeoutMs?: number;
  /** UML memory in MiB (default 768: enough for node). */
  readonly memMb?: number;
}

export interface UmlResult {
  /** The script's exit status, or null when it never finished (timeout, kernel panic). */
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** The UML kernel console (boot log), for diagnostics. */
  readonly console: string;
  readonly timedOut: boolean;
  /** Wall time from spawn to exit, boot included. */
  readonly elapsedMs: number;
}

/** The UML kernel's version (the one directory under /usr/lib/uml/modules), if installed. */
export function umlKernelVersion(): string | undefined {
  if (!existsSync(UML_MODULES)) return undefined;
  return readdirSync(UML_MODULES)[0];
}

/** Why UML tests cannot run here, or undefined when they can. */
export function umlSkipReason(): string | undefined {
  if (process.getuid?.() !== 0) return 'user-mode-linux tests run as root';
  if (!existsSync(UML_BIN)) return `${UML_BIN} missing: install the Debian package user-mode-linux (test/setup.sh)`;
  if (umlKernelVersion() === undefined) return `no UML modules under ${UML_MODULES}`;
  if (spawnSync('sh', ['-c', 'command -v modprobe'], { stdio: 'ignore' }).status !== 0) return 'modprobe missing: install kmod';
  return undefined;
}

/** Lists the modules the UML kernel ships (names without .ko). */
export function umlModules(): Set<string> {
  const v = umlKernelVersion();
  if (!v) return new Set();
  const dep = readFileSync(join(UML_MODULES, v, 'modules.dep'), 'utf8');
  return new Set(
    dep
      .split('\n')
      .map((l) => /([^/]+)\.ko(?:\.\w+)?:/.exec(l)?.[1])
      .filter((n): n is string => n !== undefined)
      .map((n) => n.replace(/-/g, '_')),
  );
}

const shq = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/** Boots UML, runs the script inside, returns what it printed. Never throws for a failing script. */
export async function runInUml(options: UmlRunOptions): Promise<UmlResult> {
  const reason = umlSkipReason();
  if (reason) throw new Error(reason);
  const dir = mkdtempSync(join(tmpdir(), 'vigil-uml-'));
  const umid = dir.slice(dir.lastIndexOf('-') + 1);
  const cwd = options.cwd ?? process.cwd();
  const env = Object.entries(options.env ?? {})
    .map(([k, v]) => `export ${k}=${shq(v)}`)
    .join('\n');
  const modules = options.modules?.length ? `modprobe -a ${options.modules.map(shq).join(' ')} || { echo "modprobe failed" >&2; echo 125 > "$D/rc"; halt; }` : '';
  writeFileSync(join(dir, 'script.sh'), options.script);
  writeFileSync(
    join(dir, 'init.sh'),
    `#!/bin/sh
# PID 1 inside UML. The root is the host's / (hostfs, read-only); ${dir} is mounted read-write.
D=${shq(dir)}
export PATH=/run/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8
halt() { sync; echo o > /proc/sysrq-trigger 2>/dev/null; poweroff -f >/dev/null 2>&1; exit 1; }
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev 2>/dev/null
mount -t tmpfs run /run
mkdir -p /run/netns /run/bin /run/mods/lib/modules /run/tmp
mount -t hostfs -o "$D" hostfs "$D"
ln -s ${UML_MODULES}/$(uname -r) /run/mods/lib/modules/$(uname -r)
printf '#!/bin/sh\\nexec /usr/sbin/modprobe -d /run/mods "$@"\\n' > /run/bin/modprobe
chmod +x /run/bin/modprobe
ip link set lo up
export TMPDIR=/run/tmp
${env}
${modules}
cd ${shq(cwd)} && /bin/sh "$D/script.sh" > "$D/stdout" 2> "$D/stderr"
echo $? > "$D/rc"
halt
`,
  );
  chmodSync(join(dir, 'init.sh'), 0o755);
  const started = Date.now();
  const child = spawn(
    UML_BIN,
    [`mem=${options.memMb ?? 768}M`, 'rootfstype=hostfs', 'ro', `init=${join(dir, 'init.sh')}`, `umid=${umid}`, `uml_dir=${dir}`, 'con=null', 'con0=null,fd:1', 'quiet'],
    { detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let consoleLog = '';
  child.stdout.on('data', (b: Buffer) => (consoleLog += b.toString()));
  child.stderr.on('data', (b: Buffer) => (consoleLog += b.toString()));
  let timedOut = false;
  const killGroup = (): void => {
    try {
      if (child.pid) process.kill(-child.pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  };
  const timer = setTimeout(() => {
    timedOut = true;
    killGroup();
  }, options.timeoutMs ?? 120_000);
  try {
    await new Promise<void>((resolve) => child.on('close', () => resolve()));
    const read = (f: string): string => {
      try {
        return readFileSync(join(dir, f), 'utf8');
      } catch {
        return '';
      }
    };
    const rc = read('rc').trim();
    return {
      status: rc === '' ? null : Number(rc),
      stdout: read('stdout'),
      stderr: read('stderr'),
      console: consoleLog,
      timedOut,
      elapsedMs: Date.now() - started,
    };
  } finally {
    clearTimeout(timer);
    killGroup(); // UML helper processes left behind, if any
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A compact failure message: status, the script's stderr and the end of the console. */
export function describeUml(r: UmlResult): string {
  return [
    `UML script ${r.timedOut ? 'timed out' : `exited with ${r.status}`} after ${r.elapsedMs} ms`,
    `--- stdout ---\n${r.stdout.slice(-4000)}`,
    `--- stderr ---\n${r.stderr.slice(-4000)}`,
    `--- console (tail) ---\n${r.console.slice(-2000)}`,
  ].join('\n');
}
