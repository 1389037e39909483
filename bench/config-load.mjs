#!/usr/bin/env node
// bench/config-load: how long `vigil check` takes on large generated configurations, beside
// `keepalived -t` on the same files in the same run (ratio). Needs root (keepalived -t runs in a
// network namespace that has the interfaces the files name).
//
//   sudo node bench/config-load.mjs [--runs N]
//
// Files: 1,000 virtual servers x 10 real servers (TCP_CHECK each), and 255 vrrp_instances.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const vigil = join(root, 'packages', 'cli', 'dist', 'src', 'bin.js');
const runsArg = process.argv.indexOf('--runs');
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 5;
const ns = `vb${process.pid.toString(36)}`;
const dir = mkdtempSync(join(tmpdir(), 'vigil-bench-'));

function virtualServers(nVs, nRs) {
  const out = ['global_defs {\n    router_id bench\n}\n'];
  for (let v = 0; v < nVs; v++) {
    // 192.0.2.0/24 and 198.51.100.0/24 give 508 addresses; ports make each service distinct.
    const vip = v < 254 ? `192.0.2.${v + 1}` : `198.51.100.${(v % 254) + 1}`;
    out.push(`virtual_server ${vip} ${1000 + v} {\n    delay_loop 6\n    lb_algo wrr\n    lb_kind NAT\n    protocol TCP\n`);
    for (let r = 0; r < nRs; r++) {
      out.push(`    real_server 203.0.113.${(r % 254) + 1} ${8000 + v} {\n        weight ${r + 1}\n        TCP_CHECK {\n            connect_timeout 3\n        }\n    }\n`);
    }
    out.push('}\n');
  }
  return out.join('');
}

function vrrpInstances(n) {
  const out = ['global_defs {\n    router_id bench\n}\n'];
  for (let i = 1; i <= n; i++) {
    out.push(`vrrp_instance VI_${i} {\n    state BACKUP\n    interface eth0\n    virtual_router_id ${i}\n    priority 100\n    advert_int 1\n    virtual_ipaddress {\n        198.51.100.${(i % 254) + 1}/32 dev eth1\n    }\n}\n`);
  }
  return out.join('');
}

function ip(...args) {
  execFileSync('ip', args, { stdio: 'ignore' });
}

function timeRuns(cmd, args) {
  const times = [];
  let status;
  for (let i = 0; i < RUNS; i++) {
    const t0 = process.hrtime.bigint();
    const r = spawnSync('ip', ['netns', 'exec', ns, cmd, ...args], { encoding: 'utf8', cwd: dir });
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
    status = r.status;
  }
  times.sort((a, b) => a - b);
  return { median: times[Math.floor(times.length / 2)], min: times[0], status };
}

const cases = [
  { name: '1000 virtual_server x 10 real_server', file: 'vs-1000x10.conf', text: virtualServers(1000, 10) },
  { name: '255 vrrp_instance', file: 'vrrp-255.conf', text: vrrpInstances(255) },
];

try {
  ip('netns', 'add', ns);
  for (const [ifname, addr] of [['eth0', '192.0.2.254/24'], ['eth1', '198.51.100.254/24']]) {
    ip('-n', ns, 'link', 'add', ifname, 'type', 'veth', 'peer', 'name', `p-${ifname}`);
    ip('-n', ns, 'addr', 'add', addr, 'dev', ifname);
    ip('-n', ns, 'link', 'set', ifname, 'up');
  }
  const haveKeepalived = spawnSync('keepalived', ['--version']).status === 0;
  console.log(`bench/config-load: median of ${RUNS} runs (ms), process start included`);
  console.log('case | vigil check | keepalived -t | vigil/keepalived');
  for (const c of cases) {
    writeFileSync(join(dir, c.file), c.text);
    const v = timeRuns('node', [vigil, 'check', '-q', '-f', c.file]);
    if (v.status !== 0) throw new Error(`vigil check rejected ${c.file} (exit ${v.status})`);
    let k = { median: NaN, status: 0 };
    if (haveKeepalived) k = timeRuns('keepalived', ['-t', '-f', join(dir, c.file), '-p', join(dir, 'k.pid'), '-r', join(dir, 'v.pid'), '-c', join(dir, 'c.pid')]);
    const ratio = Number.isNaN(k.median) ? 'n/a' : (v.median / k.median).toFixed(2);
    console.log(`${c.name} (${(c.text.length / 1024).toFixed(0)} KiB) | ${v.median.toFixed(0)} | ${Number.isNaN(k.median) ? 'n/a' : k.median.toFixed(0)}${k.status ? ` (exit ${k.status})` : ''} | ${ratio}`);
  }
  console.log(`command: sudo node bench/config-load.mjs --runs ${RUNS}`);
} finally {
  spawnSync('ip', ['netns', 'del', ns]);
  rmSync(dir, { recursive: true, force: true });
}
