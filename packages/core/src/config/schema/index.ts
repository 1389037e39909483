export { ArgReader, ArgError } from './args.js';
export { Keyword, scalar, type ValueOf, type AnyKeyword, type Located } from './keyword.js';
export { EXTENSION_BLOCK_STATUS, BlockSchema, block, list, opaque, schemaOf, didYouMean, type BlockValue, type Fields, type ListItem, type ExtensionBlock, type BlockOptions } from './block.js';
export { k, type ScriptSpec } from './builders.js';
export { parseIpAddress, parseIpPrefix, formatPrefix, type IpAddress, type IpPrefix, type IpFamily } from './ip.js';
export type { KeywordStatus, KeywordKind, ParseContext, ExtensionResolver, ExtensionPoint, BlockSchemaLike } from './types.js';
