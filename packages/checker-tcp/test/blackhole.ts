import { Worker } from 'node:worker_threads';
import { connect, type Socket } from 'node:net';

/**
 * A port on 127.0.0.1 where TCP connects hang: a worker thread listens with a backlog of one
 * and then blocks, so it never accepts. Once the accept queue is full the kernel drops new
 * SYNs, exactly as an overloaded or firewalled server does.
 */
export interface Blackhole {
  readonly port: number;
  close(): Promise<void>;
}

const WORKER = `
const { workerData, parentPort } = require('node:worker_threads');
const net = require('node:net');
const flag = new Int32Array(workerData);
const server = net.createServer();
server.listen({ host: '127.0.0.1', port: 0, backlog: 1 }, () => {
  parentPort.postMessage(server.address().port);
  // Blocks this thread (and so its accept loop) until the test releases it.
  Atomics.wait(flag, 0, 0);
  server.close();
});
`;

export async function blackhole(): Promise<Blackhole> {
  const shared = new SharedArrayBuffer(4);
  const flag = new Int32Array(shared);
  const worker = new Worker(WORKER, { eval: true, workerData: shared });
  const port = await new Promise<number>((resolve, reject) => {
    worker.once('message', (p: number) => resolve(p));
    worker.once('error', reject);
  });
  // Fill the accept queue: connect until a connection no longer completes.
  const fillers: Socket[] = [];
  for (let i = 0; i < 16; i++) {
    const s = connect({ host: '127.0.0.1', port });
    s.on('error', () => {});
    fillers.push(s);
    const done = await new Promise<boolean>((resolve) => {
      const t = setTimeout(() => resolve(false), 150);
      s.once('connect', () => {
        clearTimeout(t);
        resolve(true);
      });
    });
    if (!done) break;
  }
  return {
    port,
    async close() {
      for (const s of fillers) s.destroy();
      Atomics.store(flag, 0, 1);
      Atomics.notify(flag, 0);
      await worker.terminate();
    },
  };
}
