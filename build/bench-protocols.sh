#!/usr/bin/env bash
# Vendor-protocol cold starts (issue 9): for each of aws-lambda (dotnet10 zip, executable-assembly mode),
# azure-functions (custom handler: self-contained linux-x64, the export's default; framework-dependent for linux-x64;
# framework-dependent for any plan) and
# openwhisk (docker action), samples/Inventory exported with
# the real fnpkg against a minimal app that speaks the same protocol and calls the same handler directly
# (tests/Benchmarks/LambdaBaseline, AzureBaseline, OpenWhiskBaseline), each built the way a user publishes it for that
# platform. Both sides are started AS BUILT by the same contract fake (build/benchmarks/ProtocolBench uses the tests'
# LambdaEmulator, FakeAzureFunctionsHost and OpenWhiskInvoker; the images run under podman), interleaved: time from
# the process or container start to the first checked answer; medians; CPU time where the process is the driver's
# child. Target: export / baseline <= 1.2. Also the sizes of the zips, folders and images side by side, and what the
# self-contained provided.al2023 zip does with Inventory. Writes the `protocols` section of docs/benchmarks.md.
# About 10 minutes on 2 cores (builds included). Needs the .NET SDK, python3, docker-registry, podman and runc
# (build/prerequisites.sh installs them); the self-contained export reads the runtime packs from the NuGet feed.
#
# Usage: build/bench-protocols.sh [--smoke] [--starts N] [--keep] [--no-doc]
#   --smoke       one start per side, no self-contained export, docs untouched: proves the script still works
#                 (build/test.sh runs it; also FPKG_BENCH_SMOKE=1)
#   --starts N    timed starts per side and protocol, interleaved (default 7, min 5)
#   --keep        keep the temporary work directory (exports, baselines, registry, podman storage) and print its path
#   --no-doc      print the section instead of writing docs/benchmarks.md
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$repo"

starts=7
bench_option() { case "$1" in --starts) starts="$2"; bench_shift=2 ;; *) return 1 ;; esac; }
bench_parse_args "$@"
if [ "$smoke" = 1 ]; then
  # Below the measuring minimum on purpose: a smoke run proves the code paths, it measures nothing.
  starts=1; write_doc=0
elif [ "$starts" -lt 5 ]; then
  echo "--starts must be at least 5" >&2; exit 1
fi

bench_start
step() { echo "==> $1 (at $(( $(date +%s) - started )) s)"; }
"$repo/build/prerequisites.sh" python3 docker-registry podman runc
command -v python3 >/dev/null || { echo "python3 is needed (apt-get install python3)" >&2; exit 1; }
use_benchmark_environment
unset FNPKG_HOST_PATH ASPNETCORE_URLS ASPNETCORE_ENVIRONMENT DOTNET_ENVIRONMENT
ensure_packed

step "Building fnpkg and its host, and the driver (Release)"
dotnet build src/FunctionPackage.Cli/FunctionPackage.Cli.csproj -c Release -nologo -v:q -p:UseSharedCompilation=false
dotnet build build/benchmarks/ProtocolBench/ProtocolBench.csproj -c Release -nologo -v:q -p:UseSharedCompilation=false
fnpkg="$repo/src/FunctionPackage.Cli/bin/Release/net10.0/fnpkg.dll"
driver="$repo/build/benchmarks/ProtocolBench/bin/Release/net10.0/ProtocolBench.dll"
bench_built_from

bench_work_with_registry protocols
mkdir -p "$work/lambda" "$work/azure" "$work/azure-sc" "$work/azure-fd-x64" "$work/openwhisk" "$work/run"

step "Starting the loopback registry on $registry and pushing the base image"
bench_start_registry_with_base_image
echo "$base_image" > "$work/base.ref"

step "Packaging samples/Inventory"
copy_sample Inventory "$work"
dotnet publish "$work/src/Inventory/Inventory.csproj" -c Release -nologo -v:q -p:UseSharedCompilation=false -p:FunctionPackage=true
package="$work/src/Inventory/bin/Release/functionpackage/Inventory.1.0.0.nupkg"
[ -f "$package" ] || { echo "The publish did not produce $package" >&2; exit 1; }
inventory_project="-p:InventoryProject=$work/src/Inventory/Inventory.csproj"

# Its dependencies come from the restore's packages folder (a global-packages layout, usable as a local feed).
fnpkg_export() { (cd "$work/run" && dotnet "$fnpkg" export "$package" --source "$work/packages" "$@"); }
step "Exporting it: aws-lambda, azure-functions (folder and zip), openwhisk"
fnpkg_export --target aws-lambda -o "$work/lambda/export.zip"
fnpkg_export --target azure-functions --trigger http --function-name Inventory --framework-dependent -o "$work/azure/export"
fnpkg_export --target azure-functions --trigger http --function-name Inventory --framework-dependent -o "$work/azure/export.zip"
fnpkg_export --target azure-functions --trigger http --function-name Inventory --framework-dependent -r linux-x64 -o "$work/azure-fd-x64/export"
# The self-contained handler (the default) takes .NET from the runtime packs: cached where the tests keep them, fetched
# from the repository's NuGet.config source when missing (--source replaces NuGet.config for the packs too).
runtime_packs="${FNPKG_RUNTIME_PACKS:-${TMPDIR:-/tmp}/fpkg-tests/runtime-packs-cache}"
nuget_org="$(sed -n 's:.*key="nuget.org" value="\([^"]*\)".*:\1:p' "$repo/NuGet.config")"
[ -n "$nuget_org" ] || { echo "No nuget.org source in $repo/NuGet.config" >&2; exit 1; }
FNPKG_RUNTIME_PACKS="$runtime_packs" fnpkg_export --target azure-functions --trigger http --function-name Inventory \
  --source "$nuget_org" -o "$work/azure-sc/export"
fnpkg_export --target openwhisk --image "$registry/bench/ow-export:1.0.0" --base-image "$base_image" --insecure-registry "$registry" \
  | tee "$work/openwhisk/export.log"
echo "$registry/bench/ow-export@$(head -n 1 "$work/openwhisk/export.log")" > "$work/openwhisk/export.ref"
grep -Eq '@sha256:[0-9a-f]{64}$' "$work/openwhisk/export.ref" || { echo "fnpkg export --target openwhisk printed no digest first" >&2; exit 1; }
if [ "$smoke" = 1 ]; then
  echo "not tried in this run (--smoke)." > "$work/lambda/al2023.txt"
else
  # Inventory carries SQLitePCLRaw's natives for every RID: docs/export.md expects FPKG7102 (over 50 MB zipped).
  step "Exporting it self-contained for provided.al2023 (the outcome is reported, not required)"
  al2023_status=0
  FNPKG_RUNTIME_PACKS="$runtime_packs" fnpkg_export --target aws-lambda --self-contained -r linux-x64 -o "$work/lambda/al2023.zip" >"$work/lambda/al2023.log" 2>&1 || al2023_status=$?
  if [ "$al2023_status" = 0 ]; then
    echo "exported, $(( $(stat -c %s "$work/lambda/al2023.zip") / 1024 )) KiB zipped (not timed here)." > "$work/lambda/al2023.txt"
  else
    echo "refused, exit $al2023_status: \`$(grep -o 'FPKG[0-9]\{4\}.*' "$work/lambda/al2023.log" | head -n 1 | cut -c1-240)\` — so only the dotnet10 zip is measured." > "$work/lambda/al2023.txt"
  fi
fi

step "Publishing the baselines as users publish for each platform"
cp -r tests/Benchmarks "$work/src/Benchmarks"
find "$work/src/Benchmarks" \( -name bin -o -name obj \) -prune -exec rm -rf {} +
baselines="$work/src/Benchmarks"
zip_folder() { python3 -c 'import os, sys, zipfile
folder, out = sys.argv[1:]
with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
    for d, _, files in sorted(os.walk(folder)):
        for f in sorted(files):
            z.write(os.path.join(d, f), os.path.relpath(os.path.join(d, f), folder))' "$1" "$2"; }
# Lambda dotnet10, executable assembly: as Amazon.Lambda.Tools publishes (linux-x64, framework-dependent), zipped.
dotnet publish "$baselines/LambdaBaseline/LambdaBaseline.csproj" -c Release -nologo -v:q -p:UseSharedCompilation=false \
  -r linux-x64 --self-contained false "$inventory_project" -o "$work/lambda/baseline-publish"
zip_folder "$work/lambda/baseline-publish" "$work/lambda/baseline.zip"
# An AzureBaseline app beside a copy of <dir>/export's function.json and local.settings.json, started as host.json's
# customHandler.description says (a JSON object).
azure_baseline() { # <dir> <description> [dotnet publish options...]
  local dir="$1" description="$2"; shift 2
  dotnet publish "$baselines/AzureBaseline/AzureBaseline.csproj" -c Release -nologo -v:q -p:UseSharedCompilation=false \
    "$@" "$inventory_project" -o "$dir/baseline/baseline"
  mkdir -p "$dir/baseline/Inventory"
  cp "$dir/export/Inventory/function.json" "$dir/baseline/Inventory/function.json"
  cp "$dir/export/local.settings.json" "$dir/baseline/local.settings.json"
  printf '{"version":"2.0","customHandler":{"description":%s,"enableForwardingHttpRequest":false},"extensions":{"http":{"routePrefix":""}}}\n' \
    "$description" > "$dir/baseline/host.json"
}
on_dotnet='{"defaultExecutablePath":"dotnet","arguments":["baseline/AzureBaseline.dll"],"workingDirectory":"."}'
# On a plan with .NET: the publish folder, for any plan.
azure_baseline "$work/azure" "$on_dotnet"
zip_folder "$work/azure/baseline" "$work/azure/baseline.zip"
# The same on a plan with .NET whose architecture is known: as a user publishes for it (linux-x64, framework-dependent).
azure_baseline "$work/azure-fd-x64" "$on_dotnet" -r linux-x64 --self-contained false
# On a plan without .NET: as a user publishes one self-contained (linux-x64, the export's default RID), its apphost
# started by host.json. Both sides run the same .NET (the SDK's runtime packs, 10.0.12 here; the export's from
# RuntimePacks.json).
azure_baseline "$work/azure-sc" '{"defaultExecutablePath":"baseline/AzureBaseline","workingDirectory":"."}' -r linux-x64 --self-contained true
# OpenWhisk docker action: the SDK's container publish onto the same base image, user 1654 as fnpkg's images.
DOTNET_CONTAINER_INSECURE_REGISTRIES="$registry" dotnet publish "$baselines/OpenWhiskBaseline/OpenWhiskBaseline.csproj" -c Release -nologo -v:q \
  -p:UseSharedCompilation=false "$inventory_project" -t:PublishContainer -p:ContainerBaseImage="$base_image" -p:ContainerRegistry="$registry" \
  -p:ContainerRepository=bench/ow-baseline -p:ContainerImageTag=1.0.0 -p:ContainerUser=1654
echo "$registry/bench/ow-baseline:1.0.0" > "$work/openwhisk/baseline.ref"

step "Measuring ($starts starts per side and protocol, interleaved)"
# The smoke skips the untimed first starts: it proves the paths, it measures nothing.
dotnet "$driver" --work "$work" --starts "$starts" --warmup "$((1 - smoke))" --registry "$registry" --section "$work/body.md" &
driver_pid=$!
status=0
wait "$driver_pid" || status=$?
driver_pid=""
[ "$status" = 0 ] || exit "$status"
if [ "$smoke" = 1 ]; then echo "==> Smoke run passed in $(( $(date +%s) - started )) s (nothing written)"; exit 0; fi

{
  echo "## Vendor protocols: cold start of each exported artifact against a minimal same-protocol app"
  echo
  echo "Written by \`build/bench-protocols.sh\`; rerun it to refresh this section."
  echo
  bench_header_lines "$("$repo/build/podman.sh" "$work/podman" "$registry" --version) (runc, vfs storage, \`build/podman.sh\`)"
  cat "$work/body.md"
} > "$work/section.md"
if [ "$write_doc" = 1 ]; then write_benchmark_section protocols "$work/section.md"; else cat "$work/section.md"; fi
