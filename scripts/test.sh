#!/usr/bin/env bash
# Run the tests on a fresh machine: venv, install, then pytest on SQLite and on PostgreSQL
# (TEST_DATABASE_URL, default the local `test` database). With CI=true an unreachable
# PostgreSQL fails the run instead of skipping it. Extra arguments go to pytest.
source "$(dirname "$0")/_venv.sh" requirements-dev.txt
source "$(dirname "$0")/_tools.sh"  # chromium, node packages of tools/ and sdk/
export TEST_DATABASE_URL="${TEST_DATABASE_URL:-postgresql+psycopg://postgres@127.0.0.1:5432/test}"
status=0
echo "==> pytest on SQLite"
TEST_DB=sqlite python -m pytest "$@" || status=$?
echo "==> pytest on PostgreSQL ($TEST_DATABASE_URL)"
TEST_DB=postgresql python -m pytest "$@" || status=$?
exit $status
