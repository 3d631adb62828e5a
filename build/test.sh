#!/usr/bin/env bash
# Runs every test: packs the SDK and the CLI into the local feed (the end-to-end tests restore them from there),
# then the whole suite in Release. Extra arguments go to `dotnet test` (e.g. --filter ...).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$repo"
"$repo/build/prerequisites.sh"
"$repo/build/pack.sh"

results="$repo/artifacts/test-results"
rm -rf "$results"
echo "==> Running tests"
status=0
dotnet test Sdk.sln -c Release -nologo --logger "console;verbosity=normal" --logger trx --results-directory "$results" "$@" || status=$?

# One closing line over every test project: "N passed, N failed" (from the TRX files; plain shell, no other tools).
sum() { local total=0 n; for n in $(grep -ho "<Counters [^>]*" "$results"/*.trx 2>/dev/null | grep -o " $1=\"[0-9]*\"" | grep -o "[0-9]*"); do total=$((total + n)); done; echo "$total"; }
passed=$(sum passed)
failed=$(( $(sum failed) + $(sum error) + $(sum timeout) ))
skipped=$(sum notExecuted)
if [ "$skipped" -gt 0 ]; then echo "$passed passed, $failed failed, $skipped skipped"; else echo "$passed passed, $failed failed"; fi
if [ "$status" -ne 0 ]; then
  echo "dotnet test exited with $status: a project did not build or a test run was aborted (see above), even if no test failed." >&2
fi
exit "$status"
