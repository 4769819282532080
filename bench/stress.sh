#!/usr/bin/env bash
# Stress checks (issue 16): re-runs with --threads 4 of a generated 200-model project over shared
# seeds, SIGKILL at random moments of a build then every relation checked, and the mutation
# fuzzer (bench/fuzz_mutations.py) over the warehouse. Prints
#   reruns: R runs, F failed (nodes failed: X)
#   sigkill: K kills, L relations lost
#   mutations: N mutations, M failed
#   P passed, Q failed
# and exits 1 when a figure is not 0. The work is in bench/stress.py (`--help` lists options).
# usage: bench/stress.sh [--quick] [--binary PATH] [--target URL] [--reruns R] [--kills K]
#                        [--mutations N] [--models N] [--seed S]
#   --quick: the short form CI runs (5 re-runs, 5 kills, 200 mutations on 100 models);
#   default: 30 re-runs, 50 kills, 3,000 mutations on 200 models.
#   Without --binary a release binary is built first, as the other bench scripts do.
set -euo pipefail
cd "$(dirname "$0")/.."
arguments=("$@")
has_binary=0
for argument in "${arguments[@]}"; do
  case $argument in --binary | --binary=*) has_binary=1 ;; esac
done
if [ "$has_binary" = 0 ]; then
  swift build -c release --product swdbt >/dev/null
  arguments+=(--binary "$PWD/.build/release/swdbt")
fi
exec python3 bench/stress.py "${arguments[@]}"
