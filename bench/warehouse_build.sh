#!/usr/bin/env bash
# Builds the warehouse on a generated dataset of N orders and prints how long each step took.
# usage: bench/warehouse_build.sh [ORDERS]   (default 1000000)
# The project (a copy of the repository's models, macros, tests and project.yml with generated
# seeds) goes to bench/out/shop-ORDERS and runs on its own embedded PostgreSQL cluster.
set -euo pipefail
cd "$(dirname "$0")/.."
orders=${1:-1000000}
project=bench/out/shop-$orders
swift build -c release --product swdbt >/dev/null
binary=$PWD/.build/release/swdbt
mkdir -p "$project"
rm -rf "$project/models" "$project/macros" "$project/tests-sql" "$project/target"
cp -r models macros tests-sql project.yml "$project/"
if [ ! -f "$project/seeds/raw_orders.csv" ] || [ "$(cat "$project/.orders" 2>/dev/null)" != "$orders" ]; then
  rm -rf "$project/seeds"
  mkdir -p "$project/seeds"
  cp -r seeds/reference seeds/_seeds.yml "$project/seeds/"
  python3 scripts/generate_shop.py --orders "$orders" --out "$project"
  echo "$orders" >"$project/.orders"
fi
"$binary" local start --project-dir "$project" >/dev/null
du -sh "$project/seeds" | awk '{print "raw data: " $1}'
step() {
  local name=$1
  shift
  local start end
  start=$(date +%s.%N)
  "$binary" "$@" --project-dir "$project" >"$project/$name.log" 2>&1 || {
    tail -30 "$project/$name.log"
    exit 1
  }
  end=$(date +%s.%N)
  printf '%-28s %8.1f s   %s\n' "$name" "$(echo "$end - $start" | bc -l)" "$(tail -1 "$project/$name.log")"
}
step "seed" seed --full-refresh
step "run (full refresh)" run --full-refresh
step "test" test
step "run (incremental)" run
step "build (full refresh)" build --full-refresh
