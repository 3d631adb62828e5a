#!/usr/bin/env bash
# Installs the independent SBOM validator the SDK tests use: CycloneDX's own JavaScript library
# (@cyclonedx/cyclonedx-library, which ships the official CycloneDX JSON schemas in res/schema/) with the Ajv JSON
# Schema validator it validates with. Into artifacts/tools/sbom-validator (or $FPKG_SBOM_VALIDATOR_DIR), never
# globally; pinned versions; idempotent. Needs node + npm (installed from Debian when missing).
# Usage: build/sbom-validator.sh                     then: node build/validate-sbom.js <bom.json>
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
dir="${FPKG_SBOM_VALIDATOR_DIR:-$here/../artifacts/tools/sbom-validator}"
"$here/prerequisites.sh" node:nodejs npm
packages=(@cyclonedx/cyclonedx-library@10.3.0 ajv@8.20.0 ajv-formats@3.0.1 ajv-formats-draft2019@1.6.1)
stamp="$dir/installed.txt"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "${packages[*]}" ] && [ -d "$dir/node_modules/ajv-formats-draft2019" ]; then exit 0; fi
mkdir -p "$dir"
echo "==> Installing ${packages[*]} into $dir"
# --omit=optional/--ignore-scripts: only the JSON validation of the CycloneDX library is used, not its native XML parts.
npm install --prefix "$dir" --no-save --no-audit --no-fund --omit=optional --ignore-scripts --loglevel=error "${packages[@]}" >/dev/null
test -f "$dir/node_modules/@cyclonedx/cyclonedx-library/res/schema/bom-1.6.SNAPSHOT.schema.json"
echo "${packages[*]}" > "$stamp"
