// Prints the closing line CI reads: "N passed, M failed", counted from vitest's JSON report.
// A failed non-test stage (install, build, lint, …) counts as one failure each, so it cannot hide.
import { existsSync, readFileSync } from 'node:fs';

const [report, ...failedStages] = process.argv.slice(2);
let passed = 0;
let failed = 0;
let skipped = 0;
if (report && existsSync(report)) {
  const json = JSON.parse(readFileSync(report, 'utf8'));
  passed = json.numPassedTests ?? 0;
  failed = json.numFailedTests ?? 0;
  // A test file that failed to load or crashed in a hook has no failed test of its own: count it once.
  for (const file of json.testResults ?? []) {
    const failedHere = (file.assertionResults ?? []).some((a) => a.status === 'failed');
    if (file.status === 'failed' && !failedHere) failed++;
  }
  skipped = (json.numPendingTests ?? 0) + (json.numTodoTests ?? 0);
} else {
  failedStages.push('tests (no report)');
}
const stageFailures = failedStages.filter((s) => s !== 'tests');
if (stageFailures.length) console.log(`failed stages: ${stageFailures.join(', ')}`);
failed += stageFailures.length;
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
