#!/usr/bin/env bash
# Static checks, run by ./test.sh before pytest (configured in pyproject.toml):
#   ruff          lint (pyflakes and pycodestyle rules)
#   import-linter the layer contracts: ui/cli -> service -> session -> rubric, engine
#                 -> language, store -> content; only simulator.ui imports streamlit;
#                 pages never import other pages (simulator.ui.components holds what they share)
#   mypy          strict type checking of simulator/
# Every check runs even when an earlier one fails; the summary names each that failed.
# Usage: scripts/checks.sh  (from the repository root, with .venv set up)
set -uo pipefail
cd "$(dirname "$0")/.."

failed=()
run_check() {
    local name="$1"
    shift
    echo "== check: $name"
    if "$@"; then
        echo "== check: $name passed"
    else
        echo "== check: $name FAILED" >&2
        failed+=("$name")
    fi
}

run_check ruff .venv/bin/ruff check simulator tests bench scripts streamlit_app.py
run_check import-linter .venv/bin/lint-imports --no-cache
run_check mypy .venv/bin/mypy

if [ "${#failed[@]}" -gt 0 ]; then
    echo "static checks FAILED: ${failed[*]} (see the output above each)" >&2
    exit 1
fi
echo "static checks passed: ruff, import-linter, mypy"
