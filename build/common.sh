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
