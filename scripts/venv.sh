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
        echo "creating .venv"
        "$python" -m venv .venv
    fi
    if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
        echo "installing $what into .venv"
        .venv/bin/python -m pip install --quiet --disable-pip-version-check -e "$spec"
        touch "$stamp"
    fi
}
