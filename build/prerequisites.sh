#!/usr/bin/env bash
# Installs the Debian tools a script needs beyond the .NET SDK, only those missing. Idempotent; safe on a fresh machine.
# Usage: build/prerequisites.sh [tool[:debian-package]...]   e.g. `build/prerequisites.sh unzip` (demo),
#        `build/prerequisites.sh curl wrk` (host benchmark), `build/prerequisites.sh htpasswd:apache2-utils` (a tool whose
#        package has another name). With no tools it only checks that `dotnet` is there.
set -euo pipefail
command -v dotnet >/dev/null 2>&1 || { echo "The .NET SDK (dotnet) is required: see global.json for the version." >&2; exit 1; }
need=()
for spec in "$@"; do
  tool="${spec%%:*}"
  package="${spec#*:}"
  command -v "$tool" >/dev/null 2>&1 || need+=("$package")
done
if [ "${#need[@]}" -gt 0 ]; then
  echo "==> Installing ${need[*]}"
  # Another script (or engineer) may be installing at the same moment: wait for apt's locks instead of failing.
  apt=(apt-get -o DPkg::Lock::Timeout=300)
  if [ "$(id -u)" != 0 ]; then apt=(sudo "${apt[@]}"); fi
  "${apt[@]}" update -qq && "${apt[@]}" install -y -qq "${need[@]}"
fi
