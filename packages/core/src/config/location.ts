/** Where a piece of configuration came from. Lines and columns are 1-based, as editors show them. */
export interface SourceLoc {
  readonly file: string;
  readonly line: number;
  readonly col: number;
}

export function formatLoc(loc: SourceLoc): string {
  return `${loc.file}:${loc.line}:${loc.col}`;
}

/** A location for values that did not come from a file (defaults, command line). */
export function syntheticLoc(what: string): SourceLoc {
  return { file: `<${what}>`, line: 0, col: 0 };
}
