import { describe, expect, test } from '@jest/globals';
import { runChaos } from '../../scripts/chaos/chaos.run.js';

/**
 * A small round of `npm run chaos` (see the README): web + 2 workers as real processes on a fresh
 * PostgreSQL database, 30 mixed proofs, 2 SIGKILLs, MoF failures on demand. Needs a PostgreSQL server
 * (TEST_DATABASE_URL): several processes cannot share PGlite.
 */
describe('the scripted crash test (npm run chaos)', () => {
  (process.env.TEST_DATABASE_URL ? test : test.skip)(
    'when workers and the web process are killed while 30 proofs arrive, then nothing is lost or doubled',
    async () => {
      const lines: string[] = [];

      const report = await runChaos({
        serverUrl: process.env.TEST_DATABASE_URL as string,
        proofs: 30,
        kills: 2,
        // A small round: a killed worker's few claims are taken over after 5 s.
        leaseMs: 5_000,
        deadlineMs: 280_000,
        log: (line) => lines.push(line),
      });

      expect(report.problems).toEqual([]);
      expect(Object.values(report.kills).reduce((sum, n) => sum + n, 0)).toBe(2);
      expect(report.counts.events.stored).toBe(report.counts.events.sent);
      expect(report.counts.events.done + report.counts.events.parked).toBe(report.counts.events.sent);
      expect(report.counts.answers.receivedAtLine).toBeGreaterThanOrEqual(report.counts.events.sent);
      expect(report.counts.rewards.rewardedProofs).toBeGreaterThan(0);
      expect(report.counts.rewards.earnRows).toBe(report.counts.rewards.rewardedProofs);
      expect(report.mof.injectedFailures).toBeGreaterThan(0);
    },
    300_000,
  );
});
