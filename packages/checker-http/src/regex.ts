/**
 * Keepalived matches `regex` with PCRE2; vigil uses JavaScript's RegExp. The PCRE2 options of
 * `regex_options` map onto RegExp flags where JavaScript has them; those that only tune PCRE2's
 * speed change nothing; the few that change what matches and have no RegExp equivalent are
 * reported when the config is read.
 */
export const REGEX_OPTIONS = [
  'allow_empty_class',
  'alt_bsux',
  'auto_callout',
  'caseless',
  'dollar_endonly',
  'dotall',
  'dupnames',
  'extended',
  'firstline',
  'match_unset_backref',
  'multiline',
  'never_ucp',
  'never_utf',
  'no_auto_capture',
  'no_auto_possess',
  'no_dotstar_anchor',
  'no_start_optimize',
  'ucp',
  'ungreedy',
  'utf',
  'never_backslash_c',
  'alt_circumflex',
  'alt_verbnames',
  'use_offset_limit',
] as const;

export type RegexOption = (typeof REGEX_OPTIONS)[number];

/** Options that become a RegExp flag. `utf`/`ucp` also make the body be read as UTF-8. */
export const FLAG_OF: Partial<Record<RegexOption, string>> = { caseless: 'i', multiline: 'm', dotall: 's', utf: 'u', ucp: 'u' };

/** Options that only restrict or tune PCRE2 and never change the result for a valid pattern. */
export const NO_EFFECT: ReadonlySet<RegexOption> = new Set<RegexOption>([
  'auto_callout',
  'never_ucp',
  'never_utf',
  'no_auto_possess',
  'no_dotstar_anchor',
  'no_start_optimize',
  'never_backslash_c',
  'use_offset_limit',
]);

export function isRegexOption(word: string): word is RegexOption {
  return (REGEX_OPTIONS as readonly string[]).includes(word);
}

/** The RegExp flags for a set of options; `g` is always there (matching starts at an offset). */
export function regexFlags(options: readonly RegexOption[]): string {
  const flags = new Set<string>(['g']);
  for (const o of options) {
    const f = FLAG_OF[o];
    if (f) flags.add(f);
  }
  return [...flags].join('');
}

/** Compiles a pattern, or says why JavaScript cannot. */
export function compileRegex(pattern: string, options: readonly RegexOption[]): RegExp | { error: string } {
  try {
    return new RegExp(pattern, regexFlags(options));
  } catch (e) {
    return { error: e instanceof Error ? e.message : String(e) };
  }
}
