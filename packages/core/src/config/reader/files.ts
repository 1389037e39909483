import fs from 'node:fs';
import type { SourceLoc } from '../location.js';
import { MAX_FILE_BYTES } from './limits.js';
import type { Reporter } from './report.js';

/** A configuration file read into memory. */
export interface SourceFile {
  /** The path as it will appear in locations (relative if the include pattern was). */
  readonly path: string;
  /** The resolved path, to recognise a file included from itself. */
  readonly realPath: string;
  readonly content: string;
}

/**
 * Reads a configuration file with Keepalived's checks: it must be a regular file without
 * any execute permission. `strict` says whether a problem is an error or, as for a plain
 * `include`, only worth a warning (Keepalived just logs it). Problems are reported at `at`.
 */
export function readSourceFile(file: string, at: SourceLoc, strict: boolean, report: Reporter): SourceFile | null {
  const problem = strict ? report.error.bind(report) : report.warn.bind(report);
  let stat: fs.Stats;
  let realPath: string;
  try {
    stat = fs.statSync(file);
    realPath = fs.realpathSync(file);
  } catch (err) {
    const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
    problem(at, missing ? 'file-missing' : 'file-unreadable', `cannot read '${file}': ${describe(err)}`);
    return null;
  }
  if (stat.isDirectory()) {
    problem(at, 'file-not-regular', `'${file}' is a directory, not a file: include the files in it ('${file}/*.conf')`);
    return null;
  }
  if (!stat.isFile() || (stat.mode & 0o111) !== 0) {
    problem(
      at,
      'file-not-regular',
      `keepalived skips '${file}': it reads only regular files without execute permission (chmod a-x it)`,
    );
    return null;
  }
  if (stat.size > MAX_FILE_BYTES) {
    report.error(at, 'file-too-large', `'${file}' is larger than ${MAX_FILE_BYTES} bytes: it is not a configuration file`);
    return null;
  }
  try {
    return { path: file, realPath, content: fs.readFileSync(file, 'utf8') };
  } catch (err) {
    problem(at, 'file-unreadable', `cannot read '${file}': ${describe(err)}`);
    return null;
  }
}

function describe(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  return e.code === 'ENOENT' ? 'no such file' : e.code === 'EACCES' ? 'permission denied' : (e.message ?? String(err));
}
