#!/usr/bin/env bash
# Loads a generated CSV of N rows (default 1,000,000) with `swdbt seed` and with `psql \copy`
# into the same server, in the same run, and prints both times and their ratio.
# usage: bench/seed_load.sh [ROWS]
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-1000000}
swift build -c release --product swdbt >/dev/null
binary=$PWD/.build/release/swdbt
project=bench/out/seed-$rows
if [ ! -f "$project/seeds/big_orders.csv" ]; then
  mkdir -p "$project/seeds"
  printf 'name: seedbench\n' >"$project/project.yml"
  python3 - "$rows" "$project/seeds/big_orders.csv" <<'PY'
import random, sys
rows, path = int(sys.argv[1]), sys.argv[2]
rng = random.Random(7)
statuses = ["completed", "shipped", "cancelled", "returned"]
with open(path, "w") as out:
    out.write("order_id,customer_id,amount,status,ordered_at,is_gift,note\n")
    for i in range(1, rows + 1):
        note = '"gift, wrapped"' if i % 50 == 0 else ""
        out.write(f"{i},{rng.randint(1, 50000)},{rng.randint(100, 99999) / 100},"
                  f"{statuses[i % 4]},2024-{1 + i % 12:02d}-{1 + i % 28:02d},"
                  f"{'true' if i % 7 == 0 else 'false'},{note}\n")
PY
fi
"$binary" local start --project-dir "$project" >/dev/null
socket=$("$binary" debug --project-dir "$project" | sed -n 's/^connection: .*host=\([^ ]*\).*/\1/p')
psql_cmd=(psql -X -q -h "$socket" -U swdbt -d postgres -v ON_ERROR_STOP=1)
size=$(du -m "$project/seeds/big_orders.csv" | cut -f1)
printf 'rows=%s file=%sMB\n' "$rows" "$size"
printf '%-6s %12s %12s %8s\n' round swdbt_s psql_s ratio
rounds=${ROUNDS:-5}
total_swdbt=0
total_psql=0
for round in $(seq "$rounds"); do
  start=$(date +%s%N)
  "$binary" seed --project-dir "$project" >/dev/null 2>&1
  end=$(date +%s%N)
  swdbt_ms=$(( (end - start) / 1000000 ))
  start=$(date +%s%N)
  "${psql_cmd[@]}" <<SQL
begin;
drop table if exists public.psql_orders;
create table public.psql_orders (order_id integer, customer_id integer, amount numeric,
  status text, ordered_at date, is_gift boolean, note text);
\copy public.psql_orders from '$project/seeds/big_orders.csv' with (format csv, header true)
commit;
SQL
  end=$(date +%s%N)
  psql_ms=$(( (end - start) / 1000000 ))
  printf '%-6s %12.2f %12.2f %8.2f\n' "$round" "$(echo "$swdbt_ms / 1000" | bc -l)" \
    "$(echo "$psql_ms / 1000" | bc -l)" "$(echo "$swdbt_ms / $psql_ms" | bc -l)"
  total_swdbt=$((total_swdbt + swdbt_ms))
  total_psql=$((total_psql + psql_ms))
done
# Single rounds vary by +-20% with the disk; the ratio of the totals is the figure to quote.
printf '%-6s %12.2f %12.2f %8.2f\n' total "$(echo "$total_swdbt / 1000" | bc -l)" \
  "$(echo "$total_psql / 1000" | bc -l)" "$(echo "$total_swdbt / $total_psql" | bc -l)"
count=$("${psql_cmd[@]}" -At -c 'select count(*) from public.big_orders')
[ "$count" = "$rows" ] || { echo "swdbt loaded $count rows, expected $rows"; exit 1; }
