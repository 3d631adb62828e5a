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

# One closing line over every test project: "N passed, N failed".
python3 - "$results" <<'PY'
import glob, sys, xml.etree.ElementTree as ET
passed = failed = skipped = 0
for path in glob.glob(sys.argv[1] + "/*.trx"):
    counters = ET.parse(path).getroot().find("{*}ResultSummary/{*}Counters")
    passed += int(counters.get("passed", 0))
    failed += int(counters.get("failed", 0)) + int(counters.get("error", 0)) + int(counters.get("timeout", 0))
    skipped += int(counters.get("notExecuted", 0))
print(f"{passed} passed, {failed} failed" + (f", {skipped} skipped" if skipped else ""))
PY
if [ "$status" -ne 0 ]; then
  echo "dotnet test exited with $status: a project did not build or a test run was aborted (see above), even if no test failed." >&2
fi
exit "$status"
