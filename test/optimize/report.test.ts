// The report's objective and bound are sums of decimal scores; they are reported without
// the binary rounding noise of their last digits (299781.93999999965 for 299781.94).
import { describe, expect, it } from 'vitest';
import { optimizeContacts } from '../../src/optimize/optimize.js';
import { reportedSum } from '../../src/optimize/report.js';
import { contact, problemOf, rule } from './optimizer-fixtures.js';

describe('the report objective', () => {
  it('is the chosen scores summed, without floating-point noise', async () => {
    // 0.1 + 0.2 is 0.30000000000000004 in binary floating point.
    const rows = [contact('c1', 'a', '2026-01-01', 0.1), contact('c2', 'a', '2026-01-01', 0.2)];
    expect(0.1 + 0.2).not.toBe(0.3);
    for (const exact of ['auto', 'never'] as const) {
      const { report } = await optimizeContacts(problemOf([rule.offerCapacity(5)], rows), { exact });
      expect(report.objective).toBe(0.3);
      expect(report.upperBound).toBeGreaterThanOrEqual(report.objective);
      expect(JSON.stringify(report)).toContain('"objective":0.3,');
    }
  });

  it('keeps 12 significant digits', () => {
    expect(reportedSum(299781.93999999965)).toBe(299781.94);
    expect(reportedSum(19405935.670000002)).toBe(19405935.67);
    expect(reportedSum(123456789012.4)).toBe(123456789012);
    expect(reportedSum(0.12345678901234)).toBe(0.123456789012);
    expect(reportedSum(0)).toBe(0);
    expect(reportedSum(-2.5)).toBe(-2.5);
    expect(reportedSum(7)).toBe(7);
  });
});
