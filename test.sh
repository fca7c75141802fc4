#!/usr/bin/env bash
# Set up and run the whole test suite: ./test.sh [pytest options]
#
# Creates .venv, installs the project with its test extras and runs pytest. PostgreSQL
# cases run when a server answers at KOHTAAMO_TEST_PG_URL (default 127.0.0.1:5432) and
# skip visibly otherwise; the browser test needs /usr/bin/chromium (Debian's `chromium`).
set -euo pipefail
cd "$(dirname "$0")"

. scripts/venv.sh
ensure_venv '.[test]' .venv/.kohtaamo-test-installed "Kohtaamo with test extras"

set +e
.venv/bin/python -m pytest "$@"
status=$?
set -e
if [ "$status" -eq 5 ]; then
    echo "pytest collected no tests: treating that as a failure" >&2
    exit 1
fi
exit "$status"
