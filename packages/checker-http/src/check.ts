import type { Checker, CheckResult, CheckTarget, PluginServices } from '@vigil/core/plugin';
import { compileRegex, type RegexOption } from './regex.js';
import { get, type GetResponse } from './request.js';
import type { HttpConfig, HttpProtocol, UrlConfig } from './schema.js';
import { DEFAULT_STATUS, formatStatusRanges, statusAccepted, type StatusRange } from './status.js';

/** How much of a body is kept for regex matching; the rest is hashed but not searched. */
const MAX_REGEX_BODY = 16 * 1024 * 1024;

interface RegexRule {
  readonly re: RegExp;
  readonly utf8: boolean;
  readonly noMatch: boolean;
  readonly minOffset: number;
  readonly maxOffset?: number;
}

/** One url as checked: what to ask for and what the answer must be. */
interface UrlRule {
  readonly path: string;
  readonly virtualhost?: string;
  readonly digest?: string;
  readonly status: readonly StatusRange[];
  readonly regex?: RegexRule;
}

function regexRule(u: UrlConfig): RegexRule | undefined {
  if (u.regex === undefined) return undefined;
  const options: RegexOption[] = (u.regex_options ?? []).flat();
  const re = compileRegex(u.regex, options);
  if ('error' in re) return undefined; // reported when the config was read
  let minOffset = u.regex_min_offset ?? 0;
  let maxOffset = u.regex_max_offset;
  if (maxOffset !== undefined && minOffset > maxOffset) {
    minOffset = 0;
    maxOffset = undefined;
  }
  return {
    re,
    utf8: options.includes('utf') || options.includes('ucp'),
    noMatch: u.regex_no_match === true,
    minOffset,
    ...(maxOffset !== undefined ? { maxOffset } : {}),
  };
}

export function urlRules(config: HttpConfig): UrlRule[] {
  return (config.url ?? [])
    .filter((u): u is UrlConfig & { path: string } => typeof u.path === 'string')
    .map((u) => {
      const status = (u.status_code ?? []).flat();
      const regex = regexRule(u);
      return {
        path: u.path,
        ...(u.virtualhost !== undefined ? { virtualhost: u.virtualhost } : {}),
        ...(u.digest?.[0] !== undefined ? { digest: u.digest[0].toLowerCase() } : {}),
        status: status.length > 0 ? status : DEFAULT_STATUS,
        ...(regex ? { regex } : {}),
      };
    });
}

/** The request line and headers Keepalived sends. */
export function requestText(path: string, protocol: HttpProtocol, host: string): string {
  return (
    `GET ${path} HTTP/1.${protocol === '1.1' ? 1 : 0}\r\n` +
    'User-Agent: KeepAliveClient\r\n' +
    (protocol === '1.0' ? '' : 'Connection: close\r\n') +
    `Host: ${host}\r\n\r\n`
  );
}

function regexMatches(rule: RegexRule, body: Buffer): boolean {
  const text = body.toString(rule.utf8 ? 'utf8' : 'latin1');
  const re = new RegExp(rule.re); // a copy: lastIndex is per match
  re.lastIndex = rule.minOffset;
  const m = re.exec(text);
  return m !== null && (rule.maxOffset === undefined || m.index <= rule.maxOffset);
}

/** Why a response fails its url's rules, or undefined when it passes. */
function judge(rule: UrlRule, res: GetResponse): string | undefined {
  if (!statusAccepted(res.status, rule.status)) return `HTTP status ${res.status}, expected ${formatStatusRanges(rule.status)}`;
  if (rule.digest !== undefined && res.md5 !== rule.digest) return `MD5 digest ${res.md5 ?? '(none)'} differs from the configured ${rule.digest}`;
  if (rule.regex) {
    const matched = regexMatches(rule.regex, res.body);
    if (matched === rule.regex.noMatch) return rule.regex.noMatch ? `body matches regex ${rule.regex.re.source} (regex_no_match)` : `body does not match regex ${rule.regex.re.source}`;
  }
  return undefined;
}

/**
 * HTTP_GET / SSL_GET: every url is fetched in turn on a connection of its own; the real server
 * is up when each answers with an accepted status and, where configured, the digest and the
 * regex. The first url that fails ends the check.
 */
export class HttpChecker implements Checker {
  private readonly rules: UrlRule[];
  private readonly protocol: HttpProtocol;
  private fwmarkWarned = false;

  constructor(
    private readonly keyword: string,
    private readonly tls: boolean,
    private readonly config: HttpConfig,
    private readonly services: PluginServices,
  ) {
    this.rules = urlRules(config);
    this.protocol = config.http_protocol ?? '1.0';
  }

  async check(target: CheckTarget, signal: AbortSignal): Promise<CheckResult> {
    const clock = this.services.clock;
    const start = clock.monotonicMs();
    const done = (ok: boolean, detail: string): CheckResult => ({ ok, detail, latencyMs: clock.monotonicMs() - start });
    if (this.rules.length === 0) return done(false, `${this.keyword} has no url to check`);
    if (target.fwmark !== undefined && !this.fwmarkWarned) {
      this.fwmarkWarned = true;
      this.services.log.warn({ fwmark: target.fwmark }, `fwmark is not applied to ${this.keyword} connections: Node.js cannot set SO_MARK on a socket`);
    }
    const statuses: number[] = [];
    for (const rule of this.rules) {
      if (signal.aborted) return done(false, 'check aborted');
      const vhost = rule.virtualhost ?? this.config.virtualhost;
      const host = vhost ?? (target.family === 6 ? `[${target.address}]:${target.port}` : `${target.address}:${target.port}`);
      const outcome = await get(
        {
          target,
          tls: this.tls,
          ...(this.tls && this.config.enable_sni === true && vhost !== undefined ? { servername: vhost } : {}),
          text: requestText(rule.path, this.protocol, host),
          digest: rule.digest !== undefined,
          keepBody: rule.regex ? MAX_REGEX_BODY : 0,
        },
        signal,
      );
      if (!outcome.ok) return done(false, `GET ${rule.path}: ${outcome.detail}`);
      const why = judge(rule, outcome.response);
      if (why) return done(false, `GET ${rule.path}: ${why}`);
      statuses.push(outcome.response.status);
    }
    const detail =
      this.rules.length === 1 ? `GET ${this.rules[0]?.path}: HTTP ${statuses[0]}` : `${this.rules.length} urls passed (HTTP ${statuses.join(', ')})`;
    return done(true, detail);
  }
}
