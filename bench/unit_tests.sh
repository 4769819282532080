#!/usr/bin/env bash
# Times `swdbt test` and `dbt test` on N unit tests (default 200), one per model, each model
# reading one upstream model, in the same embedded server. Both projects are built first
# (`run`), since dbt reads the input column types from the built relations; then only the unit
# tests run (`--select test_type:unit`), ROUNDS times (default 3), and the best time counts.
# usage: bench/unit_tests.sh [N]   (dbt comes from bench/dbt_venv.sh, or DBT=path/to/dbt;
# SWDBT=path/to/swdbt skips the release build)
set -euo pipefail
cd "$(dirname "$0")/.."
count=${1:-200}
rounds=${ROUNDS:-3}
if [ -n "${SWDBT:-}" ]; then
  binary=$SWDBT
else
  swift build -c release --product swdbt >/dev/null
  binary=$PWD/.build/release/swdbt
fi
if [ -n "${DBT:-}" ]; then
  dbt=$DBT
else
  bench/dbt_venv.sh >/dev/null
  dbt=$PWD/bench/.venv/bin/dbt
fi
root=$PWD/bench/out/unit-tests-$count
rm -rf "$root/swdbt" "$root/dbt"
for tool in swdbt dbt; do
  mkdir -p "$root/$tool/models"
  printf 'select 1 as id, 10.5::numeric as amount, %s::text as email\n' "'A@B.C'" \
    >"$root/$tool/models/base.sql"
  {
    echo "unit_tests:"
    for i in $(seq 1 "$count"); do
      printf "select id, lower(email) as email, amount * %s as amount from {{ ref('base') }}\n" \
        "$i" >"$root/$tool/models/m_$i.sql"
      cat <<YAML
  - name: t_$i
    model: m_$i
    given:
      - input: ref('base')
        rows:
          - {id: 1, email: X@Y.Z, amount: 2}
          - {id: 2, email: p@q.r, amount: 3}
    expect:
      rows:
        - {id: 1, email: x@y.z, amount: $((2 * i))}
        - {id: 2, email: p@q.r, amount: $((3 * i))}
YAML
    done
  } >"$root/$tool/models/unit_tests.yml"
done
printf 'name: unitbench\n' >"$root/swdbt/project.yml"
"$binary" local start --project-dir "$root/swdbt" >/dev/null
socket=$("$binary" debug --project-dir "$root/swdbt" | sed -n 's/^connection: .*host=\([^ ]*\).*/\1/p')
printf 'name: unitbench\nprofile: unitbench\nconfig-version: 2\n' >"$root/dbt/dbt_project.yml"
cat >"$root/dbt/profiles.yml" <<YAML
unitbench:
  target: bench
  outputs:
    bench:
      type: postgres
      host: $socket
      port: 5432
      user: swdbt
      password: ""
      dbname: postgres
      schema: unit_dbt
      threads: 4
YAML
export DBT_SEND_ANONYMOUS_USAGE_STATS=false DO_NOT_TRACK=1
"$binary" run --project-dir "$root/swdbt" >/dev/null 2>&1
"$dbt" run --project-dir "$root/dbt" --profiles-dir "$root/dbt" >/dev/null 2>&1
run_swdbt() { "$binary" test --select test_type:unit --project-dir "$root/swdbt" >/dev/null 2>&1; }
run_dbt() {
  "$dbt" test --select test_type:unit --project-dir "$root/dbt" --profiles-dir "$root/dbt" \
    >/dev/null 2>&1
}
# Each tool must pass every unit test (checked once here: `best` runs in a subshell, where
# `set -e` does not stop the script).
run_swdbt || { echo "swdbt test failed" >&2; exit 1; }
run_dbt || { echo "dbt test failed" >&2; exit 1; }
best() {
  local best_ms=0 start end ms
  for _ in $(seq 1 "$rounds"); do
    start=$(date +%s%N)
    "$@"
    end=$(date +%s%N)
    ms=$(( (end - start) / 1000000 ))
    if [ "$best_ms" -eq 0 ] || [ "$ms" -lt "$best_ms" ]; then best_ms=$ms; fi
  done
  echo "$best_ms"
}
swdbt_ms=$(best run_swdbt)
dbt_ms=$(best run_dbt)
printf 'unit tests=%s (best of %s)\n' "$count" "$rounds"
printf '%10s %10s %8s\n' swdbt_s dbt_s ratio
printf '%10.2f %10.2f %8.2f\n' "$(echo "$swdbt_ms / 1000" | bc -l)" \
  "$(echo "$dbt_ms / 1000" | bc -l)" "$(echo "$dbt_ms / $swdbt_ms" | bc -l)"
