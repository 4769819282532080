#!/usr/bin/env bash
# Creates conformance/.venv (git-ignored) with dbt-core, dbt-postgres and dbt-tests-adapter from PyPI.
# As in bench/dbt_venv.sh: dbt-core's `dbt-core-experimental-parser` requirement cannot be built
# offline (its build downloads a binary) and only serves the optional --use-v2-parser, so the
# wheels are installed without dependencies and their other requirements come from their metadata.
set -euo pipefail
cd "$(dirname "$0")"
venv=.venv
# Installed already when the suite and dbt's postgres adapter import.
if [ -x "$venv/bin/pytest" ] && "$venv/bin/python" -c "import dbt.adapters.postgres, dbt.tests.util" 2>/dev/null; then
  exit 0
fi
python3 -m venv "$venv"
"$venv/bin/pip" install -q --upgrade pip
rm -rf "$venv/wheels"
"$venv/bin/pip" download -q --no-deps --only-binary=:all: -d "$venv/wheels" \
  dbt-core dbt-postgres dbt-tests-adapter
"$venv/bin/pip" install -q --no-deps "$venv"/wheels/*.whl
mapfile -t requirements < <("$venv/bin/python" - <<'PY'
import importlib.metadata as metadata
ours = ("dbt-core", "dbt-postgres", "dbt-tests-adapter")
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
"$venv/bin/pip" install -q "${requirements[@]}" psycopg2-binary pytest pytest-timeout
"$venv/bin/python" -c "import dbt.adapters.postgres, dbt.tests.util"
