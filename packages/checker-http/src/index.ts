/**
 * HTTP_GET and SSL_GET for vigil, as Keepalived has them: the real server is healthy when every
 * configured url answers with an accepted status code (default 200-299) and, where given, the
 * body's MD5 digest and a regex. SSL_GET is the same over TLS (no certificate verification,
 * like Keepalived without an SSL block; SNI with enable_sni).
 *
 *   real_server 192.0.2.10 80 {
 *       HTTP_GET {
 *           url {
 *               path /health
 *               status_code 200-299
 *               digest 9b3a0c85a887a256d6939da88aabd8cd
 *           }
 *           http_protocol 1.1
 *           virtualhost www.example.com
 *           connect_timeout 3
 *       }
 *   }
 */
import { defineChecker, type Fields } from '@vigil/core/plugin';
import { HttpChecker } from './check.js';
import { httpSchema, type HttpConfig } from './schema.js';

/** HTTP_GET and SSL_GET differ only in TLS: one definition each, from the same schema and checker. */
function httpDefinition(keyword: 'HTTP_GET' | 'SSL_GET', tls: boolean, description: string) {
  // The explicit <Fields> keeps the emitted index.d.ts free of core's internal types.
  return defineChecker<Fields>({
    keyword,
    description,
    schema: httpSchema,
    required: ['url'],
    // Keepalived's HTTP_GET and SSL_GET wait 3 s before a retry.
    defaults: { delay_before_retry: 3 },
    create(config, services) {
      return new HttpChecker(keyword, tls, config as HttpConfig, services);
    },
  });
}

export default [
  httpDefinition('HTTP_GET', false, 'healthy when every url answers with an accepted status, and the digest and regex where given'),
  httpDefinition('SSL_GET', true, 'HTTP_GET over TLS (no certificate verification; SNI with enable_sni)'),
];
