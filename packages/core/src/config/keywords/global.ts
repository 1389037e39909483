import { k } from '../schema/builders.js';

/** `global_defs { ... }`. */
export const globalDefsFields = {
  router_id: k.string('NAME'),
  /** vigil: directories holding plugins installed by `vigil plugins add` (their node_modules are searched). */
  plugin_dir: k.string('PATH').many().active(),
};

/** Simple keywords allowed at the top level besides the blocks (net_namespace, instance, ...). */
export const rootSimpleFields = {};
