/** One `FILE:LINE:COL: error|warning: MESSAGE` line of vigil's output. */
export interface PrintedDiagnostic {
  readonly file: string;
  readonly line: number;
  readonly col: number;
  readonly severity: 'error' | 'warning';
  readonly message: string;
}

export function parseDiagnostics(output: string): PrintedDiagnostic[] {
  const out: PrintedDiagnostic[] = [];
  for (const line of output.split('\n')) {
    const m = /^(.+?):(\d+):(\d+): (error|warning): (.*)$/.exec(line);
    if (m) out.push({ file: m[1] as string, line: Number(m[2]), col: Number(m[3]), severity: m[4] as 'error' | 'warning', message: m[5] as string });
  }
  return out;
}
