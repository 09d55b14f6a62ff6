#!/usr/bin/env bash
# The demo (SPEC 8): on a fresh clone with only Node 20 and npm, installs what the demo needs, compiles it
# with the packages from their sources, then runs the notes' examples against an in-process emulator.
# The media lands in ./output.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
echo "› Installing the demo's dependencies…"
# Only what the demo runs: the emulator, the packages it uses and the root's tools (esbuild). `npm test`
# installs the whole workspace; the demo does not need its browsers, Redis or build tools.
bash scripts/pnpm.sh install --frozen-lockfile --filter "@decart/emulator..." --filter decart-sdk-monorepo \
  --reporter=silent
echo "› Compiling the demo from the sources…"
# Beside its source, so its native dependencies (sharp, ffmpeg) resolve from the emulator; removed afterwards.
trap 'rm -rf packages/emulator/.demo' EXIT
node scripts/demo-build.mjs
echo "› Running the demo…"
node packages/emulator/.demo/demo.js
