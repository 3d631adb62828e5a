#!/usr/bin/env bash
# Export benchmarks: `fnpkg export --target oci` against the .NET SDK's own container publishing
# (`dotnet publish -t:PublishContainer`) of a minimal ASP.NET Core app calling the same handler, onto the same base
# image, into the same loopback registry, side by side in one run. Writes the `export` section of docs/benchmarks.md.
#  1. Wall time of one export / one container publish (the function already packaged, the app already built once;
#     interleaved rounds, medians). Target: export / publish <= 0.5. fnpkg runs as users get it: the packed tool from
#     artifacts/feed (`dotnet tool install --tool-path`: the ReadyToRun linux-x64 package; packed again first when
#     src/ is newer), once with a warm export cache (FNPKG_EXPORT_CACHE, filled by the untimed first export) and once
#     with an empty one per round (cold). Image sizes side by side.
#  2. A one-line code change, then export / publish again: bytes uploaded (fnpkg's own count; for the SDK the new
#     blobs of its manifest). Target: fnpkg's bytes uploaded <= its function layer + config.
#  3. Container start to the first CloudEvent answer under podman (host networking), exported image vs the
#     app's image (pulled first, untimed; interleaved, medians). Target: export / app <= 1.2.
# The function is samples/Inventory (the largest sample: SQLite natives, a satellite assembly) packaged for real;
# the baseline is tests/Benchmarks/InventoryBaseline. The base image is the OCI tests' own, made from this machine's
# .NET runtime and ASP.NET Core (tests/Benchmarks/TestBaseImage links tests/FunctionPackage.Oci.Tests' DotNetBaseImage).
# About 6 minutes on 2 cores (builds included). Needs the .NET SDK, python3, docker-registry, podman and runc
# (build/prerequisites.sh installs them).
#
# Usage: build/bench-export.sh [--smoke] [--rounds N] [--starts N] [--keep] [--no-doc]
#   --smoke       one round of each, samples/Hello against tests/Benchmarks/HostBaseline, docs untouched: proves the
#                 script still works (build/test.sh runs it; also FPKG_BENCH_SMOKE=1)
#   --rounds N    timed export/publish rounds, interleaved (default 5, min 3)
#   --starts N    timed container starts per image, interleaved (default 5, min 3)
#   --keep        keep the temporary work directory (projects, registry, podman storage, logs) and print its path
#   --no-doc      print the section instead of writing docs/benchmarks.md
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$repo"

rounds=5
starts=5
bench_option() { case "$1" in --rounds) rounds="$2"; bench_shift=2 ;; --starts) starts="$2"; bench_shift=2 ;; *) return 1 ;; esac; }
bench_parse_args "$@"
if [ "$smoke" = 1 ]; then
  # Below the measuring minimums on purpose: a smoke run proves the code paths, it measures nothing.
  rounds=1; starts=1; write_doc=0
  sample=Hello; baseline_project=HostBaseline; baseline_property="HelloAssembly"
elif [ "$rounds" -lt 3 ] || [ "$starts" -lt 3 ]; then
  echo "--rounds and --starts must be at least 3" >&2; exit 1
else
  sample=Inventory; baseline_project=InventoryBaseline; baseline_property="InventoryProject"
fi

bench_start
"$repo/build/prerequisites.sh" python3 docker-registry podman runc
command -v python3 >/dev/null || { echo "python3 is needed (apt-get install python3)" >&2; exit 1; }

use_benchmark_environment
unset FNPKG_HOST_PATH ASPNETCORE_URLS ASPNETCORE_ENVIRONMENT DOTNET_ENVIRONMENT
ensure_packed
bench_built_from

bench_work_with_registry export
echo "==> Installing the packed fnpkg tool (dotnet tool install --tool-path)"
install_packed_tool "$work/fnpkg" >/dev/null
fnpkg="$work/fnpkg/tool/fnpkg"
[ -x "$fnpkg" ] || { echo "dotnet tool install put no fnpkg command at $fnpkg" >&2; exit 1; }

echo "==> Starting the loopback registry on $registry and pushing the base image"
bench_start_registry_with_base_image
echo "    base image: $base_image"

# --- The function: a copy of samples/<sample> built as a user project (the samples' props, with absolute paths), its
# own packages folder (also the feed fnpkg installs the dependencies from), FunctionPackage.Sdk from artifacts/feed.
echo "==> Packaging samples/$sample"
copy_sample "$sample" "$work"
publish_sample=(dotnet publish "$work/src/$sample/$sample.csproj" -c Release -nologo -v:q -p:UseSharedCompilation=false -p:FunctionPackage=true)
"${publish_sample[@]}"
package="$work/src/$sample/bin/Release/functionpackage/$sample.1.0.0.nupkg"
[ -f "$package" ] || { echo "The publish did not produce $package" >&2; exit 1; }

cp -r tests/Benchmarks "$work/src/Benchmarks"
find "$work/src/Benchmarks" \( -name bin -o -name obj \) -prune -exec rm -rf {} +
if [ "$sample" = Hello ]; then baseline_value="$work/src/Hello/bin/Release/net10.0/publish/Hello.dll"; else baseline_value="$work/src/Inventory/Inventory.csproj"; fi

echo "==> Measuring ($rounds export/publish rounds, $starts container starts per image)"
BENCH_REPO="$repo" BENCH_WORK="$work" BENCH_FNPKG="$fnpkg" BENCH_REGISTRY="$registry" BENCH_BASE="$base_image" BENCH_SAMPLE="$sample" \
BENCH_PACKAGE="$package" BENCH_BASELINE="$work/src/Benchmarks/$baseline_project/$baseline_project.csproj" \
BENCH_BASELINE_PROPERTY="-p:$baseline_property=$baseline_value" BENCH_ROUNDS="$rounds" BENCH_STARTS="$starts" \
BENCH_WRITE_DOC="$write_doc" BENCH_SMOKE="$smoke" BENCH_STARTED="$started" BENCH_LOAD_AT_START="$load_at_start" \
BENCH_BUILT_FROM="$built_from" BENCH_ARGS="$args_given" BENCH_PUBLISH_SAMPLE="${publish_sample[*]}" \
python3 - <<'PY' &
import datetime, hashlib, http.client, json, os, platform, re, signal, socket, statistics, subprocess, sys, time

signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
env = os.environ
repo, work, fnpkg, registry, base = env["BENCH_REPO"], env["BENCH_WORK"], env["BENCH_FNPKG"], env["BENCH_REGISTRY"], env["BENCH_BASE"]
sample, package, baseline = env["BENCH_SAMPLE"], env["BENCH_PACKAGE"], env["BENCH_BASELINE"]
rounds, starts = int(env["BENCH_ROUNDS"]), int(env["BENCH_STARTS"])
podman = [os.path.join(repo, "build", "podman.sh"), os.path.join(work, "podman"), registry]
logs = os.path.join(work, "logs")
os.makedirs(logs, exist_ok=True)
# What each sample is sent and must answer (binary-mode CloudEvent, JSON data).
EVENT = {"Hello": (b'{"name":"Ada"}', b'"message":"Hello, Ada!"'), "Inventory": (b'{"sku":"APPLE"}', b'"name":"Pomme"')}[sample]
# The test base image is ICU-free (invariant globalization); Inventory's French culture needs this in either image.
RUN_ENV = ["-e", "DOTNET_SYSTEM_GLOBALIZATION_PREDEFINED_CULTURES_ONLY=false"]
SDK_ENV = dict(env, DOTNET_CONTAINER_INSECURE_REGISTRIES=registry)

def run(cmd, name, extra_env=None):
    t0 = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, env=extra_env or env, cwd=work)
    elapsed = time.perf_counter() - t0
    open(os.path.join(logs, name + ".log"), "w").write(f"$ {' '.join(cmd)}\n[exit {done.returncode}]\n{done.stdout}\n--- stderr\n{done.stderr}")
    if done.returncode != 0:
        sys.exit(f"{name} failed ({done.returncode}):\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    return elapsed, done

def export(tag, name, cache):
    cmd = [fnpkg, "export", package, "--target", "oci", "--image", f"{registry}/bench/export:{tag}", "--base-image", base,
           "--insecure-registry", registry, "--source", os.path.join(work, "packages"), "--service-manifest", os.path.join(work, "service.yaml")]
    elapsed, done = run(cmd, name, dict(env, FNPKG_EXPORT_CACHE=cache))
    uploaded = re.search(r"\((\d+) bytes uploaded", done.stderr + done.stdout)
    if not uploaded:
        sys.exit(f"{name}: fnpkg did not say how many bytes it uploaded:\n{done.stderr}")
    return elapsed, int(uploaded.group(1)), cmd

def publish(tag, name):
    cmd = ["dotnet", "publish", baseline, "-c", "Release", "-nologo", "-v:q", "-p:UseSharedCompilation=false", env["BENCH_BASELINE_PROPERTY"],
           "-t:PublishContainer", f"-p:ContainerBaseImage={base}", f"-p:ContainerRegistry={registry}", "-p:ContainerRepository=bench/sdk",
           f"-p:ContainerImageTag={tag}", "-p:ContainerUser=1654"]
    elapsed, _ = run(cmd, name, SDK_ENV)
    return elapsed, cmd

def manifest(repository, tag):
    conn = http.client.HTTPConnection(registry, timeout=30)
    conn.request("GET", f"/v2/{repository}/manifests/{tag}", headers={"Accept": "application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json"})
    response = conn.getresponse()
    body = response.read()
    if response.status != 200:
        sys.exit(f"GET {repository}:{tag} manifest: {response.status} {body[:300]!r}")
    return json.loads(body)

def sizes(m, base_digests):
    own = [l for l in m["layers"] if l["digest"] not in base_digests]
    return {"total": sum(l["size"] for l in m["layers"]) + m["config"]["size"], "own": sum(l["size"] for l in own),
            "own_layers": [l["size"] for l in own], "layers": len(m["layers"])}

def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]

def answer(port):
    body, _ = EVENT
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("POST", "/", body, {"Content-Type": "application/json", "ce-specversion": "1.0", "ce-id": "bench-1",
                                         "ce-source": "/bench", "ce-type": "com.example.bench"})
        response = conn.getresponse()
        return response.status, response.read(), response.getheader("ce-type")
    except (ConnectionRefusedError, ConnectionResetError, http.client.RemoteDisconnected):
        return None
    finally:
        conn.close()

containers = []
def start_container(image, name):
    port = free_port()
    cname = f"fpkg-bench-{name}-{os.getpid()}"
    cmd = podman + ["run", "-d", "--name", cname, "--network", "host", "-e", f"PORT={port}", "-e", f"ASPNETCORE_HTTP_PORTS={port}"] + RUN_ENV + [image]
    t0 = time.perf_counter()
    started = subprocess.run(cmd, capture_output=True, text=True)
    if started.returncode != 0:
        sys.exit(f"podman run {image} failed:\n{started.stderr}")
    containers.append(cname)
    while True:
        got = answer(port)
        if got is not None:
            elapsed = time.perf_counter() - t0
            status, body, ce_type = got
            # The reply event's type is the host's (and InventoryBaseline's); HostBaseline answers plain JSON.
            wants_event = name.startswith("export") or sample == "Inventory"
            if status != 200 or EVENT[1] not in body or (wants_event and ce_type != "com.example.bench.response"):
                sys.exit(f"{name}: the first answer was {status} {ce_type} {body[:300]!r}:\n" + container_logs(cname))
            break
        if time.perf_counter() - t0 > 90:
            sys.exit(f"{name}: no answer within 90 s:\n" + container_logs(cname))
        time.sleep(0.005)
    remove_container(cname)
    return elapsed, cmd

def container_logs(cname):
    done = subprocess.run(podman + ["logs", cname], capture_output=True, text=True)
    return done.stdout[-3000:] + done.stderr[-3000:]

def remove_container(cname):
    subprocess.run(podman + ["rm", "-f", "-t", "0", cname], capture_output=True)
    containers.remove(cname)

try:
    base_repository, base_tag = base.split("/", 1)[1].rsplit(":", 1)
    base_digests = {l["digest"] for l in manifest(base_repository, base_tag)["layers"]}

    # ---- 1. Wall time, interleaved; one untimed run of each first (the app's first build, the file cache).
    # The warm cache is filled by the untimed export; a cold export gets a new, empty cache folder.
    warm_cache = os.path.join(work, "export-cache")
    export("warmup", "export-warmup", warm_cache)
    publish("warmup", "publish-warmup")
    timing_load = os.getloadavg()
    pairs = []
    sides = ["export", "cold", "publish"]
    for r in range(1, rounds + 1):
        order = sides[(r - 1) % 3:] + sides[:(r - 1) % 3]
        row = {}
        for side in order:
            if side == "export":
                row["export"], row["export_uploaded"], export_cmd = export(f"r{r}", f"export-r{r}", warm_cache)
            elif side == "cold":
                row["cold"], _, _ = export(f"cold-r{r}", f"export-cold-r{r}", os.path.join(work, f"export-cache-cold-r{r}"))
            else:
                row["publish"], publish_cmd = publish(f"r{r}", f"publish-r{r}")
        pairs.append(row)
        print(f"  round {r}: export {row['export']:.2f} s (cold cache {row['cold']:.2f} s), publish {row['publish']:.2f} s", flush=True)
    export_image = sizes(manifest("bench/export", f"r{rounds}"), base_digests)
    sdk_image = sizes(manifest("bench/sdk", f"r{rounds}"), base_digests)

    # ---- 2. A one-line code change: a new constant in the handler's file, so the assembly's bytes change.
    handler = {"Hello": os.path.join(work, "src", "Hello", "Greeter.cs"), "Inventory": os.path.join(work, "src", "Inventory", "StockHandler.cs")}[sample]
    if not os.path.exists(handler):
        sys.exit(f"{handler} is missing: the sample's handler file moved; update bench-export.sh")
    with open(handler, "a") as f:
        f.write(f'internal static class BenchChange {{ public const string Marker = "{hashlib.sha256(str(time.time()).encode()).hexdigest()[:12]}"; }}\n')
    run(env["BENCH_PUBLISH_SAMPLE"].split(" "), "republish-sample")
    before_export = manifest("bench/export", f"r{rounds}")
    change_export_time, change_uploaded, _ = export("changed", "export-changed", warm_cache)
    after_export = manifest("bench/export", "changed")
    before_sdk = manifest("bench/sdk", f"r{rounds}")
    change_publish_time, _ = publish("changed", "publish-changed")
    after_sdk = manifest("bench/sdk", "changed")
    def new_blobs(before, after):
        old = {l["digest"] for l in before["layers"]}
        return sum(l["size"] for l in after["layers"] if l["digest"] not in old) + after["config"]["size"]
    function_layer = after_export["layers"][-1]["size"] + after_export["config"]["size"]
    sdk_new = new_blobs(before_sdk, after_sdk)
    export_new = new_blobs(before_export, after_export)

    # ---- 3. Container start to first CloudEvent answer: pulled first (untimed), then interleaved.
    images = {"export": f"{registry}/bench/export:changed", "app": f"{registry}/bench/sdk:changed"}
    for side, image in images.items():
        done = subprocess.run(podman + ["pull", "-q", image], capture_output=True, text=True)
        if done.returncode != 0:
            sys.exit(f"podman pull {image} failed:\n{done.stderr}")
        start_container(image, f"{side}-warmup")
    start_rows = []
    for i in range(1, starts + 1):
        order = ["export", "app"] if i % 2 == 1 else ["app", "export"]
        row = {}
        for side in order:
            row[side], start_cmd = start_container(images[side], f"{side}-{i}")
        start_rows.append(row)
        print(f"  start {i}: export {row['export'] * 1000:.0f} ms, app {row['app'] * 1000:.0f} ms", flush=True)
    load_end = os.getloadavg()
finally:
    for cname in list(containers):
        remove_container(cname)

# ---- Report
med = statistics.median
export_med, publish_med = med(p["export"] for p in pairs), med(p["publish"] for p in pairs)
wall_ratio = export_med / publish_med
pair_ratio = med(p["export"] / p["publish"] for p in pairs)
cold_med = med(p["cold"] for p in pairs)
cold_ratio = cold_med / publish_med
start_export, start_app = med(r["export"] for r in start_rows), med(r["app"] for r in start_rows)
start_ratio = start_export / start_app
minutes = (time.time() - int(env["BENCH_STARTED"])) / 60
if env["BENCH_SMOKE"] == "1":
    print(f"==> Smoke run passed in {minutes * 60:.0f} s (export {wall_ratio:.2f}x publish, cold cache {cold_ratio:.2f}x; re-export uploaded {change_uploaded} bytes, "
          f"function layer + config {function_layer}; start {start_ratio:.2f}x; nothing written)")
    sys.exit(0)

dotnet_version = subprocess.run(["dotnet", "--version"], capture_output=True, text=True, check=True).stdout.strip()
podman_version = subprocess.run(podman + ["--version"], capture_output=True, text=True).stdout.strip()
os_name = platform.freedesktop_os_release().get("PRETTY_NAME", platform.system())
cpu_model = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "unknown CPU")
loads = lambda l: " / ".join(f"{x:.2f}" for x in l)
def shown(cmd):
    return " ".join(cmd).replace(work, "$WORK").replace(repo, "$REPO").replace(registry, "<registry>")
def kib(n): return f"{n / 1024:,.1f} KiB"
def mark(ok): return "**met**" if ok else "**not met**"

lines = []
w = lines.append
w("## Export: `fnpkg export --target oci` against `dotnet publish -t:PublishContainer`")
w("")
w("Written by `build/bench-export.sh`; rerun it to refresh this section.")
w("")
w(f"- Date: {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC; whole run {minutes:.1f} min (builds included); arguments: `{env['BENCH_ARGS'] or '(none)'}`")
w(f"- Machine: `nproc` = {os.cpu_count()} ({cpu_model}), `dotnet --version` = {dotnet_version}, {os_name} {platform.machine()}, {podman_version} (runc, vfs storage, `build/podman.sh`)")
w(f"- Load average (1/5/15 min, `/proc/loadavg`): **{env['BENCH_LOAD_AT_START'].replace(' ', ' / ')} at the start of the script**, {loads(timing_load)} when timing began, {loads(load_end)} at the end. "
  "The machine was shared with other engineers' builds and tests: single numbers are noisy, every comparison is interleaved and medians are what count")
w(f"- fnpkg: as users get it, `dotnet tool install FunctionPackage.Cli --tool-path $WORK/fnpkg/tool` from `artifacts/feed` (`build/pack.sh`; "
  f"the ReadyToRun `FunctionPackage.Cli.linux-x64` package; packed from commit {env['BENCH_BUILT_FROM']}), run as `$WORK/fnpkg/tool/fnpkg`. "
  "Its linux/amd64 images carry the ReadyToRun host (`host-linux-x64/`)")
w(f"- Registry: Debian's `docker-registry` on 127.0.0.1 (`build/registry.sh`), plain HTTP, the same one for both; base image `{base.replace(registry, '<registry>')}`: "
  "the OCI tests' own, made from this machine's .NET runtime and ASP.NET Core (`tests/Benchmarks/TestBaseImage`, which links `DotNetBaseImage.cs`)")
w(f"- Function: `samples/{sample}`, copied to `$WORK/src` with the samples' props and packaged with `{shown(env['BENCH_PUBLISH_SAMPLE'].split(' '))}`; "
  f"its dependencies installed by fnpkg from the restore's packages folder `$WORK/packages` (a local feed)")
w(f"- Baseline: `tests/Benchmarks/{os.path.basename(os.path.dirname(baseline))}`, a minimal ASP.NET Core app calling the same handler directly, "
  "with the host's Kestrel and logging settings; `DOTNET_CONTAINER_INSECURE_REGISTRIES=<registry>` so the SDK speaks plain HTTP to it; "
  "`ContainerUser=1654` as fnpkg's images")
w("")
w("### 1. Wall time of one export vs one container publish (target: ≤ 0.5×)")
w("")
w("The function package already built, the app built once before (one untimed run of each), then interleaved rounds (the order rotates: "
  "warm export, cold export, publish), each to a new tag. **Warm**: `FNPKG_EXPORT_CACHE` is the folder the untimed export filled (what a "
  "second export on a machine finds); **cold**: a new, empty folder each round (a first export: the base image's layers are fetched and scanned "
  "for its .NET frameworks):")
w("")
w(f"- export: `{shown(export_cmd).replace(':r' + str(rounds), ':r<n>')}`")
w(f"- publish: `{shown(publish_cmd).replace('=r' + str(rounds), '=r<n>')}`")
w("")
w("| round | export, warm cache (s) | export, cold cache (s) | publish (s) | ratio warm | ratio cold |")
w("|---|---|---|---|---|---|")
for i, p in enumerate(pairs, 1):
    w(f"| {i} | {p['export']:.2f} | {p['cold']:.2f} | {p['publish']:.2f} | {p['export'] / p['publish']:.2f} | {p['cold'] / p['publish']:.2f} |")
w(f"| **median** | **{export_med:.2f}** | **{cold_med:.2f}** | **{publish_med:.2f}** | **{wall_ratio:.2f}** (per-round median {pair_ratio:.2f}) | **{cold_ratio:.2f}** |")
w("")
w(f"Target ≤ 0.5×: warm cache {mark(wall_ratio <= 0.5)}, cold cache {mark(cold_ratio <= 0.5)}.")
w("")
w("Image sizes (compressed layers + config, as the registry stores them):")
w("")
w("| image | layers | total | beyond the base image | its own layers |")
w("|---|---|---|---|---|")
w(f"| fnpkg export | {export_image['layers']} | {kib(export_image['total'])} | {kib(export_image['own'])} | {', '.join(kib(s) for s in export_image['own_layers'])} (host, packages, function) |")
w(f"| SDK PublishContainer | {sdk_image['layers']} | {kib(sdk_image['total'])} | {kib(sdk_image['own'])} | {', '.join(kib(s) for s in sdk_image['own_layers'])} (the publish folder) |")
w("")
w("fnpkg's image carries its host (the SDK's app image has its own Kestrel app instead) and the dependencies' files for the image's RID "
  "(its packages layer leaves out `runtimes/<other RID>/` and the `.nupkg` copies: docs/export.md); the SDK publishes for one RID too.")
w("")
w("### 2. Re-export after a one-line code change (target: bytes uploaded ≤ the function layer)")
w("")
w(f"One line appended to `{os.path.relpath(handler, work)}` (a new constant: the assembly's bytes change), the package rebuilt, then one export and one publish to the tag `changed`:")
w("")
w("| | wall (s) | bytes uploaded | new blobs in the manifest |")
w("|---|---|---|---|")
w(f"| fnpkg export | {change_export_time:.2f} | {change_uploaded:,} (fnpkg's count) | {export_new:,} |")
w(f"| SDK PublishContainer | {change_publish_time:.2f} | — (not reported) | {sdk_new:,} |")
w("")
w(f"fnpkg's function layer + config: {function_layer:,} bytes. Target ≤ it: {mark(change_uploaded <= function_layer)}.")
w("")
w("### 3. Container start to first CloudEvent answer under podman (target: ≤ 1.2×)")
w("")
w(f"Both images pulled first (untimed) and started once untimed; then {starts} interleaved starts each: wall time from `podman run -d` to the first `200` "
  "to a binary-mode CloudEvent with the expected data and `ce-type: com.example.bench.response`, polling `POST /` every 5 ms (new connection per attempt). Command:")
w("")
w(f"`{shown(start_cmd).replace(os.path.join(work, 'podman'), '$WORK/podman')}` (the container name and port per start; the host reads `PORT`, the app `ASPNETCORE_HTTP_PORTS`)")
w("")
w("| start | exported image (ms) | app image (ms) | ratio |")
w("|---|---|---|---|")
for i, r in enumerate(start_rows, 1):
    w(f"| {i} | {r['export'] * 1000:.0f} | {r['app'] * 1000:.0f} | {r['export'] / r['app']:.2f} |")
w(f"| **median** | **{start_export * 1000:.0f}** | **{start_app * 1000:.0f}** | **{start_ratio:.2f}** |")
w("")
w(f"Target ≤ 1.2×: {mark(start_ratio <= 1.2)}.")
w("")
section = "\n".join(lines) + "\n"

open(os.path.join(work, "section.md"), "w", encoding="utf-8").write(section)
print(f"Measured: wall {wall_ratio:.2f}x, re-export uploaded {change_uploaded} bytes (function layer + config {function_layer}), start {start_ratio:.2f}x")
PY
driver_pid=$!
status=0
wait "$driver_pid" || status=$?
driver_pid=""
[ "$status" = 0 ] || exit "$status"
if [ "$smoke" = 1 ]; then exit 0; fi
if [ "$write_doc" = 1 ]; then write_benchmark_section export "$work/section.md"; else cat "$work/section.md"; fi
