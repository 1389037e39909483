import { hostname } from 'node:os';
import { CheckerSupervisor, ConfigError, createLogger, Kernel, loadConfigOrThrow, NotifierHost, systemClock, type LogLevel, type PluginRegistry, PoolManager, type VigilConfig, VrrpService } from '@vigil/core';
import { EXIT, printDiagnostics } from '../output.js';
import { loadOptions, resolveConfigFile, type ConfigCliOptions } from './options.js';

/** `vigil run`: the foreground daemon. */
export async function runCommand(opts: ConfigCliOptions & { logLevel: LogLevel }): Promise<void> {
  const log = createLogger({ level: opts.logLevel });
  const file = await resolveConfigFile(opts);
  if (!file) return;
  const load = () => loadConfigOrThrow(file, loadOptions(opts));

  let loaded;
  try {
    loaded = await load();
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    printDiagnostics(e.diagnostics, { warnings: false });
    log.fatal({ file, errors: e.diagnostics.errors.length }, 'configuration has errors; not starting');
    process.exitCode = EXIT.config;
    return;
  }
  for (const d of loaded.diagnostics.warnings) log.warn({ at: `${d.loc.file}:${d.loc.line}:${d.loc.col}`, code: d.code }, d.message);

  const kernel = new Kernel({ log, config: loaded.config });
  let config: VigilConfig = loaded.config;
  let registry: PluginRegistry = loaded.registry;
  const routerId = () => config.global_defs?.router_id ?? hostname().split('.')[0] ?? hostname();
  kernel.addService(new NotifierHost(() => config.notifier ?? [], loaded.registry, kernel.events, log, systemClock, routerId, () => config));
  // The checker process: forked when the configuration has virtual servers.
  kernel.addService(new CheckerSupervisor({ config: () => config, registry: () => registry, bus: kernel.events, log, logLevel: opts.logLevel }));
  // The pool manager: programs IPVS or nftables from the virtual servers and the checkers' events.
  kernel.addService(new PoolManager({ config: () => config, bus: kernel.events, log }));
  // The VRRP process: forked when the configuration has vrrp_instance blocks.
  kernel.addService(new VrrpService({ config: () => config, bus: kernel.events, log, logLevel: opts.logLevel }));
  log.info({ file, format: loaded.format, pid: process.pid }, 'vigil starting');

  // Signals are taken before the services start: a stop that arrives while they start waits for
  // them and then stops them all, so that no child process outlives the daemon.
  let starting: Promise<void> = Promise.resolve();
  let running = false;
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'stopping');
    starting
      .catch(() => undefined)
      .then(() => kernel.stop())
      .then(
        () => process.exit(EXIT.ok),
        (err: unknown) => {
          log.error({ err }, 'stop failed');
          process.exit(70);
        },
      );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.on('SIGHUP', () => {
    if (!running || stopping) {
      log.warn('SIGHUP while starting or stopping: ignored');
      return;
    }
    log.info({ file }, 'SIGHUP: reloading the configuration');
    void kernel.reload(async () => {
      try {
        const next = await load();
        config = next.config;
        registry = next.registry;
        return next.config;
      } catch (e) {
        if (e instanceof ConfigError) for (const d of e.diagnostics.errors) log.error({ at: `${d.loc.file}:${d.loc.line}:${d.loc.col}`, code: d.code }, d.message);
        throw e;
      }
    });
  });
  starting = kernel.start();
  await starting;
  running = true;
  // The process stays up on its signal handlers and services; nothing else to wait for here.
  setInterval(() => undefined, 1 << 30);
}
