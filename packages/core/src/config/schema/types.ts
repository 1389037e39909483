import type { ConfigNode, Token } from '../ast.js';
import type { Diagnostics } from '../diagnostics.js';
import type { SourceLoc } from '../location.js';

/**
 * How far vigil honours a keyword. `vigil check` warns about every keyword that is not
 * `active`, so that nothing an operator wrote is silently ignored.
 */
export type KeywordStatus = 'active' | 'parsed' | 'unsupported';

/** The shape of what follows a keyword. */
export type KeywordKind = 'scalar' | 'block' | 'list' | 'opaque';

/** A checker or notifier block whose schema a plugin provides. */
export interface ExtensionResolver {
  /** The schema of a plugin keyword usable in `where`, or undefined if no plugin claims it. */
  resolve(where: ExtensionPoint, keyword: string): BlockSchemaLike | undefined;
  /** Every plugin keyword usable in `where` (for did-you-mean). */
  keywords(where: ExtensionPoint): readonly string[];
  /** A plugin claims the keyword but could not be loaded (already reported where it is used). */
  isBroken(where: ExtensionPoint, keyword: string): boolean;
}

export type ExtensionPoint = 'checker' | 'notifier';

/** What a keyword parser sees besides the node itself. */
export interface ParseContext {
  readonly diags: Diagnostics;
  readonly extensions: ExtensionResolver;
  /** Keywords seen that vigil does not honour yet, by status, for one summary per keyword. */
  noteStatus(keyword: string, status: KeywordStatus, loc: SourceLoc, path: string): void;
  /** Dotted path of the enclosing blocks, e.g. `vrrp_instance.authentication`. */
  readonly path: string;
  /**
   * A context for a nested block. `inactive` marks a block vigil does not act on yet: notes
   * about its inner keywords would only repeat what the note about the block already says.
   */
  child(path: string, inactive?: boolean): ParseContext;
}

/** The minimum a block schema offers to the validator (implemented by BlockSchema). */
export interface BlockSchemaLike {
  parseBlock(node: ConfigNode, ctx: ParseContext, headerName: string): Record<string, unknown> | undefined;
  readonly keywordNames: readonly string[];
}

export type { ConfigNode, Token };
