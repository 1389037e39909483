/**
 * TCP_CHECK for vigil, as Keepalived has it: the real server is healthy when it accepts a TCP
 * connection within connect_timeout. The connection is closed at once; nothing is sent.
 *
 *   real_server 192.0.2.10 80 {
 *       TCP_CHECK {
 *           connect_port 8080
 *           connect_timeout 3
 *       }
 *   }
 */
import { defineChecker, type Fields } from '@vigil/core/plugin';
import { TcpChecker } from './check.js';
import { tcpSchema } from './schema.js';

// The explicit <Fields> keeps the emitted index.d.ts free of core's internal types.
export default defineChecker<Fields>({
  keyword: 'TCP_CHECK',
  description: 'healthy when the real server accepts a TCP connection within connect_timeout',
  schema: tcpSchema,
  create(_config, services) {
    return new TcpChecker(services);
  },
});
