#!/usr/bin/env bash
# Runs every test: packs the SDK and the CLI into the local feed (the end-to-end tests restore them from there),
# then the whole suite in Release, then each benchmark script in its smoke mode (one round, smallest sizes, docs
# untouched), so a broken benchmark fails CI; each smoke counts as one test in the closing line.
# Extra arguments go to `dotnet test` (e.g. --filter ...). FPKG_SKIP_BENCH_SMOKE=1 skips the smokes.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$repo"
# The OCI tests' real registry, readers and container engine (tests/FunctionPackage.Oci.Tests, docs/oci.md).
"$repo/build/prerequisites.sh" docker-registry skopeo umoci podman runc htpasswd:apache2-utils
# The SDK tests' independent SBOM validator (CycloneDX's library + the official schema, docs/package-format.md).
"$repo/build/sbom-validator.sh"
"$repo/build/pack.sh"

results="$repo/artifacts/test-results"
rm -rf "$results"
echo "==> Running tests"
status=0
dotnet test Sdk.sln -c Release -nologo --logger "console;verbosity=normal" --logger trx --results-directory "$results" "$@" || status=$?

# Benchmark smokes, after the tests (never beside them: they share 2 cores). Each installs what it needs itself
# (bench-install: python3; bench-host: python3, curl, wrk from Debian's registry, see build/prerequisites.sh).
smoke_passed=0
smoke_failed=0
if [ "${FPKG_SKIP_BENCH_SMOKE:-0}" != 1 ]; then
  mkdir -p "$results"
  for bench in bench-sdk bench-install bench-host bench-export bench-protocols; do
    echo "==> Smoke: build/$bench.sh --smoke"
    smoke_log="$results/$bench-smoke.log"
    smoke_start=$(date +%s)
    if "$repo/build/$bench.sh" --smoke >"$smoke_log" 2>&1; then
      smoke_passed=$((smoke_passed + 1))
      echo "  Passed $bench smoke in $(( $(date +%s) - smoke_start )) s: $(tail -n 1 "$smoke_log")"
    else
      smoke_failed=$((smoke_failed + 1))
      echo "  Failed $bench smoke after $(( $(date +%s) - smoke_start )) s (full log: $smoke_log); its last lines:"
      tail -n 40 "$smoke_log" | sed 's/^/    /'
    fi
  done
fi

# One closing line over every test project and smoke: "N passed, N failed" (from the TRX files; plain shell, no other tools).
sum() { local total=0 n; for n in $(grep -ho "<Counters [^>]*" "$results"/*.trx 2>/dev/null | grep -o " $1=\"[0-9]*\"" | grep -o "[0-9]*"); do total=$((total + n)); done; echo "$total"; }
passed=$(( $(sum passed) + smoke_passed ))
failed=$(( $(sum failed) + $(sum error) + $(sum timeout) + smoke_failed ))
skipped=$(sum notExecuted)
if [ "$skipped" -gt 0 ]; then echo "$passed passed, $failed failed, $skipped skipped"; else echo "$passed passed, $failed failed"; fi
if [ "$status" -ne 0 ]; then
  echo "dotnet test exited with $status: a project did not build or a test run was aborted (see above), even if no test failed." >&2
fi
if [ "$status" -eq 0 ] && [ "$smoke_failed" -gt 0 ]; then status=1; fi
exit "$status"
