import { pino, type Logger as PinoLogger, type LevelWithSilent } from 'pino';
import pretty from 'pino-pretty';

export type Logger = PinoLogger;
export type LogLevel = LevelWithSilent;

export { LOG_LEVELS } from './log-levels.js';

export interface LoggerOptions {
  level?: LogLevel;
  /** Human-readable lines; defaults to whether stderr is a terminal. JSON lines otherwise. */
  pretty?: boolean;
  /** Where to write; default stderr (stdout stays free for command output). */
  destination?: NodeJS.WritableStream;
}

/** Structured logging: readable on a terminal, one JSON object a line for log collectors. */
export function createLogger(opts: LoggerOptions = {}): Logger {
  const level = opts.level ?? 'info';
  const dest = opts.destination ?? process.stderr;
  const human = opts.pretty ?? Boolean((dest as NodeJS.WriteStream).isTTY);
  if (human) {
    return pino({ level, base: undefined }, pretty({ destination: dest, sync: true, colorize: Boolean((dest as NodeJS.WriteStream).isTTY), translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' }));
  }
  return pino({ level, base: { pid: process.pid } }, dest as never);
}
