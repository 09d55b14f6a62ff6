#!/usr/bin/env bash
# Runs the pinned pnpm, installing it into .tools/ through npm on first use.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
version="$(node -p "require('$root/package.json').packageManager.split('@')[1]")"
bin="$root/.tools/node_modules/.bin/pnpm"
if [ ! -x "$bin" ] || [ "$("$bin" --version)" != "$version" ]; then
  npm install --prefix "$root/.tools" --no-save --no-audit --no-fund --loglevel=error "pnpm@$version" >&2
fi
# On PATH too, for tools that look for the package manager themselves (turbo, publint, attw --pack).
export PATH="$root/.tools/node_modules/.bin:$PATH"
exec "$bin" "$@"
