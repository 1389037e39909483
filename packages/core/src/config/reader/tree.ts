import type { ConfigNode, Token } from '../ast.js';
import type { SourceLoc } from '../location.js';
import type { LineText } from './line-text.js';
import type { Reporter } from './report.js';
import { tokenizeLine } from './tokens.js';

interface BuildingNode {
  keyword: string;
  loc: SourceLoc;
  args: Token[];
  rawArgs: string;
  rawArgsLoc: SourceLoc;
  children?: BuildingNode[];
  blockLoc?: SourceLoc;
}

interface OpenBlock {
  readonly children: BuildingNode[];
  readonly braceLoc: SourceLoc;
}

/**
 * Builds the tree from logical lines, which after brace splitting are `{`, `}` or a keyword
 * line. A `{` opens the block of the keyword line just before it; the reader knows no
 * keywords, so value blocks are built the same way (each item line is a child node).
 */
export class TreeBuilder {
  private readonly top: BuildingNode[] = [];
  private readonly open: OpenBlock[] = [];
  /** The node of the previous logical line, while a `{` may still open its block. */
  private blockCandidate: BuildingNode | null = null;

  constructor(private readonly report: Reporter) {}

  add(line: LineText): void {
    if (line.text === '{') this.openBlock(line.locAt(0));
    else if (line.text === '}') this.closeBlock(line.locAt(0));
    else this.addNode(line);
  }

  /** The top-level nodes; every block still open is reported. */
  finish(): ConfigNode[] {
    for (const block of this.open) {
      this.report.error(block.braceLoc, 'unclosed-brace', "this '{' is never closed: add the missing '}'");
    }
    this.open.length = 0;
    return this.top;
  }

  private get level(): BuildingNode[] {
    return this.open[this.open.length - 1]?.children ?? this.top;
  }

  private addNode(line: LineText): void {
    const { tokens, rest, restLoc } = tokenizeLine(line, this.report);
    const [keyword, ...args] = tokens;
    // A line of white space only is no line at all for Keepalived: a '{' may still follow.
    if (keyword === undefined) return;
    const node: BuildingNode = { keyword: keyword.text, loc: keyword.loc, args, rawArgs: rest, rawArgsLoc: restLoc };
    this.level.push(node);
    this.blockCandidate = node;
  }

  private openBlock(at: SourceLoc): void {
    const owner = this.blockCandidate;
    this.blockCandidate = null;
    if (owner === null) {
      this.report.error(at, 'unexpected-brace', "this '{' follows no keyword: remove it or write the keyword before it");
      // Its lines stay at the current level, and its '}' still closes it.
      this.open.push({ children: this.level, braceLoc: at });
      return;
    }
    owner.children = [];
    owner.blockLoc = at;
    this.open.push({ children: owner.children, braceLoc: at });
  }

  private closeBlock(at: SourceLoc): void {
    this.blockCandidate = null;
    if (this.open.pop() === undefined) {
      this.report.error(at, 'unmatched-brace', "this '}' closes no block: remove it or add the missing '{'");
    }
  }
}
