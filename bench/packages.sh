#!/usr/bin/env bash
# Prints what installed packages add to `swdbt compile` of the warehouse (this repository's
# project): the median wall time of several warm compiles without and with the packages in
# `dbt_packages/`. Needs no network: pass the packages' folders (a `git archive` of
# dbt-utils, dbt-expectations, dbt-date, ...).
# usage: bench/packages.sh [--runs N] [--binary PATH] PACKAGE_DIR ...
set -euo pipefail
cd "$(dirname "$0")/.."
runs=9
binary=""
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs=$2; shift 2 ;;
    --binary) binary=$2; shift 2 ;;
    *) break ;;
  esac
done
[ $# -gt 0 ] || { echo "usage: bench/packages.sh [--runs N] [--binary PATH] PACKAGE_DIR ..." >&2; exit 2; }
if [ -z "$binary" ]; then
  swift build -c release --product swdbt >/dev/null
  binary=.build/release/swdbt
fi
binary=$(cd "$(dirname "$binary")" && pwd)/$(basename "$binary")
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
project=$scratch/warehouse
mkdir -p "$project"
# The committed warehouse, without this checkout's build products or outputs.
git archive HEAD -- project.yml models macros seeds tests-sql | tar -x -C "$project"

# Median wall time in milliseconds of `runs` compiles after one untimed run (warm outputs).
median_ms() {
  "$binary" compile --project-dir "$project" >/dev/null 2>"$scratch/log" \
    || { cat "$scratch/log" >&2; echo "compile failed" >&2; exit 1; }
  local times=()
  for _ in $(seq "$runs"); do
    local start end
    start=$(date +%s%N)
    "$binary" compile --project-dir "$project" >/dev/null 2>&1
    end=$(date +%s%N)
    times+=($(( (end - start) / 1000000 )))
  done
  printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'
}

without=$(median_ms)
mkdir -p "$project/dbt_packages"
for package in "$@"; do
  cp -R "$package" "$project/dbt_packages/$(basename "$package")"
done
with=$(median_ms)
# What the loader reads: each package's top-level models/ and macros/ (not integration_tests/).
count() { { find "$project"/dbt_packages/*/"$1" -name '*.sql' 2>/dev/null || true; } | wc -l; }
models=$(count models)
macros=$(count macros)
printf 'packages: %s (%s macro files, %s model files)\n' "$*" "$macros" "$models"
printf 'compile, median of %s: without %s ms, with %s ms, added %s ms\n' \
  "$runs" "$without" "$with" "$((with - without))"
