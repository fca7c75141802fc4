#!/usr/bin/env bash
# Set up and start Kohtaamo with demo content: ./run.sh [extra `streamlit run` options]
#
# On a fresh machine with Python 3.11+ this creates .venv, installs the project, migrates
# the database (DATABASE_URL, default: SQLite file kohtaamo.db here), seeds the demo
# accounts trainee/trainee, mentor/mentor and admin/admin into an EMPTY database only
# (for local trying; never for real people), and serves the app on http://localhost:8501.
set -euo pipefail
cd "$(dirname "$0")"

. scripts/venv.sh
ensure_venv . .venv/.kohtaamo-installed "Kohtaamo"

export DATABASE_URL="${DATABASE_URL:-sqlite:///kohtaamo.db}"
echo "migrating the database ($DATABASE_URL)"
.venv/bin/simulator db upgrade
echo "seeding the demo accounts (only into an empty database)"
.venv/bin/simulator demo
port=8501
for arg in "$@"; do case "$arg" in --server.port=*) port="${arg#*=}" ;; esac; done
prev=""
for arg in "$@"; do [ "$prev" = "--server.port" ] && port="$arg"; prev="$arg"; done
echo "loading the scenarios and starting Kohtaamo at http://localhost:$port (Ctrl+C stops it)"

exec .venv/bin/streamlit run streamlit_app.py \
    --server.headless true \
    --browser.gatherUsageStats false \
    --client.toolbarMode minimal \
    "$@"
