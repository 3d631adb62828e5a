#!/usr/bin/env bash
# The SDK's performance benchmarks: publish overhead of -p:FunctionPackage=true (target <= 1.05x), packaging time at
# 300 packages / 20 project references (target <= 250 ms, with smaller sizes to show linear growth) and package
# size vs a zip of the publish folder (target <= 10%). Writes the `sdk` section of docs/benchmarks.md.
# About 10 minutes on 2 cores. Needs only the .NET SDK and the registry (no extra tools).
#
# Usage: build/bench-sdk.sh [--smoke] [--keep] [SdkBench options...]     (build/bench-sdk.sh --help lists them)
#   --smoke  one round of each benchmark at the smallest sizes, docs untouched: proves the script still works
#            (build/test.sh runs it; also FPKG_BENCH_SMOKE=1)
#   --keep   keep the temporary work directory (projects, feeds, logs) and print its path
#   BENCH_SDK_WORK=<dir> uses <dir> (outside the repository) instead of a fresh temporary directory.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$repo"

keep=0
smoke="${FPKG_BENCH_SMOKE:-0}"
args=()
for arg in "$@"; do
  case "$arg" in
    --keep) keep=1 ;;
    --smoke) smoke=1 ;;
    *) args+=("$arg") ;;
  esac
done

driver_project="$repo/build/benchmarks/SdkBench/SdkBench.csproj"
driver="$repo/build/benchmarks/SdkBench/bin/Release/net10.0/SdkBench.dll"

for arg in "${args[@]+"${args[@]}"}"; do
  if [ "$arg" = "-h" ] || [ "$arg" = "--help" ]; then
    sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'
    dotnet build "$driver_project" -c Release -nologo -v:q >/dev/null
    dotnet "$driver" --help
    exit 0
  fi
done

"$repo/build/prerequisites.sh"
ensure_packed

echo "==> Building the benchmark driver"
dotnet build "$driver_project" -c Release -nologo -v:q

if [ -n "${BENCH_SDK_WORK:-}" ]; then
  work="$BENCH_SDK_WORK"
  mkdir -p "$work"
else
  work="$(mktemp -d "${TMPDIR:-/tmp}/fpkg-bench-sdk.XXXXXX")"
  if [ "$keep" = 0 ]; then trap 'rm -rf "$work"' EXIT; fi
fi
case "$work/" in "$repo"/*) echo "The work directory must be outside the repository: $work" >&2; exit 2 ;; esac

# Run the driver outside any MSBuild environment, so the builds it times see only the variables it sets.
if [ "$smoke" = 1 ]; then
  dotnet "$driver" --repo "$repo" --work "$work" --smoke "${args[@]+"${args[@]}"}"
else
  dotnet "$driver" --repo "$repo" --work "$work" --doc "$repo/docs/benchmarks.md" "${args[@]+"${args[@]}"}"
fi
[ "$keep" = 1 ] && echo "Work directory kept: $work"
exit 0
