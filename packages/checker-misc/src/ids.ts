import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

/** The numeric ids a `user USER [GROUP]` names, or why they cannot be found. */
export type Ids = { uid: number; gid: number } | { error: string };

const run = promisify(execFile);

/** Asks the system (NSS, so LDAP users too) through id(1) and getent(1). */
async function lookup(cmd: string, args: string[]): Promise<string | undefined> {
  try {
    const { stdout } = await run(cmd, args, { timeout: 5000 });
    return stdout.trim();
  } catch {
    return undefined;
  }
}

export async function resolveIds(user: string, group?: string): Promise<Ids> {
  const uid = await lookup('id', ['-u', user]);
  if (uid === undefined || !/^\d+$/.test(uid)) return { error: `user '${user}' does not exist` };
  let gid: string | undefined;
  if (group === undefined) {
    gid = await lookup('id', ['-g', user]);
  } else if (/^\d+$/.test(group)) {
    gid = group;
  } else {
    const entry = await lookup('getent', ['group', group]);
    gid = entry?.split(':')[2];
  }
  if (gid === undefined || !/^\d+$/.test(gid)) return { error: `group '${group ?? user}' does not exist` };
  return { uid: Number(uid), gid: Number(gid) };
}
