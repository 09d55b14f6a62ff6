#!/usr/bin/env bash
# Prepares a fresh machine (Node 20 + npm only): the pinned pnpm, the workspace's dependencies and the
# Debian packages the tests use: chromium for the browser tests, redis-server for the proxy's shared
# limits and the queue's worker fleet. Safe to run again; does only what is missing.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

bash scripts/pnpm.sh install --frozen-lockfile --reporter=append-only

missing=()
if [ "${DECART_SKIP_BROWSER:-}" != "1" ] && [ ! -x /usr/bin/chromium ]; then missing+=(chromium); fi
if [ "${DECART_SKIP_REDIS:-}" != "1" ] && ! command -v redis-server >/dev/null; then missing+=(redis-server); fi
if [ "${#missing[@]}" -gt 0 ]; then
  echo "Installing Debian's ${missing[*]} for the tests…"
  sudo_cmd=""
  if [ "$(id -u)" != "0" ]; then sudo_cmd="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $sudo_cmd apt-get update -qq
  $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
