import { BlockSchema, type BlockValue, type Fields } from '../schema/block.js';
import { k } from '../schema/builders.js';
import { Keyword, defaultOptions } from '../schema/keyword.js';
import { ArgReader } from '../schema/args.js';
import { globalDefsFields, rootSimpleFields } from './global.js';
import { lvsRootFields } from './lvs.js';
import { vrrpRootFields } from './vrrp.js';

/** A configured notifier plugin: `notifier NAME { ... }` where NAME is the plugin's keyword. */
export interface NotifierBlock {
  readonly type: string;
  readonly config: BlockValue<Fields>;
}

const notifierKeyword = new Keyword<NotifierBlock>(
  'block',
  (node, ctx) => {
    const a = new ArgReader(node.keyword, node.args, node.loc, ctx);
    const name = a.next('a notifier name (mqtt, email, or a plugin\'s)');
    if (!node.children) {
      ctx.diags.error(node.loc, 'missing-brace', `missing '{' after 'notifier ${name.text}'`);
      return undefined;
    }
    const schema = ctx.extensions.resolve('notifier', name.text);
    if (!schema) {
      const known = ctx.extensions.keywords('notifier');
      ctx.diags.error(name.loc, 'unknown-notifier', `no notifier plugin provides '${name.text}'` + (known.length ? ` (installed: ${known.join(', ')})` : ' (none is installed)'));
      return undefined;
    }
    const config = schema.parseBlock(node, ctx.child(`notifier.${name.text}`), `notifier ${name.text}`);
    return config ? { type: name.text, config: config as BlockValue<Fields> } : undefined;
  },
  { ...defaultOptions('NAME { ... }'), status: 'active' },
);

export const rootFields = {
  global_defs: k.block(globalDefsFields).active(),
  ...rootSimpleFields,
  ...vrrpRootFields,
  ...lvsRootFields,
  notifier: notifierKeyword.many(),
};

export type RootFields = typeof rootFields;

/** The typed model of a whole configuration file. */
export type VigilConfig = BlockValue<RootFields>;

/** The top level is read like a block whose children are the file's lines. */
export const rootSchema = new BlockSchema(rootFields);
