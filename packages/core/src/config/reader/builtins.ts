import path from 'node:path';
import type { SourceLoc } from '../location.js';
import type { BuiltinDefinition } from './macros.js';
import type { Reporter } from './report.js';
import { mulberry32 } from '../../util/random.js';

export interface BuiltinContext {
  readonly configId: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly randomSeed: number;
  readonly report: Reporter;
}

/** Keepalived's `${_RANDOM}` range when no MIN/MAX is given (`random()` is at least 15 bits). */
const RANDOM_MAX = 32767;

/**
 * The pre-defined macros. Keepalived has `_PWD`, `_INSTANCE`, `_RANDOM`, `_HASH` and `_BANG`;
 * `_ENV` comes from later Keepalived versions.
 */
export function builtinDefinitions(ctx: BuiltinContext): Map<string, BuiltinDefinition> {
  const random = mulberry32(ctx.randomSeed);
  const constant = (value: string, literal = false): BuiltinDefinition => ({
    kind: 'builtin',
    literal,
    accepts: (params) => params === undefined,
    expand: () => value,
  });
  return new Map<string, BuiltinDefinition>([
    // Keepalived changes into the directory of each file it reads and substitutes getcwd().
    ['_PWD', { ...constant(''), expand: (_params, at) => path.resolve(path.dirname(at.file)) }],
    ['_INSTANCE', constant(ctx.configId)],
    ['_HASH', constant('#', true)],
    ['_BANG', constant('!', true)],
    [
      '_RANDOM',
      {
        kind: 'builtin',
        literal: false,
        // Keepalived allows only digits and spaces: anything else leaves the text as it is.
        accepts: (params) => params === undefined || /^\d+( +\d+)*$/.test(params),
        expand: (params, at) => randomInRange(params, at, random, ctx.report),
      },
    ],
    [
      '_ENV',
      {
        kind: 'builtin',
        literal: false,
        accepts: (params) => params !== undefined && /^[A-Za-z_][A-Za-z0-9_]*$/.test(params),
        expand: (params, at) => environmentValue(params as string, at, ctx),
      },
    ],
  ]);
}

function randomInRange(params: string | undefined, at: SourceLoc, random: () => number, report: Reporter): string {
  const [min = 0, max = RANDOM_MAX, ...extra] = (params ?? '').split(/ +/).filter(Boolean).map(Number);
  if (extra.length > 0) {
    report.warn(at, 'macro-invalid-argument', '${_RANDOM} takes at most MIN and MAX: the rest is ignored');
  }
  if (max < min) {
    report.error(at, 'macro-invalid-argument', `\${_RANDOM ${min} ${max}}: MAX is less than MIN; swap them`);
    return String(min);
  }
  return String(min + Math.floor(random() * (max - min + 1)));
}

function environmentValue(name: string, at: SourceLoc, ctx: BuiltinContext): string {
  const value = ctx.env[name];
  if (value !== undefined) return value;
  ctx.report.warn(at, 'env-undefined', `environment variable '${name}' is not set: \${_ENV ${name}} is empty`);
  return '';
}

