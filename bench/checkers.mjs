#!/usr/bin/env node
// bench/checkers: the checker process at scale (performance.md B3). N real servers listen across
// 127.0.0.0/8 (127.1.x.y:8080, one listener each), N TCP_CHECK or HTTP_GET checkers run every
// second (delay_loop 1, spread by warmup), and the checker process reports its CPU
// (process.cpuUsage, cross-checked with /proc/PID/stat), its checks per second, how late checks
// start after their deadline, and its event-loop delay (monitorEventLoopDelay, 1 ms resolution).
// Servers and the supervisor share this process; the checker process is the one measured.
//
//   node bench/checkers.mjs [--sizes 1000,5000,10000] [--kinds TCP_CHECK,HTTP_GET] [--seconds 10]
//
// It raises `ulimit -n` for itself (it re-runs itself under bash) since 10,000 listeners need
// more than the usual 1,024 descriptors.
import { Buffer } from 'node:buffer';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttp } from 'node:http';
import { createServer as createNet } from 'node:net';
import { tmpdir, cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : dflt;
};
const SIZES = arg('sizes', '1000,5000,10000').split(',').map(Number);
const KINDS = arg('kinds', 'TCP_CHECK,HTTP_GET').split(',');
const SECONDS = Number(arg('seconds', '10'));
const WANT_FDS = Math.max(...SIZES) * 3 + 4096;

if (!process.env.VIGIL_BENCH_ULIMIT) {
  // Re-run with a larger descriptor limit (root may raise the hard limit too).
  const cmd = `ulimit -n ${WANT_FDS} 2>/dev/null || ulimit -n $(ulimit -Hn); exec "$0" "$@"`;
  const r = spawnSync('bash', ['-c', cmd, process.execPath, ...process.argv.slice(1)], { stdio: 'inherit', env: { ...process.env, VIGIL_BENCH_ULIMIT: '1' } });
  process.exit(r.status ?? 1);
}

const core = await import(pathToFileURL(join(root, 'packages', 'core', 'dist', 'src', 'index.js')).href);
const { CheckerSupervisor, EventBus, createLogger, loadConfigOrThrow } = core;

const PORT = 8080;
function address(i) {
  // 127.1.0.1 .. 127.1.0.254, 127.1.1.1 ..: 254 a block, never .0 or .255.
  const b = Math.floor(i / 254);
  return `127.${1 + (b >> 8)}.${b & 255}.${(i % 254) + 1}`;
}

const BODY = Buffer.from('ok\n');
async function startServers(n, kind) {
  const servers = [];
  const listen = (s, host) => new Promise((res, rej) => {
    s.once('error', rej);
    s.listen({ port: PORT, host, backlog: 64 }, res);
  });
  for (let i = 0; i < n; i++) {
    const s =
      kind === 'HTTP_GET'
        ? createHttp({ keepAlive: false }, (_req, res) => {
            res.writeHead(200, { 'Content-Length': BODY.length });
            res.end(BODY);
          })
        : createNet((sock) => {
            sock.on('error', () => {});
            sock.end();
          });
    s.on('error', () => {});
    await listen(s, address(i));
    servers.push(s);
  }
  return servers;
}

function config(n, kind) {
  const out = ['global_defs {\n    router_id bench\n}\n'];
  const perVs = 100;
  for (let v = 0; v * perVs < n; v++) {
    out.push(`virtual_server 192.0.2.${(v % 250) + 1} ${1000 + v} {\n    delay_loop 1\n    lvs_sched rr\n    lvs_method NAT\n    protocol TCP\n`);
    for (let r = v * perVs; r < Math.min(n, (v + 1) * perVs); r++) {
      const check = kind === 'HTTP_GET' ? `        HTTP_GET {\n            url {\n                path /health\n                status_code 200\n            }\n            connect_timeout 3\n        }\n` : `        TCP_CHECK {\n            connect_timeout 3\n        }\n`;
      out.push(`    real_server ${address(r)} ${PORT} {\n${check}    }\n`);
    }
    out.push('}\n');
  }
  return out.join('');
}

/** utime+stime of a process in clock ticks, from /proc. */
function procTicks(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(f[11]) + Number(f[12]);
}
const HZ = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

const dir = mkdtempSync(join(tmpdir(), 'vigil-bench-checkers-'));
const log = createLogger({ level: 'warn' });
const rows = [];
console.log(`bench/checkers: ${cpus().length} cores, ${cpus()[0]?.model ?? '?'}, Node ${process.version}, delay_loop 1 s, measuring ${SECONDS} s after ${3} s of warm-up`);
console.log('Keepalived: not measured — its checker process programs IPVS, which this host kernel lacks; the user-mode-linux test bed (another issue) provides it.');
try {
  for (const kind of KINDS) {
    for (const n of SIZES) {
      const servers = await startServers(n, kind);
      const file = join(dir, `${kind}-${n}.conf`);
      writeFileSync(file, config(n, kind));
      const loaded = await loadConfigOrThrow(file);
      const bus = new EventBus(log);
      let failed = 0;
      let results = 0;
      bus.on('check.result', (e) => {
        results++;
        if (!e.ok) failed++;
      });
      const sup = new CheckerSupervisor({ config: () => loaded.config, registry: () => loaded.registry, bus, log, logLevel: 'warn' });
      await sup.start();
      await new Promise((r) => setTimeout(r, 3000)); // warmup spreads the first checks over 1 s
      const s0 = await sup.stats(true);
      const t0 = procTicks(s0.pid);
      const r0 = results;
      const f0 = failed;
      const w0 = performance.now();
      await new Promise((r) => setTimeout(r, SECONDS * 1000));
      const s1 = await sup.stats(false);
      const wall = (performance.now() - w0) / 1000;
      const t1 = procTicks(s1.pid);
      const cpuUs = s1.cpu.user + s1.cpu.system - (s0.cpu.user + s0.cpu.system);
      const row = {
        kind,
        n,
        checksPerSec: Math.round(s1.checks / wall),
        cpuPct: ((cpuUs / 1e6 / wall) * 100).toFixed(1),
        procCpuPct: ((((t1 - t0) / HZ) / wall) * 100).toFixed(1),
        usPerCheck: s1.checks ? (cpuUs / s1.checks).toFixed(1) : '-',
        lateP50: s1.lateness.p50.toFixed(1),
        lateP99: s1.lateness.p99.toFixed(1),
        lateMax: s1.lateness.max.toFixed(1),
        eldP50: s1.eventLoop.p50.toFixed(1),
        eldP99: s1.eventLoop.p99.toFixed(1),
        eldMax: s1.eventLoop.max.toFixed(1),
        failed: failed - f0,
        results: results - r0,
        rssMiB: (s1.rssBytes / 1048576).toFixed(0),
      };
      rows.push(row);
      console.log(JSON.stringify(row));
      await sup.stop();
      await Promise.all(servers.map((s) => new Promise((r) => s.close(() => r()))));
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

console.log('\n| checker | real servers | checks/s | CPU of the checker process (cpuUsage / /proc) | µs CPU per check | start lateness p50 / p99 / max (ms) | event-loop delay p50 / p99 / max (ms) | failed checks | RSS MiB |');
console.log('|---|---|---|---|---|---|---|---|---|');
for (const r of rows) {
  console.log(`| ${r.kind} | ${r.n} | ${r.checksPerSec} | ${r.cpuPct}% / ${r.procCpuPct}% | ${r.usPerCheck} | ${r.lateP50} / ${r.lateP99} / ${r.lateMax} | ${r.eldP50} / ${r.eldP99} / ${r.eldMax} | ${r.failed} of ${r.results} | ${r.rssMiB} |`);
}
console.log(`\ncommand: node bench/checkers.mjs --sizes ${SIZES.join(',')} --kinds ${KINDS.join(',')} --seconds ${SECONDS}`);
process.exit(0);
