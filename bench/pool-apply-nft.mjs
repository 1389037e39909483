#!/usr/bin/env node
// B: the nftables backend programming 1,000 services x 10 destinations from empty, then a 10% flip
// (every 10th destination removed), each timed as read + plan + apply (one nft -j transaction),
// in a network namespace of its own. Needs root, nft and a build (npm run build).
// Command: node bench/pool-apply-nft.mjs [services=1000] [destinations=10]
import { execFileSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { destinationId, NftablesBackend, planPool, planSize, serviceId } from '../packages/core/dist/src/pool/index.js';

const SERVICES = Number(process.argv[2] ?? 1000);
const DESTS = Number(process.argv[3] ?? 10);
const ns = `vb${process.pid.toString(36)}-nft`;

function table(flip) {
  const t = new Map();
  for (let i = 0; i < SERVICES; i++) {
    // 192.0.2.0/24 x ports 1..: the services stay in the documentation range
    const key = { kind: 'address', family: 4, address: `192.0.2.${(i % 250) + 1}`, port: 1000 + Math.floor(i / 250), protocol: 'tcp' };
    const destinations = new Map();
    for (let j = 0; j < DESTS; j++) {
      if (flip && (i * DESTS + j) % 10 === 0) continue;
      const d = { family: 4, address: `198.51.100.${j + 1}`, port: 8000 + (i % 1000), forwarding: 'nat', weight: 1 + (j % 3), upperThreshold: 0, lowerThreshold: 0 };
      destinations.set(destinationId(d), d);
    }
    t.set(serviceId(key), { service: { key, scheduler: 'wrr', flags: {}, timeout: 0, netmaskPrefix: 32 }, destinations });
  }
  return t;
}

async function step(backend, want) {
  const t0 = performance.now();
  const current = await backend.read();
  const t1 = performance.now();
  const plan = planPool(current, want);
  const t2 = performance.now();
  await backend.apply(plan);
  const t3 = performance.now();
  return { read: t1 - t0, plan: t2 - t1, apply: t3 - t2, total: t3 - t0, changes: planSize(plan) };
}

execFileSync('ip', ['netns', 'add', ns]);
try {
  const backend = new NftablesBackend({ command: ['ip', 'netns', 'exec', ns, 'nft'] });
  const fmt = (r) => `read ${r.read.toFixed(0)} ms, plan ${r.plan.toFixed(1)} ms, apply ${r.apply.toFixed(0)} ms, total ${r.total.toFixed(0)} ms (${r.changes} changes)`;
  const full = await step(backend, table(false));
  console.log(`from empty, ${SERVICES} services x ${DESTS} destinations: ${fmt(full)}`);
  const flip = await step(backend, table(true));
  console.log(`10% flip (every 10th destination out):        ${fmt(flip)}`);
  const back = await step(backend, table(false));
  console.log(`flip back:                                     ${fmt(back)}`);
  const noop = await step(backend, table(false));
  console.log(`nothing to change:                             ${fmt(noop)}`);
  const rules = execFileSync('ip', ['netns', 'exec', ns, 'nft', 'list', 'table', 'ip', 'vigil'], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 }).split('\n').length;
  console.log(`table ip vigil: ${rules} lines listed; nft ${execFileSync('nft', ['--version'], { encoding: 'utf8' }).trim()}; node ${process.version}`);
  console.log(`command: node bench/pool-apply-nft.mjs ${SERVICES} ${DESTS}`);
} finally {
  execFileSync('ip', ['netns', 'del', ns]);
}
