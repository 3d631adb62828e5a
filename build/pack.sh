#!/usr/bin/env bash
# Packs FunctionPackage.Sdk (and the fnpkg tool, when present) into the local folder feed artifacts/feed,
# and drops stale copies of them from the samples' private packages folder (same version, new bytes).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$repo"

echo "==> Packing FunctionPackage $version into artifacts/feed"
mkdir -p artifacts/feed
for project in src/FunctionPackage.Sdk/FunctionPackage.Sdk.csproj src/FunctionPackage.Cli/FunctionPackage.Cli.csproj; do
  [ -f "$project" ] || continue
  dotnet pack "$project" -c Release -nologo -v:q -p:ContinuousIntegrationBuild=true
done
rm -rf artifacts/samples-packages/functionpackage.sdk artifacts/samples-packages/functionpackage.cli
ls -1 artifacts/feed
