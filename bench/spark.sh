#!/usr/bin/env bash
# The same generated project built on PostgreSQL and on Spark: N layered view models (default
# 100, bench/generate_project.py) over base tables holding ROWS rows in all (default 1,000,000,
# generated in the engine by a dispatched macro: generate_series on PostgreSQL, range on
# Spark), each model with not_null and unique tests. Prints the build time on each engine,
# Spark's startup separately, and swdbt's own overhead per node on Spark (wall time minus the
# time the workers waited on the engine, as bench/run_overhead.sh computes it). Then tries
# dbt-spark (`method: session`, in bench/.venv-spark) on the same project.
# usage: bench/spark.sh [N] [ROWS] [--binary PATH] [--no-dbt]
# The binary is a Spark-trait build (default .build-spark/debug/swdbt: a debug build, so the
# overhead printed is an upper bound; `swift build -c release --scratch-path .build-spark
# --traits Spark` and --binary .build-spark/release/swdbt for release figures).
set -euo pipefail
cd "$(dirname "$0")/.."
n=100
rows=1000000
binary=$PWD/.build-spark/debug/swdbt
dbt=yes
positional=()
while [ $# -gt 0 ]; do
  case "$1" in
    --binary) binary=$(realpath "$2"); shift 2 ;;
    --no-dbt) dbt=no; shift ;;
    *) positional+=("$1"); shift ;;
  esac
done
[ ${#positional[@]} -gt 0 ] && n=${positional[0]}
[ ${#positional[@]} -gt 1 ] && rows=${positional[1]}
[ -x "$binary" ] || swift build --scratch-path .build-spark --traits Spark --product swdbt >/dev/null
project=bench/out/spark-$n-$rows
python3 bench/generate_project.py "$n" "$project" --schema bench_spark >/dev/null
python3 - "$project" "$rows" <<'PY'
import os, re, sys
project, rows = sys.argv[1], int(sys.argv[2])
seeds = sorted(f[:-4] for f in os.listdir(f"{project}/seeds") if f.endswith(".csv"))
per = max(1, rows // len(seeds))
for name in seeds:
    os.remove(f"{project}/seeds/{name}.csv")
    index = int(name.split("_")[1])
    with open(f"{project}/models/{name}.sql", "w") as f:
        f.write("{{ config(materialized='table') }}\n"
                f"select id, (id * 7 + {index}) % 1000 as amount from ({{{{ numbers({per}) }}}}) as n\n")
with open(f"{project}/macros/numbers.sql", "w") as f:
    f.write("{% macro numbers(count) %}{{ return(adapter.dispatch('numbers')(count)) }}{% endmacro %}\n"
            "{% macro postgres__numbers(count) %}select g as id from generate_series(1, {{ count }}) as g{% endmacro %}\n"
            "{% macro spark__numbers(count) %}select id from range(1, {{ count }} + 1){% endmacro %}\n")
text = open(f"{project}/project.yml").read()
text = text.replace("targets:\n", "targets:\n  spark: {type: spark, method: connect, host: localhost, "
                    "port: 15002, schema: bench_spark, threads: 4}\n", 1)
open(f"{project}/project.yml", "w").write(text)
profiles = open(f"{project}/profiles.yml").read()
profiles += ("    spark:\n      type: spark\n      method: session\n      host: NA\n"
             "      schema: bench_dbt_spark\n      threads: 4\n")
open(f"{project}/profiles.yml", "w").write(profiles)
PY
nodes=$(find "$project/models" -name '*.sql' | wc -l)
echo "project: $n models + $(( nodes - n )) base tables over $rows rows, with not_null and unique tests"

timed_build() { # target log -> prints seconds
  local start end
  start=$(date +%s.%N)
  "$binary" build --project-dir "$project" --target "$1" --debug-timings >"$2" 2>&1 || {
    tail -20 "$2" >&2
    return 1
  }
  end=$(date +%s.%N)
  echo "$end - $start" | bc -l
}

"$binary" local start --project-dir "$project" >/dev/null
postgres=$(timed_build local "$project/postgres.log")
printf '%-34s %8.1f s   %s\n' "PostgreSQL build" "$postgres" "$(grep -m1 '^Done' "$project/postgres.log")"

if scripts/spark-local.sh status >/dev/null 2>&1; then
  echo "Spark startup                      (already running; stop it to measure)"
else
  start=$(date +%s.%N)
  scripts/spark-local.sh start >/dev/null
  printf '%-34s %8.1f s\n' "Spark startup (local[2])" "$(echo "$(date +%s.%N) - $start" | bc -l)"
fi
spark=$(timed_build spark "$project/spark.log")
printf '%-34s %8.1f s   %s\n' "Spark build" "$spark" "$(grep -m1 '^Done' "$project/spark.log")"
# The overhead on one thread, where wall time minus engine time is exact: the models again.
start=$(date +%s%N)
"$binary" run --project-dir "$project" --target spark --threads 1 --debug-timings \
  >"$project/spark-run.log" 2>&1
wall=$(( ($(date +%s%N) - start) / 1000000 ))
ran=$(grep -o 'PASS=[0-9]*' "$project/spark-run.log" | tr -d 'PASS=')
database=$(grep -o 'timing: database[^:]*: [0-9.]*ms' "$project/spark-run.log" | grep -o '[0-9.]*ms' | tr -d 'ms')
printf '%-34s %8.2f ms  (run --threads 1 of %d models: wall %d ms, waiting on Spark %.0f ms)\n' \
  "swdbt overhead per node on Spark" "$(echo "($wall - $database) / $ran" | bc -l)" "$ran" \
  "$wall" "$database"

[ "$dbt" = yes ] || exit 0
venv=bench/.venv-spark
if ! "$venv/bin/python" -c "import dbt.adapters.spark, pyspark" 2>/dev/null; then
  # dbt-core's wheels without their unbuildable offline requirement (see bench/dbt_venv.sh);
  # the session method needs pyspark, taken from scripts/spark-local.sh's venv when there.
  { bash bench/dbt_venv.sh .venv-spark dbt-spark \
      && { "$venv/bin/python" -c "import pyspark" 2>/dev/null \
        || "$venv/bin/pip" install -q "pyspark==4.3.0"; }; } >"$project/dbt-install.log" 2>&1 || {
    echo "dbt-spark: could not install dbt-spark with pyspark (see $project/dbt-install.log)"
    exit 0
  }
fi
# method: session runs Spark inside dbt's own process: it needs the Spark Connect server's
# Derby metastore free, so the server is stopped for it.
scripts/spark-local.sh stop >/dev/null
start=$(date +%s.%N)
if (cd "$project" && ../../../"$venv"/bin/dbt build --profiles-dir . --target spark >dbt-spark.log 2>&1); then
  printf '%-34s %8.1f s   (session method, Spark started inside dbt)\n' "dbt-spark build" \
    "$(echo "$(date +%s.%N) - $start" | bc -l)"
else
  echo "dbt-spark build failed: $(grep -m1 -iE 'error|exception' "$project/dbt-spark.log" || tail -1 "$project/dbt-spark.log")"
fi
