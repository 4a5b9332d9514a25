import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type {
  FullResult,
  Reporter,
  TestCase,
  TestError,
  TestResult,
} from '@playwright/test/reporter';

const OUTPUT = join(import.meta.dirname, '../../../../test-results/admin-e2e.json');

/**
 * Writes the run as Jest's --json summary (test-results/admin-e2e.json), so the CI line that sums
 * every project's Jest results counts the browser journeys too.
 */
export default class JestJsonReporter implements Reporter {
  private readonly outcomes = new Map<TestCase, TestResult['status']>();
  private readonly errors: TestError[] = [];
  private startTime = Date.now();

  onBegin(): void {
    this.startTime = Date.now();
  }

  onTestEnd(test: TestCase, result: TestResult): void {
    this.outcomes.set(test, result.status);
  }

  onError(error: TestError): void {
    this.errors.push(error);
  }

  onEnd(result: FullResult): void {
    const statuses = [...this.outcomes.values()];
    const passed = statuses.filter((status) => status === 'passed').length;
    const skipped = statuses.filter((status) => status === 'skipped').length;
    const failed = statuses.length - passed - skipped;
    // A setup failure (no Chromium, no server) ran no test: count it as a failed suite.
    const runtimeErrors = this.errors.length > 0 || result.status === 'timedout' ? 1 : 0;
    const testResults = [...this.outcomes.entries()].map(([test, status]) => ({
      name: test.location.file,
      status: status === 'passed' ? 'passed' : 'failed',
      assertionResults: [
        { fullName: test.titlePath().slice(1).join(' › '), status, title: test.title },
      ],
    }));
    mkdirSync(join(OUTPUT, '..'), { recursive: true });
    writeFileSync(
      OUTPUT,
      `${JSON.stringify(
        {
          success: result.status === 'passed' && failed === 0,
          startTime: this.startTime,
          numTotalTests: statuses.length,
          numPassedTests: passed,
          numFailedTests: failed,
          numPendingTests: skipped,
          numRuntimeErrorTestSuites: runtimeErrors,
          errors: this.errors.map((error) => error.message ?? String(error.value)),
          testResults,
        },
        null,
        2,
      )}\n`,
    );
  }

  printsToStdio(): boolean {
    return false;
  }
}
