import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfigOrThrow } from '../../../src/index.js';
import type { VrrpInstanceConfig } from '../../../src/config/keywords/vrrp.js';
import type { GlobalDefs } from '../../../src/vrrp/runtime/params.js';

/** Parses a configuration text and returns its first vrrp_instance and its global_defs. */
export async function parseConfigTextForTest(text: string): Promise<{ instance: VrrpInstanceConfig; globals: GlobalDefs | undefined }> {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-params-'));
  try {
    const file = join(dir, 'keepalived.conf');
    writeFileSync(file, text);
    const { config } = await loadConfigOrThrow(file, {});
    const instance = config.vrrp_instance?.[0];
    if (!instance) throw new Error('no vrrp_instance');
    return { instance, globals: config.global_defs };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
