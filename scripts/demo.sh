#!/usr/bin/env bash
# `npm run demo`: installs, builds the packages (the native addon too when cargo is present) and runs
# the flagship demo on the embedded libsql file (.weft/weft.db) and the offline model.
set -euo pipefail
cd "$(dirname "$0")/.."
log=$(mktemp)
step() { if ! "$@" >"$log" 2>&1; then cat "$log"; echo "demo setup failed at: $*" >&2; exit 1; fi; }
echo "Setting up (install + build; the first run takes a minute)…"
step pnpm install --frozen-lockfile --reporter=append-only
step pnpm --filter @weft/native run build:addon
step pnpm -r --filter './packages/*' run build
rm -f "$log"
exec node examples/demo/main.ts "$@"
