/**
 * The daemon programs the pool: `vigil run` in a load balancer namespace with one virtual server
 * and one real server (a tiny HTTP server in a namespace of its own). This host's kernel has no
 * IPVS, so `lvs_backend auto` picks nftables: the real server shows up in `table ip vigil`, leaves
 * it when its HTTP server stops (TCP_CHECK fails), and SIGTERM removes the table.
 */
import assert from 'node:assert/strict';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { connect, NetNs } from '../lib/netns.js';

// test/dist/pool-run at run time.
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const BIN = join(ROOT, 'packages/cli/dist/src/bin.js');
const VIP = '192.0.2.100';
const RS = '198.51.100.11';
const DELAY_LOOP = 1;
const RETRY = 1;

const CONF = `global_defs {
  router_id pool-run
}
virtual_server ${VIP} 80 {
  lvs_sched rr
  lvs_method NAT
  protocol TCP
  delay_loop ${DELAY_LOOP}
  real_server ${RS} 80 {
    TCP_CHECK {
      connect_timeout 1
      retry ${RETRY}
      delay_before_retry 1
    }
  }
}
`;

const SERVER = `require('http').createServer((q,s)=>{s.setHeader('connection','close');s.end('rs1')}).listen(80,'${RS}',()=>console.log('ready'))`;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('vigil run: the pool manager programs nftables from the checkers', () => {
  let lb: NetNs | undefined;
  let rs: NetNs | undefined;
  let dir: string | undefined;
  let vigil: ChildProcessWithoutNullStreams | undefined;
  let http: ChildProcessWithoutNullStreams | undefined;
  let vigilOut = '';

  /** `nft -j list table ip vigil` in the LB namespace: the text, or undefined when there is no table. */
  function table(): string | undefined {
    const r = lb!.run('nft', ['-j', 'list', 'table', 'ip', 'vigil'], { timeoutMs: 10_000 });
    return r.status === 0 ? r.stdout : undefined;
  }

  async function waitFor(what: string, ms: number, pred: () => boolean): Promise<number> {
    const t0 = Date.now();
    while (Date.now() - t0 < ms) {
      if (pred()) return Date.now() - t0;
      await sleep(200);
    }
    assert.fail(`${what}: not within ${ms} ms\n--- table:\n${table() ?? '(none)'}\n--- vigil output:\n${vigilOut}`);
  }

  before(async () => {
    lb = NetNs.create('plb');
    rs = NetNs.create('prs');
    connect({ ns: lb, ifname: 'lb0', addresses: ['198.51.100.1/24'] }, { ns: rs, ifname: 'rs0', addresses: [`${RS}/24`] });
    lb.ip('addr', 'add', `${VIP}/32`, 'dev', 'lo');
    http = rs.spawn('node', ['-e', SERVER]);
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('HTTP server did not start')), 10_000);
      http!.stdout.on('data', (d: Buffer) => {
        if (d.toString().includes('ready')) {
          clearTimeout(t);
          resolve();
        }
      });
    });
    // Reachable from the LB namespace.
    const probe = lb.run('node', ['-e', `require('http').get('http://${RS}/',(s)=>{let b='';s.on('data',d=>b+=d);s.on('end',()=>console.log(b))}).on('error',e=>{console.error(e.message);process.exit(1)})`], { timeoutMs: 10_000 });
    assert.equal(probe.stdout.trim(), 'rs1', probe.stderr);
    dir = mkdtempSync(join(tmpdir(), 'vigil-pool-run-'));
    writeFileSync(join(dir, 'vigil.conf'), CONF);
  });

  after(() => {
    vigil?.kill('SIGKILL');
    http?.kill('SIGKILL');
    // Whatever vigil left: the namespace goes, and its table with it.
    lb?.destroy();
    rs?.destroy();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('adds the real server, removes it when its check fails, and removes the table at SIGTERM', async () => {
    assert.equal(table(), undefined, 'no table before vigil runs');
    vigil = lb!.spawn('node', [BIN, 'run', '-f', join(dir!, 'vigil.conf'), '--log-level', 'debug'], { cwd: ROOT });
    vigil.stdout.on('data', (d: Buffer) => (vigilOut += d.toString()));
    vigil.stderr.on('data', (d: Buffer) => (vigilOut += d.toString()));

    await waitFor('the real server in table ip vigil', 15_000, () => table()?.includes(RS) === true);
    assert.match(vigilOut, /using nftables \(lvs_backend auto: the kernel has no IPVS\)/);
    // Let the first checks run with the server up: it stays in.
    await sleep(2500);
    assert.ok(table()?.includes(RS), 'the real server stays while its check passes');

    http!.kill('SIGKILL');
    await new Promise((r) => http!.once('exit', r));
    const bound = (DELAY_LOOP * (RETRY + 1) + 5) * 1000;
    await waitFor('the real server out of table ip vigil', bound, () => {
      const t = table();
      return t !== undefined && !t.includes(RS);
    });
    assert.ok(table()?.includes(VIP), 'the virtual service stays without real servers');

    const exited = new Promise<number | null>((r) => vigil!.once('exit', (code) => r(code)));
    vigil!.kill('SIGTERM');
    const code = await Promise.race([exited, sleep(15_000).then(() => 'timeout' as const)]);
    assert.equal(code, 0, `vigil exit\n${vigilOut}`);
    assert.equal(table(), undefined, `table ip vigil removed at stop\n${table() ?? ''}`);
  });
});
