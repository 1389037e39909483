import type { ConfigNode } from '../ast.js';
import { splitScriptWords } from '../tokenize.js';
import type { ArgReader } from './args.js';
import { block, list, opaque } from './block.js';
import { Keyword, scalar, defaultOptions } from './keyword.js';
import type { IpAddress, IpPrefix } from './ip.js';
import type { ParseContext } from './types.js';

/** A script as Keepalived writes it: `PATH|"PATH ARGS..." [username [:][groupname]]`. */
export interface ScriptSpec {
  /** The command string (first word of the line), split later into argv when run. */
  readonly command: string;
  /** argv as the shell-like tokeniser splits the command (Keepalived's second split). */
  readonly argv: readonly string[];
  readonly user?: string;
  readonly group?: string;
}

function readScript(node: ConfigNode, ctx: ParseContext): ScriptSpec | undefined {
  const split = splitScriptWords(node.rawArgs);
  if ('error' in split) {
    ctx.diags.error(
      { ...node.rawArgsLoc, col: node.rawArgsLoc.col + split.offset },
      'bad-quoting',
      `'${node.keyword}': ${split.error}`,
    );
    return undefined;
  }
  const [command, userPart, groupPart, ...extra] = split.words;
  if (command === undefined || command === '') {
    ctx.diags.error(node.loc, 'missing-argument', `'${node.keyword}' needs a script path`);
    return undefined;
  }
  if (extra.length > 0) {
    ctx.diags.warn(node.rawArgsLoc, 'extra-argument', `'${node.keyword}': unexpected '${extra.join(' ')}' after the user and group`);
  }
  const argvSplit = splitScriptWords(command);
  const argv = 'error' in argvSplit ? [command] : argvSplit.words;
  let user = userPart;
  let group = groupPart;
  // "user:group" and "user :group" are both accepted.
  if (user?.includes(':')) [user, group] = user.split(':', 2) as [string, string];
  if (group?.startsWith(':')) group = group.slice(1);
  return { command, argv, ...(user ? { user } : {}), ...(group ? { group } : {}) };
}

/**
 * The keyword builders used by every schema, core's and plugins' alike:
 *
 *   const schema = { connect_timeout: k.timer(0, 3600).active(), url: k.block({...}).many() };
 */
export const k = {
  /** One integer in min..max. */
  int: (min: number, max: number) => scalar(`${min}..${max}`, (a) => a.int(min, max)),
  /** Seconds with up to 6 decimals. */
  timer: (min: number, max: number) => scalar(`SECONDS`, (a) => a.timer(min, max)),
  /** `on|off|true|false|yes|no`; alone it means on. */
  bool: () => scalar(`[on|off]`, (a) => a.bool()),
  /** A keyword that takes nothing: present means on. */
  flag: () => scalar(``, () => true as const),
  /** One word. */
  string: (what = 'VALUE') => scalar(what, (a) => a.string(what)),
  /** All words (at least one). */
  words: (what = 'WORD...') =>
    scalar(what, (a) => {
      const first = a.next(what).text;
      return [first, ...a.rest().map((t) => t.text)];
    }),
  oneOf: <const W extends string>(words: readonly W[]) => scalar(words.join('|'), (a) => a.oneOf(words)),
  ip: () => scalar('IP', (a): IpAddress => a.ip()),
  prefix: () => scalar('IP[/LEN]', (a): IpPrefix => a.prefix()),
  port: () => scalar('PORT', (a) => a.port()),
  /** A script spec, read with the shell-like tokeniser. */
  script: () => new Keyword<ScriptSpec>('scalar', readScript, defaultOptions('PATH|"PATH ARGS" [USER [GROUP]]')),
  /** Anything else: a function that reads the arguments. */
  custom: <T>(synopsis: string, read: (a: ArgReader, node: ConfigNode, ctx: ParseContext) => T) => scalar(synopsis, read),
  block,
  list,
  opaque,
};
