#!/usr/bin/env bash
# Prints wall time and peak memory of `swdbt compile` on generated projects (release build).
# usage: bench/compile.sh [N ...]   (default: 1000 10000 100000)
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1000 10000 100000)
swift build -c release --product swdbt >/dev/null
binary=.build/release/swdbt
printf '%-8s %-10s %10s %12s %14s\n' models run wall_s peak_rss_mb "files_written"
for n in "${sizes[@]}"; do
  project=bench/out/compile-$n
  [ -f "$project/project.yml" ] || python3 bench/generate_project.py "$n" "$project" >/dev/null
  # The old output is moved aside, not deleted: deleting 30,000 files queues disk work that
  # would land inside the timed run. A fresh clone has no old output either.
  trash=$(mktemp -d bench/out/trash.XXXXXX)
  [ ! -d "$project/target" ] || mv "$project/target" "$trash/"
  sync
  # cold: every file written; warm: nothing changed, nothing rewritten.
  for run in cold warm; do
    # The cold run's 30,000 new files are still being written back: flushed first, so the
    # warm run measures the compile, not the kernel's writeback of the previous one.
    sync
    log=$(mktemp)
    /usr/bin/time -f '%e %M' -o "$log.time" "$binary" compile --project-dir "$project" 2>"$log" >/dev/null
    read -r wall rss <"$log.time"
    written=$(grep -o '([0-9]* written' "$log" | tr -dc '0-9')
    printf '%-8s %-10s %10s %12.1f %14s\n' "$n" "$run" "$wall" "$(echo "$rss / 1024" | bc -l)" "$written"
    rm -f "$log" "$log.time"
  done
  rm -rf "$trash"
done
