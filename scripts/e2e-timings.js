#!/usr/bin/env node
// Records how long each e2e spec file took, for test/batches/batches.ts to share the files out
// evenly. Usage, after a run of one file at a time:
//   JEST_E2E_FILES=1 npx jest --maxWorkers=3 --forceExit --json --outputFile=/tmp/jest.json
//   node scripts/e2e-timings.js /tmp/jest.json
// A spec file missing from the table is counted at the median, so a new one needs no entry.
const { readFileSync, writeFileSync } = require('node:fs');
const { join, relative } = require('node:path');

const [input] = process.argv.slice(2);
if (!input) {
  console.error('usage: node scripts/e2e-timings.js <jest --json output>');
  process.exit(2);
}
const testDir = join(__dirname, '..', 'test');
const seconds = {};
for (const file of JSON.parse(readFileSync(input, 'utf8')).testResults) {
  if (!file.name.endsWith('.e2e-spec.ts')) continue;
  seconds[relative(testDir, file.name)] = Math.max(
    1,
    Math.round((file.endTime - file.startTime) / 1000),
  );
}
const sorted = Object.fromEntries(Object.entries(seconds).sort(([a], [b]) => a.localeCompare(b)));
const out = join(testDir, 'batches', 'spec-seconds.json');
writeFileSync(out, `${JSON.stringify(sorted, null, 2)}\n`);
console.log(`${Object.keys(sorted).length} spec files written to ${relative(process.cwd(), out)}`);
