import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { computeDrawWinners, computeSeedHash } from '../../core/draws/index.js';
import { projectRoot } from '../../core/shared/paths.js';

const hasPython = spawnSync('python3', ['--version']).status === 0;

describe('the documented algorithm can be reimplemented independently', () => {
  (hasPython ? test : test.skip)(
    'when a Python implementation written from the decision record reruns a draw, then it finds the same winners',
    () => {
      const entries = Array.from({ length: 3000 }, (_, index) => ({
        id: `ent_${((index * 7919) % 3001).toString(36)}_${index}`,
        member: `p_${index % 400}`,
        weight: 1 + (index % 9),
      }));
      const seed = 'c0'.repeat(32);
      const rules = {
        prizes: [
          { key: 'a', quantity: 3 },
          { key: 'b', quantity: 40 },
        ],
        maxWinsPerMember: 2,
        reserveCount: 10,
      };
      const { entriesDigest, picks } = computeDrawWinners({ seed, entries, rules });
      const dir = mkdtempSync(join(tmpdir(), 'proofline-ref-'));
      const good = join(dir, 'good.json');
      const bad = join(dir, 'bad.json');
      const record = { seed, seedHash: computeSeedHash(seed), entries, rules, entriesDigest, winners: picks };
      writeFileSync(good, JSON.stringify(record));
      writeFileSync(bad, JSON.stringify({ ...record, winners: [...picks].reverse() }));
      const script = join(projectRoot, 'test', 'draws', 'reference_draw.py');

      expect(execFileSync('python3', [script, good]).toString()).toBe('MATCH 53\n');
      expect(execFileSync('python3', [script, bad]).toString()).toBe('MISMATCH 53\n');
    },
  );
});
