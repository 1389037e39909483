import type { Diagnostics } from '../diagnostics.js';
import type { HostInfo } from '../host.js';
import type { VigilConfig } from '../keywords/root.js';
import { checkLvs } from './lvs.js';
import { checkVrrp } from './vrrp.js';

/** Everything a whole-config check may look at. */
export interface SemanticContext {
  readonly diags: Diagnostics;
  readonly host: HostInfo;
}

export type SemanticCheck = (config: VigilConfig, ctx: SemanticContext) => void;

/** Checks across blocks, as Keepalived's completion step does them (references, duplicates, interfaces). */
export const semanticChecks: SemanticCheck[] = [];
semanticChecks.push(checkLvs);
semanticChecks.push(checkVrrp);

export function runSemanticChecks(config: VigilConfig, ctx: SemanticContext): void {
  for (const check of semanticChecks) check(config, ctx);
}
