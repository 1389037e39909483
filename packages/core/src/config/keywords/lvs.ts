import { k } from '../schema/builders.js';

/** Top-level load-balancing blocks: virtual_server, virtual_server_group, SSL. */
export const lvsRootFields = {
  virtual_server: k.block({}, { header: (a) => ({ service: a.rest().map((t) => t.text).join(' ') }) }).many(),
};
