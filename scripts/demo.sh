#!/usr/bin/env bash
# The demo (SPEC 8): on a fresh clone with only Node 20 and npm, installs the workspace, builds the
# emulator and the packages it needs, then runs the notes' examples against an in-process emulator.
# The media lands in ./output.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export TURBO_TELEMETRY_DISABLED=1 DO_NOT_TRACK=1
# turbo looks for the package manager on PATH; scripts/pnpm.sh keeps the pinned one in .tools.
export PATH="$root/.tools/node_modules/.bin:$PATH"

echo "› Installing dependencies…"
DECART_SKIP_BROWSER=1 DECART_SKIP_REDIS=1 bash scripts/setup.sh >/dev/null
echo "› Building @decart/emulator and its dependencies…"
bash scripts/pnpm.sh exec turbo run build --filter=@decart/emulator... --output-logs=errors-only
echo "› Compiling the demo…"
# Compiled next to its source so it resolves the workspace packages by name; removed afterwards.
trap 'rm -rf packages/emulator/.demo' EXIT
bash scripts/pnpm.sh exec esbuild packages/emulator/scripts/demo.ts --bundle --platform=node --format=esm \
  --target=node20 --packages=external --log-level=warning --outfile=packages/emulator/.demo/demo.mjs
echo "› Running the demo…"
node packages/emulator/.demo/demo.mjs
