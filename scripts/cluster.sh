#!/usr/bin/env bash
# `make cluster`: REPLICAS servers behind HAProxy on PostgreSQL.
# With DATABASE_URL set (postgresql+psycopg://...), that database is used; without it, a
# throwaway PostgreSQL is started in a temporary folder (scripts/pg.sh) with the demo
# organisation, and removed when you stop the cluster (Ctrl-C).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
bash scripts/haproxy.sh >/dev/null
if [ -z "${DATABASE_URL:-}" ]; then
  PGDIR=$(mktemp -d /tmp/relais-cluster-pg.XXXXXX)
  trap 'bash scripts/pg.sh stop "$PGDIR"' EXIT
  DATABASE_URL=$(bash scripts/pg.sh start "$PGDIR")
  export DATABASE_URL
  echo "throwaway PostgreSQL for this cluster: $DATABASE_URL (deleted at exit)"
fi
# badges (the demo's included) name the proxy's address for their revocation list
host=${ADDRESS:-127.0.0.1}; [ "$host" = 0.0.0.0 ] && host=127.0.0.1
export RELAIS_PUBLIC_URL="${RELAIS_PUBLIC_URL:-http://$host:${PORT:-8500}}"
$PY manage.py migrate
$PY manage.py ensure-secrets
$PY manage.py demo --if-empty
$PY manage.py serve --replicas "${REPLICAS:-2}" --port "${PORT:-8500}" --address "${ADDRESS:-127.0.0.1}"
