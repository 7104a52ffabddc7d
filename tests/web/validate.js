// Validate a glTF/GLB/VRM file with Khronos's glTF-Validator; prints its JSON report.
// Usage: node validate.js FILE
const fs = require("fs");
const validator = require("gltf-validator");

const file = process.argv[2];
validator.validateBytes(new Uint8Array(fs.readFileSync(file)), {
  uri: file,
  maxIssues: 200,
  externalResourceFunction: () => Promise.reject(new Error("external resources are not read")),
}).then((report) => {
  process.stdout.write(JSON.stringify(report, null, 1));
}).catch((error) => {
  process.stderr.write(String(error) + "\n");
  process.exit(2);
});
