#!/usr/bin/env bash
# Runs every test: packs the SDK into the local feed (the end-to-end tests restore it from there), then the suite.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
"$repo/build/prerequisites.sh"
"$repo/build/pack.sh"
echo "==> Running tests"
dotnet test Sdk.sln -c Release -nologo --logger "console;verbosity=normal" "$@"
