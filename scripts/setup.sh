#!/usr/bin/env bash
# Prepares a fresh machine (Node 20 + npm only): the pinned pnpm, the workspace's dependencies and,
# for the browser tests, Debian's chromium, and for the proxy's shared-limit tests, Debian's redis-server.
# Safe to run again; does only what is missing.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

bash scripts/pnpm.sh install --frozen-lockfile --reporter=append-only

if [ "${DECART_SKIP_BROWSER:-}" != "1" ] && [ ! -x /usr/bin/chromium ]; then
  echo "Installing Debian's chromium for the browser tests…"
  sudo_cmd=""
  if [ "$(id -u)" != "0" ]; then sudo_cmd="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $sudo_cmd apt-get update -qq
  $sudo_cmd apt-get install -y -qq --no-install-recommends chromium >/dev/null
fi

if [ "${DECART_SKIP_REDIS:-}" != "1" ] && ! command -v redis-server >/dev/null; then
  echo "Installing Debian's redis-server for the proxy's shared-limit tests…"
  sudo_cmd=""
  if [ "$(id -u)" != "0" ]; then sudo_cmd="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $sudo_cmd apt-get update -qq
  $sudo_cmd apt-get install -y -qq --no-install-recommends redis-server >/dev/null
fi
