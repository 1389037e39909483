import type { Fields } from '../schema/block.js';

/** Keywords every checker block accepts; the kernel's scheduler honours them for every checker. */
export const checkerCommonFields: Fields = {};
