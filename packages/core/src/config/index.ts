/**
 * The configuration language alone (`@vigil/core/config`): reading, validating and converting
 * keepalived.conf and the structured form, without the daemon's kernel. `vigil check` and other
 * tools load only this, which keeps their start fast.
 */
export { loadConfig, loadConfigOrThrow, findConfigFile, formatOf, ConfigError, DEFAULT_CONFIG_FILES, type LoadedConfig, type LoadConfigOptions, type ConfigFormat } from './load.js';
export { Diagnostics, formatDiagnostic, type Diagnostic, type Severity } from './diagnostics.js';
export { formatLoc, type SourceLoc } from './location.js';
export type { ConfigDocument, ConfigNode, Token } from './ast.js';
export { validateDocument, type ValidateOptions, type ValidateResult } from './validate.js';
export { currentHost, type HostInfo } from './host.js';
export { rootSchema, rootFields, type VigilConfig, type NotifierBlock } from './keywords/root.js';
export { checkerCommonFields, checkerSchedulingFields, checkerConnectionFields, type CheckerCommonConfig } from './keywords/checker-common.js';
export { keywordRows, keywordTablesMarkdown, statusCounts, type KeywordRow } from './keyword-table.js';
export { documentToStructured, structuredFromYaml, structuredToDocument } from './structured.js';
export { readConfigFile, readConfigText, type ReadOptions } from './reader/index.js';
export { discoverPlugins, installNodeModules, pluginDirNodeModules, type DiscoveryResult } from '../plugin/discovery.js';
export { PluginRegistry, type KeywordClaim } from '../plugin/registry.js';
export type { PluginManifest } from '../plugin/manifest.js';
export * as schema from './schema/index.js';
