import { formatLoc, type SourceLoc } from './location.js';

export type Severity = 'error' | 'warning';

/**
 * One problem found in a configuration. `code` is stable (tests and tools match on it);
 * `message` is for people and says what to do.
 */
export interface Diagnostic {
  readonly severity: Severity;
  readonly loc: SourceLoc;
  readonly code: string;
  readonly message: string;
}

/** Collects every problem rather than stopping at the first: `vigil check` reports them all. */
export class Diagnostics {
  readonly items: Diagnostic[] = [];

  error(loc: SourceLoc, code: string, message: string): void {
    this.items.push({ severity: 'error', loc, code, message });
  }

  warn(loc: SourceLoc, code: string, message: string): void {
    this.items.push({ severity: 'warning', loc, code, message });
  }

  get errors(): Diagnostic[] {
    return this.items.filter((d) => d.severity === 'error');
  }

  get warnings(): Diagnostic[] {
    return this.items.filter((d) => d.severity === 'warning');
  }

  get hasErrors(): boolean {
    return this.items.some((d) => d.severity === 'error');
  }

  /** Sorted by file, line, column, so output reads top to bottom. */
  sorted(): Diagnostic[] {
    return [...this.items].sort(
      (a, b) =>
        a.loc.file.localeCompare(b.loc.file) || a.loc.line - b.loc.line || a.loc.col - b.loc.col,
    );
  }
}

/** `FILE:LINE:COL: error: MESSAGE`, the format compilers use and editors jump to. */
export function formatDiagnostic(d: Diagnostic): string {
  return `${formatLoc(d.loc)}: ${d.severity}: ${d.message}`;
}
