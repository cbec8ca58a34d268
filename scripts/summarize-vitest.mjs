// Prints vitest's JSON report as one closing line, "N passed, N failed[, N skipped]",
// so a run that executed no test is visible. Exits 1 when the report is missing or empty.
import { readFileSync } from 'node:fs';

const file = process.argv[2] ?? '.reports/vitest.json';
let report;
try {
  report = JSON.parse(readFileSync(file, 'utf8'));
} catch (err) {
  console.error(`summarize: no vitest report at ${file}: ${err.message}`);
  console.log('0 passed, 1 failed');
  process.exit(1);
}
const passed = report.numPassedTests ?? 0;
// A file that failed to load (syntax error, failing hook) has no failed test of its own:
// count it once so it cannot hide.
const brokenFiles = (report.testResults ?? []).filter(
  (f) => f.status === 'failed' && !(f.assertionResults ?? []).some((a) => a.status === 'failed'),
).length;
const failed = (report.numFailedTests ?? 0) + brokenFiles;
const skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(passed === 0 || failed > 0 ? 1 : 0);
