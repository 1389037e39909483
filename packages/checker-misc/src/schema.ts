import { k, type ArgReader, type BlockValue, type Fields } from '@vigil/core/plugin';

/**
 * The MISC_CHECK block as Keepalived 2.2.7 reads it (check_misc.c): misc_path, misc_timeout,
 * misc_dynamic and user. Core adds the common checker keywords; for MISC_CHECK Keepalived takes
 * only the scheduling ones (retry, delay_before_retry, warmup, delay_loop, alpha,
 * log_all_failures), not the connection ones.
 */

/** The program to run: the first word of the line, split again into argv (Keepalived's rules). */
export interface MiscCommand {
  readonly command: string;
  readonly argv: readonly string[];
}

const script = k.script();

const miscPath = k
  .custom('PATH|"PATH ARGS..."', (a, node, ctx): MiscCommand | undefined => {
    a.rest(); // read from the raw text below, with the script tokeniser
    const spec = script.parse(node, ctx);
    if (!spec) return undefined;
    const ignored = [spec.user, spec.group].filter((w): w is string => w !== undefined);
    if (ignored.length > 0) {
      a.warn(
        `'misc_path': '${ignored.join(' ')}' after the command is ignored, as Keepalived does; quote the command with its arguments ("PATH ARGS"), and give the user with 'user'`,
        node.rawArgsLoc,
      );
    }
    return { command: spec.command, argv: spec.argv };
  })
  .active()
  .doc('The program and its arguments, quoted together when there are several: misc_path "/usr/local/bin/check.sh web1".');

const user = k
  .custom('USERNAME [GROUPNAME]', (a: ArgReader): { user: string; group?: string } => {
    const u = a.next('a user name');
    const g = a.peekToken();
    if (g) a.next('a group name');
    return g ? { user: u.text, group: g.text } : { user: u.text };
  })
  .active()
  .doc('The user (and group; default: the user\'s) the program runs as. Default: the user vigil runs as.');

const miscFields = {
  misc_path: miscPath,
  misc_timeout: k.int(0, 4294).active().doc('Seconds the program may run; then it is killed (SIGTERM, then SIGKILL 2 s later) and the check fails. 0 or absent: delay_loop.'),
  misc_dynamic: k
    .custom('', (a): true => {
      const extra = a.rest();
      if (extra.length > 0) {
        a.warn(`'misc_dynamic' takes no argument; '${extra.map((t) => t.text).join(' ')}' is ignored and misc_dynamic is on, as in Keepalived`, extra[0]?.loc);
      }
      return true;
    })
    .active()
    .doc('Exit status 2..255 means up with weight (status - 2); 0 up, 1 down.'),
  user,
};

/** The schema of MISC_CHECK blocks. */
export const miscSchema: Fields = miscFields;

/** A MISC_CHECK block as read (with the common delay_loop, the default misc_timeout). */
export interface MiscConfig {
  misc_path?: MiscCommand;
  misc_timeout?: number;
  misc_dynamic?: true;
  user?: { user: string; group?: string };
  delay_loop?: number;
}

// The interface above is written out because core's Keyword type is not public, so the
// inferred schema types cannot be exported; this line keeps it in step with the schema.
const _sameShape: (v: BlockValue<typeof miscFields>) => MiscConfig = (v) => v;
