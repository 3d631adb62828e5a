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

# Packs FunctionPackage.Sdk and FunctionPackage.Cli into artifacts/feed unless both are there.
ensure_packed() {
  if [ ! -f "$repo/artifacts/feed/FunctionPackage.Sdk.$version.nupkg" ] || [ ! -f "$repo/artifacts/feed/FunctionPackage.Cli.$version.nupkg" ]; then
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
