/**
 * Runs INSIDE the user-mode-linux kernel (started by ../ipvs-backend.test.ts): programs IPVS through
 * IpvsBackend and compares with what ipvsadm (the witness) reads, and the other way round.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { after, beforeEach, describe, it } from 'node:test';

import type * as IpvsModule from '../../../packages/core/dist/src/pool/ipvs/index.js';
import type * as TypesModule from '../../../packages/core/dist/src/pool/types.js';
import { REPO_ROOT } from '../../lib/paths.js';
import type {
  DestinationSpec,
  PoolPlan,
  PoolService,
  PoolTable,
  ServiceKey,
  ServiceSpec,
} from '../../../packages/core/dist/src/pool/types.js';
import { parseIpvsadmSave, plain } from './ipvsadm-save.js';

// Compiled tests sit one level deeper than their sources: load core from the repository root.
const core = join(REPO_ROOT, 'packages', 'core', 'dist', 'src', 'pool');
const { IpvsBackend } = (await import(join(core, 'ipvs', 'index.js'))) as typeof IpvsModule;
const { destinationId, serviceId } = (await import(join(core, 'types.js'))) as typeof TypesModule;

const backend = new IpvsBackend();
after(() => backend.close());

const ipvsadm = (...args: string[]): string => execFileSync('ipvsadm', args, { encoding: 'utf8' });
const witness = (): PoolTable => parseIpvsadmSave(ipvsadm('-S', '-n'), ipvsadm('-L', '-n', '--thresholds'));
const modprobe = (m: string): boolean => spawnSync('modprobe', [m], { stdio: 'ignore' }).status === 0;

const empty: PoolPlan = { addServices: [], editServices: [], addDestinations: [], editDestinations: [], deleteDestinations: [], deleteServices: [] };
const plan = (p: Partial<PoolPlan>): PoolPlan => ({ ...empty, ...p });

function tableOf(services: readonly ServiceSpec[], dests: readonly (readonly [ServiceKey, DestinationSpec])[]): PoolTable {
  const t = new Map<string, { service: ServiceSpec; destinations: Map<string, DestinationSpec> }>();
  for (const s of services) t.set(serviceId(s.key), { service: s, destinations: new Map() });
  for (const [k, d] of dests) t.get(serviceId(k))?.destinations.set(destinationId(d), d);
  return t as ReadonlyMap<string, PoolService>;
}
/** Programs a table from empty through the backend. */
async function program(services: readonly ServiceSpec[], dests: readonly (readonly [ServiceKey, DestinationSpec])[]): Promise<PoolTable> {
  await backend.apply(plan({ addServices: services, addDestinations: dests.map(([service, destination]) => ({ service, destination })) }));
  return tableOf(services, dests);
}
async function assertKernelHas(expected: PoolTable): Promise<void> {
  assert.deepEqual(plain(await backend.read()), plain(expected), 'IpvsBackend.read()');
  assert.deepEqual(plain(witness()), plain(expected), 'ipvsadm -Sn');
}

const tcp = (address: string, port: number): ServiceKey => ({ kind: 'address', family: address.includes(':') ? 6 : 4, address, port, protocol: 'tcp' });
const svc = (key: ServiceKey, scheduler = 'wlc', extra: Partial<ServiceSpec> = {}): ServiceSpec => ({
  key,
  scheduler,
  flags: {},
  timeout: 0,
  netmaskPrefix: key.family === 4 ? 32 : 128,
  ...extra,
});
const dest = (address: string, port: number, extra: Partial<DestinationSpec> = {}): DestinationSpec => ({
  family: address.includes(':') ? 6 : 4,
  address,
  port,
  forwarding: 'nat',
  weight: 1,
  upperThreshold: 0,
  lowerThreshold: 0,
  ...extra,
});

beforeEach(() => {
  ipvsadm('-C');
});

describe('IpvsBackend in the UML kernel', () => {
  it('is available and reports the IPVS version', async () => {
    assert.equal(await backend.available(), true);
    const info = await backend.info();
    assert.match(ipvsadm('-Ln').split('\n')[0] ?? '', new RegExp(`version ${info.version.replace(/\./g, '\\.')} \\(size=${info.connectionTableSize}\\)`));
  });

  for (const [i, s] of ['rr', 'wrr', 'lc', 'wlc', 'lblc', 'lblcr', 'dh', 'sh', 'sed', 'nq', 'fo', 'ovf', 'mh', 'twos'].entries()) {
    it(`scheduler ${s}`, async (t) => {
      if (!modprobe(`ip_vs_${s}`)) return t.skip(`the UML kernel has no ip_vs_${s} module`);
      const key = tcp('192.0.2.1', 1000 + i);
      const expected = await program([svc(key, s)], [
        [key, dest('198.51.100.1', 80, { weight: 3 })],
        [key, dest('198.51.100.2', 80, { weight: 1 })],
      ]);
      await assertKernelHas(expected);
      assert.match(ipvsadm('-Ln'), new RegExp(`TCP  192\\.0\\.2\\.1:${1000 + i} ${s}`));
    });
  }

  it('every forwarding method: NAT, DR, TUN ipip/gue/gre with checksum options', async () => {
    for (const m of ['ipip', 'fou', 'ip_gre']) modprobe(m);
    const key = tcp('192.0.2.2', 80);
    const expected = await program([svc(key, 'wrr')], [
      [key, dest('198.51.100.1', 8080)],
      [key, dest('198.51.100.2', 80, { forwarding: 'dr', weight: 2 })],
      [key, dest('198.51.100.3', 80, { forwarding: 'tun', weight: 3 })],
      [key, dest('198.51.100.4', 80, { forwarding: 'tun', tunnel: { type: 'gue', port: 6080 } })],
      [key, dest('198.51.100.5', 80, { forwarding: 'tun', tunnel: { type: 'gue', port: 6081, checksum: 'csum' } })],
      [key, dest('198.51.100.6', 80, { forwarding: 'tun', tunnel: { type: 'gre', checksum: 'remcsum' } })],
      [key, dest('198.51.100.7', 80, { forwarding: 'tun', tunnel: { type: 'gre' } })],
    ]);
    await assertKernelHas(expected);
    const ln = ipvsadm('-Ln');
    for (const word of ['Masq', 'Route', 'Tunnel']) assert.match(ln, new RegExp(word));
  });

  it('TCP, UDP, SCTP, fwmark (IPv4 and IPv6) and IPv6 services', async () => {
    modprobe('sctp');
    const services = [
      svc(tcp('192.0.2.3', 443)),
      svc({ kind: 'address', family: 4, address: '192.0.2.3', port: 53, protocol: 'udp' }),
      svc({ kind: 'address', family: 4, address: '192.0.2.3', port: 3868, protocol: 'sctp' }),
      svc({ kind: 'fwmark', family: 4, fwmark: 17 }),
      svc({ kind: 'fwmark', family: 6, fwmark: 18 }),
      svc(tcp('2001:db8::10', 443)),
      svc({ kind: 'address', family: 6, address: '2001:db8::10', port: 53, protocol: 'udp' }),
      svc({ kind: 'address', family: 6, address: '2001:db8::10', port: 3868, protocol: 'sctp' }),
    ];
    const dests = services.map((s, i): readonly [ServiceKey, DestinationSpec] => [
      s.key,
      s.key.family === 4 ? dest(`198.51.100.${20 + i}`, s.key.kind === 'fwmark' ? 0 : 8000 + i) : dest(`2001:db8:1::${20 + i}`, s.key.kind === 'fwmark' ? 0 : 8000 + i),
    ]);
    await assertKernelHas(await program(services, dests));
  });

  it('persistence, granularity, one-packet scheduling, sh/mh flags and the sip persistence engine', async () => {
    for (const m of ['ip_vs_sh', 'ip_vs_mh', 'ip_vs_pe_sip']) modprobe(m);
    const udp = (address: string, port: number): ServiceKey => ({ kind: 'address', family: 4, address, port, protocol: 'udp' });
    const services = [
      svc(tcp('192.0.2.4', 80), 'wlc', { flags: { persistent: true }, timeout: 360, netmaskPrefix: 24 }),
      svc(tcp('2001:db8::4', 80), 'rr', { flags: { persistent: true }, timeout: 60, netmaskPrefix: 64 }),
      svc(udp('192.0.2.4', 53), 'rr', { flags: { onePacket: true } }),
      svc(tcp('192.0.2.4', 81), 'sh', { flags: { shFallback: true, shPort: true } }),
      svc(tcp('192.0.2.4', 82), 'mh', { flags: { mhFallback: true, mhPort: true } }),
      svc(udp('192.0.2.4', 5060), 'rr', { flags: { persistent: true }, timeout: 30, persistenceEngine: 'sip' }),
    ];
    await assertKernelHas(await program(services, services.map((s) => [s.key, dest(s.key.family === 4 ? '198.51.100.40' : '2001:db8:1::40', 80)] as const)));
  });

  it('edits weights, thresholds and methods, and a service scheduler, in place', async () => {
    const key = tcp('192.0.2.5', 80);
    const a = dest('198.51.100.1', 80, { weight: 5 });
    const b = dest('198.51.100.2', 80, { weight: 5 });
    await program([svc(key, 'wrr')], [
      [key, a],
      [key, b],
    ]);
    const a2 = { ...a, weight: 0 };
    const b2 = { ...b, weight: 9, upperThreshold: 100, lowerThreshold: 10, forwarding: 'dr' as const };
    const s2 = svc(key, 'rr', { flags: { persistent: true }, timeout: 30 });
    await backend.apply(plan({ editServices: [s2], editDestinations: [{ service: key, destination: a2 }, { service: key, destination: b2 }] }));
    await assertKernelHas(tableOf([s2], [
      [key, a2],
      [key, b2],
    ]));
  });

  it('deletes destinations and services', async () => {
    const k1 = tcp('192.0.2.6', 80);
    const k2 = tcp('192.0.2.6', 81);
    const d1 = dest('198.51.100.1', 80);
    const d2 = dest('198.51.100.2', 80);
    await program([svc(k1), svc(k2)], [
      [k1, d1],
      [k1, d2],
      [k2, d1],
    ]);
    await backend.apply(plan({ deleteDestinations: [{ service: k1, destination: d1 }], deleteServices: [k2] }));
    await assertKernelHas(tableOf([svc(k1)], [[k1, d2]]));
    await backend.apply(plan({ deleteServices: [k1] }));
    await assertKernelHas(new Map());
  });

  it('reports the kernel refusal with its errno (EEXIST, ESRCH)', async () => {
    const key = tcp('192.0.2.7', 80);
    await program([svc(key)], []);
    await assert.rejects(backend.apply(plan({ addServices: [svc(key)] })), (e: Error & { errnoName?: string }) => e.errnoName === 'EEXIST');
    await assert.rejects(backend.apply(plan({ deleteServices: [tcp('192.0.2.7', 81)] })), (e: Error & { errnoName?: string }) => e.errnoName === 'ESRCH');
  });

  it('adopts a table made by ipvsadm-restore: read() returns exactly it', async () => {
    for (const m of ['ip_vs_sh', 'ip_vs_wrr', 'ip_vs_rr', 'sctp']) modprobe(m);
    const rules = [
      '-A -t 192.0.2.8:80 -s wrr -p 120 -M 255.255.0.0',
      '-a -t 192.0.2.8:80 -r 198.51.100.1:8080 -m -w 4 -x 50 -y 5',
      '-a -t 192.0.2.8:80 -r 198.51.100.2:80 -g -w 0',
      '-a -t 192.0.2.8:80 -r 198.51.100.3:80 -i -w 2',
      '-A -u 192.0.2.8:53 -s rr -o',
      '-a -u 192.0.2.8:53 -r 198.51.100.4:53 -m -w 1',
      '-A -f 99 -s sh -b sh-fallback,sh-port',
      '-a -f 99 -r 198.51.100.5:0 -g -w 1',
      '-A -t [2001:db8::8]:443 -s rr -p 300 -M 64',
      '-a -t [2001:db8::8]:443 -r [2001:db8:1::8]:8443 -m -w 7',
      '-A --sctp-service 192.0.2.8:3868 -s rr',
      '-a --sctp-service 192.0.2.8:3868 -r 198.51.100.6:3868 -m -w 1',
    ];
    execFileSync('ipvsadm-restore', { input: `${rules.join('\n')}\n` });
    const mine = await backend.read();
    assert.deepEqual(plain(mine), plain(witness()));
    assert.equal(mine.size, 5);
    assert.deepEqual(mine.get('fwmark:4:99')?.service.flags, { shFallback: true, shPort: true });
    assert.deepEqual(mine.get('tcp:[2001:db8::8]:443')?.service.netmaskPrefix, 64);
    assert.equal(mine.get('tcp:192.0.2.8:80')?.destinations.get('198.51.100.2:80')?.weight, 0);
  });
});
