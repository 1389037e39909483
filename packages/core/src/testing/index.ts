/**
 * Helpers for testing plugins (`@vigil/core/testing`): validate a checker block inside a minimal
 * keepalived.conf, or a whole file, with the plugins installed where the test runs — the way
 * `vigil check` would.
 */
import { Diagnostics, formatDiagnostic, type Diagnostic } from '../config/diagnostics.js';
import { readConfigFile, readConfigText } from '../config/reader/index.js';
import type { ConfigDocument } from '../config/ast.js';
import { validateDocument } from '../config/validate.js';
import { discoverPlugins } from '../plugin/discovery.js';
import { Writable } from 'node:stream';
import { createLogger, type LogLevel } from '../kernel/logger.js';
import { EventBus } from '../kernel/event-bus.js';
import { systemClock } from '../kernel/clock.js';
import type { PluginServices } from '../plugin/define.js';
import type { SourceLoc } from '../config/location.js';
import { PluginRegistry } from '../plugin/registry.js';

/** The plugins installed next to the test, found the way `vigil` finds them. */
export const registry = new PluginRegistry(discoverPlugins());

export interface Checked {
  readonly errors: Diagnostic[];
  readonly warnings: Diagnostic[];
  /** The checker blocks of the first real server: type and config as the plugin validated them. */
  readonly checkers: { type: string; config: Record<string, unknown> }[];
  /** Every diagnostic, formatted, for assertion messages. */
  readonly report: string;
}

type Loose = { virtual_server?: { real_server?: { $extensions?: { type: string; config: Record<string, unknown> }[] }[] }[] };

async function validated(diags: Diagnostics, doc: ConfigDocument): Promise<Checked> {
  const { config } = await validateDocument(doc, diags, { registry });
  const checkers = (config as Loose | undefined)?.virtual_server?.[0]?.real_server?.[0]?.$extensions ?? [];
  return { errors: diags.errors, warnings: diags.warnings, checkers, report: diags.sorted().map(formatDiagnostic).join('\n') };
}

/** Line of `checkBlock`'s file where the checker block starts. */
export const FIRST_LINE = 6;

/** Validates a checker block inside a virtual_server / real_server of a minimal file. */
export async function checkBlock(block: string): Promise<Checked> {
  const text = ['virtual_server 192.0.2.1 80 {', '    lvs_sched rr', '    protocol TCP', '    real_server 192.0.2.2 80 {', '        weight 1', block, '    }', '}', ''].join('\n');
  const diags = new Diagnostics();
  return validated(diags, readConfigText(text, 'test.conf', diags));
}

/** Validates a whole configuration file. */
export async function checkFile(file: string): Promise<Checked> {
  const diags = new Diagnostics();
  return validated(diags, readConfigFile(file, diags));
}

export { mulberry32, SeededRandom } from '../util/random.js';

/** One JSON log line a plugin wrote through its services' logger. */
export interface LogLine {
  readonly level: number;
  readonly msg: string;
  readonly [key: string]: unknown;
}

/** pino's numeric levels, for matching LogLine.level. */
export const LEVEL = { debug: 20, info: 30, warn: 40, error: 50 } as const;

/** Services as the kernel gives them to a plugin, with a logger whose JSON lines the test can read. */
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

const testLoc: SourceLoc = { file: 'test.conf', line: 1, col: 1 };

/** A plugin block as the schema hands it to create(): the values plus locations. */
export function block<T extends object>(config: T): T & { $loc: SourceLoc; $locs: Record<string, SourceLoc> } {
  return { $loc: testLoc, $locs: {}, ...config };
}
