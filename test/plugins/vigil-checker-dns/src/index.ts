/**
 * DNS_CHECK for vigil, as Keepalived has it: the real server is healthy when it answers a
 * DNS query (type `type`, default SOA, for `name`, default ".") with at least one record.
 *
 *   real_server 192.0.2.53 53 {
 *       DNS_CHECK {
 *           type A
 *           name www.example.org
 *           connect_timeout 2
 *       }
 *   }
 */
import { Resolver } from 'node:dns/promises';
import { defineChecker, k, type ArgReader, type BlockValue, type Checker, type CheckResult, type CheckTarget, type Fields, type PluginServices } from '@vigil/core/plugin';

const TYPES = ['A', 'NS', 'CNAME', 'SOA', 'MX', 'TXT', 'AAAA'] as const;
type DnsType = (typeof TYPES)[number];

const schema = {
  // Keepalived matches the type without regard to case (`type aaaa` is AAAA).
  type: k
    .custom(TYPES.join('|'), (a: ArgReader): DnsType => {
      const word = a.next(`a query type (${TYPES.join('|')})`);
      const type = TYPES.find((t) => t === word.text.toUpperCase());
      if (!type) a.fail(`'${a.keyword}' takes ${TYPES.join('|')}, not '${word.text}'`, word.loc);
      return type;
    })
    .active()
    .doc('The DNS query type. Default: SOA.'),
  name: k.string('NAME').active().doc('The domain name queried. Default: "." (the root).'),
};

type DnsConfig = BlockValue<typeof schema>;

/** What c-ares error codes mean for the operator. */
const REASONS: Record<string, string> = {
  ENODATA: 'no record of that type',
  ENOTFOUND: 'name does not exist (NXDOMAIN)',
  ESERVFAIL: 'server failure (SERVFAIL)',
  EREFUSED: 'query refused (REFUSED)',
  ENOTIMP: 'query type not implemented (NOTIMP)',
  EFORMERR: 'server says the query was malformed (FORMERR)',
  EBADRESP: 'malformed reply',
  ETIMEOUT: 'no reply within connect_timeout',
  ECONNREFUSED: 'connection refused',
  ECANCELLED: 'check aborted',
};

function describeError(e: unknown): string {
  const code = (e as { code?: unknown }).code;
  if (typeof code === 'string') return REASONS[code] ?? code;
  return e instanceof Error ? e.message : String(e);
}

/** Number of records in an answer: `resolve` gives an array, or one object for SOA. */
function answerCount(answer: unknown): number {
  if (Array.isArray(answer)) return answer.length;
  return answer ? 1 : 0;
}

class DnsChecker implements Checker {
  constructor(
    private readonly type: DnsType,
    private readonly name: string,
    private readonly services: PluginServices,
  ) {}

  async check(target: CheckTarget, signal: AbortSignal): Promise<CheckResult> {
    const clock = this.services.clock;
    const start = clock.monotonicMs();
    const done = (ok: boolean, detail: string): CheckResult => ({ ok, detail, latencyMs: clock.monotonicMs() - start });
    if (signal.aborted) return done(false, 'check aborted');

    // One resolver per check: its own socket, its own timeout, cancelled on its own.
    const resolver = new Resolver({ timeout: Math.max(1, Math.round(target.connectTimeout * 1000)), tries: 1 });
    const onAbort = (): void => resolver.cancel();
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      resolver.setServers([target.family === 6 ? `[${target.address}]:${target.port}` : `${target.address}:${target.port}`]);
      if (target.bindAddress) {
        if (target.family === 6) resolver.setLocalAddress('0.0.0.0', target.bindAddress);
        else resolver.setLocalAddress(target.bindAddress);
      }
      const answer: unknown = await resolver.resolve(this.name, this.type);
      const n = answerCount(answer);
      if (n === 0) return done(false, `${this.type} ${this.name}: empty answer`);
      return done(true, `${this.type} ${this.name}: ${n} record${n === 1 ? '' : 's'}`);
    } catch (e) {
      return done(false, `${this.type} ${this.name}: ${signal.aborted ? 'check aborted' : describeError(e)}`);
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
  }
}

// The explicit <Fields> keeps the emitted index.d.ts free of core's internal types.
export default defineChecker<Fields>({
  keyword: 'DNS_CHECK',
  description: 'healthy when the real server answers a DNS query with at least one record',
  schema,
  create(config, services) {
    const c = config as DnsConfig;
    return new DnsChecker(c.type ?? 'SOA', c.name ?? '.', services);
  },
});
