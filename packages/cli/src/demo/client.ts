// The client's view of the VIP: the MAC its neighbour table holds for it, and whether it reaches it.
import { VIP, type Host } from './lab.js';

/** The MAC in C's neighbour entry for `address` (undefined without an entry or while it is unresolved). */
export function neighbourMac(client: Host, address = VIP): string | undefined {
  const entries = client.ns.ipJson<Array<{ lladdr?: string; state?: string[] }>>('neigh', 'show', address, 'dev', 'eth0');
  return entries[0]?.lladdr;
}

/**
 * Whether C reaches `address`: a TCP connection to a closed port (9, discard) is refused by whoever holds the
 * address, which takes ARP and a round trip (the lab has no ping). Returns the time it took, or undefined.
 */
export function reaches(client: Host, address = VIP): number | undefined {
  const script =
    `const t=process.hrtime.bigint();const s=require('net').connect({host:'${address}',port:9,timeout:1500});` +
    `const done=(ok)=>{if(ok)console.log(Number(process.hrtime.bigint()-t)/1e6);process.exit(ok?0:1)};` +
    `s.on('connect',()=>done(true));s.on('timeout',()=>done(false));s.on('error',e=>done(e.code==='ECONNREFUSED'));`;
  const r = client.ns.run(process.execPath, ['-e', script], 5_000);
  return r.status === 0 ? Number(r.stdout.trim()) : undefined;
}
