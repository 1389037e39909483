import type { Token } from '../ast.js';
import type { SourceLoc } from '../location.js';
import type { ParseContext } from './types.js';
import { parseIpAddress, parseIpPrefix, type IpAddress, type IpPrefix } from './ip.js';

const BOOL_TRUE = new Set(['on', 'true', 'yes']);
const BOOL_FALSE = new Set(['off', 'false', 'no']);

/** Thrown inside an argument parser to abandon the current keyword; the reader has already reported it. */
export class ArgError extends Error {
  constructor() {
    super('argument error (already reported)');
  }
}

/**
 * Reads the words of one keyword line left to right, reporting each problem at the word it
 * concerns. Parsers call `fail` (which reports and throws ArgError) so that a bad argument
 * abandons only that keyword, never the rest of the file.
 */
export class ArgReader {
  private index = 0;

  constructor(
    readonly keyword: string,
    readonly tokens: readonly Token[],
    readonly keywordLoc: SourceLoc,
    private readonly ctx: ParseContext,
  ) {}

  get remaining(): number {
    return this.tokens.length - this.index;
  }

  get done(): boolean {
    return this.index >= this.tokens.length;
  }

  /** Location of the next word, or just after the keyword when there is none. */
  get loc(): SourceLoc {
    return this.tokens[this.index]?.loc ?? this.tokens[this.tokens.length - 1]?.loc ?? this.keywordLoc;
  }

  peek(): string | undefined {
    return this.tokens[this.index]?.text;
  }

  peekToken(): Token | undefined {
    return this.tokens[this.index];
  }

  fail(message: string, loc: SourceLoc = this.loc, code = 'bad-argument'): never {
    this.ctx.diags.error(loc, code, message);
    throw new ArgError();
  }

  warn(message: string, loc: SourceLoc = this.loc, code = 'argument-warning'): void {
    this.ctx.diags.warn(loc, code, message);
  }

  /** The next word; reports `'<keyword>' needs <what>` when there is none. */
  next(what: string): Token {
    const t = this.tokens[this.index];
    if (!t) this.fail(`'${this.keyword}' needs ${what}`, this.keywordLoc, 'missing-argument');
    this.index++;
    return t;
  }

  /** Consumes the next word if it equals `word`. */
  accept(word: string): boolean {
    if (this.tokens[this.index]?.text === word) {
      this.index++;
      return true;
    }
    return false;
  }

  rest(): Token[] {
    const r = this.tokens.slice(this.index);
    this.index = this.tokens.length;
    return r;
  }

  /** Reports extra words. Keepalived ignores most trailing words; vigil warns so typos show. */
  end(severity: 'error' | 'warning' = 'warning'): void {
    const extra = this.tokens[this.index];
    if (!extra) return;
    const words = this.tokens.slice(this.index).map((t) => t.text).join(' ');
    const msg = `unexpected '${words}' after '${this.keyword}'`;
    if (severity === 'error') this.fail(msg, extra.loc, 'extra-argument');
    this.warn(msg, extra.loc, 'extra-argument');
    this.index = this.tokens.length;
  }

  string(what = 'a value'): string {
    return this.next(what).text;
  }

  int(min: number, max: number, what = `a number in ${min}..${max}`): number {
    const t = this.next(what);
    return checkInt(t, min, max, this);
  }

  /**
   * Decimal seconds with up to 6 fraction digits, returned in seconds
   * (Keepalived's TIMER type; it keeps microseconds).
   */
  timer(min: number, max: number, what = `a time in seconds (${min}..${max})`): number {
    const t = this.next(what);
    return checkTimer(t, min, max, this);
  }

  bool(): boolean {
    const t = this.tokens[this.index];
    if (!t) return true; // a bare boolean keyword means "on"
    this.index++;
    const v = t.text.toLowerCase();
    if (BOOL_TRUE.has(v)) return true;
    if (BOOL_FALSE.has(v)) return false;
    this.fail(`'${this.keyword}' takes on|off|true|false|yes|no, not '${t.text}'`, t.loc);
  }

  oneOf<const W extends string>(words: readonly W[], what = 'one of ' + words.join('|')): W {
    const t = this.next(what);
    const hit = words.find((w) => w === t.text);
    if (hit === undefined) {
      this.fail(`'${this.keyword}' takes ${words.join('|')}, not '${t.text}'`, t.loc);
    }
    return hit;
  }

  ip(what = 'an IP address'): IpAddress {
    const t = this.next(what);
    const ip = parseIpAddress(t.text);
    if (!ip) this.fail(`'${t.text}' is not a valid IP address`, t.loc, 'bad-address');
    return ip;
  }

  prefix(what = 'an IP address or prefix'): IpPrefix {
    const t = this.next(what);
    const p = parseIpPrefix(t.text);
    if (!p) this.fail(`'${t.text}' is not a valid IP address or prefix`, t.loc, 'bad-address');
    return p;
  }

  port(what = 'a port (0..65535)'): number {
    return this.int(0, 65535, what);
  }
}

export function checkInt(t: Token, min: number, max: number, r: ArgReader): number {
  if (!/^[-+]?\d+$/.test(t.text)) r.fail(`'${r.keyword}' needs an integer, not '${t.text}'`, t.loc, 'bad-number');
  const n = Number(t.text);
  if (n < min || n > max) {
    r.fail(`'${r.keyword}' ${t.text} is out of range ${min}..${max}`, t.loc, 'out-of-range');
  }
  return n;
}

export function checkTimer(t: Token, min: number, max: number, r: ArgReader): number {
  if (!/^\d+(\.\d{1,6})?$|^\.\d{1,6}$/.test(t.text)) {
    r.fail(`'${r.keyword}' needs a time in seconds (up to 6 decimals), not '${t.text}'`, t.loc, 'bad-number');
  }
  const n = Number(t.text);
  if (n < min || n > max) {
    r.fail(`'${r.keyword}' ${t.text} is out of range ${min}..${max} seconds`, t.loc, 'out-of-range');
  }
  return n;
}

export function parseBoolWord(text: string): boolean | undefined {
  const v = text.toLowerCase();
  if (BOOL_TRUE.has(v)) return true;
  if (BOOL_FALSE.has(v)) return false;
  return undefined;
}
