#!/usr/bin/env bash
# Times `swdbt snapshot` and `dbt snapshot` on the same source table of N rows (default
# 1,000,000) in the same embedded server: the first snapshot, then ROUNDS rounds (default 3)
# that each change 1% of the rows (a new e-mail and a later updated_at) and run both.
# usage: bench/snapshot.sh [ROWS]   (STRATEGY=check compares columns instead of updated_at;
# dbt comes from bench/dbt_venv.sh, or DBT=path/to/dbt; SWDBT=path/to/swdbt skips the release
# build)
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-1000000}
rounds=${ROUNDS:-3}
strategy=${STRATEGY:-timestamp}
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
root=$PWD/bench/out/snapshot-$rows
rm -rf "$root/swdbt" "$root/dbt"
if [ "$strategy" = check ]; then
  config="strategy='check', check_cols=['email', 'country']"
else
  config="strategy='timestamp', updated_at='updated_at'"
fi
for tool in swdbt dbt; do
  mkdir -p "$root/$tool/snapshots" "$root/$tool/models"
  cat >"$root/$tool/snapshots/customers.sql" <<SQL
{% snapshot customers_history %}
{{ config(target_schema='snap_$tool', unique_key='id', $config) }}
select * from {{ source('bench', 'snap_source') }}
{% endsnapshot %}
SQL
  printf 'version: 2\nsources:\n  - name: bench\n    schema: public\n    tables: [{name: snap_source}]\n' \
    >"$root/$tool/models/sources.yml"
done
printf 'name: snapbench\n' >"$root/swdbt/project.yml"
"$binary" local start --project-dir "$root/swdbt" >/dev/null
socket=$("$binary" debug --project-dir "$root/swdbt" | sed -n 's/^connection: .*host=\([^ ]*\).*/\1/p')
printf 'name: snapbench\nprofile: snapbench\nconfig-version: 2\n' >"$root/dbt/dbt_project.yml"
cat >"$root/dbt/profiles.yml" <<YAML
snapbench:
  target: bench
  outputs:
    bench:
      type: postgres
      host: $socket
      port: 5432
      user: swdbt
      password: ""
      dbname: postgres
      schema: snap_dbt
      threads: 1
YAML
psql_cmd=(psql -X -q -h "$socket" -U swdbt -d postgres -v ON_ERROR_STOP=1)
"${psql_cmd[@]}" <<SQL
drop schema if exists snap_swdbt cascade;
drop schema if exists snap_dbt cascade;
create schema snap_swdbt;
create schema snap_dbt;
drop table if exists public.snap_source;
create table public.snap_source as
select i as id, 'user' || i || '@example.com' as email,
  (array['DE', 'FR', 'NL', 'SE'])[1 + i % 4] as country,
  timestamp '2024-01-01' + i * interval '1 second' as updated_at
from generate_series(1, $rows) as i;
alter table public.snap_source add primary key (id);
analyze public.snap_source;
SQL
export DBT_SEND_ANONYMOUS_USAGE_STATS=false DO_NOT_TRACK=1
run_swdbt() { "$binary" snapshot --project-dir "$root/swdbt" >/dev/null 2>&1; }
run_dbt() {
  "$dbt" snapshot --project-dir "$root/dbt" --profiles-dir "$root/dbt" >/dev/null 2>&1
}
seconds() {
  local start end
  start=$(date +%s%N)
  "$@"
  end=$(date +%s%N)
  echo "$(( (end - start) / 1000000 ))"
}
printf 'rows=%s strategy=%s\n' "$rows" "$strategy"
printf '%-8s %10s %10s %8s\n' round swdbt_s dbt_s ratio
total_swdbt=0
total_dbt=0
for round in $(seq 0 "$rounds"); do
  if [ "$round" -gt 0 ]; then
    "${psql_cmd[@]}" -c "update public.snap_source set email = email || '.$round', \
      updated_at = updated_at + interval '1 day' where id % 100 = $round"
  fi
  swdbt_ms=$(seconds run_swdbt)
  dbt_ms=$(seconds run_dbt)
  label=$([ "$round" -eq 0 ] && echo first || echo "$round")
  printf '%-8s %10.2f %10.2f %8.2f\n' "$label" "$(echo "$swdbt_ms / 1000" | bc -l)" \
    "$(echo "$dbt_ms / 1000" | bc -l)" "$(echo "$dbt_ms / $swdbt_ms" | bc -l)"
  if [ "$round" -gt 0 ]; then
    total_swdbt=$((total_swdbt + swdbt_ms))
    total_dbt=$((total_dbt + dbt_ms))
  fi
done
# The figure to quote: dbt's time over swdbt's for the rounds with 1% changed.
printf '%-8s %10.2f %10.2f %8.2f\n' changed "$(echo "$total_swdbt / 1000" | bc -l)" \
  "$(echo "$total_dbt / 1000" | bc -l)" "$(echo "$total_dbt / $total_swdbt" | bc -l)"
# Both tables must hold the same history.
for tool in swdbt dbt; do
  "${psql_cmd[@]}" -At -c "select '$tool', count(*), count(dbt_valid_to), \
    count(*) filter (where dbt_valid_to is null) from snap_$tool.customers_history"
done
