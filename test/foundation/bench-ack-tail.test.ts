import { EventEmitter } from 'node:events';
import { performance } from 'node:perf_hooks';
import { describe, expect, test } from '@jest/globals';
import { recordTail, unionMs, type StatementTimes } from '../../bench/support/ack-tail.js';

describe("the webhook bench's slowest-1 % breakdown (bench/support/ack-tail.ts)", () => {
  test('when spans overlap, then the time they cover counts once', () => {
    expect(unionMs([])).toBe(0);
    expect(
      unionMs([
        { start: 0, end: 10 },
        { start: 20, end: 30 },
      ]),
    ).toBe(20);
    expect(
      unionMs([
        { start: 10, end: 50 },
        { start: 0, end: 40 },
      ]),
    ).toBe(50);
    expect(
      unionMs([
        { start: 0, end: 50 },
        { start: 10, end: 20 },
      ]),
    ).toBe(50);
  });

  test('when two inserts are in flight at once during a slow response, then it waited on inserts for the time they covered, not their sum', async () => {
    const load = new EventEmitter();
    const statements: StatementTimes = { spans: [], cpuMs: [] };
    const tail = recordTail(load, statements);
    // A 50 ms response ending now; two 30 ms inserts (PostgreSQL writes two batches side by side) over
    // 35 ms of it.
    load.emit('response', undefined, 200, 2, 50);
    const end = performance.now();
    statements.spans.push(
      { start: end - 45, end: end - 15, kind: 'insert statement' },
      { start: end - 40, end: end - 10, kind: 'insert statement' },
    );

    const { parts } = await tail.stop();

    const ms = (kind: string) => parts.find((part) => part.kind === kind)?.ms ?? 0;
    expect(ms('insert statement')).toBeCloseTo(35, 0);
    expect(ms('other')).toBeCloseTo(15, 0);
  });
});
