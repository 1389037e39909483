import { runDemo } from '../demo/demo.js';

/** `vigil demo`: the failover lab (two vigil routers and a client in network namespaces); see src/demo/. */
export async function demoCommand(): Promise<void> {
  process.exitCode = await runDemo();
}
