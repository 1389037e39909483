// A well-formed plugin whose keyword is already taken: the registry ignores its claim, so it is
// never imported while another package provides DNS_CHECK.
import { defineChecker } from '@vigil/core/plugin';

export default defineChecker({
  keyword: 'DNS_CHECK',
  schema: {},
  create() {
    return {
      async check() {
        return { ok: true, detail: 'vigil-checker-dns-copy always says ok', latencyMs: 0 };
      },
    };
  },
});
