#!/usr/bin/env bash
# Set up and run the whole test suite: ./test.sh [pytest options]
#
# Creates .venv, installs the project with its test extras and runs pytest. PostgreSQL
# cases run when a server answers at KOHTAAMO_TEST_PG_URL (default 127.0.0.1:5432) and
# skip visibly otherwise; the browser test needs /usr/bin/chromium (Debian's `chromium`).
set -euo pipefail
cd "$(dirname "$0")"

PYTHON="${PYTHON:-python3}"
if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
    echo "Kohtaamo needs Python 3.11 or newer (set PYTHON=/path/to/python3.11)" >&2
    exit 1
fi

if [ ! -x .venv/bin/python ]; then
    echo "creating .venv"
    "$PYTHON" -m venv .venv
fi
stamp=.venv/.kohtaamo-test-installed
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
    echo "installing Kohtaamo with test extras into .venv"
    .venv/bin/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
    touch "$stamp"
fi

set +e
.venv/bin/python -m pytest "$@"
status=$?
set -e
if [ "$status" -eq 5 ]; then
    echo "pytest collected no tests: treating that as a failure" >&2
    exit 1
fi
exit "$status"
