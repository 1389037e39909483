/** Where `vigil plugins add` installs, unless --plugin-dir or VIGIL_PLUGIN_DIR says otherwise. */
export function defaultPluginDir(): string {
  return process.env.VIGIL_PLUGIN_DIR ?? '/var/lib/vigil/plugins';
}
