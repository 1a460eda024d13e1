import { describe, expect, test } from '@jest/globals';
import { formatFieldCalibrations, formatReport, type Outcome } from '../../bench/support/accuracy-report.js';

const outcome = (file: string, fields: Outcome['fields']): Outcome => ({
  file,
  group: 'sroie-dev/check',
  part: 'check',
  fields,
});

// Two photos: the date read sure and right on both, the store read sure and wrong on one.
const outcomes = [
  outcome('001.json', {
    store: { ok: false, confidence: 0.95 },
    date: { ok: true, confidence: 0.97 },
  }),
  outcome('002.json', {
    store: { ok: true, confidence: 0.6 },
    date: { ok: true, confidence: 0.92 },
  }),
];

describe('the calibration table of each judged field (issue 15)', () => {
  test('when two fields are judged, then each gets its own table with its fields read at ≥ 0.9 and right', () => {
    const tables = formatFieldCalibrations(outcomes);

    expect(tables).toContain('calibration (store;');
    expect(tables).toContain('| check | ≥ 0.9 | 1 | 0 | 0.0 % |');
    expect(tables).toContain('| check | 0.5–0.7 | 1 | 1 | 100.0 % |');
    expect(tables).toContain('calibration (date;');
    expect(tables).toContain('| check | ≥ 0.9 | 2 | 2 | 100.0 % |');
  });

  test('when the report is printed, then the per-field tables follow the all-fields one', () => {
    const report = formatReport(outcomes);

    const all = report.indexOf('calibration (all judged fields');
    expect(all).toBeGreaterThanOrEqual(0);
    expect(report.indexOf('calibration (store;')).toBeGreaterThan(all);
    expect(report.indexOf('calibration (date;')).toBeGreaterThan(all);
  });
});
