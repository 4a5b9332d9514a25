// Prints the plain closing line CI reads ("N passed, N failed") from the Jest JSON results
// written under test-results/, and fails when no test ran.
import { readdirSync, readFileSync } from 'node:fs';

const dir = new URL('../test-results/', import.meta.url);
let passed = 0;
let failed = 0;
for (const file of readdirSync(dir).filter((name) => name.endsWith('.json'))) {
  const results = JSON.parse(readFileSync(new URL(file, dir), 'utf8'));
  passed += results.numPassedTests;
  failed += results.numFailedTests + results.numRuntimeErrorTestSuites;
}
process.stdout.write(`${passed} passed, ${failed} failed\n`);
process.exitCode = passed === 0 || failed > 0 ? 1 : 0;
