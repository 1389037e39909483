import { k } from '../schema/builders.js';

/** Top-level VRRP blocks: vrrp_script, track_file, vrrp_sync_group, vrrp_instance, static_*, ... */
export const vrrpRootFields = {
  vrrp_instance: k.block({}, { header: (a) => ({ name: a.string('an instance name') }) }).many(),
};
