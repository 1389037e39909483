/**
 * MISC_CHECK for vigil, as Keepalived has it: runs a program (directly, no shell) and reads
 * its exit status: 0 up, 1 down, and with misc_dynamic 2..255 up with weight (status - 2).
 * A program still running at misc_timeout is killed with its whole process group.
 *
 *   real_server 192.0.2.33 3306 {
 *       MISC_CHECK {
 *           misc_path "/usr/local/bin/check_mysql.sh 192.0.2.33"
 *           misc_timeout 5
 *           misc_dynamic
 *           user nobody
 *       }
 *   }
 */
import { defineChecker, type Fields } from '@vigil/core/plugin';
import { MiscChecker } from './check.js';
import { miscSchema, type MiscConfig } from './schema.js';

// The explicit <Fields> keeps the emitted index.d.ts free of core's internal types.
export default defineChecker<Fields>({
  keyword: 'MISC_CHECK',
  description: 'healthy when a program exits 0; with misc_dynamic its status sets the weight',
  // As in Keepalived: the block takes the scheduling keywords, not connect_ip, connect_timeout, ...
  connectionless: true,
  required: ['misc_path'],
  // Keepalived: MISC_CHECK does not retry unless told to.
  defaults: { retry: 0 },
  // misc_timeout (else delay_loop), then 2 s between SIGTERM and SIGKILL, and a margin.
  maxDuration(config) {
    return new MiscChecker(config as MiscConfig, undefined as never).timeoutSeconds + 3;
  },
  schema: miscSchema,
  create(config, services) {
    return new MiscChecker(config as MiscConfig, services);
  },
});
