import { formatDiagnostic, type Diagnostics } from '@vigil/core/config';

/** Prints diagnostics in file order, as `FILE:LINE:COL: error: MESSAGE`. */
export function printDiagnostics(diags: Diagnostics, opts: { warnings?: boolean } = {}): void {
  for (const d of diags.sorted()) {
    if (d.severity === 'warning' && opts.warnings === false) continue;
    process.stderr.write(formatDiagnostic(d) + '\n');
  }
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** Exit codes: 0 fine, 1 configuration errors (as Keepalived -t), 2 usage or environment. */
export const EXIT = { ok: 0, config: 1, usage: 2 } as const;
