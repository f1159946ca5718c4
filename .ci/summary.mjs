// Prints one closing line for CI ("tests: N passed, N failed") from vitest's JSON reports.
import { existsSync, readFileSync } from 'node:fs';
let passed = 0;
let failed = 0;
for (const f of process.argv.slice(2)) {
  if (!existsSync(f)) continue;
  const r = JSON.parse(readFileSync(f, 'utf8'));
  passed += r.numPassedTests;
  failed += r.numFailedTests;
}
console.log(`tests: ${passed} passed, ${failed} failed`);
