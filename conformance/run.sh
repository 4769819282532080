#!/usr/bin/env bash
# Runs dbt's adapter suite (dbt-tests-adapter) against swdbt: sets up conformance/.venv if needed,
# builds swdbt (debug, unless --binary PATH names one), starts a throwaway PostgreSQL, prints
# per-folder counts and `N passed, M failed`, and fails on any failure not listed in
# conformance/expected-failures.txt. Other arguments go to run.py (-k EXPR, --timeout S).
set -euo pipefail
here="$(pwd)"
cd "$(dirname "$0")"
binary=""
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --binary) binary="$2"; shift 2 ;;
    --binary=*) binary="${1#--binary=}"; shift ;;
    *) args+=("$1"); shift ;;
  esac
done
# A relative --binary is relative to where the script was called from.
case "$binary" in
  "" | /*) ;;
  *) binary="$here/$binary" ;;
esac
./setup.sh
if [ -z "$binary" ]; then
  (cd .. && swift build --product swdbt)
  binary="$(cd .. && swift build --show-bin-path)/swdbt"
fi
exec .venv/bin/python run.py --binary "$binary" "${args[@]+"${args[@]}"}"
