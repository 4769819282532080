#!/usr/bin/env bash
# Creates a virtual environment (default bench/.venv, git-ignored) with dbt-core and dbt-postgres
# from PyPI, plus any further packages named (conformance/setup.sh adds dbt-tests-adapter):
#   bench/dbt_venv.sh [VENV [PACKAGE ...]]
# dbt-core's `dbt-core-experimental-parser` requirement cannot be built offline (its build
# downloads a binary) and only serves the optional --use-v2-parser, so the wheels are installed
# without dependencies and their other requirements are installed from their metadata.
set -euo pipefail
cd "$(dirname "$0")"
venv="${1:-.venv}"
extra=("${@:2}")
# Installed already when dbt's packages import (`dbt --version` would also ask PyPI); a caller
# that names further packages checks for them itself.
if [ ${#extra[@]} -eq 0 ] && [ -x "$venv/bin/dbt" ] \
  && "$venv/bin/python" -c "import dbt.adapters.postgres" 2>/dev/null; then
  exit 0
fi
python3 -m venv "$venv"
"$venv/bin/pip" install -q --upgrade pip
rm -rf "$venv/wheels"
"$venv/bin/pip" download -q --no-deps --only-binary=:all: -d "$venv/wheels" \
  dbt-core dbt-postgres "${extra[@]+"${extra[@]}"}"
"$venv/bin/pip" install -q --no-deps "$venv"/wheels/*.whl
mapfile -t requirements < <("$venv/bin/python" - dbt-core dbt-postgres "${extra[@]+"${extra[@]}"}" <<'PY'
import importlib.metadata as metadata
import sys
ours = sys.argv[1:]
for package in ours:
    for requirement in metadata.requires(package) or []:
        name = requirement.split(";")[0].strip()
        if "extra ==" in requirement or name.startswith("dbt-core-experimental-parser"):
            continue
        if any(name == p or name.startswith(p + suffix) for p in ours for suffix in " <>=!~["):
            continue
        print(requirement)
PY
)
"$venv/bin/pip" install -q "${requirements[@]}" psycopg2-binary
DBT_SEND_ANONYMOUS_USAGE_STATS=false DO_NOT_TRACK=1 "$venv/bin/dbt" --version
