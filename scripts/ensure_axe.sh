#!/usr/bin/env bash
# axe-core for the accessibility audit, at the version pinned in
# tests/browser/axe/package-lock.json, fetched from the npm registry with npm ci.
# Debian's npm is installed when it is missing (as root), like Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v npm >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "npm not found: installing Debian's npm to fetch axe-core" >&2
    apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm >&2
  else
    echo "npm is missing: install Debian's 'npm' package (needed for axe-core)" >&2
    exit 1
  fi
fi
npm ci --prefix tests/browser/axe --no-audit --no-fund --loglevel=error
