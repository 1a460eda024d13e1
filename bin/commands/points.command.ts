import { parseArgs } from 'node:util';
import { getBrandByRefOrThrow } from '../../core/brands/index.js';
import { getMemberByRefOrThrow } from '../../core/members/index.js';
import { adjustPoints, getPointsSummary } from '../../core/rewards/index.js';
import { isAppError } from '../../core/shared/errors.js';
import type { Command } from './command.js';
import { withCliServices } from './shared.js';

const HELP = `Usage:
  proofline points balance --brand <id|slug> --member <id|LINE user id|member number> [--history 20]
      Prints the balance derived from the ledger, the next expiry and the latest ledger rows.
  proofline points adjust --brand <id|slug> --member <id|LINE user id|member number> --points <±n> --reason <text> --actor <who> [--key <id>]
      Appends an adjustment row (never edits a row); write a negative one as --points=-20. It cannot take the balance below
      zero. --key makes a retried command count once.`;

export const pointsCommand: Command = {
  name: 'points',
  usage: 'points adjust|balance',
  summary: 'Show a member’s points or correct them with a reasoned adjustment.',
  help: HELP,
  run: async (argv) => {
    const [sub, ...rest] = argv;
    if (sub !== 'adjust' && sub !== 'balance') {
      console.error(HELP);
      return 2;
    }
    let values: ReturnType<typeof parsePointsOptions>['values'];
    try {
      ({ values } = parsePointsOptions(rest));
    } catch (error) {
      console.error(`proofline points ${sub}: ${(error as Error).message}`);
      return 2;
    }
    if (!values.brand || !values.member) {
      console.error(`proofline points ${sub}: --brand and --member are required`);
      return 2;
    }
    if (sub === 'adjust' && (!values.points || !values.reason || !values.actor)) {
      console.error('proofline points adjust: --points, --reason and --actor are required');
      return 2;
    }
    const brandRef = values.brand;
    const memberRef = values.member;
    return withCliServices({}, async (services) => {
      const { db } = services.database;
      try {
        // A brand or member that does not exist is a clear error, never a balance of 0.
        const brand = await getBrandByRefOrThrow(db, brandRef);
        const member = await getMemberByRefOrThrow(db, { brandId: brand.id, ref: memberRef });
        if (sub === 'adjust') {
          const { entry, balance, created } = await adjustPoints({
            db,
            generateId: services.generateId,
            clock: services.clock,
            brandId: brand.id,
            memberId: member.id,
            points: Number(values.points),
            reason: values.reason as string,
            actor: values.actor as string,
            ...(values.key ? { idempotencyKey: values.key } : {}),
          });
          console.log(JSON.stringify({ created, entryId: entry.id, points: entry.points, balance }, null, 2));
          return 0;
        }
        const summary = await getPointsSummary({
          db,
          clock: services.clock,
          brandId: brand.id,
          memberId: member.id,
          historyLimit: Number(values.history ?? 20),
        });
        console.log(
          JSON.stringify(
            {
              brand: { id: brand.id, slug: brand.slug },
              member: { id: member.id, lineUserId: member.lineUserId, memberNo: member.externalMemberNo },
              balance: summary.balance,
              nextExpiry: summary.nextExpiry ?? null,
              history: summary.history.map(({ id, kind, points, reason, actor, expiresAt, createdAt }) => ({
                id,
                kind,
                points,
                reason,
                actor,
                expiresAt,
                createdAt,
              })),
            },
            null,
            2,
          ),
        );
        return 0;
      } catch (error) {
        if (isAppError(error) && !error.isInternal) {
          console.error(`proofline points ${sub}: ${error.code}: ${error.message}`);
          return 1;
        }
        throw error;
      }
    });
  },
};

function parsePointsOptions(args: string[]) {
  return parseArgs({
    args,
    options: {
      brand: { type: 'string' },
      member: { type: 'string' },
      points: { type: 'string' },
      reason: { type: 'string' },
      actor: { type: 'string' },
      key: { type: 'string' },
      history: { type: 'string' },
    },
    strict: true,
  });
}
