#!/usr/bin/env bash
# Creates conformance/.venv (git-ignored) with dbt-core, dbt-postgres and dbt-tests-adapter from
# PyPI, the way bench/dbt_venv.sh makes its own (see there why), plus pytest.
set -euo pipefail
cd "$(dirname "$0")"
venv="$PWD/.venv"
# Installed already when the suite and dbt's postgres adapter import.
if [ -x "$venv/bin/pytest" ] && "$venv/bin/python" -c "import dbt.adapters.postgres, dbt.tests.util" 2>/dev/null; then
  exit 0
fi
../bench/dbt_venv.sh "$venv" dbt-tests-adapter >/dev/null
"$venv/bin/pip" install -q pytest pytest-timeout
"$venv/bin/python" -c "import dbt.adapters.postgres, dbt.tests.util"
