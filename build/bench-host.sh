#!/usr/bin/env bash
# Host benchmarks: the function host as users run it (`fnpkg run`) against a minimal ASP.NET Core app calling the same
# handler directly (tests/Benchmarks/HostBaseline), side by side in one run. Writes the `host` section of
# docs/benchmarks.md.
#  1. Start to first response: process start to the first successful POST, for `fnpkg run` (the host in fnpkg's process),
#     `fnpkg run --isolated` (the host as a child process), the host dll started directly (`dotnet exec
#     --additionalprobingpath …`) and the baseline; interleaved, medians. fnpkg and its host are
#     the tool as users install it (`dotnet tool install` from artifacts/feed: fnpkg ReadyToRun on linux-x64); the same two
#     from the JIT build (`dotnet build`) run in the same rounds, so each run shows what ReadyToRun buys.
#     Targets (issue 12): fnpkg run / baseline <= 1.1, host / baseline <= 1.1.
#  2. Throughput on loopback with wrk (plain application/json POST and CloudEvents binary mode): requests/s per
#     interleaved round, medians, p99 latency, failed requests. Targets (issue 12): host / baseline >= 1.0, zero failed requests.
# The function is samples/Hello, packaged for real (dotnet publish -p:FunctionPackage=true) and installed with
# `fnpkg install`; the baseline is compiled against the same published Hello.dll. Servers bind 127.0.0.1 only.
# About 5 minutes on 2 cores (builds included). Needs the .NET SDK, python3, curl and wrk (build/prerequisites.sh installs the last two).
#
# Usage: build/bench-host.sh [--smoke] [--starts N] [--rounds N] [--duration S] [--warmup S] [--connections N] [--threads N]
#                            [--keep] [--no-doc]
#   --smoke           one start per variant and one 1 s wrk round per mode, docs untouched: proves the script still
#                     works (build/test.sh runs it; also FPKG_BENCH_SMOKE=1)
#   --starts N        timed starts per variant, interleaved (default 7, min 5)
#   --rounds N        throughput rounds, interleaved (default 5, min 3)
#   --duration S      seconds per measured wrk run (default 10)
#   --warmup S        seconds of wrk warm-up per server and mode before the first round (default 3)
#   --connections N   wrk connections (default 64)
#   --threads N       wrk threads (default 2)
#   --keep            keep the temporary work directory (projects, install root, logs) and print its path
#   --no-doc          print the section instead of writing docs/benchmarks.md
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$repo"

starts=7
rounds=5
duration=10
warmup=3
connections=64
threads=2
bench_option() {
  case "$1" in
    --starts) starts="$2" ;; --rounds) rounds="$2" ;; --duration) duration="$2" ;; --warmup) warmup="$2" ;;
    --connections) connections="$2" ;; --threads) threads="$2" ;; *) return 1 ;;
  esac
  bench_shift=2
}
bench_parse_args "$@"
if [ "$smoke" = 1 ]; then
  # Below the measuring minimums on purpose: a smoke run proves the code paths, it measures nothing.
  starts=1; rounds=1; duration=1; warmup=1; write_doc=0
elif [ "$starts" -lt 5 ] || [ "$rounds" -lt 3 ]; then
  echo "--starts must be at least 5 and --rounds at least 3" >&2; exit 1
fi

bench_start
"$repo/build/prerequisites.sh" curl wrk python3
command -v python3 >/dev/null || { echo "python3 is needed (apt-get install python3)" >&2; exit 1; }
command -v wrk >/dev/null || { echo "wrk is needed: run build/prerequisites.sh (apt-get install wrk)" >&2; exit 1; }

# The same environment for every dotnet process: no MSBuild node reuse or server left running, no telemetry or
# first-run work; the host fnpkg starts is its own copy, never an override.
use_benchmark_environment
unset FNPKG_HOST_PATH ASPNETCORE_URLS ASPNETCORE_ENVIRONMENT DOTNET_ENVIRONMENT

ensure_packed

echo "==> Building fnpkg and its host (Release)"
dotnet build src/FunctionPackage.Cli/FunctionPackage.Cli.csproj -c Release -nologo -v:q -p:UseSharedCompilation=false
fnpkg_built="$repo/src/FunctionPackage.Cli/bin/Release/net10.0/fnpkg.dll"
host_built="$repo/src/FunctionPackage.Cli/bin/Release/net10.0/host/FunctionPackage.Host.dll"
[ -f "$host_built" ] || { echo "The build did not put the host at $host_built" >&2; exit 1; }
# What was built, recorded now: other commits may land while the benchmark runs.
bench_built_from src/FunctionPackage.Cli src/FunctionPackage.Model src/FunctionPackage.Host

work="$(mktemp -d "${TMPDIR:-/tmp}/fpkg-bench-host.XXXXXX")"
case "$work/" in "$repo"/*) echo "The work directory must be outside the repository: $work" >&2; exit 2 ;; esac
driver_pid=""
cleanup() {
  # The driver stops every server it started (each in its own process group) when it gets SIGTERM.
  if [ -n "$driver_pid" ] && kill -0 "$driver_pid" 2>/dev/null; then
    kill -TERM "$driver_pid" 2>/dev/null || true
    wait "$driver_pid" 2>/dev/null || true
  fi
  if [ "$keep" = 1 ]; then echo "Work directory kept: $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

echo "==> Installing the packed fnpkg tool"
fnpkg="$(install_packed_tool "$work")"
# The host `fnpkg run` starts on this machine (HostLauncher.RunHostAssemblyPath): the tool's ReadyToRun host-<RID>/
# where it has one for the SDK's RID (host-linux-x64/), else the IL host/.
host_folder="host-$(dotnet --info | sed -n 's/^ *RID: *//p' | head -n 1)"
[ -f "$(dirname "$fnpkg")/$host_folder/FunctionPackage.Host.dll" ] || host_folder=host
host_dll="$(dirname "$fnpkg")/$host_folder/FunctionPackage.Host.dll"
[ -f "$host_dll" ] || { echo "The installed tool has no host at $host_dll" >&2; exit 1; }

# --- The function: a copy of samples/Hello built as a user project (the samples' props, with absolute paths), its
# own packages folder, FunctionPackage.Sdk from artifacts/feed.
echo "==> Packaging samples/Hello"
copy_sample Hello "$work"
publish_hello=(dotnet publish "$work/src/Hello/Hello.csproj" -c Release -nologo -v:q -p:UseSharedCompilation=false -p:FunctionPackage=true)
"${publish_hello[@]}"
package="$work/src/Hello/bin/Release/functionpackage/Hello.1.0.0.nupkg"
hello_dll="$work/src/Hello/bin/Release/net10.0/publish/Hello.dll"
[ -f "$package" ] && [ -f "$hello_dll" ] || { echo "The publish did not produce $package and $hello_dll" >&2; exit 1; }
mkdir -p "$work/feed" "$work/run"
cp "$package" "$work/feed/"
# Where fnpkg runs: a NuGet.config with only the local feed (a no-op `fnpkg run Hello@1.0.0` must not need it).
cat > "$work/run/NuGet.config" <<EOF
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <clear />
    <add key="bench" value="$work/feed" />
  </packageSources>
</configuration>
EOF

echo "==> Installing it with fnpkg"
(cd "$work/run" && dotnet "$fnpkg" install "$work/feed/Hello.1.0.0.nupkg" --root "$work/root")
function_dir="$work/root/functions/hello/1.0.0"
cmp "$function_dir/function/Hello.dll" "$hello_dll" || { echo "The installed Hello.dll differs from the published one" >&2; exit 1; }

# --- The baseline, compiled against the published Hello.dll (checked byte-identical below).
echo "==> Publishing the baseline (tests/Benchmarks/HostBaseline)"
cp -r tests/Benchmarks "$work/src/Benchmarks"
find "$work/src/Benchmarks" \( -name bin -o -name obj \) -prune -exec rm -rf {} +
dotnet publish "$work/src/Benchmarks/HostBaseline/HostBaseline.csproj" -c Release -nologo -v:q -p:UseSharedCompilation=false \
  -p:HelloAssembly="$hello_dll" -o "$work/baseline"
cmp "$work/baseline/Hello.dll" "$hello_dll" || { echo "The baseline's Hello.dll differs from the published one" >&2; exit 1; }

# --- wrk scripts. The response hook checks every response (status 200, the greeting in the body and, for the host
# in binary mode, the response event's type); done() sums the per-thread counts.
write_lua() { # file binary(0/1) expect-event(0/1)
  {
    echo 'wrk.method = "POST"'
    echo "wrk.body = '{\"name\":\"Ada\"}'"
    echo 'wrk.headers["Content-Type"] = "application/json"'
    if [ "$2" = 1 ]; then
      echo 'wrk.headers["ce-specversion"] = "1.0"'
      echo 'wrk.headers["ce-id"] = "bench-1"'
      echo 'wrk.headers["ce-source"] = "/bench"'
      echo 'wrk.headers["ce-type"] = "com.example.greet"'
    fi
    echo "local expect_event = $([ "$3" = 1 ] && echo true || echo false)"
    cat <<'LUA'
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) checked = 0; bad = 0 end
function response(status, headers, body)
  checked = checked + 1
  if status ~= 200 or not string.find(body, '"message":"Hello, Ada!"', 1, true)
     or (expect_event and headers["ce-type"] ~= "com.example.greet.response") then
    bad = bad + 1
  end
end
function done(summary, latency, requests)
  local c, b = 0, 0
  for _, t in ipairs(threads) do c = c + t:get("checked"); b = b + t:get("bad") end
  io.write(string.format("FPKG-CHECK checked=%d bad=%d\n", c, b))
end
LUA
  } > "$1"
}
write_lua "$work/plain.lua" 0 0
write_lua "$work/binary-baseline.lua" 1 0
write_lua "$work/binary-host.lua" 1 1

echo "==> Measuring (starts: $starts per variant; throughput: ${warmup} s warm-ups, then $rounds rounds of 4 x ${duration} s)"
BENCH_REPO="$repo" BENCH_WORK="$work" BENCH_FNPKG="$fnpkg" BENCH_HOST_DLL="$host_dll" BENCH_HOST_FOLDER="$host_folder" BENCH_FNPKG_BUILT="$fnpkg_built" BENCH_HOST_BUILT="$host_built" BENCH_STARTS="$starts" BENCH_ROUNDS="$rounds" \
BENCH_DURATION="$duration" BENCH_WARMUP="$warmup" BENCH_CONNECTIONS="$connections" BENCH_THREADS="$threads" \
BENCH_WRITE_DOC="$write_doc" BENCH_SMOKE="$smoke" BENCH_STARTED="$started" BENCH_LOAD_AT_START="$load_at_start" BENCH_BUILT_FROM="$built_from" \
BENCH_ARGS="$args_given" BENCH_SDK_VERSION="$version" \
python3 - <<'PY' &
import datetime, http.client, json, os, platform, re, signal, socket, statistics, subprocess, sys, time, zipfile

# SIGTERM (from the script's trap) becomes SystemExit, so the finally below stops every server.
signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

env = os.environ
repo, work, fnpkg, host_dll = env["BENCH_REPO"], env["BENCH_WORK"], env["BENCH_FNPKG"], env["BENCH_HOST_DLL"]
fnpkg_built, host_built = env["BENCH_FNPKG_BUILT"], env["BENCH_HOST_BUILT"]
tool_dir = "$WORK/tool/.store/" + os.path.relpath(os.path.dirname(fnpkg), os.path.join(work, "tool", ".store"))
starts, rounds = int(env["BENCH_STARTS"]), int(env["BENCH_ROUNDS"])
duration, warmup = int(env["BENCH_DURATION"]), int(env["BENCH_WARMUP"])
connections, threads = int(env["BENCH_CONNECTIONS"]), int(env["BENCH_THREADS"])
root = os.path.join(work, "root")
run_dir = os.path.join(work, "run")
function_dir = os.path.join(root, "functions", "hello", "1.0.0")
baseline_dll = os.path.join(work, "baseline", "HostBaseline.dll")
logs = os.path.join(work, "logs")
os.makedirs(logs, exist_ok=True)
BODY = b'{"name":"Ada"}'
GREETING = b'"message":"Hello, Ada!"'
CLK_TCK = os.sysconf("SC_CLK_TCK")

servers = []  # Popen objects; each leads its own process group (fnpkg run's host is in fnpkg's group)

def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]

def start(cmd, name):
    log = open(os.path.join(logs, name + ".log"), "w")
    proc = subprocess.Popen(cmd, cwd=run_dir, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    log.close()
    servers.append(proc)
    return proc

def signal_group(proc, sig):
    try:
        os.killpg(proc.pid, sig)
    except ProcessLookupError:
        pass

def stop(proc):
    if proc.poll() is None:
        signal_group(proc, signal.SIGTERM)
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            signal_group(proc, signal.SIGKILL)
            proc.wait()
    signal_group(proc, signal.SIGKILL)  # anything left in the group (a host whose fnpkg died)
    servers.remove(proc)

def group_cpu(pgid):
    """CPU seconds (user + sys) so far of every live process in the process group."""
    total = 0
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid:  # fields after "(comm)": state ppid pgrp ... utime(12) stime(13)
            total += int(fields[11]) + int(fields[12])
    return total / CLK_TCK

def post(port):
    """None while nothing answers; otherwise (status, body)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("POST", "/", BODY, {"Content-Type": "application/json"})
        response = conn.getresponse()
        return response.status, response.read()
    except (ConnectionRefusedError, ConnectionResetError, http.client.RemoteDisconnected):
        return None
    finally:
        conn.close()

def wait_first_response(proc, port, name, t0):
    while True:
        answer = post(port)
        if answer is not None:
            elapsed = time.perf_counter() - t0
            status, body = answer
            if status != 200 or GREETING not in body:
                sys.exit(f"{name}: the first response was {status} {body[:200]!r}; see {logs}/{name}.log")
            return elapsed
        if proc.poll() is not None:
            sys.exit(f"{name} exited with {proc.returncode} before answering:\n" + open(f"{logs}/{name}.log").read()[-3000:])
        if time.perf_counter() - t0 > 60:
            sys.exit(f"{name} did not answer within 60 s; see {logs}/{name}.log")
        time.sleep(0.005)

URL = "http://127.0.0.1:{port}"
VARIANTS = {
    "fnpkg run": lambda port: ["dotnet", fnpkg, "run", "Hello@1.0.0", "--root", root, "--urls", URL.format(port=port)],
    "fnpkg run --isolated": lambda port: ["dotnet", fnpkg, "run", "Hello@1.0.0", "--root", root, "--urls", URL.format(port=port), "--isolated"],
    "host dll direct": lambda port: ["dotnet", "exec", "--additionalprobingpath", os.path.join(root, "packages"), host_dll,
                                     "serve", "--function", function_dir, "--urls", URL.format(port=port)],
    "baseline": lambda port: ["dotnet", baseline_dll, "--urls", URL.format(port=port)],
    "fnpkg run, JIT build": lambda port: ["dotnet", fnpkg_built, "run", "Hello@1.0.0", "--root", root, "--urls", URL.format(port=port)],
    "host dll direct, JIT build": lambda port: ["dotnet", "exec", "--additionalprobingpath", os.path.join(root, "packages"), host_built,
                                                "serve", "--function", function_dir, "--urls", URL.format(port=port)],
}
SHOWN = {  # the same command lines with $WORK / $REPO for the report
    "fnpkg run": f"cd $WORK/run && dotnet {tool_dir}/fnpkg.dll run Hello@1.0.0 --root $WORK/root --urls http://127.0.0.1:<port>",
    "fnpkg run --isolated": f"cd $WORK/run && dotnet {tool_dir}/fnpkg.dll run Hello@1.0.0 --root $WORK/root --urls http://127.0.0.1:<port> --isolated",
    "host dll direct": f"dotnet exec --additionalprobingpath $WORK/root/packages {tool_dir}/{env['BENCH_HOST_FOLDER']}/FunctionPackage.Host.dll serve --function $WORK/root/functions/hello/1.0.0 --urls http://127.0.0.1:<port>",
    "fnpkg run, JIT build": "cd $WORK/run && dotnet $REPO/src/FunctionPackage.Cli/bin/Release/net10.0/fnpkg.dll run Hello@1.0.0 --root $WORK/root --urls http://127.0.0.1:<port>",
    "host dll direct, JIT build": "dotnet exec --additionalprobingpath $WORK/root/packages $REPO/src/FunctionPackage.Cli/bin/Release/net10.0/host/FunctionPackage.Host.dll serve --function $WORK/root/functions/hello/1.0.0 --urls http://127.0.0.1:<port>",
    "baseline": "dotnet $WORK/baseline/HostBaseline.dll --urls http://127.0.0.1:<port>",
}

def start_once(variant, tag):
    port = free_port()
    name = f"start-{variant.replace(' ', '-')}-{tag}"
    t0 = time.perf_counter()
    proc = start(VARIANTS[variant](port), name)
    elapsed = wait_first_response(proc, port, name, t0)
    cpu = group_cpu(proc.pid)
    stop(proc)
    return elapsed, cpu

def parse_ms(value, unit):
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]

def wrk(port, script, seconds, name):
    cmd = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", script, URL.format(port=port) + "/"]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    open(os.path.join(logs, name + ".wrk.txt"), "w").write(out)
    check = re.search(r"FPKG-CHECK checked=(\d+) bad=(\d+)", out)
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    total = re.search(r"(\d+) requests in", out)
    if not (check and rps and total):
        sys.exit(f"Unexpected wrk output for {name}:\n{out}")
    lat = {p: parse_ms(v, u) for p, v, u in re.findall(r"^\s+(50|75|90|99)%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)}
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    return {
        "rps": float(rps.group(1)), "requests": int(total.group(1)), "p50": lat.get("50"), "p99": lat.get("99"),
        "non2xx": int(non2xx.group(1)) if non2xx else 0, "socket": sum(map(int, sock.groups())) if sock else 0,
        "checked": int(check.group(1)), "bad": int(check.group(2)), "cmd": cmd,
    }

try:
    # ---- 1. Start to first response
    load_timing_start = os.getloadavg()
    names = list(VARIANTS)
    for variant in names:  # untimed: file cache, first-run work
        start_once(variant, "warmup")
    start_rows = []
    for i in range(starts):
        order = names[i % len(names):] + names[:i % len(names)]
        row = {"order": order}
        for variant in order:
            row[variant] = start_once(variant, str(i + 1))
        start_rows.append(row)
        print(f"  start round {i + 1}: " + ", ".join(f"{v} {row[v][0] * 1000:.0f} ms" for v in names), flush=True)

    # ---- 2. Throughput: both servers up side by side for the whole phase.
    ports = {"baseline": free_port(), "host": free_port()}
    procs = {"baseline": start(VARIANTS["baseline"](ports["baseline"]), "serve-baseline"),
             "host": start(VARIANTS["fnpkg run"](ports["host"]), "serve-host")}
    for side in procs:
        wait_first_response(procs[side], ports[side], f"serve-{side}", time.perf_counter())
    scripts = {("plain", "baseline"): "plain.lua", ("plain", "host"): "plain.lua",
               ("binary", "baseline"): "binary-baseline.lua", ("binary", "host"): "binary-host.lua"}
    # Warm-up (tiered JIT, connection pools, GC heap sizes) of each server in each mode, then the measured rounds.
    warmup_failures = 0
    for mode in ("plain", "binary"):
        for side in ("baseline", "host"):
            w = wrk(ports[side], os.path.join(work, scripts[(mode, side)]), warmup, f"warmup-{mode}-{side}")
            warmup_failures += w["bad"] + w["socket"]
    cells = []
    for r in range(1, rounds + 1):
        sides = ["baseline", "host"] if r % 2 == 1 else ["host", "baseline"]
        for mode in ("plain", "binary"):
            for side in sides:
                script = os.path.join(work, scripts[(mode, side)])
                cell = wrk(ports[side], script, duration, f"round{r}-{mode}-{side}")
                cell.update(round=r, mode=mode, side=side, position=sides.index(side) + 1)
                cells.append(cell)
                print(f"  round {r} {mode:6} {side:8}: {cell['rps']:9.0f} req/s, p99 {cell['p99']:.2f} ms, "
                      f"failed {cell['bad'] + cell['socket']}", flush=True)
    for side, proc in procs.items():
        if proc.poll() is not None:
            sys.exit(f"The {side} server exited during the measurements; see {logs}/serve-{side}.log")
    for proc in list(procs.values()):
        stop(proc)
    load_end = os.getloadavg()
finally:
    for proc in list(servers):
        stop(proc)

# ---- Report
med = statistics.median
def ms(x): return f"{x * 1000:.0f}"
dotnet_version = subprocess.run(["dotnet", "--version"], capture_output=True, text=True, check=True).stdout.strip()
wrk_version = (subprocess.run(["wrk", "-v"], capture_output=True, text=True).stdout.splitlines() or ["wrk ?"])[0].split(" Copyright")[0].strip()
os_name = platform.freedesktop_os_release().get("PRETTY_NAME", platform.system())
cpu_model = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "unknown CPU")
minutes = (time.time() - int(env["BENCH_STARTED"])) / 60
def gc_mode(runtimeconfig):
    options = json.load(open(runtimeconfig)).get("runtimeOptions", {}).get("configProperties", {})
    return "Server GC" if options.get("System.GC.Server") else "workstation GC"
host_gc = gc_mode(host_dll.replace(".dll", ".runtimeconfig.json"))
baseline_gc = gc_mode(baseline_dll.replace(".dll", ".runtimeconfig.json"))
package = os.path.join(work, "feed", "Hello.1.0.0.nupkg")
manifest = json.loads(zipfile.ZipFile(package).read("function.json"))
loads = lambda l: " / ".join(f"{x:.2f}" for x in l)

start_med = {v: med(r[v][0] for r in start_rows) for v in names}
start_ratio = {v: start_med[v] / start_med["baseline"] for v in names if v != "baseline"}

def cell_of(r, mode, side): return next(c for c in cells if c["round"] == r and c["mode"] == mode and c["side"] == side)
tp_med = {(m, s): med(c["rps"] for c in cells if c["mode"] == m and c["side"] == s) for m in ("plain", "binary") for s in ("baseline", "host")}
p99_med = {(m, s): med(c["p99"] for c in cells if c["mode"] == m and c["side"] == s) for m in ("plain", "binary") for s in ("baseline", "host")}
tp_ratio = {m: tp_med[(m, "host")] / tp_med[(m, "baseline")] for m in ("plain", "binary")}
# Each round's pair ran back to back, so its ratio is the least exposed to load drift: report their median too.
pair_ratio = {m: med(cell_of(r, m, "host")["rps"] / cell_of(r, m, "baseline")["rps"] for r in range(1, rounds + 1)) for m in ("plain", "binary")}
failed = {s: sum(c["bad"] + c["socket"] for c in cells if c["side"] == s) for s in ("baseline", "host")}
requests = {s: sum(c["requests"] for c in cells if c["side"] == s) for s in ("baseline", "host")}
unchecked = [c for c in cells if c["checked"] != c["requests"]]
def met(ok): return "met" if ok else "**missed**"

out = []
w = out.append
w("## Host: start to first response and throughput against a minimal ASP.NET Core app")
w("")
w(f"Written by `build/bench-host.sh{(' ' + env['BENCH_ARGS']) if env['BENCH_ARGS'] else ''}`; rerun it to refresh this section.")
w("")
w(f"- Date: {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC; whole run {minutes:.1f} min (builds included)")
w(f"- Machine: `nproc` = {os.cpu_count()} ({cpu_model}), `dotnet --version` = {dotnet_version}, {os_name} {platform.machine()}, {wrk_version}")
w(f"- Load average (1/5/15 min, `/proc/loadavg`): **{env['BENCH_LOAD_AT_START'].replace(' ', ' / ')} at the start of the script**, "
  f"{loads(load_timing_start)} when timing began, {loads(load_end)} at the end. The machine was shared with other engineers' "
  "builds and test runs: single numbers are noisy, every comparison is interleaved and medians are what count")
w(f"- fnpkg and its host: the packed tool as users install it, `dotnet tool install FunctionPackage.Cli --tool-path $WORK/tool --add-source artifacts/feed` "
  f"(`{tool_dir}`: on linux-x64 the ReadyToRun package); side by side in section 1 the JIT build, `dotnet build src/FunctionPackage.Cli -c Release` "
  f"(built from commit {env['BENCH_BUILT_FROM']}). `FNPKG_HOST_PATH` unset, so `fnpkg run` starts its own `{env['BENCH_HOST_FOLDER']}/FunctionPackage.Host.dll` "
  "(the JIT build's host rows: the IL `host/`)")
w(f"- Function: `samples/Hello` (`{manifest['entryPoint']['type']}::{manifest['entryPoint']['method']}`, `GreetRequest(Name)` → `Greeting(Message)`, "
  f"{len(manifest.get('dependencies', []))} package dependencies), copied to `$WORK/src` with the samples' props, packaged with "
  f"`dotnet publish Hello/Hello.csproj -c Release -p:FunctionPackage=true` (FunctionPackage.Sdk {env['BENCH_SDK_VERSION']} from `artifacts/feed`; "
  f"`Hello.1.0.0.nupkg`, {os.path.getsize(package):,} bytes) and installed with "
  "`fnpkg install $WORK/feed/Hello.1.0.0.nupkg --root $WORK/root`")
w("- Baseline: `tests/Benchmarks/HostBaseline`, `app.MapPost(\"/\", (GreetRequest request) => Greeter.Handle(request))` on "
  "`WebApplication.CreateSlimBuilder` with the host's logging filter and Kestrel settings, published with "
  "`dotnet publish HostBaseline/HostBaseline.csproj -c Release -p:HelloAssembly=<Hello publish dir>/Hello.dll -o $WORK/baseline`. "
  "Its `Hello.dll` is byte-identical to the one in the installed function (checked), so both run the same handler")
w(f"- Runtime settings as each app ships: host {host_gc} (a plain `Microsoft.NET.Sdk` app), baseline {baseline_gc} "
  "(the `Microsoft.NET.Sdk.Web` default); both bind 127.0.0.1 only")
w(f"- Request: `POST /`, `Content-Type: application/json`, body `{BODY.decode()}`; response `{{\"message\":\"Hello, Ada!\"}}`")
w("")
w(f"### 1. Start to first response (targets: `fnpkg run` and host ≤ 1.1× baseline)")
w("")
w("Wall time from starting the process to the first `200` with the greeting, polling `POST /` every 5 ms (Python `http.client`, "
  "a new connection per attempt). Commands (`<port>` a free port per start):")
w("")
for v in names:
    w(f"- {v}: `{SHOWN[v]}`")
w("")
w(f"One untimed start of each first; then {starts} rounds, the order rotated each round. `fnpkg run` includes fnpkg's start and its no-op "
  "install check (`Hello@1.0.0` already installed), then runs the host inside its own process; `fnpkg run --isolated` starts the host as "
  "a child process instead (a second runtime start: how every `fnpkg run` worked before). CPU = user + sys of the "
  "process group (fnpkg and, with `--isolated`, the host) at the moment of the first response — less sensitive to the machine's load than wall time.")
w("")
abbrev = {"fnpkg run": "R", "fnpkg run --isolated": "RI", "host dll direct": "D", "baseline": "B", "fnpkg run, JIT build": "RJ", "host dll direct, JIT build": "DJ"}
w("| round | order | " + " | ".join(f"{v} ms | CPU ms" for v in names) + " |")
w("|---:|---|" + "---:|---:|" * len(names))
for i, r in enumerate(start_rows, 1):
    w(f"| {i} | {' → '.join(abbrev[v] for v in r['order'])} | " + " | ".join(f"{ms(r[v][0])} | {ms(r[v][1])}" for v in names) + " |")
w("| **median** | | " + " | ".join(f"**{ms(start_med[v])}** | {ms(med(r[v][1] for r in start_rows))}" for v in names) + " |")
w("")
w("(" + ", ".join(f"{a} = {v}" for v, a in abbrev.items()) + ".) Median / baseline median (target ≤ 1.1×): `fnpkg run` "
  f"**{start_ratio['fnpkg run']:.2f}×** — {met(start_ratio['fnpkg run'] <= 1.1)}; host dll direct "
  f"**{start_ratio['host dll direct']:.2f}×** — {met(start_ratio['host dll direct'] <= 1.1)}; `fnpkg run --isolated` "
  f"{start_ratio['fnpkg run --isolated']:.2f}×. The JIT build of the same code: `fnpkg run` "
  f"{start_ratio['fnpkg run, JIT build']:.2f}×, host dll direct {start_ratio['host dll direct, JIT build']:.2f}× — what ReadyToRun bought "
  f"(medians of the per-round differences): `fnpkg run` {ms(med(r['fnpkg run, JIT build'][0] - r['fnpkg run'][0] for r in start_rows))} ms, "
  f"host {ms(med(r['host dll direct, JIT build'][0] - r['host dll direct'][0] for r in start_rows))} ms.")
w("")
w(f"Where the difference goes (medians of the per-round differences): `fnpkg run --isolated` − `fnpkg run` = "
  f"{ms(med(r['fnpkg run --isolated'][0] - r['fnpkg run'][0] for r in start_rows))} ms wall, "
  f"{ms(med(r['fnpkg run --isolated'][1] - r['fnpkg run'][1] for r in start_rows))} ms CPU (the second runtime start the in-process host saves); "
  f"`fnpkg run` − host dll direct = {ms(med(r['fnpkg run'][0] - r['host dll direct'][0] for r in start_rows))} ms wall, "
  f"{ms(med(r['fnpkg run'][1] - r['host dll direct'][1] for r in start_rows))} ms CPU (fnpkg's own start, argument parsing, no-op install "
  f"check, loading the host and ASP.NET Core into itself); host dll direct − baseline = "
  f"{ms(med(r['host dll direct'][0] - r['baseline'][0] for r in start_rows))} ms (what the host does before it listens and the "
  "baseline does not: parse its command line, read `function.json`, load the function into its `AssemblyLoadContext`, bind the "
  "entry point; not broken down further here).")
w("")
w(f"### 2. Throughput on loopback (targets: host ≥ 1.0× baseline, zero failed requests)")
w("")
w(f"Both servers up side by side for the whole phase (host: `fnpkg run` as above; baseline: as above). "
  f"First a `wrk -t{threads} -c{connections} -d{warmup}s` warm-up of each server in each mode; then {rounds} rounds of "
  f"`wrk -t{threads} -c{connections} -d{duration}s --latency -s <script> http://127.0.0.1:<port>/`, in each round plain then binary, "
  "the side that goes first alternating (odd rounds baseline first). Scripts "
  "(`wrk.method = \"POST\"`, the body above, `Content-Type: application/json`):")
w("")
w("- plain: nothing else — the host answers `application/json` with the result")
w("- binary (CloudEvents HTTP binary mode): plus `ce-specversion: 1.0`, `ce-id`, `ce-source`, `ce-type: com.example.greet` — the host "
  "answers a binary-mode event (new `ce-id`, `ce-type: com.example.greet.response`); the baseline gets the same request and ignores the headers")
w("- a `response()` hook checks every response: status 200 and the greeting in the body (and, host binary, the `ce-type` response header); "
  "failed = those it rejects + wrk's socket errors (connect/read/write/timeout); non-2xx is wrk's own count")
w("")
w("| round | mode | baseline req/s | host req/s | host / baseline | baseline p99 ms | host p99 ms | failed (baseline / host) | non-2xx (baseline / host) |")
w("|---:|---|---:|---:|---:|---:|---:|---:|---:|")
for r in range(1, rounds + 1):
    for m in ("plain", "binary"):
        b, h = cell_of(r, m, "baseline"), cell_of(r, m, "host")
        w(f"| {r} | {m} | {b['rps']:,.0f} | {h['rps']:,.0f} | {h['rps'] / b['rps']:.2f} | {b['p99']:.2f} | {h['p99']:.2f} | "
          f"{b['bad'] + b['socket']} / {h['bad'] + h['socket']} | {b['non2xx']} / {h['non2xx']} |")
for m in ("plain", "binary"):
    w(f"| **median** | {m} | **{tp_med[(m, 'baseline')]:,.0f}** | **{tp_med[(m, 'host')]:,.0f}** | **{tp_ratio[m]:.2f}** "
      f"(per-round ratios: {pair_ratio[m]:.2f}) | {p99_med[(m, 'baseline')]:.2f} | {p99_med[(m, 'host')]:.2f} | | |")
w("")
def tp_verdict(m):
    a, b = tp_ratio[m] >= 1.0, pair_ratio[m] >= 1.0
    if a == b: return "met" if a else "**missed**"
    return ("met by the ratio of medians, **missed** by the median of per-round ratios" if a
            else "**missed** by the ratio of medians, met by the median of per-round ratios")
w(f"Median host / median baseline: plain **{tp_ratio['plain']:.2f}×** (median of per-round ratios {pair_ratio['plain']:.2f}×), binary "
  f"**{tp_ratio['binary']:.2f}×** (median of per-round ratios {pair_ratio['binary']:.2f}×) — target (≥ 1.0×): plain {tp_verdict('plain')}, "
  f"binary {tp_verdict('binary')}. Failed requests in the measured runs: baseline {failed['baseline']} of "
  f"{requests['baseline']:,}, host {failed['host']} of {requests['host']:,} — target {met(failed['host'] == 0)} (zero); "
  f"in the warm-ups: {warmup_failures}." + (f" Note: in {len(unchecked)} runs the hook saw a different number of responses than wrk counted requests." if unchecked else ""))
section = "\n".join(out) + "\n"

if env["BENCH_SMOKE"] == "1":
    print(f"==> Smoke run passed in {minutes * 60:.0f} s (start {start_ratio['fnpkg run']:.2f}x via fnpkg run; throughput {tp_ratio['plain']:.2f}x plain, "
          f"{tp_ratio['binary']:.2f}x binary; failed requests {failed['host']}; nothing written)")
    sys.exit(0)
if env["BENCH_WRITE_DOC"] != "1":
    print(section)
    sys.exit(0)
open(os.path.join(work, "section.md"), "w", encoding="utf-8").write(section)
print(f"Measured: start {start_ratio['fnpkg run']:.2f}x (fnpkg run) / {start_ratio['host dll direct']:.2f}x (direct), "
      f"throughput {tp_ratio['plain']:.2f}x plain / {tp_ratio['binary']:.2f}x binary (per-round {pair_ratio['plain']:.2f}x / {pair_ratio['binary']:.2f}x), failed {failed['host']}")
PY
driver_pid=$!
status=0
wait "$driver_pid" || status=$?
driver_pid=""
[ "$status" = 0 ] || exit "$status"
if [ "$smoke" != 1 ] && [ "$write_doc" = 1 ]; then write_benchmark_section host "$work/section.md"; fi
