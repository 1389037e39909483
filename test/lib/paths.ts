import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root, from a compiled test file under test/dist/. */
export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const VIGIL_BIN = join(REPO_ROOT, 'packages', 'cli', 'dist', 'src', 'bin.js');
export const CORPUS_DIR = join(REPO_ROOT, 'test', 'conformance', 'corpus');
