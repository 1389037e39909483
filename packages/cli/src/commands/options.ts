import { findConfigFile, type LoadConfigOptions } from '@vigil/core/config';
import { EXIT } from '../output.js';

export interface ConfigCliOptions {
  useFile?: string;
  configId?: string;
  pluginDir?: string[];
  strict?: boolean;
}

/** The config file to read, or undefined after saying why there is none. */
export async function resolveConfigFile(opts: ConfigCliOptions): Promise<string | undefined> {
  const file = await findConfigFile(opts.useFile);
  if (!file) {
    process.stderr.write('vigil: no configuration file: give one with -f, or create /etc/vigil/vigil.conf or /etc/keepalived/keepalived.conf\n');
    process.exitCode = EXIT.usage;
  }
  return file;
}

export function loadOptions(opts: ConfigCliOptions): LoadConfigOptions {
  return {
    ...(opts.configId !== undefined ? { configId: opts.configId } : {}),
    pluginDirs: opts.pluginDir ?? [],
    strict: opts.strict ?? false,
  };
}
