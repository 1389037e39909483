import { k, splitScriptWords, type ArgReader, type BlockValue, type Fields, type SourceLoc } from '@vigil/core/plugin';
import { compileRegex, isRegexOption, NO_EFFECT, FLAG_OF, type RegexOption } from './regex.js';
import { parseStatusWord, STATUS_MAX, STATUS_MIN, type StatusRange } from './status.js';

/**
 * The blocks of HTTP_GET and SSL_GET, keyword for keyword as Keepalived 2.2.7 reads them
 * (check_http.c). Both checkers share one schema: Keepalived installs the same keywords for
 * both, enable_sni included. The common checker keywords (connect_*, bind*, retry, ...) are
 * added by core; `nb_get_retry`, which 2.2.7 accepts only here, is one of them.
 *
 * Not in 2.2.7, so rejected as unknown keywords like Keepalived -t does: `sni_name` and
 * `tls_compliant` (both newer).
 */

/** `digest` is the MD5 of the body as 32 hex digits (from genhash); stored in lower case. */
function readDigest(a: ArgReader): string {
  const t = a.next('an MD5 digest (32 hex digits, as genhash prints it)');
  if (t.text.length !== 32) a.fail(`'digest' must be 32 hex digits (an MD5 sum), not ${t.text.length} characters`, t.loc);
  const bad = /[^0-9a-fA-F]/.exec(t.text);
  if (bad) a.fail(`'digest' has '${bad[0]}' at offset ${bad.index}, which is not a hex digit`, t.loc);
  return t.text.toLowerCase();
}

/** `status_code 200 300-399 ...`: each bad word is an error of its own; the good ones count. */
const statusCode = k
  .custom('CODE|MIN-MAX ...', (a, _node, ctx): StatusRange[] => {
    const words = a.rest();
    if (words.length === 0) a.warn(`'status_code' lists no codes; the default 200-299 applies`);
    const ranges: StatusRange[] = [];
    for (const t of words) {
      const r = parseStatusWord(t.text);
      if (r) ranges.push(r);
      else ctx.diags.error(t.loc, 'bad-argument', `'status_code': '${t.text}' is not a status code or range (CODE or MIN-MAX, within ${STATUS_MIN}..${STATUS_MAX})`);
    }
    return ranges;
  })
  .many()
  .active()
  .doc('HTTP status codes that count as success: single codes and MIN-MAX ranges, on one or more lines. Default: 200-299.');

/** `regex PATTERN`: one word after Keepalived's quoted/escaped splitting; quote it when it has spaces. */
const regex = k
  .custom('PATTERN', (a, node, ctx): string | undefined => {
    a.rest();
    const split = splitScriptWords(node.rawArgs);
    if ('error' in split) {
      ctx.diags.error({ ...node.rawArgsLoc, col: node.rawArgsLoc.col + split.offset }, 'bad-quoting', `'regex': ${split.error}`);
      return undefined;
    }
    if (split.words.length !== 1) {
      a.warn(
        split.words.length === 0
          ? `'regex' has no pattern; it is ignored`
          : `'regex' takes one pattern (quote it if it has spaces), not ${split.words.length} words; it is ignored, as Keepalived does`,
        split.words.length === 0 ? node.loc : node.rawArgsLoc,
      );
      return undefined;
    }
    if (split.escapes.length > 0) {
      const shown = [...new Set(split.escapes)].slice(0, 3).join(' ');
      a.warn(
        `'regex': Keepalived's tokeniser reads backslash escapes before the regex sees them (${shown}), so the pattern is '${split.words[0]}'; write \\\\ where the regex needs a backslash`,
        node.rawArgsLoc,
      );
    }
    return split.words[0];
  })
  .active()
  .doc('A regular expression the body must match (or, with regex_no_match, must not). Keepalived uses PCRE2; vigil uses JavaScript RegExp, which reads the same for ordinary patterns.');

/** `regex_options OPTION...`: PCRE2 option names; several lines add up. */
const regexOptions = k
  .custom('OPTION...', (a): RegexOption[] => {
    const out: RegexOption[] = [];
    for (const t of a.rest()) {
      if (!isRegexOption(t.text)) {
        a.warn(`'regex_options': '${t.text}' is not a PCRE2 option Keepalived knows; it is ignored`, t.loc);
        continue;
      }
      if (!FLAG_OF[t.text] && !NO_EFFECT.has(t.text)) {
        a.warn(`'regex_options': '${t.text}' has no equivalent in vigil's regular expressions (JavaScript RegExp); it is ignored`, t.loc, 'unsupported');
      }
      out.push(t.text);
    }
    return out;
  })
  .many()
  .active()
  .doc('PCRE2 options: caseless, multiline, dotall and utf/ucp are honoured; options that only tune PCRE2 change nothing; others are reported.');

/** `regex_min_offset N` / `regex_max_offset N`: Keepalived logs a bad value and uses 0, so vigil warns. */
function offset(which: 'min' | 'max') {
  return k
    .custom('OFFSET', (a): number | undefined => {
      const t = a.next('an offset in bytes');
      if (!/^\d+$/.test(t.text)) {
        a.warn(`'regex_${which}_offset' needs a number of bytes, not '${t.text}'; it is ignored, as Keepalived does`, t.loc);
        return undefined;
      }
      return Number(t.text);
    })
    .active();
}

const regexStack = k
  .custom('START MAX', (a): { start: number; max: number } | undefined => {
    const start = a.next('the start size of the JIT stack in bytes');
    const max = a.next('the maximum size of the JIT stack in bytes');
    if (!/^\d+$/.test(start.text) || !/^\d+$/.test(max.text) || Number(start.text) > Number(max.text)) {
      a.warn(`'regex_stack' needs START MAX in bytes with START <= MAX; it is ignored, as Keepalived does`, start.loc);
      return undefined;
    }
    return { start: Number(start.text), max: Number(max.text) };
  })
  .unsupported()
  .doc('The PCRE2 JIT stack size; JavaScript RegExp has no such setting, so it changes nothing.');

const urlFields = {
  path: k.string('PATH').active().doc('The path requested, e.g. / or /health?full=1.'),
  digest: k.custom('MD5HEX', readDigest).many().active().doc('MD5 of the body, as genhash prints it; the check fails when the body differs.'),
  status_code: statusCode,
  virtualhost: k.string('HOST').active().doc('Host header (and SNI name) for this url; overrides the checker virtualhost.'),
  regex,
  regex_no_match: k.flag().active().doc('Inverts regex: the check fails when the body matches.'),
  regex_options: regexOptions,
  regex_min_offset: offset('min').doc('Byte offset into the body where regex matching starts.'),
  regex_max_offset: offset('max').doc('Last byte offset into the body where a regex match may start.'),
  regex_stack: regexStack,
};

/** A url block as read (the block's value; see BlockValue in core). */
export interface UrlConfig {
  path?: string;
  digest?: string[];
  status_code?: StatusRange[][];
  virtualhost?: string;
  regex?: string;
  regex_no_match?: true;
  regex_options?: RegexOption[][];
  regex_min_offset?: number;
  regex_max_offset?: number;
  regex_stack?: { start: number; max: number };
  readonly $loc: SourceLoc;
}

const url = k
  .block(urlFields, {
    required: ['path'],
    check: (u, ctx) => {
      if (u.digest && u.digest.length > 1) {
        ctx.diags.error(u.$locs.digest ?? u.$loc, 'duplicate-keyword', `'digest' is given ${u.digest.length} times in one url; give it once`);
      }
      const regexParams = (['regex_no_match', 'regex_options', 'regex_min_offset', 'regex_max_offset', 'regex_stack'] as const).filter((kw) => u[kw] !== undefined);
      if (u.regex === undefined) {
        for (const kw of regexParams) {
          ctx.diags.warn(u.$locs[kw] ?? u.$loc, 'ignored-keyword', `'${kw}' is ignored: this url has no 'regex'`);
        }
        return;
      }
      if (u.regex_max_offset !== undefined && (u.regex_min_offset ?? 0) > u.regex_max_offset) {
        ctx.diags.warn(
          u.$locs.regex_min_offset ?? u.$loc,
          'ignored-keyword',
          `'regex_min_offset' ${u.regex_min_offset} is beyond 'regex_max_offset' ${u.regex_max_offset}; both are ignored, as Keepalived does`,
        );
      }
      const compiled = compileRegex(u.regex, (u.regex_options ?? []).flat());
      if ('error' in compiled) {
        ctx.diags.warn(
          u.$locs.regex ?? u.$loc,
          'unsupported',
          `'regex' cannot be compiled as a JavaScript regular expression (${compiled.error}); vigil will ignore it. PCRE2-only syntax such as possessive quantifiers or inline (?x) options is not supported`,
        );
      }
    },
  })
  .many()
  .active()
  .doc('A url to fetch; repeat for several. Every url must pass for the real server to be up.');

export const HTTP_PROTOCOLS = ['1.0', '1.0C', '1.1'] as const;
export type HttpProtocol = (typeof HTTP_PROTOCOLS)[number];

const httpFields = {
  url,
  virtualhost: k.string('HOST').active().doc('Host header (and SNI name) for every url without its own virtualhost. Default: the address and port connected to.'),
  http_protocol: k
    .custom('1.0|1.0C|1.1', (a: ArgReader): HttpProtocol => {
      const t = a.next('an HTTP version: 1.0, 1.0C or 1.1');
      // Keepalived also takes 1.0c.
      const v = HTTP_PROTOCOLS.find((p) => p === t.text || (p === '1.0C' && t.text === '1.0c'));
      if (!v) a.fail(`'http_protocol' takes 1.0, 1.0C or 1.1, not '${t.text}'`, t.loc);
      return v;
    })
    .active()
    .doc('HTTP version of the request: 1.0 (default), 1.0C (1.0 with Connection: close) or 1.1 (which also sends Connection: close).'),
  enable_sni: k.bool().active().doc('SSL_GET: send the virtualhost as the TLS Server Name Indication.'),
  fast_recovery: k
    .bool()
    .parsed()
    .doc('Check every url without delay_loop pauses at start-up and after a failure. A scheduling matter, for the kernel\'s checker scheduler.'),
};

/** The schema of HTTP_GET and SSL_GET blocks. */
export const httpSchema: Fields = httpFields;

/** An HTTP_GET / SSL_GET block as read. */
export interface HttpConfig {
  url?: UrlConfig[];
  virtualhost?: string;
  http_protocol?: HttpProtocol;
  enable_sni?: boolean;
  fast_recovery?: boolean;
}

// The interfaces above are written out because core's Keyword type is not public, so the
// inferred schema types cannot be exported; these lines keep them in step with the schemas.
const _sameShape: [(v: BlockValue<typeof urlFields>) => UrlConfig, (v: BlockValue<typeof httpFields>) => HttpConfig] = [(v) => v, (v) => v];
