# Sourced by the scripts in build/: the repository root, the shipped version and the benchmark environment.
# shellcheck shell=bash
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# The version of the packed FunctionPackage.* packages (build/FunctionPackage.Version.props is the one place it is set).
version="$(sed -n 's:.*<FunctionPackageSdkVersion[^>]*>\(.*\)</FunctionPackageSdkVersion>.*:\1:p' "$repo/build/FunctionPackage.Version.props")"

# The same environment for every dotnet process of a benchmark, timed or not: no MSBuild node reuse or server left
# running, no telemetry or first-run work.
use_benchmark_environment() {
  export MSBUILDDISABLENODEREUSE=1 DOTNET_CLI_USE_MSBUILD_SERVER=0 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
}

# Packs FunctionPackage.Sdk and FunctionPackage.Cli into artifacts/feed unless they are there and newer than src/.
ensure_packed() {
  # Packed again when a tracked file under src/ is newer than the packages: a benchmark must measure the sources' code.
  local sdk="$repo/artifacts/feed/FunctionPackage.Sdk.$version.nupkg" tool="$repo/artifacts/feed/FunctionPackage.Cli.linux-x64.$version.nupkg" newest_source
  newest_source="$(git -C "$repo" ls-files -z src | (cd "$repo" && xargs -0 stat -c %Y 2>/dev/null) | sort -n | tail -n 1)"
  if [ ! -f "$sdk" ] || [ ! -f "$repo/artifacts/feed/FunctionPackage.Cli.$version.nupkg" ] || [ ! -f "$tool" ] \
    || [ "$(stat -c %Y "$sdk")" -lt "$newest_source" ] || [ "$(stat -c %Y "$tool")" -lt "$newest_source" ]; then
    "$repo/build/pack.sh"
  fi
}

# Installs the packed fnpkg tool (artifacts/feed) into <dir>/tool, as a user gets it with `dotnet tool install`, with its
# own packages folder (same version, new bytes: never a stale cache), and prints the path of the installed fnpkg.dll. On
# linux-x64 that is the ReadyToRun FunctionPackage.Cli.linux-x64 package; elsewhere the portable FunctionPackage.Cli.any.
install_packed_tool() { # dir
  NUGET_PACKAGES="$1/tool-packages" dotnet tool install FunctionPackage.Cli --version "$version" --tool-path "$1/tool" \
    --add-source "$repo/artifacts/feed" >&2
  local dll
  dll="$(find "$1/tool/.store" -name fnpkg.dll -path '*/tools/net10.0/*' | head -n 1)"
  [ -n "$dll" ] || { echo "dotnet tool install put no fnpkg.dll under $1/tool/.store" >&2; return 1; }
  echo "$dll"
}

# Copies samples/<name> to <work>/src/<name> as a user builds it: the samples' props with absolute paths, restoring
# into its own <work>/packages/ (a global-packages layout, usable as a local feed), FunctionPackage.Sdk from artifacts/feed.
copy_sample() { # <name> <work>
  local name="$1" work="$2" f
  mkdir -p "$work/src"
  for f in Directory.Build.props Directory.Build.targets Directory.Packages.props; do echo '<Project />' > "$work/$f"; done
  cp -r "$repo/samples/$name" "$work/src/$name"
  rm -rf "$work/src/$name/bin" "$work/src/$name/obj"
  sed -e "s|\$(MSBuildThisFileDirectory)../build/|$repo/build/|" \
      -e "s|<RestorePackagesPath>.*</RestorePackagesPath>|<RestorePackagesPath>$work/packages/</RestorePackagesPath>|" \
      "$repo/samples/Directory.Build.props" > "$work/src/Directory.Build.props"
  cp "$repo/samples/Directory.Build.targets" "$repo/samples/Directory.Packages.props" "$work/src/"
  sed -e "s|value=\"../artifacts/feed\"|value=\"$repo/artifacts/feed\"|" "$repo/samples/NuGet.config" > "$work/src/NuGet.config"
  grep -q "$repo/artifacts/feed" "$work/src/NuGet.config" || { echo "Could not point the copied NuGet.config at artifacts/feed" >&2; exit 1; }
}

# Puts <file> between `<!-- BEGIN <name> -->` and `<!-- END <name> -->` in docs/benchmarks.md (appended when the
# markers are not there yet), through a temp file moved into place.
write_benchmark_section() { # <name> <file>
  python3 - "$repo/docs/benchmarks.md" "$1" "$2" <<'PY'
import os, sys
doc, name, section_file = sys.argv[1:]
section = open(section_file, encoding="utf-8").read()
begin, end = f"<!-- BEGIN {name} -->", f"<!-- END {name} -->"
text = open(doc, encoding="utf-8").read()
block = f"{begin}\n{section}{end}"
if begin in text and end in text:
    text = text[:text.index(begin)] + block + text[text.index(end) + len(end):]
else:
    text = text.rstrip("\n") + "\n\n" + block + "\n"
with open(doc + ".tmp-" + name, "w", encoding="utf-8") as f:
    f.write(text)
os.replace(doc + ".tmp-" + name, doc)
print(f"Wrote the {name} section of {doc}")
PY
}

# --- The benchmark scripts' shared preamble (build/bench-*.sh).

# Parses the options every benchmark takes and sets: smoke (--smoke, or FPKG_BENCH_SMOKE=1), keep (--keep),
# write_doc (0 with --no-doc), args_given (the arguments as given, for the docs). -h/--help prints the script's leading
# comment. Any other option goes to the script's own bench_option function, which sets its variable, puts how many
# words it used in bench_shift and returns 0 (non-zero: the option is unknown).
bench_parse_args() { # "$@"
  smoke="${FPKG_BENCH_SMOKE:-0}"
  keep=0
  write_doc=1
  args_given="$*"
  while [ $# -gt 0 ]; do
    case "$1" in
      --smoke) smoke=1; shift ;;
      --keep) keep=1; shift ;;
      --no-doc) write_doc=0; shift ;;
      -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
      *)
        bench_shift=0
        if declare -F bench_option >/dev/null && bench_option "$@" && [ "$bench_shift" -gt 0 ]; then shift "$bench_shift"
        else echo "Unknown argument '$1' (see --help)" >&2; exit 1; fi ;;
    esac
  done
}

# Records what the section's header reports about the start: started (epoch seconds), load_at_start (1/5/15 min).
bench_start() {
  started=$(date +%s)
  load_at_start="$(cut -d' ' -f1-3 /proc/loadavg)"
}

# Sets built_from: the commit being measured, recorded now (other commits may land while the benchmark runs), and
# whether <paths> (default src/) have uncommitted changes.
bench_built_from() { # [paths...]
  built_from="$(git -C "$repo" rev-parse --short HEAD)"
  if [ -n "$(git -C "$repo" status --porcelain -- "${@:-src/}")" ]; then built_from="$built_from, with uncommitted changes in src/"; fi
}

# Prints the section's header lines: date, run time and arguments; the machine (plus <extra>, e.g. a tool's version);
# the load average at the start (bench_start) and now. Needs bench_start and bench_built_from first.
bench_header_lines() { # [extra machine text]
  local cpu os load_end
  cpu="$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)"
  os="$(. /etc/os-release 2>/dev/null && echo "$PRETTY_NAME") $(uname -m)"
  load_end="$(cut -d' ' -f1-3 /proc/loadavg)"
  echo "- Date: $(date -u '+%Y-%m-%d %H:%M') UTC; whole run $(( ($(date +%s) - started + 30) / 60 )) min (builds included); arguments: \`${args_given:-(none)}\`; built from commit $built_from"
  echo "- Machine: \`nproc\` = $(nproc) (${cpu:-unknown CPU}), \`dotnet --version\` = $(dotnet --version), $os${1:+, $1}"
  echo "- Load average (1/5/15 min, \`/proc/loadavg\`): **${load_at_start// / \/ } at the start of the script**, ${load_end// / \/ } at the end." \
    "The machine was shared with other engineers' builds and tests: single numbers are noisy, every comparison is interleaved and medians are what count"
}

# Makes the benchmark's work directory (outside the repository) and picks a free loopback port for its registry; sets
# work, registry_port, registry and driver_pid (the script's measuring process, stopped first on exit). On exit: the
# driver stopped, the containers removed, podman's run root and the registry stopped, the work directory removed
# (kept and printed with --keep).
bench_work_with_registry() { # <name>
  work="$(mktemp -d "${TMPDIR:-/tmp}/fpkg-bench-$1.XXXXXX")"
  case "$work/" in "$repo"/*) echo "The work directory must be outside the repository: $work" >&2; exit 2 ;; esac
  registry_port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
  registry="127.0.0.1:$registry_port"
  driver_pid=""
  trap bench_cleanup EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
}
bench_cleanup() {
  if [ -n "$driver_pid" ] && kill -0 "$driver_pid" 2>/dev/null; then
    kill -TERM "$driver_pid" 2>/dev/null || true
    wait "$driver_pid" 2>/dev/null || true
  fi
  "$repo/build/podman.sh" "$work/podman" "$registry" rm -a -f -t 0 >/dev/null 2>&1 || true
  "$repo/build/podman.sh" "$work/podman" --cleanup >/dev/null 2>&1 || true
  "$repo/build/registry.sh" stop "$work/registry" >/dev/null 2>&1 || true
  if [ "$keep" = 1 ]; then echo "Work directory kept: $work"; else rm -rf "$work"; fi
}

# Starts the loopback registry (bench_work_with_registry) and pushes the OCI tests' base image to it (this machine's
# .NET runtime and ASP.NET Core, tests/Benchmarks/TestBaseImage); sets base_image.
bench_start_registry_with_base_image() {
  "$repo/build/registry.sh" start "$work/registry" "$registry_port"
  dotnet build "$repo/tests/Benchmarks/TestBaseImage/TestBaseImage.csproj" -c Release -nologo -v:q -p:UseSharedCompilation=false -o "$work/base-tool"
  base_image="$(dotnet "$work/base-tool/TestBaseImage.dll" "$registry" "$work/base")"
}
