/**
 * The VRRP process (DESIGN §3): forked by the VRRP service, it runs one InstanceRunner per vrrp_instance:
 * raw sockets, timers, the state machine and VIP changes, and nothing else on its event loop. It stops
 * (priority 0 adverts, VIPs removed) when told to, on SIGTERM / SIGINT, and when the supervisor goes away.
 */
import { createLogger, type LogLevel } from '../../kernel/logger.js';
import { NetlinkManager } from '../io/netlink.js';
import { openInstanceIo } from './instance-io.js';
import { InstanceRunner, type RunnerEvent } from './instance-runner.js';
import type { FromVrrpChild, ToVrrpChild, VrrpChildSetup } from './messages.js';
import { deriveParams, instanceSpec } from './params.js';

const send = (m: FromVrrpChild, done?: () => void): void => {
  if (process.connected) process.send?.(m, undefined, undefined, () => done?.());
  else done?.();
};

let log = createLogger({ level: 'info', pretty: false }).child({ proc: 'vrrp' });
const runners: InstanceRunner[] = [];
let netlink: NetlinkManager | undefined;
let stopping: Promise<void> | undefined;

function emit(event: RunnerEvent): void {
  send({ type: 'events', events: [event] });
}

async function start(setup: VrrpChildSetup): Promise<void> {
  log = createLogger({ level: setup.logLevel as LogLevel, pretty: false }).child({ proc: 'vrrp' });
  netlink = NetlinkManager.open();
  const running: string[] = [];
  const failed: string[] = [];
  for (const inst of setup.instances) {
    try {
      const spec = instanceSpec(inst, setup.globals);
      const opened = await openInstanceIo(spec, netlink, (err, what) => log.warn({ err, instance: spec.name }, `${spec.name}: ${what} failed`));
      const params = deriveParams(inst, setup.globals, opened.primaryAddress);
      const runner = new InstanceRunner({ spec, params, io: opened.io, log, onEvent: emit });
      opened.setReceiver((p) => runner.receive(p));
      for (const what of spec.ignored) log.warn({ instance: spec.name }, `${spec.name}: ${what} is not carried out by vigil's VRRP runtime yet; ignored`);
      runners.push(runner);
      await runner.start();
      log.info({ instance: spec.name, interface: spec.ifname, vrid: spec.vrid, priority: params.priority, version: spec.version, source: params.primaryAddress }, `${spec.name} started`);
      running.push(spec.name);
    } catch (err) {
      log.error({ err, instance: inst.name }, `vrrp_instance ${inst.name} cannot run: ${err instanceof Error ? err.message : String(err)}`);
      failed.push(inst.name);
    }
  }
  send({ type: 'ready', running, failed });
}

function shutdown(why: string): Promise<void> {
  stopping ??= (async () => {
    log.info({ why, instances: runners.length }, 'VRRP process stopping');
    await Promise.all(runners.map((r) => r.stop().catch((err: unknown) => log.error({ err, instance: r.name }, 'instance stop failed'))));
    netlink?.close();
  })();
  return stopping;
}

function exitAfter(why: string): void {
  void shutdown(why).then(() => send({ type: 'stopped' }, () => process.exit(0)));
}

process.on('message', (m: ToVrrpChild) => {
  switch (m.type) {
    case 'start':
      start(m).catch((err: unknown) => {
        log.fatal({ err }, 'VRRP process failed to start');
        send({ type: 'fatal', message: err instanceof Error ? err.message : String(err) }, () => process.exit(1));
      });
      return;
    case 'stop':
      exitAfter('asked to stop');
      return;
  }
});
process.on('disconnect', () => exitAfter('the supervisor went away'));
process.on('SIGTERM', () => exitAfter('SIGTERM'));
process.on('SIGINT', () => exitAfter('SIGINT'));
