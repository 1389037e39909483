// `vigil demo`: runs the failover lab once and cleans up whatever happens (error, Ctrl-C, SIGTERM).
import { EXIT } from '../output.js';
import { listNamespaces, runPrefix } from './lab.js';
import { Resources, runScenario, type ScenarioIo } from './scenario.js';

function say(line: string): void {
  process.stdout.write(line + '\n');
}

/** With a terminal on both ends: "press Enter to continue" between steps. Without one (CI): no pauses. */
function makeIo(): ScenarioIo {
  const interactive = process.stdin.isTTY === true && process.stdout.isTTY === true;
  return {
    say,
    pause: () =>
      interactive
        ? new Promise<void>((resolve) => {
            process.stdout.write('  (press Enter to continue, Ctrl-C to stop)');
            process.stdin.resume();
            process.stdin.once('data', () => {
              process.stdin.pause();
              resolve();
            });
          })
        : Promise.resolve(),
  };
}

export async function runDemo(): Promise<number> {
  if (process.getuid?.() !== 0) {
    process.stderr.write('vigil demo needs root: it creates network namespaces, veth pairs and a bridge. Run it as root (sudo npm start).\n');
    return EXIT.usage;
  }
  const prefix = runPrefix();
  const res = new Resources();
  const cleanup = (): string[] => {
    res.cleanup();
    return listNamespaces().filter((n) => n.startsWith(`${prefix}-`));
  };
  const onSignal = (signal: NodeJS.Signals) => {
    process.stdout.write(`\n${signal}: stopping the demo and removing the lab\n`);
    const left = cleanup();
    if (left.length > 0) process.stderr.write(`namespaces left behind: ${left.join(' ')}\n`);
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('SIGHUP', onSignal);
  // The last resort: an exit nobody planned for (cleanup is idempotent).
  const onExit = () => res.cleanup();
  process.on('exit', onExit);

  let code: number = EXIT.ok;
  try {
    say('vigil demo: VRRP failover between two vigil routers, seen from a client');
    const { failoverMs } = await runScenario(prefix, makeIo(), res);
    say('');
    say(`Done: R1 failed over to R2 in ${Math.round(failoverMs)} ms and took the VIP back when it returned.`);
  } catch (err) {
    code = 1;
    const reason = err instanceof Error ? err.message : String(err);
    process.stderr.write(`\nvigil demo: a step failed: ${reason}\n`);
    for (const r of res.routers) if (r.output) process.stderr.write(`--- vigil on ${r.name} (last lines) ---\n${r.tail()}\n`);
  } finally {
    const left = cleanup();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    process.off('SIGHUP', onSignal);
    process.off('exit', onExit);
    if (left.length > 0) {
      process.stderr.write(`vigil demo: namespaces left behind: ${left.join(' ')}\n`);
      code = 1;
    } else {
      say(`Cleaned up: no ${prefix}-* namespace left (ip netns list).`);
    }
  }
  return code;
}
