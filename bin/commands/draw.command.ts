import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { getBrandByRefOrThrow } from '../../core/brands/index.js';
import { getCampaignByRefOrThrow, listCampaignRefs } from '../../core/campaigns/index.js';
import {
  createDraw,
  exportDraw,
  listConsoleDraws,
  listWinners,
  runDraw,
  verifyDrawExport,
  type DrawPrize,
} from '../../core/draws/index.js';
import { settleDrawWinners } from '../../core/payouts/index.js';
import { createMessagingRewardsNotifier } from '../../core/rewards/index.js';
import { buildEInvoicePlatform, type EInvoicePlatform } from '../../core/verification/index.js';
import { isAppError } from '../../core/shared/errors.js';
import type { Command } from './command.js';
import { withCliServices } from './shared.js';

const HELP = `Usage:
  proofline draw list --brand <id|slug> [--campaign <id|slug>]
      The brand's draws with their ids, campaign (slug and id), period, status and winners told.
  proofline draw create --brand <id|slug> --campaign <id|slug> --name <text> --from <iso> --to <iso>
                        --prize <key>:<quantity>[:<name>] [--prize …] [--max-wins 1] [--reserves 0]
                        [--require-reviewed]
      Opens a draw for a period and prints it with its published seed hash (the seed stays secret).
      --require-reviewed: winners on receipt/paper-invoice photos are reviewed by a person before told.
  proofline draw run --brand <id|slug> --draw <id>
      Runs the draw after its period closed (idempotent), reveals the seed, stores the winners, re-checks
      the e-invoice behind each win on the MoF platform (a voided one is reversed and its reserve steps
      up), and queues one chat message per winner whose proof stands (once, however often it is run).
  proofline draw export --brand <id|slug> --draw <id> [--out <file>]
      Writes the published record: rules, seed hash, seed, pseudonymised entry list, digest, winners.
  proofline draw verify <draw-export.json>
      Recomputes the winners from the export alone. Exit 0 when everything matches, 1 otherwise.
      Needs no database and no configuration.`;

export const drawCommand: Command = {
  name: 'draw',
  usage: 'draw list|create|run|export|verify',
  summary: 'Open, run, export and independently verify auditable lottery draws.',
  help: HELP,
  run: async (argv) => {
    const [sub, ...rest] = argv;
    try {
      if (sub === 'verify') return verify(rest);
      if (sub === 'list' || sub === 'create' || sub === 'run' || sub === 'export')
        return await withDatabase(sub, rest);
      console.error(HELP);
      return 2;
    } catch (error) {
      if (isAppError(error) && !error.isInternal) {
        console.error(`proofline draw ${sub}: ${error.code}: ${error.message}`);
        if (error.details) console.error(JSON.stringify(error.details));
        return 1;
      }
      throw error;
    }
  },
};

function verify(args: string[]): number {
  const [file] = args;
  if (!file) {
    console.error('proofline draw verify: give the export file');
    return 2;
  }
  let input: unknown;
  try {
    input = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    console.error(`proofline draw verify: cannot read ${file}: ${(error as Error).message}`);
    return 1;
  }
  const result = verifyDrawExport(input);
  for (const check of result.checks)
    console.log(`${check.ok ? 'ok  ' : 'FAIL'} ${check.name}: ${check.detail}`);
  console.log(result.ok ? 'MATCH: the published winners follow from the published data' : 'MISMATCH');
  return result.ok ? 0 : 1;
}

async function withDatabase(sub: 'list' | 'create' | 'run' | 'export', args: string[]): Promise<number> {
  let values: ReturnType<typeof parseDrawOptions>['values'];
  try {
    ({ values } = parseDrawOptions(args));
  } catch (error) {
    console.error(`proofline draw ${sub}: ${(error as Error).message}`);
    return 2;
  }

  if (!values.brand) {
    console.error(`proofline draw ${sub}: --brand is required`);
    return 2;
  }
  const brandRef = values.brand;
  return withCliServices({}, async (services) => {
    const { db } = services.database;
    // Slugs or ids; one that names nothing is a clear not_found, never a database error.
    const brand = await getBrandByRefOrThrow(db, brandRef);
    const brandId = brand.id;
    if (sub === 'list') {
      const campaignId = values.campaign
        ? (await getCampaignByRefOrThrow(db, { brandId, ref: values.campaign })).id
        : undefined;
      const slugs = new Map((await listCampaignRefs(db, { brandId })).map((c) => [c.id, c.slug]));
      const draws = await listConsoleDraws({ db, brandId, ...(campaignId ? { campaignId } : {}) });
      console.log(`brand ${brand.slug} (${brand.id}): ${draws.length} draw(s)`);
      for (const draw of draws)
        console.log(
          [
            draw.id,
            `campaign ${slugs.get(draw.campaignId) ?? '?'} (${draw.campaignId})`,
            `${draw.periodFrom.toISOString()} → ${draw.periodTo.toISOString()}`,
            draw.status,
            `winners ${draw.winnerCount}, told ${draw.toldCount}`,
          ].join('  '),
        );
      return 0;
    }
    if (sub === 'create') {
      const prizes = (values.prize ?? []).map(parsePrize);
      if (!values.campaign || !values.from || !values.to || prizes.length === 0 || prizes.some((p) => !p)) {
        console.error(
          'proofline draw create: needs --campaign, --from, --to and --prize key:quantity[:name]',
        );
        return 2;
      }
      const campaign = await getCampaignByRefOrThrow(db, { brandId, ref: values.campaign });
      const periodFrom = new Date(values.from);
      const periodTo = new Date(values.to);
      if (Number.isNaN(periodFrom.getTime()) || Number.isNaN(periodTo.getTime())) {
        console.error('proofline draw create: --from and --to must be ISO dates (2026-03-01T00:00:00+08:00)');
        return 2;
      }
      const draw = await createDraw({
        db,
        generateId: services.generateId,
        brandId,
        campaignId: campaign.id,
        name: { 'zh-TW': values.name ?? 'Draw', en: values.name ?? 'Draw' },
        periodFrom,
        periodTo,
        prizes: prizes as DrawPrize[],
        maxWinsPerMember: Number(values['max-wins'] ?? 1),
        reserveCount: Number(values.reserves ?? 0),
        requireReviewedProofs: values['require-reviewed'] ?? false,
      });
      console.log(JSON.stringify(draw, null, 2));
      return 0;
    }
    if (!values.draw) {
      console.error(`proofline draw ${sub}: --draw is required`);
      return 2;
    }
    if (sub === 'run') {
      const { generateId, clock, logger } = services;
      const { draw, alreadyDrawn } = await runDraw({ db, generateId, clock, brandId, drawId: values.draw });
      let platform: EInvoicePlatform | undefined;
      const payouts = await settleDrawWinners(
        {
          db,
          generateId,
          clock,
          logger,
          notifier: createMessagingRewardsNotifier({ generateId, clock }),
          platform: () =>
            (platform ??= buildEInvoicePlatform(services.config, { clock, logger, db, priority: 'batch' })),
        },
        { brandId, drawId: draw.id },
      );
      // Read back after the commit: `told` is whether the win message was queued (once, in the run).
      const winners = await listWinners(db, draw.id);
      console.log(
        JSON.stringify(
          {
            alreadyDrawn,
            payouts,
            drawId: draw.id,
            seedHash: draw.seedHash,
            seed: draw.seed,
            entriesDigest: draw.entriesDigest,
            winners: winners.map(({ rank, prizeKey, entryId, memberId, isReserve, notifiedAt }) => ({
              rank,
              prizeKey,
              entryId,
              memberId,
              isReserve,
              told: notifiedAt !== null,
            })),
          },
          null,
          2,
        ),
      );
      return 0;
    }
    const record = await exportDraw({ db, brandId, drawId: values.draw });
    const text = `${JSON.stringify(record, null, 2)}\n`;
    if (values.out) {
      writeFileSync(values.out, text);
      console.log(`wrote ${values.out}: ${record.entries.length} entries, ${record.winners.length} winners`);
    } else process.stdout.write(text);
    return 0;
  });
}

function parsePrize(text: string): DrawPrize | undefined {
  const [key, quantity, ...name] = text.split(':');
  const count = Number(quantity);
  if (!key || !Number.isInteger(count) || count < 1) return undefined;
  const label = name.join(':') || key;
  return { key, quantity: count, name: { 'zh-TW': label, en: label } };
}

function parseDrawOptions(args: string[]) {
  return parseArgs({
    args,
    options: {
      brand: { type: 'string' },
      campaign: { type: 'string' },
      draw: { type: 'string' },
      name: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      prize: { type: 'string', multiple: true },
      'max-wins': { type: 'string' },
      reserves: { type: 'string' },
      'require-reviewed': { type: 'boolean' },
      out: { type: 'string' },
    },
    strict: true,
  });
}
