/**
 * The nftables backend on this host's kernel, with real traffic: a client namespace, a load
 * balancer namespace holding `table ip vigil` (applied by NftablesBackend through
 * `ip netns exec`), three real servers and a sorry server on a LAN behind it, each a tiny HTTP
 * server that answers with its name. Every request is a new TCP connection, so each one goes
 * through the nat chains once.
 *
 * The counts are exact, not statistical: `numgen inc` picks slots in turn, so N requests over
 * a map of W slots give each destination exactly N/W times its slots when W divides N.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { connect, Lan, NetNs } from '../lib/netns.js';
import type * as PoolModule from '../../packages/core/dist/src/pool/index.js';
import type { DestinationSpec, NftablesBackend, PoolService, PoolTable, ServiceKey } from '../../packages/core/dist/src/pool/index.js';
import { readConfigText, validateDocument, Diagnostics, PluginRegistry, type VigilConfig } from '@vigil/core';

// @vigil/core exports no ./pool entry yet: load the built module by its place in the tree (test/dist/nft at run time).
const { desiredPool, destinationId, NftablesBackend: Backend, planPool, PoolReconciler, serviceId, tableToJSON } = (await import(
  new URL('../../../packages/core/dist/src/pool/index.js', import.meta.url).href
)) as typeof PoolModule;

const VIP = '192.0.2.10';
const KEY: ServiceKey = { kind: 'address', family: 4, address: VIP, port: 80, protocol: 'tcp' };
const RS = { rs1: '198.51.100.11', rs2: '198.51.100.12', rs3: '198.51.100.13', sorry: '198.51.100.50' } as const;
type Name = keyof typeof RS;

const dest = (name: Name, weight = 1): DestinationSpec => ({ family: 4, address: RS[name], port: 8080, forwarding: 'nat', weight, upperThreshold: 0, lowerThreshold: 0 });
function table(scheduler: string, dests: DestinationSpec[]): PoolTable {
  const s: PoolService = { service: { key: KEY, scheduler, flags: {}, timeout: 0, netmaskPrefix: 32 }, destinations: new Map(dests.map((d) => [destinationId(d), d])) };
  return new Map([[serviceId(KEY), s]]);
}

const SERVER = (name: string): string => `require('http').createServer({keepAliveTimeout:1},(q,s)=>{s.setHeader('connection','close');s.end(${JSON.stringify(name)})}).listen(8080,'0.0.0.0',()=>console.log('ready'))`;

/** N sequential requests from the client, each on a new connection: the answers counted by name. */
const CLIENT = (n: number): string => `
const http=require('http');const counts={};
(async()=>{for(let i=0;i<${n};i++){const name=await new Promise((res)=>{const r=http.get({host:'${VIP}',port:80,path:'/',agent:false,timeout:3000},(s)=>{let b='';s.on('data',(d)=>b+=d);s.on('end',()=>res(b))});r.on('error',(e)=>res('error:'+e.code));r.on('timeout',()=>{r.destroy();res('timeout')})});counts[name]=(counts[name]||0)+1}
console.log(JSON.stringify(counts))})()`;

describe('nftables backend: real traffic through table ip vigil', () => {
  let client: NetNs;
  let lb: NetNs;
  let lan: Lan;
  const servers: NetNs[] = [];
  let backend: NftablesBackend;

  function request(n: number): Record<string, number> {
    const r = client.run('node', ['-e', CLIENT(n)], { timeoutMs: 120_000 });
    assert.equal(r.status, 0, r.stderr);
    return JSON.parse(r.stdout) as Record<string, number>;
  }

  function listText(): string {
    const r = lb.run('nft', ['list', 'table', 'ip', 'vigil']);
    assert.equal(r.status, 0, r.stderr);
    return r.stdout;
  }

  async function applyTable(t: PoolTable): Promise<void> {
    await backend.apply(planPool(await backend.read(), t));
  }

  before(async () => {
    client = NetNs.create('nftc');
    lb = NetNs.create('nftlb');
    lan = Lan.create('nftlan');
    connect({ ns: client, ifname: 'c0', addresses: ['192.0.2.2/24'] }, { ns: lb, ifname: 'l0', addresses: ['192.0.2.1/24', `${VIP}/32`] });
    lan.attach({ ns: lb, ifname: 'l1', addresses: ['198.51.100.1/24'] });
    lb.sysctl({ 'net.ipv4.ip_forward': 1 });
    const ready: Promise<void>[] = [];
    for (const name of Object.keys(RS) as Name[]) {
      const ns = NetNs.create(`nft${name}`);
      servers.push(ns);
      lan.attach({ ns, ifname: 'e0', addresses: [`${RS[name]}/24`] });
      ns.ip('route', 'add', 'default', 'via', '198.51.100.1');
      const p = ns.spawn('node', ['-e', SERVER(name)]);
      ready.push(
        new Promise((resolve, reject) => {
          p.stdout.on('data', (d: Buffer) => (String(d).includes('ready') ? resolve() : undefined));
          p.on('exit', (code) => reject(new Error(`server ${name} exited ${code}`)));
        }),
      );
    }
    await Promise.all(ready);
    backend = new Backend({ command: ['ip', 'netns', 'exec', lb.name, 'nft'] });
  });

  after(() => {
    for (const ns of servers) ns.destroy();
    lan?.destroy();
    lb?.destroy();
    client?.destroy();
  });

  it('is available in the namespace', async () => {
    assert.equal(await backend.available(), true);
  });

  it('rr spreads evenly (exactly: numgen inc)', async () => {
    await applyTable(table('rr', [dest('rs1', 5), dest('rs2', 1), dest('rs3', 1)]));
    assert.deepEqual(request(300), { rs1: 100, rs2: 100, rs3: 100 });
  });

  it('wrr weights hold: 3:2:1 over 600 requests', async () => {
    await applyTable(table('wrr', [dest('rs1', 3), dest('rs2', 2), dest('rs3', 1)]));
    // 600 is 100 whole turns of the 6 slots: the counts are exact, not within a tolerance.
    assert.deepEqual(request(600), { rs1: 300, rs2: 200, rs3: 100 });
  });

  it('read() returns what was applied, and applying it again changes nothing', async () => {
    const t = table('wrr', [dest('rs1', 3), dest('rs2', 2), dest('rs3', 0)]);
    await applyTable(t);
    assert.deepEqual(tableToJSON(await backend.read()), tableToJSON(t));
    const text = listText();
    const before = backend.transactions;
    const plan = planPool(new Map(), t); // a plan that adds everything: all of it is there already
    await backend.apply(plan);
    await backend.apply(plan);
    assert.equal(backend.transactions, before, 'no transaction for a plan that changes nothing');
    assert.equal(listText(), text);
    // Forced through nft: the same document twice leaves the same table.
    const doc = backend.render(t);
    for (let i = 0; i < 2; i++) assert.equal((await backend.runDocument(['-j'], doc)).code, 0);
    assert.equal(listText(), text);
  });

  it('weight 0 and removal take a destination out', async () => {
    await applyTable(table('rr', [dest('rs1'), dest('rs2'), dest('rs3', 0)]));
    assert.deepEqual(request(100), { rs1: 50, rs2: 50 });
    await applyTable(table('rr', [dest('rs1'), dest('rs3')]));
    assert.deepEqual(request(100), { rs1: 50, rs3: 50 });
  });

  it('sh keeps a client on one server', async () => {
    await applyTable(table('sh', [dest('rs1'), dest('rs2'), dest('rs3')]));
    const counts = request(60);
    assert.equal(Object.keys(counts).length, 1, JSON.stringify(counts));
    assert.equal(Object.values(counts)[0], 60);
  });

  it('the sorry server answers when the quorum is lost (desired table from keepalived.conf, through the reconciler)', async () => {
    const conf = `virtual_server ${VIP} 80 {
  protocol TCP
  lvs_sched rr
  quorum 2
  sorry_server ${RS.sorry} 8080
  real_server ${RS.rs1} 8080 {
  }
  real_server ${RS.rs2} 8080 {
  }
}
`;
    const diags = new Diagnostics();
    const doc = readConfigText(conf, '/etc/keepalived/keepalived.conf', diags, { configId: 'nft' });
    const registry = new PluginRegistry({ plugins: [], problems: [], searched: [] });
    const { config } = (await validateDocument(doc, diags, { registry, host: { interfaceExists: () => true } })) as { config: VigilConfig | undefined };
    assert.ok(config, JSON.stringify(diags.sorted()));
    const vs = `${VIP}:80`;
    const rec = new PoolReconciler({ backend });
    await rec.start(desiredPool(config).table);
    assert.deepEqual(request(20), { rs1: 10, rs2: 10 });
    const down = new Map([[vs, { servers: new Map([[`${RS.rs1}:8080`, { up: false }]]) }]]);
    const lost = desiredPool(config, down);
    assert.equal(lost.quorum.get(vs)?.up, false);
    rec.setDesired(lost.table);
    await rec.idle();
    assert.deepEqual(request(20), { sorry: 20 });
    rec.setDesired(desiredPool(config).table);
    await rec.idle();
    assert.deepEqual(request(20), { rs1: 10, rs2: 10 });
    await rec.stop();
    assert.equal(lb.run('nft', ['list', 'table', 'ip', 'vigil']).status, 1, 'stop removes the table');
  });
});
