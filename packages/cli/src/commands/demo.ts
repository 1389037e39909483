import { EXIT } from '../output.js';

/**
 * `vigil demo`: the failover lab (two vigil routers and a client in network namespaces) runs on
 * the VRRP stack. Until that stack is in place the command says so and exits non-zero rather
 * than pretending.
 */
export function demoCommand(): void {
  if (process.getuid?.() !== 0) {
    process.stderr.write('vigil demo needs root: it creates network namespaces, veth pairs and a bridge. Run it as root (sudo npm start).\n');
    process.exitCode = EXIT.usage;
    return;
  }
  process.stderr.write('vigil demo: the failover lab needs the VRRP stack, which this build does not have yet.\n' +
    'Try instead: npx vigil check -f test/conformance/corpus/<file>.conf, npx vigil plugins, npx vigil config convert -f FILE\n');
  process.exitCode = EXIT.usage;
}
