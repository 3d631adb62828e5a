#!/usr/bin/env bash
# The main job on the embedded default (a local folder feed under artifacts/): the whole lifecycle of a function.
#   package  dotnet publish samples/<sample> -p:FunctionPackage=true   (default sample: Orders)
#   persist  dotnet nuget push -> artifacts/demo/feed
#   install  fnpkg install <id>@<version> --source artifacts/demo/feed --root artifacts/demo/root
#   run      fnpkg invoke <id>@<version> --root artifacts/demo/root (one event through the host) and print the answer
# Usage: build/demo.sh [sample-name] [json-data]
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$repo"
sample="${1:-Orders}"
default_data='{"customerId":"c-42","lines":[{"sku":"APPLE","quantity":3},{"sku":"COFFEE","quantity":1}]}'
data="${2:-$default_data}"
demo="$repo/artifacts/demo"

"$repo/build/prerequisites.sh" unzip
"$repo/build/pack.sh"

echo "==> Package: dotnet publish samples/$sample -c Release -p:FunctionPackage=true"
publish_log="$(mktemp)"
if ! dotnet publish "samples/$sample" -c Release -p:FunctionPackage=true -nologo -tl:off >"$publish_log" 2>&1; then
  cat "$publish_log"; exit 1
fi
grep -E -- '-> .*\.nupkg|Function package:' "$publish_log" | sed 's/^ *//'
package="$(grep -Eo -- '-> .*\.nupkg' "$publish_log" | tail -n 1 | sed 's/^-> //')"
rm -f "$publish_log"

echo "==> Install the fnpkg tool from artifacts/feed"
rm -rf "$demo"
mkdir -p "$demo/feed"
# A private packages folder: the tool is repacked under the same version while it is developed.
NUGET_PACKAGES="$demo/tool-packages" dotnet tool install FunctionPackage.Cli --tool-path "$demo/tools" \
  --add-source "$repo/artifacts/feed" --version "$version" >/dev/null
fnpkg="$demo/tools/fnpkg"

echo "==> Inspect: fnpkg inspect $(basename "$package")"
"$fnpkg" inspect "$package"

echo "==> Persist: dotnet nuget push -> artifacts/demo/feed"
dotnet nuget push "$package" -s "$demo/feed" >/dev/null
fn_id="$(unzip -p "$package" function.json | sed -n 's/^  "id": "\(.*\)",$/\1/p')"
fn_version="$(unzip -p "$package" function.json | sed -n 's/^  "version": "\(.*\)",$/\1/p')"

# Reference mode: the function package comes from the local feed, its pinned dependencies from nuget.org.
nuget_org="https://api.nuget.org/v3/index.json"
# The install root (it holds functions/ and packages/); invoke reuses it instead of installing again into a temp root.
root="$demo/root"
echo "==> Install: fnpkg install $fn_id@$fn_version --source artifacts/demo/feed --source $nuget_org --root artifacts/demo/root"
"$fnpkg" install "$fn_id@$fn_version" --source "$demo/feed" --source "$nuget_org" --root "$root"

echo "==> Run: fnpkg invoke $fn_id@$fn_version --root artifacts/demo/root --data '$data'"
answer="$("$fnpkg" invoke "$fn_id@$fn_version" --source "$demo/feed" --source "$nuget_org" --root "$root" --data "$data")"
echo "$answer"
