#!/usr/bin/env bash
# Azure Functions cold start: the exported custom-handler app (`fnpkg export --target azure-functions
# --framework-dependent`) against a minimal custom handler calling the same handler directly
# (tests/Benchmarks/AzureBaseline), both started the way the Functions host starts a custom handler — host.json's
# customHandler.description (executable, arguments, working directory), local.settings.json's values and
# FUNCTIONS_CUSTOMHANDLER_PORT as env — by one driver, interleaved: process start to the first payload-mode answer of
# POST /Hello (Outputs.res carrying the greeting). Target: export / baseline <= 1.2. Also reports the app's size (folder
# and zip). Writes the `azure` section of docs/benchmarks.md. The function is samples/Hello, packaged for real.
#
# Usage: build/bench-azure.sh [--smoke] [--starts N] [--keep] [--no-doc]
#   --smoke      one start each, docs untouched (build/test.sh runs it; also FPKG_BENCH_SMOKE=1)
#   --starts N   timed starts per variant, interleaved (default 9, min 5)
#   --keep       keep the temporary work directory and print its path
#   --no-doc     print the section instead of writing docs/benchmarks.md
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$repo"

starts=9
keep=0
write_doc=1
smoke="${FPKG_BENCH_SMOKE:-0}"
args_given="$*"
while [ $# -gt 0 ]; do
  case "$1" in
    --smoke) smoke=1; shift ;;
    --starts) starts="$2"; shift 2 ;;
    --keep) keep=1; shift ;;
    --no-doc) write_doc=0; shift ;;
    -h|--help) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "Unknown argument '$1' (see --help)" >&2; exit 1 ;;
  esac
done
if [ "$smoke" = 1 ]; then starts=1; write_doc=0
elif [ "$starts" -lt 5 ]; then echo "--starts must be at least 5" >&2; exit 1; fi

load_at_start="$(cut -d' ' -f1-3 /proc/loadavg)"
"$repo/build/prerequisites.sh" python3
command -v python3 >/dev/null || { echo "python3 is needed (apt-get install python3)" >&2; exit 1; }
use_benchmark_environment
unset FNPKG_HOST_PATH ASPNETCORE_URLS ASPNETCORE_ENVIRONMENT DOTNET_ENVIRONMENT
ensure_packed

echo "==> Building fnpkg and its host (Release)"
dotnet build src/FunctionPackage.Cli/FunctionPackage.Cli.csproj -c Release -nologo -v:q -p:UseSharedCompilation=false
fnpkg="$repo/src/FunctionPackage.Cli/bin/Release/net10.0/fnpkg.dll"
built_from="$(git -C "$repo" rev-parse --short HEAD)"

work="$(mktemp -d "${TMPDIR:-/tmp}/fpkg-bench-azure.XXXXXX")"
cleanup() { if [ "$keep" = 1 ]; then echo "Work directory kept: $work"; else rm -rf "$work"; fi; }
trap cleanup EXIT

echo "==> Packaging samples/Hello"
mkdir -p "$work/src"
for f in Directory.Build.props Directory.Build.targets Directory.Packages.props; do echo '<Project />' > "$work/$f"; done
cp -r samples/Hello "$work/src/Hello"
rm -rf "$work/src/Hello/bin" "$work/src/Hello/obj"
sed -e "s|\$(MSBuildThisFileDirectory)../build/|$repo/build/|" \
    -e "s|<RestorePackagesPath>.*</RestorePackagesPath>|<RestorePackagesPath>$work/packages/</RestorePackagesPath>|" \
    samples/Directory.Build.props > "$work/src/Directory.Build.props"
cp samples/Directory.Build.targets samples/Directory.Packages.props "$work/src/"
sed -e "s|value=\"../artifacts/feed\"|value=\"$repo/artifacts/feed\"|" samples/NuGet.config > "$work/src/NuGet.config"
dotnet publish "$work/src/Hello/Hello.csproj" -c Release -nologo -v:q -p:UseSharedCompilation=false -p:FunctionPackage=true
package="$work/src/Hello/bin/Release/functionpackage/Hello.1.0.0.nupkg"
hello_dll="$work/src/Hello/bin/Release/net10.0/publish/Hello.dll"
[ -f "$package" ] && [ -f "$hello_dll" ] || { echo "The publish did not produce $package and $hello_dll" >&2; exit 1; }

echo "==> Exporting it: fnpkg export --target azure-functions (folder and zip)"
mkdir -p "$work/run"
(cd "$work/run" && dotnet "$fnpkg" export "$package" --target azure-functions -o "$work/app" --framework-dependent --function-name Hello)
(cd "$work/run" && dotnet "$fnpkg" export "$package" --target azure-functions -o "$work/app.zip" --framework-dependent --function-name Hello)

echo "==> Publishing the baseline (tests/Benchmarks/AzureBaseline) as a custom-handler app"
cp -r tests/Benchmarks "$work/src/Benchmarks"
find "$work/src/Benchmarks" \( -name bin -o -name obj \) -prune -exec rm -rf {} +
dotnet publish "$work/src/Benchmarks/AzureBaseline/AzureBaseline.csproj" -c Release -nologo -v:q -p:UseSharedCompilation=false \
  -p:HelloAssembly="$hello_dll" -o "$work/baseline-app/baseline"
cmp "$work/baseline-app/baseline/Hello.dll" "$hello_dll" || { echo "The baseline's Hello.dll differs from the published one" >&2; exit 1; }
mkdir -p "$work/baseline-app/Hello"
cp "$work/app/Hello/function.json" "$work/baseline-app/Hello/function.json"
cat > "$work/baseline-app/host.json" <<'JSON'
{"version":"2.0","customHandler":{"description":{"defaultExecutablePath":"dotnet","arguments":["baseline/AzureBaseline.dll"],"workingDirectory":"."},"enableForwardingHttpRequest":false},"extensions":{"http":{"routePrefix":""}}}
JSON

echo "==> Measuring ($starts starts per variant, interleaved)"
BENCH_REPO="$repo" BENCH_WORK="$work" BENCH_STARTS="$starts" BENCH_WRITE_DOC="$write_doc" BENCH_LOAD_AT_START="$load_at_start" \
BENCH_BUILT_FROM="$built_from" BENCH_ARGS="$args_given" python3 - <<'PY'
import datetime, http.client, json, os, platform, socket, statistics, subprocess, sys, time

env = os.environ
repo, work, starts = env["BENCH_REPO"], env["BENCH_WORK"], int(env["BENCH_STARTS"])
APPS = {"fnpkg export": os.path.join(work, "app"), "baseline": os.path.join(work, "baseline-app")}
PAYLOAD = json.dumps({"Data": {"req": {"Url": "http://localhost/Hello", "Method": "POST", "Query": {}, "Headers": {"Content-Type": ["application/json"]},
                      "Params": {}, "Identities": [], "Body": "{\"name\":\"Ada\"}"}}, "Metadata": {"sys": {"MethodName": "Hello"}}}).encode()

def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]

def start(app):
    """As the Functions host starts a custom handler: host.json's description, local.settings.json's values, the port."""
    description = json.load(open(os.path.join(app, "host.json")))["customHandler"]["description"]
    cwd = os.path.normpath(os.path.join(app, description.get("workingDirectory", "")))
    exe = description["defaultExecutablePath"]
    if os.path.isfile(os.path.join(cwd, exe)):
        exe = os.path.join(cwd, exe)
    child = dict(os.environ)
    settings = os.path.join(app, "local.settings.json")
    if os.path.exists(settings):
        child.update(json.load(open(settings))["Values"])
    port = free_port()
    child.update(FUNCTIONS_CUSTOMHANDLER_PORT=str(port), FUNCTIONS_APP_ROOT_PATH=app, FUNCTIONS_CUSTOMHANDLER_WORKER_ID="bench")
    log = open(os.path.join(work, "handler.log"), "a")
    return subprocess.Popen([exe] + description.get("arguments", []), cwd=cwd, env=child, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT), port

def first_answer(proc, port, t0):
    while True:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        try:
            conn.request("POST", "/Hello", PAYLOAD, {"Content-Type": "application/json", "X-Azure-Functions-InvocationId": "bench"})
            response = conn.getresponse()
            body = response.read()
            elapsed = time.perf_counter() - t0
            res = json.loads(body)["Outputs"]["res"]
            if response.status != 200 or "Hello, Ada!" not in res["body"]:
                sys.exit(f"unexpected answer {response.status} {body[:300]!r}")
            return elapsed
        except (ConnectionRefusedError, ConnectionResetError, http.client.RemoteDisconnected):
            pass
        finally:
            conn.close()
        if proc.poll() is not None:
            sys.exit(f"the handler exited with {proc.returncode}:\n" + open(os.path.join(work, "handler.log")).read()[-3000:])
        if time.perf_counter() - t0 > 30:
            sys.exit("no answer within the Functions host's 30 s")
        time.sleep(0.005)

times = {name: [] for name in APPS}
for i in range(starts):
    for name in (list(APPS) if i % 2 == 0 else list(reversed(APPS))):
        t0 = time.perf_counter()
        proc, port = start(APPS[name])
        try:
            times[name].append(first_answer(proc, port, t0))
        finally:
            proc.terminate()
            proc.wait(15)

def size(folder):
    return sum(os.path.getsize(os.path.join(d, f)) for d, _, files in os.walk(folder) for f in files)

med = {name: statistics.median(values) for name, values in times.items()}
ratio = med["fnpkg export"] / med["baseline"]
app_bytes, zip_bytes = size(APPS["fnpkg export"]), os.path.getsize(os.path.join(work, "app.zip"))
host_bytes = size(os.path.join(APPS["fnpkg export"], "fnpkg", "host"))
load_end = open("/proc/loadavg").read().split()[:3]
lines = [
    "<!-- BEGIN azure -->",
    "## Azure Functions: custom-handler cold start against a minimal custom handler",
    "",
    f"`build/bench-azure.sh {env['BENCH_ARGS']}`".replace(" `", "`") + f" on {datetime.date.today()} (commit {env['BENCH_BUILT_FROM']}), "
    f"{os.cpu_count()} cores, load average {env['BENCH_LOAD_AT_START']} at start and {' '.join(load_end)} at the end; {starts} starts per variant, interleaved.",
    "Both apps are started as the Functions host starts a custom handler (host.json's `customHandler.description`, "
    "`local.settings.json`'s values, `FUNCTIONS_CUSTOMHANDLER_PORT`); the time is process start to the first payload-mode answer of `POST /Hello`.",
    "",
    "| variant | median | min | max |",
    "|---|---:|---:|---:|",
]
for name, values in times.items():
    lines.append(f"| {name} | {med[name]*1000:.0f} ms | {min(values)*1000:.0f} ms | {max(values)*1000:.0f} ms |")
lines += [
    "",
    f"**Ratio export / baseline: {ratio:.2f}** (target <= 1.2). The exported app: {app_bytes/1024:.0f} KiB as a folder "
    f"({host_bytes/1024:.0f} KiB of it fnpkg's host), {zip_bytes/1024:.0f} KiB as a zip (framework-dependent: the plan's .NET runs it).",
    "<!-- END azure -->",
]
section = "\n".join(lines) + "\n"
print(section)
if env["BENCH_WRITE_DOC"] == "1":
    doc = os.path.join(repo, "docs", "benchmarks.md")
    text = open(doc).read()
    begin, end = "<!-- BEGIN azure -->", "<!-- END azure -->"
    if begin in text:
        text = text[:text.index(begin)] + section.rstrip("\n") + text[text.index(end) + len(end):]
    else:
        text = text.rstrip("\n") + "\n\n" + section
    open(doc, "w").write(text)
print(f"azure cold start: export {med['fnpkg export']*1000:.0f} ms, baseline {med['baseline']*1000:.0f} ms, ratio {ratio:.2f}; app {app_bytes} bytes, zip {zip_bytes} bytes")
PY
