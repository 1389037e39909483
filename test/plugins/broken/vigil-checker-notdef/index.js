// The author forgot defineChecker(): a bare function is not a definition (no kind, keyword, schema).
export default async function check(target) {
  return { ok: true, detail: `checked ${target.address}`, latencyMs: 0 };
}
