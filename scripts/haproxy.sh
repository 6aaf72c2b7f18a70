#!/usr/bin/env bash
# HAProxy for `make cluster` and the cluster test: installed from Debian's packages when
# missing (as scripts/pg.sh does for PostgreSQL). Prints the binary's path.
set -euo pipefail
bin=$(command -v haproxy || ls /usr/sbin/haproxy 2>/dev/null || true)
if [ -z "$bin" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "HAProxy not found: installing haproxy from Debian's packages" >&2
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq haproxy) >&2
    bin=$(command -v haproxy || echo /usr/sbin/haproxy)
  else
    echo "HAProxy is not installed and cannot be installed here (need root and apt-get)" >&2
    exit 1
  fi
fi
echo "$bin"
