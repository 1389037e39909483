import { readFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { LOG_LEVELS } from '@vigil/core/log-levels';
import { defaultPluginDir } from './plugin-dir.js';

// Each command's module is imported when it runs, so that `vigil check` does not load the daemon.
type Action = (...args: never[]) => unknown;
function lazy(load: () => Promise<Record<string, unknown>>, name: string): (...args: unknown[]) => Promise<void> {
  return async (...args: unknown[]) => {
    await ((await load())[name] as Action)(...(args as never[]));
  };
}

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

const fileOption = () => new Option('-f, --use-file <file>', 'configuration file (default: /etc/vigil/vigil.conf, then /etc/keepalived/keepalived.conf, then vigil.config.* / .vigilrc* here)');
const idOption = () => new Option('-i, --config-id <id>', 'id for @id / @^id conditional lines (default: the host name up to the first dot)');
const pluginDirOption = () => new Option('--plugin-dir <dir>', 'also search this plugin directory (repeatable)').argParser((v: string, prev: string[] = []) => [...prev, v]);

export function buildProgram(): Command {
  const program = new Command('vigil')
    .enablePositionalOptions()
    .description('Keepalived-compatible VRRP high availability and IPVS/nftables load balancing, with plugin checkers and notifiers')
    .version(pkg.version, '-v, --version')
    .showHelpAfterError('(run vigil --help for usage)')
    .configureHelp({ sortSubcommands: false });

  program
    .command('run')
    .description('run the daemon in the foreground (SIGTERM/SIGINT stop it, SIGHUP reloads the configuration)')
    .addOption(fileOption())
    .addOption(idOption())
    .addOption(pluginDirOption())
    .addOption(new Option('--log-level <level>', 'log level').choices([...LOG_LEVELS]).default('info'))
    .option('--strict', 'treat keywords vigil does not support as errors')
    .action(lazy(() => import('./commands/run.js'), 'runCommand'));

  program
    .command('check')
    .description("check a configuration, as Keepalived's -t: every problem as FILE:LINE:COL, exit 1 on errors")
    .addOption(fileOption())
    .addOption(idOption())
    .addOption(pluginDirOption())
    .option('--strict', 'treat keywords vigil does not support as errors')
    .option('-q, --quiet', 'print errors only, no warnings or summary')
    .action(lazy(() => import('./commands/check.js'), 'checkCommand'));

  const plugins = program
    .command('plugins')
    .description('list the checker and notifier plugins found (package, version, keywords, where)')
    .addOption(pluginDirOption())
    .option('--json', 'machine-readable output')
    .action(lazy(() => import('./commands/plugins.js'), 'pluginsListCommand'));
  plugins
    .command('add <spec>')
    .description('install a plugin package (an npm name, tarball or folder) into the plugin directory')
    .option('--plugin-dir <dir>', 'plugin directory', defaultPluginDir())
    .action(lazy(() => import('./commands/plugins.js'), 'pluginsAddCommand'));
  plugins
    .command('remove <name>')
    .description('uninstall a plugin package from the plugin directory')
    .option('--plugin-dir <dir>', 'plugin directory', defaultPluginDir())
    .action(lazy(() => import('./commands/plugins.js'), 'pluginsRemoveCommand'));

  const config = program.command('config').description('work with configuration files');
  config
    .command('convert')
    .description('print a keepalived.conf as the equivalent vigil.config.yaml (or JSON)')
    .addOption(fileOption())
    .addOption(idOption())
    .addOption(pluginDirOption())
    .addOption(new Option('--format <format>', 'output format').choices(['yaml', 'json']).default('yaml'))
    .action(lazy(() => import('./commands/convert.js'), 'convertCommand'));

  config
    .command('keywords')
    .description('every keyword vigil knows, with its status (active, parsed but not yet active, unsupported), as Markdown')
    .addOption(pluginDirOption())
    .option('--json', 'machine-readable output')
    .action(lazy(() => import('./commands/keywords.js'), 'keywordsCommand'));

  program
    .command('genhash')
    .description("print the MD5 digest of a page's body, for HTTP_GET / SSL_GET's digest (Keepalived's genhash)")
    .option('-s, --server <address>', 'server address')
    .option('-p, --port <port>', 'server port (default 80, 443 with -S)')
    .option('-u, --url <path>', 'url path, e.g. /index.html')
    .option('-S, --use-ssl', 'connect with TLS (SSL_GET)')
    .option('-V, --use-virtualhost <host>', 'Host header (the checker\'s virtualhost)')
    .option('-I, --use-sni [name]', 'send SNI: NAME, or the virtualhost when alone')
    .option('-P, --protocol <version>', 'HTTP protocol: 1.0, 1.0c (1.0 with Connection: close) or 1.1', '1.0')
    .option('-t, --timeout <seconds>', 'connect and read timeout (default 5)')
    .option('-m, --fwmark <mark>', 'firewall mark (accepted; not applied)')
    .option('-b, --bindto <address>', 'source address')
    .option('-v, --verbose', 'show the header, the body and the hash in hex, as genhash -v')
    .action(lazy(() => import('./commands/genhash.js'), 'genhashCommand'));

  program
    .command('demo')
    .description('the demo lab (needs root)')
    .action(lazy(() => import('./commands/demo.js'), 'demoCommand'));

  return program;
}
