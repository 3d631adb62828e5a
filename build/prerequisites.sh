#!/usr/bin/env bash
# Installs the Debian tools a script needs beyond the .NET SDK, only those missing. Idempotent; safe on a fresh machine.
# Usage: build/prerequisites.sh [tool...]   e.g. `build/prerequisites.sh unzip` (demo), `build/prerequisites.sh curl wrk` (host benchmark).
# With no tools it only checks that `dotnet` is there: the tests need nothing else.
set -euo pipefail
command -v dotnet >/dev/null 2>&1 || { echo "The .NET SDK (dotnet) is required: see global.json for the version." >&2; exit 1; }
need=()
for tool in "$@"; do
  command -v "$tool" >/dev/null 2>&1 || need+=("$tool")
done
if [ "${#need[@]}" -gt 0 ]; then
  echo "==> Installing ${need[*]}"
  if [ "$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq "${need[@]}"; else sudo apt-get update -qq && sudo apt-get install -y -qq "${need[@]}"; fi
fi
