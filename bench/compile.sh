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
# Old outputs are moved aside and deleted only after the last timed run. On ext4 without a
# journal (this machine's disk), the kernel skips inodes deleted in the last minutes when it
# allocates new ones, one by one: creating 30,000 files right after deleting 30,000 took
# 3.7-4.3 s instead of 0.9-1.1 s. Deleting between sizes would time that, not swdbt; so would
# running this script again within minutes of a previous run's deletion.
trash=$(mktemp -d bench/out/trash.XXXXXX)
trap 'rm -rf "$trash"' EXIT
for n in "${sizes[@]}"; do
  project=bench/out/compile-$n
  [ -f "$project/project.yml" ] || python3 bench/generate_project.py "$n" "$project" >/dev/null
  # Moved, not deleted (see above); a fresh clone has no old output either.
  [ ! -d "$project/target" ] || mv "$project/target" "$(mktemp -d "$trash/$n.XXXXXX")/"
  # cold: every file written; warm: nothing changed, nothing rewritten; changed: a var that
  # nine models in ten use through a macro changes, and their files are rewritten.
  for run in cold warm changed; do
    # The previous run's files are still being written back: flushed first, so each run
    # measures the compile, not the kernel's writeback of the one before.
    sync
    vars=()
    [ "$run" != changed ] || vars=(--vars '{multiplier: 3}')
    log=$(mktemp)
    /usr/bin/time -f '%e %M' -o "$log.time" "$binary" compile --project-dir "$project" "${vars[@]}" \
      2>"$log" >/dev/null
    read -r wall rss <"$log.time"
    written=$(grep -o '([0-9]* written' "$log" | tr -dc '0-9')
    printf '%-8s %-10s %10s %12.1f %14s\n' "$n" "$run" "$wall" "$(echo "$rss / 1024" | bc -l)" "$written"
    rm -f "$log" "$log.time"
  done
done
