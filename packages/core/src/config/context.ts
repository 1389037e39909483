import type { Diagnostics } from './diagnostics.js';
import type { SourceLoc } from './location.js';
import type { ExtensionResolver, KeywordStatus, ParseContext } from './schema/types.js';

interface StatusNote {
  readonly keyword: string;
  readonly status: KeywordStatus;
  readonly first: SourceLoc;
  readonly path: string;
  count: number;
}

/** Shared state of one validation run; `child` only changes the path. */
class ValidationRun {
  readonly notes = new Map<string, StatusNote>();

  constructor(
    readonly diags: Diagnostics,
    readonly extensions: ExtensionResolver,
  ) {}
}

export class ValidationContext implements ParseContext {
  private constructor(
    private readonly run: ValidationRun,
    readonly path: string,
    private readonly insideInactive: boolean,
  ) {}

  static create(diags: Diagnostics, extensions: ExtensionResolver): ValidationContext {
    return new ValidationContext(new ValidationRun(diags, extensions), '', false);
  }

  get diags(): Diagnostics {
    return this.run.diags;
  }

  get extensions(): ExtensionResolver {
    return this.run.extensions;
  }

  child(path: string, inactive = false): ValidationContext {
    return new ValidationContext(this.run, path, this.insideInactive || inactive);
  }

  noteStatus(keyword: string, status: KeywordStatus, loc: SourceLoc, path: string): void {
    if (this.insideInactive) return;
    const key = `${status}:${path}.${keyword}`;
    const n = this.run.notes.get(key);
    if (n) n.count++;
    else this.run.notes.set(key, { keyword, status, first: loc, path, count: 1 });
  }

  /**
   * One warning per keyword that vigil reads but does not act on, at its first use:
   * an operator learns what is not honoured without a flood of repeats.
   */
  reportStatusNotes(unsupportedAsErrors: boolean): void {
    for (const n of this.run.notes.values()) {
      const uses = n.count > 1 ? ` (${n.count} uses)` : '';
      const where = n.path ? ` in '${n.path.split('.').pop()}'` : '';
      if (n.status === 'unsupported') {
        const msg = `'${n.keyword}'${where} is not supported by vigil and has no effect${uses}`;
        if (unsupportedAsErrors) this.diags.error(n.first, 'unsupported-keyword', msg);
        else this.diags.warn(n.first, 'unsupported-keyword', msg);
      } else if (n.status === 'parsed') {
        this.diags.warn(n.first, 'not-yet-active', `'${n.keyword}'${where} is read but not yet acted on by vigil${uses}`);
      }
    }
  }
}
