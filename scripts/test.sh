#!/usr/bin/env bash
# The whole suite: starts a throwaway PostgreSQL, makes sure Chromium is there,
# runs pytest, and fails when anything failed or when no test ran.
set -uo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
mkdir -p test-artifacts

if ! bash scripts/ensure_chromium.sh; then
  echo "!!! Chromium unavailable: browser tests cannot run" >&2
  [ "${CI:-}" = true ] && exit 1
fi

if ! bash scripts/haproxy.sh >/dev/null; then
  echo "!!! HAProxy unavailable: the cluster tests will FAIL" >&2
fi

PGDIR=$(mktemp -d /tmp/relais-pg.XXXXXX)
trap 'bash scripts/pg.sh stop "$PGDIR"' EXIT
if url=$(bash scripts/pg.sh start "$PGDIR"); then
  export RELAIS_TEST_PG_URL="$url"
  echo "PostgreSQL for tests: $url"
else
  echo "!!! PostgreSQL could not start: the PostgreSQL tests will FAIL (see above)" >&2
  export RELAIS_TEST_PG_URL="unavailable"
fi

# Two workers by default (RELAIS_TEST_WORKERS=0 runs in this process, e.g. for pdb).
# The work units (a module, or the groups of servers and browsers) are in tests/conftest.py.
# A worker that dies (a crash in native code) fails the run at once: pytest-xdist 3.8 can wait
# forever after replacing a crashed worker when tests are grouped as here (its issue #1378).
# The whole run is bounded too, far below CI's limit, so a hang can never use it all.
workers=${RELAIS_TEST_WORKERS:-2}
fg=(); [ -t 0 ] && fg=(--foreground)  # at a terminal, pdb still reads the keyboard
timeout "${fg[@]}" --kill-after=60 "${RELAIS_TEST_TIMEOUT:-3000}" \
  $PY -m pytest -n "$workers" --max-worker-restart=0 "$@"
status=$?
if [ $status -eq 124 ] || [ $status -eq 137 ]; then
  echo "!!! the suite ran past ${RELAIS_TEST_TIMEOUT:-3000} s and was stopped: failing" >&2
  exit 1
fi
if [ $status -eq 5 ]; then
  echo "!!! pytest collected no test: failing" >&2
  exit 1
fi
exit $status
