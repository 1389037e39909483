import { stringify } from 'yaml';
import { documentToStructured, loadConfig } from '@vigil/core/config';
import { EXIT, printDiagnostics } from '../output.js';
import { loadOptions, resolveConfigFile, type ConfigCliOptions } from './options.js';

/** `vigil config convert`: a keepalived.conf as the structured form cosmiconfig finds. */
export async function convertCommand(opts: ConfigCliOptions & { format: 'yaml' | 'json' }): Promise<void> {
  const file = await resolveConfigFile(opts);
  if (!file) return;
  const loaded = await loadConfig(file, loadOptions(opts));
  if (loaded.diagnostics.hasErrors) {
    printDiagnostics(loaded.diagnostics, { warnings: false });
    process.stderr.write('vigil: not converted: fix the errors above first\n');
    process.exitCode = EXIT.config;
    return;
  }
  const tree = documentToStructured(loaded.document, loaded.registry);
  const text = opts.format === 'json' ? JSON.stringify(tree, null, 2) + '\n' : `# converted by vigil config convert from ${file}\n` + stringify(tree, { lineWidth: 0 });
  process.stdout.write(text);
}
