import { z } from 'zod';
import {
  computeSeedHash,
  drawWinners,
  DRAW_ALGORITHM_VERSION,
  validateDrawInput,
  type DrawPick,
  type DrawRules,
  type PublishedEntry,
} from './draws.algorithm.js';

export const DRAW_EXPORT_FORMAT = 'proofline-draw-export/1';

const localizedTextSchema = z.record(z.string(), z.string());

/** The published record of a draw: everything needed to recompute its winners, and nothing personal. */
export const drawExportSchema = z.object({
  format: z.literal(DRAW_EXPORT_FORMAT),
  algorithm: z.string(),
  draw: z.object({
    id: z.string(),
    campaignId: z.string(),
    name: localizedTextSchema,
    periodFrom: z.string(),
    periodTo: z.string(),
    drawnAt: z.string(),
  }),
  rules: z.object({
    prizes: z.array(
      z.object({ key: z.string(), quantity: z.number(), name: localizedTextSchema.optional() }),
    ),
    maxWinsPerMember: z.number(),
    reserveCount: z.number(),
  }),
  /** Published when the period opened. */
  seedHash: z.string(),
  /** Revealed after the draw. */
  seed: z.string(),
  entriesDigest: z.string(),
  entries: z.array(z.object({ id: z.string(), member: z.string(), weight: z.number() })),
  winners: z.array(
    z.object({
      rank: z.number(),
      prizeKey: z.string(),
      entryId: z.string(),
      member: z.string(),
      isReserve: z.boolean(),
    }),
  ),
  /**
   * What became of each drawn place since (not part of the recomputation): a win forfeited because the
   * invoice behind it was voided (`forfeitReason`), the reserve who stepped up for it (`replacesRank`).
   */
  payouts: z
    .array(
      z.object({
        rank: z.number(),
        status: z.string(),
        forfeitReason: z.string().nullable(),
        awardedPrizeKey: z.string().nullable(),
        replacesRank: z.number().nullable(),
        told: z.boolean(),
      }),
    )
    .optional(),
});

export type DrawExport = z.infer<typeof drawExportSchema>;

export type VerificationCheck = { name: string; ok: boolean; detail: string };

export type DrawVerification = {
  ok: boolean;
  checks: VerificationCheck[];
  /** The winners recomputed from the published data (when the input could be read). */
  recomputed?: DrawPick[];
};

/**
 * Recomputes a draw from its export alone: the revealed seed matches the published hash, the entry list
 * matches its digest, and the algorithm run over them gives exactly the published winners.
 */
export function verifyDrawExport(input: unknown): DrawVerification {
  const parsed = drawExportSchema.safeParse(input);
  if (!parsed.success) {
    return {
      ok: false,
      checks: [
        {
          name: 'format',
          ok: false,
          detail: parsed.error.issues
            .slice(0, 5)
            .map((issue) => `${issue.path.join('.')}: ${issue.message}`)
            .join('; '),
        },
      ],
    };
  }
  const record = parsed.data;
  const checks: VerificationCheck[] = [];
  const algorithmOk = record.algorithm === DRAW_ALGORITHM_VERSION;
  checks.push({
    name: 'algorithm',
    ok: algorithmOk,
    detail: algorithmOk ? record.algorithm : `unknown algorithm ${record.algorithm}`,
  });
  const seedHash = computeSeedHash(record.seed);
  checks.push({
    name: 'seed matches published hash',
    ok: seedHash === record.seedHash,
    detail:
      seedHash === record.seedHash ? seedHash : `sha256(seed) = ${seedHash}, published ${record.seedHash}`,
  });
  const rules: DrawRules = {
    prizes: record.rules.prizes.map(({ key, quantity }) => ({ key, quantity })),
    maxWinsPerMember: record.rules.maxWinsPerMember,
    reserveCount: record.rules.reserveCount,
  };
  const problems = validateDrawInput(record.entries as PublishedEntry[], rules);
  if (problems.length > 0 || !algorithmOk) {
    checks.push({
      name: 'inputs',
      ok: false,
      detail: problems
        .slice(0, 5)
        .map((problem) => `${problem.path} ${problem.message}`)
        .join('; '),
    });
    return { ok: false, checks };
  }
  const { entriesDigest, picks } = drawWinners({ seed: record.seed, entries: record.entries, rules });
  checks.push({
    name: 'entry list matches digest',
    ok: entriesDigest === record.entriesDigest,
    detail:
      entriesDigest === record.entriesDigest
        ? `${record.entries.length} entries, ${entriesDigest}`
        : `recomputed ${entriesDigest}, published ${record.entriesDigest}`,
  });
  const mismatch = firstWinnerMismatch(picks, record.winners);
  checks.push({
    name: 'winners match',
    ok: mismatch === undefined,
    detail: mismatch ?? `${picks.length} picks identical`,
  });
  return { ok: checks.every((check) => check.ok), checks, recomputed: picks };
}

function firstWinnerMismatch(recomputed: DrawPick[], published: DrawPick[]): string | undefined {
  const length = Math.max(recomputed.length, published.length);
  for (let index = 0; index < length; index++) {
    const a = recomputed[index];
    const b = published[index];
    const same =
      a &&
      b &&
      a.rank === b.rank &&
      a.prizeKey === b.prizeKey &&
      a.entryId === b.entryId &&
      a.member === b.member &&
      a.isReserve === b.isReserve;
    if (!same)
      return `rank ${index + 1}: recomputed ${a ? `${a.prizeKey} ${a.entryId}` : 'nothing'}, published ${
        b ? `${b.prizeKey} ${b.entryId}` : 'nothing'
      }`;
  }
  return undefined;
}
