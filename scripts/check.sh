#!/usr/bin/env bash
# Every check and test of the repository, in the order CI runs them. Started by `npm test`
# (through scripts/toolchain.mjs, which puts Node >= 22 and pnpm first on PATH).
set -uo pipefail
cd "$(dirname "$0")/.."
mkdir -p artifacts
failed_stages=()
stage() {
  local name=$1; shift
  echo "::: $name"
  local t0=$SECONDS
  if "$@"; then echo "::: $name ok ($((SECONDS - t0)) s)"; else echo "::: $name FAILED ($((SECONDS - t0)) s)"; failed_stages+=("$name"); fi
}

stage install pnpm install --frozen-lockfile --reporter=append-only
stage native-addon pnpm --filter @weft/native run build:addon
stage build pnpm -r --filter './packages/*' run build
stage typecheck pnpm -r --filter './packages/*' --filter ./examples --filter ./bench run typecheck
stage lint pnpm exec biome check .
stage packaging node scripts/pack-test.mjs
# What a release would do (changeset version + pnpm publish -r), on a copy: nothing is published.
stage release-dry-run node scripts/release-dry-run.mjs
# Docs: relative links resolve and ```ts blocks compile; the API reference has TSDoc on every export
# and the committed docs/api/ is what it generates;
# docs/benchmarks.md is what the committed bench results generate.
stage docs-check node scripts/docs-check.mjs
stage api-docs node scripts/api-docs.mjs --check
stage bench-doc node scripts/bench-doc.mjs --check
# Tests run last so the summary line counts them; the JSON report is the source of the count.
stage tests pnpm exec vitest run --reporter=default --reporter=json --outputFile.json=artifacts/vitest.json
node scripts/summary.mjs artifacts/vitest.json "${failed_stages[@]}"
