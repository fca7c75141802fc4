# Sourced by run.sh and test.sh (from the repository root): make .venv with Python 3.11+
# and install Kohtaamo into it, again only when pyproject.toml changed since the last time.
#
#   ensure_venv SPEC STAMP WHAT   e.g. ensure_venv '.[test]' .venv/.kohtaamo-test-installed "Kohtaamo with test extras"

ensure_venv() {
    local spec="$1" stamp="$2" what="$3"
    local python="${PYTHON:-python3}"
    if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
        echo "Kohtaamo needs Python 3.11 or newer (set PYTHON=/path/to/python3.11)" >&2
        exit 1
    fi
    if [ ! -x .venv/bin/python ]; then
        echo "[1/2] creating .venv (a private Python environment in this folder)"
        "$python" -m venv .venv
    fi
    if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
        # The first install downloads about 40 packages and takes 1-3 minutes: pip names each
        # one as it goes (one line per package), so the wait is visible.
        echo "[2/2] installing $what into .venv: 1-3 minutes the first time, one line per package"
        local started=$SECONDS
        .venv/bin/python -m pip install --disable-pip-version-check --progress-bar off -e "$spec" \
            | grep --line-buffered -E '^(Collecting|Successfully installed)' | sed -u 's/^/      /' || true
        if ! .venv/bin/python -c 'import simulator' 2>/dev/null; then
            echo "installing $what failed; run: .venv/bin/python -m pip install -e '$spec'" >&2
            exit 1
        fi
        echo "      done in $((SECONDS - started)) s"
        touch "$stamp"
    fi
}
