#!/usr/bin/env bash
# Set up and run the whole test suite: ./test.sh [pytest options]
#
# Creates .venv, installs the project with its test extras, runs the static checks
# (scripts/checks.sh: ruff, import-linter, mypy; KOHTAAMO_SKIP_CHECKS=1 skips them for a
# quick local run) and then pytest; the run fails if either fails. PostgreSQL
# cases run when a server answers at KOHTAAMO_TEST_PG_URL (default 127.0.0.1:5432) and
# skip visibly otherwise; the browser test needs /usr/bin/chromium (Debian's `chromium`).
set -euo pipefail
cd "$(dirname "$0")"

. scripts/venv.sh
ensure_venv '.[test]' .venv/.kohtaamo-test-installed "Kohtaamo with test extras"

checks=0
if [ "${KOHTAAMO_SKIP_CHECKS:-}" != "1" ]; then
    set +e
    scripts/checks.sh
    checks=$?
    set -e
fi

set +e
.venv/bin/python -m pytest "$@"
status=$?
set -e
if [ "$status" -eq 5 ]; then
    echo "pytest collected no tests: treating that as a failure" >&2
    status=1
fi
if [ "$checks" -ne 0 ]; then
    echo "FAILED: the static checks (scripts/checks.sh) failed; see the summary above pytest's output" >&2
    [ "$status" -eq 0 ] && status=1
fi
exit "$status"
