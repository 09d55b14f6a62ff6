#!/usr/bin/env bash
# The whole test suite: install, build, lint, the import rules (.dependency-cruiser.cjs), typecheck, every
# package's tests, the package checks (publint + are-the-types-wrong), the bundle budget and the demo. Ends with one line: "N passed, N failed".
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export TURBO_TELEMETRY_DISABLED=1 DO_NOT_TRACK=1 CI="${CI:-true}"

bash scripts/setup.sh || { echo "setup failed"; echo "0 passed, 1 failed"; exit 1; }
# The pinned pnpm on PATH too: publint and attw --pack call `pnpm pack` themselves.
export PATH="$root/.tools/node_modules/.bin:$PATH"
pnpm() { bash "$root/scripts/pnpm.sh" "$@"; }

checks_passed=0
checks_failed=0
check() { # name, command…
  local name="$1"; shift
  echo "::: $name"
  if "$@"; then checks_passed=$((checks_passed + 1)); else checks_failed=$((checks_failed + 1)); echo "FAILED: $name"; fi
}

rm -rf packages/*/.reports apps/*/.reports testing/*/.reports bench/.reports
check "build" pnpm exec turbo run build --output-logs=errors-only
check "lint" pnpm exec biome check .
check "imports (no cycles, rooms through their index)" pnpm run check:imports
check "typecheck" pnpm exec turbo run typecheck --output-logs=errors-only
check "package checks (publint, attw)" pnpm exec turbo run check:package --output-logs=errors-only
check "bundle budget" pnpm --filter @decart/bench run budget
demo_output="$(mktemp -d)"
check "the demo (npm run demo)" env DECART_DEMO_OUTPUT="$demo_output" bash scripts/demo.sh
rm -rf "$demo_output"
# One package suite at a time: the media and browser suites each use both cores of a small machine.
rm -rf .turbo/runs
pnpm exec turbo run test --continue --concurrency=1 --output-logs=full --summarize
tests_status=$?

totals=$(node scripts/test-totals.mjs "$checks_passed" "$checks_failed" "$tests_status")
echo "$totals"
case "$totals" in *" 0 failed") exit 0 ;; *) exit 1 ;; esac
