#!/usr/bin/env bash
# Creates bench/.venv with dbt-core and dbt-postgres from PyPI (git-ignored, for bench/compare).
# dbt-core's `dbt-core-experimental-parser` requirement cannot be built offline (its build
# downloads a binary) and only serves the optional --use-v2-parser, so the two wheels are
# installed without dependencies and their other requirements are installed from their metadata.
set -euo pipefail
cd "$(dirname "$0")"
venv=.venv
# Installed already when dbt's packages import (`dbt --version` would also ask PyPI).
if [ -x "$venv/bin/dbt" ] && "$venv/bin/python" -c "import dbt.adapters.postgres" 2>/dev/null; then
  exit 0
fi
python3 -m venv "$venv"
"$venv/bin/pip" install -q --upgrade pip
rm -rf "$venv/wheels"
"$venv/bin/pip" download -q --no-deps --only-binary=:all: -d "$venv/wheels" dbt-core dbt-postgres
"$venv/bin/pip" install -q --no-deps "$venv"/wheels/*.whl
mapfile -t requirements < <("$venv/bin/python" - <<'PY'
import importlib.metadata as metadata
for package in ("dbt-core", "dbt-postgres"):
    for requirement in metadata.requires(package) or []:
        if "extra ==" in requirement or requirement.startswith(("dbt-core-experimental-parser", "dbt-core ", "dbt-core>", "dbt-core<", "dbt-core=")):
            continue
        print(requirement)
PY
)
"$venv/bin/pip" install -q "${requirements[@]}" psycopg2-binary
DBT_SEND_ANONYMOUS_USAGE_STATS=false DO_NOT_TRACK=1 "$venv/bin/dbt" --version
