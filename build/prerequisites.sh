#!/usr/bin/env bash
# Installs what the tests and benchmarks need beyond the .NET SDK. Idempotent; safe on a fresh machine.
set -euo pipefail
need=()
command -v curl >/dev/null 2>&1 || need+=(curl)
command -v unzip >/dev/null 2>&1 || need+=(unzip)
command -v wrk >/dev/null 2>&1 || need+=(wrk)   # build/bench-host.sh
if [ "${#need[@]}" -gt 0 ]; then
  echo "==> Installing ${need[*]}"
  if [ "$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq "${need[@]}"; else sudo apt-get update -qq && sudo apt-get install -y -qq "${need[@]}"; fi
fi
dotnet --version >/dev/null
