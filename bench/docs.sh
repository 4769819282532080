#!/usr/bin/env bash
# Prints wall time, CPU time and peak memory of `swdbt docs generate` on generated projects
# (release build; target: under 2 s at 10,000 models), the size of the site's data (data.js,
# which the first paint reads, and the per-node files under data/, read when a node page opens),
# the site's time in headless Chromium from navigation until the whole lineage is drawn and the
# mean time of a pan's repaint, fitted and zoomed in to full size (targets: under 1 s and
# under 50 ms at 10,000), and, for
# comparison, how long Graphviz's `dot` takes to lay out the same lineage. The machine's load
# shows in the wall times: the CPU time says what the generation costs.
# usage: bench/docs.sh [N ...]   (default: 1000 10000; SKIP_DOT=1 skips Graphviz, which takes
# over 5 minutes at 10,000)
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1000 10000)
swift build -c release --product swdbt >/dev/null
binary=.build/release/swdbt
printf '%-7s %-15s %6s %7s %12s %11s %11s %-16s %-12s %-19s %6s\n' models 'generate_s(<2)' cpu_s rss_mb manifest_mb \
  data_js_mb details_mb 'drawn_ms(<1000)' 'pan_ms(<50)' 'zoomed_pan_ms(<50)' dot_s
for n in "${sizes[@]}"; do
  project=bench/out/compile-$n
  [ -f "$project/project.yml" ] || python3 bench/generate_project.py "$n" "$project" >/dev/null
  # The median of 5 runs: single runs on this machine vary by 20%.
  walls=()
  cpus=()
  for _ in 1 2 3 4 5; do
    /usr/bin/time -f '%e %U %S %M' -o /tmp/docs-bench.time "$binary" docs generate --empty-catalog \
      --project-dir "$project" >/dev/null 2>&1
    read -r one user system rss </tmp/docs-bench.time
    walls+=("$one")
    cpus+=("$(echo "$user + $system" | bc -l)")
  done
  wall=$(printf '%s\n' "${walls[@]}" | sort -n | sed -n 3p)
  cpu=$(printf '%s\n' "${cpus[@]}" | sort -n | sed -n 3p)
  megabytes() { printf '%.1f' "$(echo "$(du -cb "$@" | tail -1 | cut -f1) / 1048576" | bc -l)"; }
  manifest=$(megabytes "$project/target/manifest.json")
  data_js=$(megabytes "$project/target/docs/data.js")
  details=$(megabytes "$project/target/docs/data")
  # The page records both timings on <body> (`#graph?bench=1`); the median of 3 loads.
  drawn=()
  pans=()
  zoomed=()
  if command -v chromium >/dev/null; then
    for _ in 1 2 3; do
      dom=$(timeout 120 chromium --headless --no-sandbox --disable-gpu --window-size=1600,1000 \
        --dump-dom "file://$PWD/$project/target/docs/index.html#graph?bench=1" 2>/dev/null || true)
      drawn+=("$(echo "$dom" | grep -o 'data-drawn-ms="[0-9.]*"' | head -1 | grep -o '[0-9.]*' || echo -)")
      pans+=("$(echo "$dom" | grep -o 'data-pan-ms="[0-9.]*"' | head -1 | grep -o '[0-9.]*' || echo -)")
      zoomed+=("$(echo "$dom" | grep -o 'data-pan-zoomed-ms="[0-9.]*"' | head -1 | grep -o '[0-9.]*' || echo -)")
    done
  fi
  drawn_ms=$(printf '%s\n' "${drawn[@]:--}" | sort -n | sed -n 2p)
  pan_ms=$(printf '%s\n' "${pans[@]:--}" | sort -n | sed -n 2p)
  zoomed_ms=$(printf '%s\n' "${zoomed[@]:--}" | sort -n | sed -n 2p)
  dot_time="-"
  if [ "${SKIP_DOT:-0}" != 1 ] && command -v dot >/dev/null; then
    python3 - "$project/target/manifest.json" >/tmp/docs-bench.dot <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))
print("digraph lineage { rankdir=LR;")
for child, parents in m["parent_map"].items():
    if child.startswith("test."):
        continue
    for parent in parents:
        print(f'"{parent}" -> "{child}";')
print("}")
PY
    start=$(date +%s.%N)
    if timeout 300 dot -Tsvg /tmp/docs-bench.dot >/dev/null 2>&1; then
      dot_time=$(printf '%.1f' "$(echo "$(date +%s.%N) - $start" | bc -l)")
    else
      dot_time=">300"
    fi
  fi
  printf '%-7s %-15s %6.2f %7.0f %12s %11s %11s %-16s %-12s %-19s %6s\n' "$n" "$wall" "$cpu" \
    "$(echo "$rss / 1024" | bc -l)" "$manifest" "$data_js" "$details" "${drawn_ms:--}" "${pan_ms:--}" \
    "${zoomed_ms:--}" "$dot_time"
done
