import type { SourceLoc } from './location.js';

/** A word of a config line after the default tokeniser: quotes removed, no escapes. */
export interface Token {
  readonly text: string;
  readonly loc: SourceLoc;
  /** The token was written inside double quotes. */
  readonly quoted: boolean;
}

/**
 * One keyword line of keepalived.conf, after includes, conditionals, macros and
 * sequences have been applied, with the block that follows it if there is one.
 *
 * Value blocks (`virtual_ipaddress { ... }`) are represented the same way: each item line
 * is a child node whose `keyword` is the item's first word.
 */
export interface ConfigNode {
  readonly keyword: string;
  readonly loc: SourceLoc;
  /** The words after the keyword (default tokeniser). */
  readonly args: readonly Token[];
  /**
   * The text after the keyword exactly as written (comments removed), for keywords
   * that use the shell-like tokeniser (scripts). Empty when there are no arguments.
   */
  readonly rawArgs: string;
  readonly rawArgsLoc: SourceLoc;
  /** Present when a `{ ... }` block follows the keyword (possibly empty). */
  readonly children?: readonly ConfigNode[];
  /** Location of the opening brace, when there is a block. */
  readonly blockLoc?: SourceLoc;
}

export interface ConfigDocument {
  /** The top-level keyword lines. */
  readonly nodes: readonly ConfigNode[];
  /** Every file that was read, the main file first (for reload change detection). */
  readonly files: readonly string[];
}
