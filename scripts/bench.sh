#!/usr/bin/env bash
# Every benchmark (`make bench`), with a throwaway PostgreSQL for the figures measured on it.
set -uo pipefail
cd "$(dirname "$0")/.."
PGDIR=$(mktemp -d /tmp/relais-pg.XXXXXX)
trap 'bash scripts/pg.sh stop "$PGDIR"' EXIT
if url=$(bash scripts/pg.sh start "$PGDIR"); then
  export RELAIS_TEST_PG_URL="$url"
else
  echo "# PostgreSQL could not start: PostgreSQL figures will be missing" >&2
fi
.venv/bin/python bench/run.py "$@"
