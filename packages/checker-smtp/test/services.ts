import { createLogger, EventBus, systemClock } from '@vigil/core';
import type { PluginServices, SourceLoc } from '@vigil/core/plugin';

/** The services a checker gets from the kernel: a silent logger, the system clock, a bus. */
export function testServices(): PluginServices {
  return { log: createLogger({ level: 'silent' }), clock: systemClock, events: new EventBus() };
}

const loc: SourceLoc = { file: 'test.conf', line: 1, col: 1 };

/** A checker block as the schema hands it to create(): the keywords plus where they were written. */
export function block<T extends object>(config: T): T & { $loc: SourceLoc; $locs: Record<string, SourceLoc> } {
  return { $loc: loc, $locs: {}, ...config };
}
