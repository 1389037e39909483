import { Writable } from 'node:stream';
import { createLogger, EventBus, systemClock, type LogLevel } from '@vigil/core';
import type { PluginServices, SourceLoc } from '@vigil/core/plugin';

export interface LogLine {
  readonly level: number;
  readonly msg: string;
  readonly [key: string]: unknown;
}

/** Services as the kernel gives them, with a logger whose JSON lines the test can read. */
export function captureServices(level: LogLevel = 'info'): { services: PluginServices; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const l of chunk.toString('utf8').split('\n')) if (l.trim()) lines.push(JSON.parse(l) as LogLine);
      cb();
    },
  });
  const log = createLogger({ level, pretty: false, destination });
  return { services: { log, clock: systemClock, events: new EventBus() }, lines };
}

export const LEVEL = { debug: 20, info: 30, warn: 40, error: 50 } as const;

const loc: SourceLoc = { file: 'test.conf', line: 1, col: 1 };

/** A notifier block as the schema hands it to create(). */
export function block<T extends object>(config: T): T & { $loc: SourceLoc; $locs: Record<string, SourceLoc> } {
  return { $loc: loc, $locs: {}, ...config };
}
