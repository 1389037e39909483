#!/usr/bin/env bash
# The whole suite: peers, build, lint, typecheck, unit and integration tests.
set -euo pipefail
cd "$(dirname "$0")/.."

bash test/setup.sh
npm run build
npm run lint

mapfile -t files < <(find packages/*/dist/test test/dist -name '*.test.js' 2>/dev/null | sort)
if ((${#files[@]} == 0)); then
  echo "no test files found: was the build run?" >&2
  exit 1
fi
exec node --test --test-reporter=spec --test-timeout=600000 "${files[@]}"
