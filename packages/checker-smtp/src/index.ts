/**
 * SMTP_CHECK for vigil, as Keepalived has it: the real server is healthy when it greets with
 * 220, answers `HELO helo_name` with 250, and takes QUIT, each reply within connect_timeout.
 *
 *   real_server 192.0.2.25 25 {
 *       SMTP_CHECK {
 *           helo_name lb.example.com
 *           connect_timeout 10
 *       }
 *   }
 */
import { defineChecker, type Fields } from '@vigil/core/plugin';
import { SmtpChecker } from './check.js';
import { smtpSchema, type SmtpConfig } from './schema.js';

// The explicit <Fields> keeps the emitted index.d.ts free of core's internal types.
export default defineChecker<Fields>({
  keyword: 'SMTP_CHECK',
  description: 'healthy when the real server greets with 220, answers HELO with 250 and takes QUIT',
  schema: smtpSchema,
  create(config, services) {
    return new SmtpChecker(config as SmtpConfig, services);
  },
});
