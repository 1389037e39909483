/**
 * The checker process (DESIGN §3): forked by the supervisor, it runs every checker of the
 * configuration's virtual servers and sends the results back. Nothing else runs on its event
 * loop. It stops when told to, and also when the supervisor goes away (the IPC channel closes).
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createLogger, type LogLevel } from '../kernel/logger.js';
import type { VigilEvent } from '../kernel/events.js';
import { PluginRegistry } from '../plugin/registry.js';
import type { FromChild, ToChild, ChildSetup } from './messages.js';
import { countCheckers, planKeywords } from './plan.js';
import { CheckScheduler } from './scheduler.js';

const send = (m: FromChild): void => {
  if (process.connected) process.send?.(m);
};

let log = createLogger({ level: 'info', pretty: false }).child({ proc: 'checker' });
let scheduler: CheckScheduler | undefined;
let registry: PluginRegistry | undefined;
let stopping = false;

const eld = monitorEventLoopDelay({ resolution: 1 });
eld.enable();

// Events go back in batches: at 10,000 checks a second, one message per check would cost more
// than the checks.
let batch: VigilEvent[] = [];
let flushTimer: NodeJS.Timeout | undefined;
function flush(): void {
  if (flushTimer) clearTimeout(flushTimer);
  flushTimer = undefined;
  if (batch.length === 0) return;
  const events = batch;
  batch = [];
  send({ type: 'events', events });
}
function emit(e: VigilEvent): void {
  batch.push(e);
  // State changes go at once; check results may wait a few milliseconds for company.
  if (e.type !== 'check.result' || batch.length >= 1000) flush();
  else flushTimer ??= setTimeout(flush, 20);
}

async function load(setup: ChildSetup): Promise<PluginRegistry> {
  const reg = new PluginRegistry({ plugins: setup.plugins, problems: [], searched: [] });
  await reg.loadFor(planKeywords(setup.plan));
  for (const p of reg.problems) log.error({ plugin: p.package }, `plugin ${p.package}: ${p.message}`);
  return reg;
}

async function handle(m: ToChild): Promise<void> {
  switch (m.type) {
    case 'start': {
      log = createLogger({ level: m.logLevel as LogLevel, pretty: false }).child({ proc: 'checker' });
      registry = await load(m);
      scheduler = new CheckScheduler({ definition: (kw) => registry?.definition('checker', kw), log, emit });
      scheduler.start(m.plan);
      log.info({ pid: process.pid, checkers: countCheckers(m.plan) }, 'checker process started');
      send({ type: 'ready', jobs: scheduler.jobCount });
      return;
    }
    case 'reload': {
      registry = await load(m);
      scheduler?.reload(m.plan);
      log.info({ checkers: countCheckers(m.plan) }, 'checker process reloaded its configuration');
      send({ type: 'reloaded', jobs: scheduler?.jobCount ?? 0 });
      return;
    }
    case 'stats': {
      const s = scheduler?.stats() ?? { jobs: 0, running: 0, checks: 0, lateness: { p50: 0, p99: 0, max: 0, samples: 0 } };
      const ms = (ns: number): number => ns / 1e6;
      const stats = {
        ...s,
        pid: process.pid,
        cpu: process.cpuUsage(),
        eventLoop: { p50: ms(eld.percentile(50)), p99: ms(eld.percentile(99)), max: ms(eld.max), mean: ms(eld.mean) },
        rssBytes: process.memoryUsage.rss(),
      };
      if (m.reset) {
        eld.reset();
        scheduler?.resetStats();
      }
      send({ type: 'stats', id: m.id, stats });
      return;
    }
    case 'stop':
      await stop(0);
      return;
  }
}

async function stop(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  await scheduler?.stop();
  flush();
  send({ type: 'stopped' });
  process.exitCode = code;
  if (process.connected) process.disconnect();
  // Nothing should be left; if a plugin left a handle open, do not wait for it.
  setTimeout(() => process.exit(code), 200).unref();
}

process.on('message', (m: ToChild) => {
  handle(m).catch((err: unknown) => {
    log.fatal({ err }, 'checker process failed');
    send({ type: 'fatal', message: err instanceof Error ? err.message : String(err) });
    void stop(1);
  });
});
// The supervisor is gone (or closed the channel): stop, running the omega scripts.
process.on('disconnect', () => void stop(0));
process.on('SIGTERM', () => void stop(0));
process.on('SIGINT', () => undefined); // a terminal's ^C goes to the group: the supervisor decides
process.on('SIGHUP', () => undefined); // reloads come over IPC
