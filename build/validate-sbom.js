#!/usr/bin/env node
// Validates a CycloneDX 1.6 JSON SBOM against the official schema with CycloneDX's own library (installed by
// build/sbom-validator.sh), an implementation independent of ours. Exit 0 valid, 1 invalid (errors printed as
// JSON), 2 on usage or a missing validator (with the command that installs it).
// Usage: node build/validate-sbom.js <bom.json>
'use strict';
const fs = require('fs');
const path = require('path');
const toolDir = process.env.FPKG_SBOM_VALIDATOR_DIR || path.join(__dirname, '..', 'artifacts', 'tools', 'sbom-validator');
const file = process.argv[2];
if (!file) { console.error('usage: node build/validate-sbom.js <bom.json>'); process.exit(2); }
let cdx;
try {
  cdx = require(require.resolve('@cyclonedx/cyclonedx-library', { paths: [toolDir] }));
} catch (e) {
  console.error(`The SBOM validator is not installed in ${toolDir}: run build/sbom-validator.sh (${e.message})`);
  process.exit(2);
}
const validator = new cdx.Validation.JsonValidator(cdx.Spec.Version.v1dot6);
validator.validate(fs.readFileSync(file, 'utf8')).then(errors => {
  if (errors === null) { console.log(`${file}: valid CycloneDX 1.6`); process.exit(0); }
  console.error(`${file}: not valid CycloneDX 1.6:\n${JSON.stringify(errors, null, 2)}`);
  process.exit(1);
}, e => { console.error(`${file}: ${e.message}`); process.exit(2); });
