// Sums the runners' JSON reports into one closing line, the last the suite
// prints: "tests: N passed, N failed, N skipped". Exits 1 when a report is
// missing (its runner did not run), any test failed, or none passed.
import { readFileSync } from 'node:fs';

const dir = process.argv[2] ?? 'test-results';
const reports = [
  { name: 'jest', file: 'jest.json', count: jestCounts },
  { name: 'playwright', file: 'e2e.json', count: playwrightCounts },
  {
    name: 'playwright (kubernetes)',
    file: 'e2e-kubernetes.json',
    count: playwrightCounts,
  },
];

function jestCounts(r) {
  return {
    passed: r.numPassedTests,
    failed: r.numFailedTests + (r.numRuntimeErrorTestSuites ?? 0),
    skipped: r.numPendingTests + r.numTodoTests,
  };
}

function playwrightCounts(r) {
  const { expected, unexpected, flaky, skipped } = r.stats;
  return { passed: expected + flaky, failed: unexpected, skipped, flaky };
}

const total = { passed: 0, failed: 0, skipped: 0 };
let missing = false;
for (const { name, file, count } of reports) {
  let counts;
  try {
    counts = count(JSON.parse(readFileSync(`${dir}/${file}`, 'utf8')));
  } catch (e) {
    console.log(`${name}: no report in ${dir}/${file} (${e.message})`);
    missing = true;
    continue;
  }
  const flaky = counts.flaky ? ` (${counts.flaky} passed on retry)` : '';
  console.log(
    `${name}: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped${flaky}`,
  );
  for (const k of Object.keys(total)) total[k] += counts[k];
}
console.log(
  `tests: ${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`,
);
process.exit(missing || total.failed > 0 || total.passed === 0 ? 1 : 0);
