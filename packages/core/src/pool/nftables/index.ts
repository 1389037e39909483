export { NftablesBackend, NftError, type NftablesBackendOptions, type NftRunResult } from './backend.js';
export { parseNftTable } from './parse.js';
export {
  NFTABLES_LIMITATIONS,
  NFT_NATIVE_SCHEDULERS,
  NFT_TABLE,
  NftRefusedError,
  nftablesIssues,
  nftScheduler,
  renderFamily,
  type NftIssue,
  type NftLimitation,
} from './render.js';
export type { NftDocument, NftFamily } from './json.js';
