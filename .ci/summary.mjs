// Reads vitest's JSON report and prints the line CI reads: "N passed, N failed[, N skipped]".
// A missing or unreadable report counts as one failure, so a crash never looks green.
import { readFileSync } from 'node:fs';

let passed = 0;
let failed = 0;
let skipped = 0;
try {
  const report = JSON.parse(readFileSync(process.argv[2], 'utf8'));
  passed = report.numPassedTests ?? 0;
  failed = report.numFailedTests ?? 0;
  skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
  // Files that failed to load (syntax errors, failing hooks) have no tests to count.
  const brokenFiles = (report.testResults ?? []).filter((f) => f.status === 'failed' && (f.assertionResults ?? []).length === 0).length;
  failed += brokenFiles;
  if (report.numTotalTests === 0) {
    console.error('CI: the test run executed no tests');
    failed += 1;
  }
} catch (err) {
  console.error(`CI: no readable test report (${err.message})`);
  failed += 1;
}
// The plain line CI reads comes last and alone; skipped tests (no Electron binary, no keychain) are said before it.
if (skipped) console.log(`(${skipped} skipped: they need what this machine lacks, and say so in the log above)`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
