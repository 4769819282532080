#!/usr/bin/env bash
# Per-model overhead of `swdbt run` on N view models (default 1000), release build:
# swdbt's wall time minus the time spent waiting on the database (connecting, and inside its calls: PostgreSQL executing,
# round trip included), divided by N. Uses the generated project's embedded local cluster.
# usage: bench/run_overhead.sh [N]
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-1000}
swift build -c release --product swdbt >/dev/null
binary=$PWD/.build/release/swdbt
project=bench/out/run-$n
[ -f "$project/project.yml" ] || python3 bench/generate_project.py "$n" "$project" >/dev/null
"$binary" seed --project-dir "$project" >/dev/null 2>&1
printf '%-8s %-8s %-7s %9s %12s %13s %16s\n' models threads run wall_ms database_ms overhead_ms per_model_ms
for threads in 1 4; do
  for run in first again; do
    log=$(mktemp)
    start=$(date +%s%N)
    "$binary" run --project-dir "$project" --threads "$threads" --debug-timings >/dev/null 2>"$log"
    end=$(date +%s%N)
    wall=$(( (end - start) / 1000000 ))
    database=$(grep -o 'timing: database[^:]*: [0-9.]*ms' "$log" | grep -o '[0-9.]*ms' | tr -d 'ms')
    grep -q "ERROR=0" "$log" || { cat "$log"; exit 1; }
    # With several threads, database time overlaps: divide by the thread count it ran on.
    overhead=$(echo "$wall - $database / $threads" | bc -l)
    printf '%-8s %-8s %-7s %9d %12.1f %13.1f %16.2f\n' "$n" "$threads" "$run" "$wall" "$database" \
      "$overhead" "$(echo "$overhead / $n" | bc -l)"
    rm -f "$log"
  done
done
