#!/usr/bin/env bash
# swdbt query vs MetricFlow (`mf query`, dbt-metricflow from PyPI) on the warehouse's semantic
# layer: the same requests, rows compared, both tools' times printed.
#   bench/metricflow.sh [REPS]   (default 3 runs of each request per tool, alternating)
# swdbt builds the warehouse into a schema of the embedded cluster; a dbt project holding the
# star schema's YAML (its semantic models and metrics) with stub SQL is parsed by dbt-core, so
# that `mf query` reads the very tables swdbt built (dbt's relation names are the same).
set -euo pipefail
cd "$(dirname "$0")/.."
reps=${1:-3}
venv=bench/.venv
bash bench/dbt_venv.sh >/dev/null  # creates bench/.venv
if [ ! -x "$venv/bin/mf" ]; then
  # As PEERS.md found: dbt-metricflow without dependencies, then its few missing requirements.
  "$venv/bin/pip" install -q --no-deps dbt-metricflow
  "$venv/bin/pip" install -q halo "update-checker>=0.18,<0.19"
fi
swift build -c release --product swdbt >/dev/null
exec "$venv/bin/python" bench/metricflow_compare.py --reps "$reps"
