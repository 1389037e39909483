import { existsSync } from 'node:fs';
import { loadConfig } from '@vigil/core/config';
import { EXIT, plural, printDiagnostics } from '../output.js';
import { loadOptions, resolveConfigFile, type ConfigCliOptions } from './options.js';

/** `vigil check`: Keepalived's -t. Reports every problem; exit 1 when there is an error. */
export async function checkCommand(opts: ConfigCliOptions & { quiet?: boolean }): Promise<void> {
  const file = await resolveConfigFile(opts);
  if (!file) return;
  if (!existsSync(file)) {
    process.stderr.write(`${file}:0:0: error: cannot read the configuration file: it does not exist\n`);
    process.exitCode = EXIT.config;
    return;
  }
  const loaded = await loadConfig(file, loadOptions(opts));
  const d = loaded.diagnostics;
  printDiagnostics(d, { warnings: !opts.quiet });
  for (const p of loaded.registry.problems) {
    if (!opts.quiet) process.stderr.write(`warning: plugin ${p.package} (${p.dir}): ${p.message}\n`);
  }
  if (!opts.quiet) {
    const verdict = d.hasErrors ? 'invalid' : 'valid';
    process.stderr.write(`${file}: ${verdict} (${plural(d.errors.length, 'error')}, ${plural(d.warnings.length, 'warning')})\n`);
  }
  process.exitCode = d.hasErrors ? EXIT.config : EXIT.ok;
}
