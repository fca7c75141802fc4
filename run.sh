#!/usr/bin/env bash
# Set up and start Kohtaamo with demo content: ./run.sh [extra `streamlit run` options]
#
# On a fresh machine with Python 3.11+ this creates .venv, installs the project, migrates
# the database (DATABASE_URL, default: SQLite file kohtaamo.db here), seeds the demo
# accounts trainee/trainee, mentor/mentor and admin/admin into an EMPTY database only
# (for local trying; never for real people), and serves the app on http://localhost:8501.
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
# Reinstall only when the project's metadata changed since the last install.
stamp=.venv/.kohtaamo-installed
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
    echo "installing Kohtaamo into .venv"
    .venv/bin/python -m pip install --quiet --disable-pip-version-check -e .
    touch "$stamp"
fi

export DATABASE_URL="${DATABASE_URL:-sqlite:///kohtaamo.db}"
.venv/bin/simulator db upgrade
.venv/bin/simulator demo

exec .venv/bin/streamlit run streamlit_app.py \
    --server.headless true \
    --browser.gatherUsageStats false \
    --client.toolbarMode minimal \
    "$@"
