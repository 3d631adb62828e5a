#!/usr/bin/env bash
# Throughput of FunctionPackage.Host against a minimal ASP.NET app calling the same function directly.
# Usage: build/host-benchmark.sh [duration-seconds=10] [connections=32] [rounds=3]
# Needs wrk (apt-get install wrk). Both servers run side by side and are measured in interleaved rounds
# (so machine load drifts hit both); prints requests/second per round and the host/baseline ratios.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
duration="${1:-10}"
connections="${2:-32}"
rounds="${3:-3}"
work="$(mktemp -d "${TMPDIR:-/tmp}/fpkg-host-bench.XXXXXX")"
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

# Build outside the repo so its Directory.Build.* do not apply (as a user's function would be built).
mkdir -p "$work/src/tests"
cp -r "$repo/tests/TestFunctions" "$repo/tests/Benchmarks" "$work/src/tests/"
cp "$repo/NuGet.config" "$work/src/"
find "$work/src" -name bin -o -name obj | xargs rm -rf
dotnet publish "$work/src/tests/TestFunctions/Greeter/Greeter.csproj" -c Release -o "$work/install/function" -nologo -v:q -nodeReuse:false
dotnet publish "$work/src/tests/Benchmarks/HostBaseline/HostBaseline.csproj" -c Release -o "$work/baseline" -nologo -v:q -nodeReuse:false
dotnet build "$repo/src/FunctionPackage.Host/FunctionPackage.Host.csproj" -c Release -o "$work/host" -nologo -v:q -nodeReuse:false

# Minimal installed layout: package assets stay beside the function (the resolver finds them there too),
# so no probing folder is needed for this measurement.
cat > "$work/install/function.json" <<JSON
{"schemaVersion":1,"profile":"dotnet","id":"Bench.Greeter","version":"1.0.0",
 "entryPoint":{"assembly":"Greeter.dll","type":"TestFunctions.Greeter","method":"Greet"},
 "runtime":{"tfm":"net8.0","frameworks":[{"name":"Microsoft.NETCore.App","version":"8.0.0"}],"selfContained":false},
 "dependencyMode":"reference","dependencies":[],"files":[],"sources":[]}
JSON
mkdir -p "$work/packages"

cat > "$work/plain.lua" <<'LUA'
wrk.method = "POST"
wrk.body = '{"name":"Ada","times":2}'
wrk.headers["Content-Type"] = "application/json"
LUA
cat > "$work/binary.lua" <<'LUA'
wrk.method = "POST"
wrk.body = '{"name":"Ada","times":2}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["ce-specversion"] = "1.0"
wrk.headers["ce-id"] = "bench-1"
wrk.headers["ce-source"] = "/bench"
wrk.headers["ce-type"] = "com.example.greet"
LUA

wait_up() { for _ in $(seq 1 100); do curl -fs -o /dev/null -X POST -H 'Content-Type: application/json' -d '{"name":"w"}' "$1" && return 0; sleep 0.1; done; echo "server at $1 did not start" >&2; exit 1; }
rps() { # url script
  wrk -t1 -c"$connections" -d"${duration}s" -s "$2" "$1" | awk '/Requests\/sec/ {print $2}'
}

ASPNETCORE_URLS=http://127.0.0.1:18081 dotnet "$work/baseline/HostBaseline.dll" > "$work/baseline.log" 2>&1 & pids+=($!)
dotnet exec --additionalprobingpath "$work/packages" "$work/host/FunctionPackage.Host.dll" serve --function "$work/install" --urls http://127.0.0.1:18082 > "$work/host.log" 2>&1 & pids+=($!)
wait_up http://127.0.0.1:18081/
wait_up http://127.0.0.1:18082/
for url in http://127.0.0.1:18081/ http://127.0.0.1:18082/; do wrk -t1 -c"$connections" -d3s -s "$work/plain.lua" "$url" > /dev/null; done # warm-up (tiered JIT)
wrk -t1 -c"$connections" -d3s -s "$work/binary.lua" http://127.0.0.1:18082/ > /dev/null

table="| round | baseline req/s | host plain JSON req/s | host binary CloudEvent req/s | plain / baseline | binary / baseline |
|---:|---:|---:|---:|---:|---:|"
for round in $(seq 1 "$rounds"); do
  b=$(rps http://127.0.0.1:18081/ "$work/plain.lua")
  p=$(rps http://127.0.0.1:18082/ "$work/plain.lua")
  c=$(rps http://127.0.0.1:18082/ "$work/binary.lua")
  row="$(printf '| %s | %s | %s | %s | %.2f | %.2f |' "$round" "$b" "$p" "$c" "$(echo "$p / $b" | bc -l)" "$(echo "$c / $b" | bc -l)")"
  echo "$row"
  table="$table
$row"
done

# Rewrite the host section of docs/benchmarks.md (between its markers; appended the first time).
section="$work/section.md"
cat > "$section" <<MD
<!-- BEGIN host -->
## Host: throughput against a minimal ASP.NET app (target: ≥ 0.8× baseline)

Written by \`build/host-benchmark.sh $duration $connections $rounds\`; rerun it to refresh this section.

- Date: $(date -u '+%Y-%m-%d %H:%M UTC'); machine: \`nproc\` = $(nproc), \`dotnet --version\` = $(dotnet --version), load average at start $(cut -d' ' -f1-3 /proc/loadavg); shared with other builds, so compare rows, not runs
- Function: \`tests/TestFunctions/Greeter\` \`TestFunctions.Greeter::Greet\` (POCO in, POCO out), Release; request body \`{"name":"Ada","times":2}\`
- Baseline: \`tests/Benchmarks/HostBaseline\` — \`app.MapPost("/", (GreetRequest r) => Greeter.Greet(r))\` on \`WebApplication.CreateSlimBuilder\`, same logging filter and Kestrel settings as the host
- Host: \`dotnet exec --additionalprobingpath <packages> FunctionPackage.Host.dll serve --function <installed>\` (Release)
- Load: \`wrk -t1 -c$connections -d${duration}s\` per cell, servers side by side, rounds interleaved after a 3 s warm-up each; binary mode adds \`ce-specversion/id/source/type\` headers and gets a binary-mode event back

$table
<!-- END host -->
MD
doc="$repo/docs/benchmarks.md"
if grep -q '<!-- BEGIN host -->' "$doc"; then
  awk -v section="$section" '
    /<!-- BEGIN host -->/ { while ((getline line < section) > 0) print line; skip = 1; next }
    /<!-- END host -->/ { skip = 0; next }
    !skip { print }' "$doc" > "$work/benchmarks.md"
else
  { cat "$doc"; echo; cat "$section"; } > "$work/benchmarks.md"
fi
mv "$work/benchmarks.md" "$doc"
echo "Wrote the host section of $doc"
