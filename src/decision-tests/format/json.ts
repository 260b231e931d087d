// Behaviour-test results as JSON (docs/behaviour-tests.md#output-formats): the run as the
// runner returns it — summary, every case with its status, failures (expected, got,
// the explanation of the offers in question) and decision, and coverage when measured.
import type { TestRun } from '../types.js';

export function formatTestJson(run: TestRun): string {
  return JSON.stringify(run, null, 2) + '\n';
}
