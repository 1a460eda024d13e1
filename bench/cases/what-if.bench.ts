import { sql } from 'drizzle-orm';
import { evaluateCampaignRules, readCampaignSettings, type Campaign } from '../../core/campaigns/index.js';
import { createDatabase, queryRows, type DatabaseHandle } from '../../core/db/database.js';
import { campaigns } from '../../core/db/schema.js';
import { requestCampaignReplay, runNextCampaignReplay, type ReplayResult } from '../../core/replays/index.js';
import { createTestClock } from '../../core/shared/clock.js';
import { createIdGenerator } from '../../core/shared/ids.js';
import {
  listDecidedSubmissionIds,
  readDecidedSubmissions,
  type DecidedSubmission,
} from '../../core/submissions/index.js';
import { compare, round, timeIt, type BenchCase, type BenchMeasurement } from '../bench.types.js';
import { seedBenchBrand, seedBenchMembers } from '../support/bench-brand.js';

// A benchmark is an entry point: its sizes come from its environment.
const COUNT = Number(process.env.BENCH_WHAT_IF_N ?? 100_000);
const MEMBERS = 2_000;
const SERVER_URL = process.env.BENCH_DATABASE_URL;

const SAVED = {
  rules: {
    itemGroups: [{ key: 'tea', keywords: ['茶'], excludeKeywords: ['茶壺'] }],
    minAmount: { basis: 'total', amountMinor: 10_000 },
    stores: { deny: { namePatterns: ['便宜'] } },
  },
  rewards: { points: { basis: 'total', stepAmountMinor: 1_000, perStep: 1 }, entries: { perProof: 1 } },
};
const DRAFT = {
  rules: {
    itemGroups: [{ key: 'tea', keywords: ['茶'], excludeKeywords: ['茶壺'] }],
    minAmount: { basis: 'total', amountMinor: 5_000 },
    caps: { perMemberPerDay: 3 },
  },
  rewards: { points: { basis: 'total', stepAmountMinor: 1_000, perStep: 2 }, entries: { perProof: 1 } },
};

/**
 * The what-if replay over 100,000 decided proofs (the whole job: count, pages of proofs with their
 * invoices and items read from the database, the draft rules, progress saved per page) vs evaluating
 * the same draft rules on the same purchases already in memory, in a bare loop. The rows are made with
 * `insert … select … from generate_series` (seconds, not minutes). BENCH_WHAT_IF_N sizes it;
 * BENCH_DATABASE_URL adds a run on PostgreSQL.
 */
const whatIfBench: BenchCase = {
  name: 'what-if replay of decided proofs vs the bare rules loop',
  issue: 12,
  run: async () => {
    const results: BenchMeasurement[] = [];
    const targets: { label: string; open: () => Promise<DatabaseHandle> }[] = [
      { label: 'pglite', open: () => createDatabase({ pgliteDataDir: 'memory://' }) },
    ];
    if (SERVER_URL)
      targets.push({ label: 'postgresql', open: () => createDatabase({ url: SERVER_URL, poolMax: 4 }) });
    for (const target of targets) {
      const handle = await target.open();
      try {
        await handle.migrate();
        results.push(...(await benchOn(handle, target.label)));
      } finally {
        await handle.close();
      }
    }
    return results;
  },
};

async function benchOn(handle: DatabaseHandle, label: string): Promise<BenchMeasurement[]> {
  const db = handle.db;
  const run = Date.now().toString(36);
  const brandId = `brd_wib${run}`;
  const campaignId = `cmp_wib${run}`;
  await seedBenchBrand(db, {
    brandId,
    slug: `wib-${run}`,
    campaign: {
      id: campaignId,
      status: 'active',
      purchaseFrom: '2026-01-01',
      purchaseTo: '2026-03-31',
      registerFrom: new Date('2026-01-01T00:00:00Z'),
      registerTo: new Date('2026-04-07T00:00:00Z'),
      proofKinds: ['einvoice_text'],
      rules: SAVED.rules,
      rewards: SAVED.rewards,
    },
  });
  await seedBenchMembers(
    db,
    brandId,
    Array.from({ length: MEMBERS }, (_, i) => `mbr_wib${run}_${i}`),
    (_id, i) => `U${run}${String(i).padStart(20, '0')}`,
  );

  // Every 10th proof is from a refused store; amounts NT$20–NT$319; 2 items each (tea, and a 茶壺 every 7th).
  const generate = async () => {
    await db.execute(sql`
      insert into invoices (id, brand_id, kind, invoice_number, invoice_date, seller_tax_id, seller_name,
                            currency, total_amount_minor, status, source)
      select 'inv_wib' || g, ${brandId}, 'einvoice', 'WB' || lpad(g::text, 8, '0'),
             date '2026-02-01' + (g % 14), '28414044',
             case when g % 10 = 0 then '便宜茶行' else '好茶專賣店' end,
             'TWD', (g % 300 + 20) * 100, 'verified', 'text'
      from generate_series(1, ${COUNT}) as g`);
    await db.execute(sql`
      insert into invoice_items (id, brand_id, invoice_id, line_no, name, normalized_name, quantity,
                                 unit_price_minor, amount_minor)
      select 'itm_wib' || g || '_' || l, ${brandId}, 'inv_wib' || g, l,
             case when l = 1 then '好茶烏龍' when g % 7 = 0 then '陶瓷茶壺' else '餅乾' end,
             case when l = 1 then '好茶烏龍' when g % 7 = 0 then '陶瓷茶壺' else '餅乾' end,
             1, case when l = 1 then (g % 300 + 10) * 100 else 1000 end,
             case when l = 1 then (g % 300 + 10) * 100 else 1000 end
      from generate_series(1, ${COUNT}) as g, generate_series(1, 2) as l`);
    // Decided under the saved rules: under NT$100 or from the 便宜 store is refused, the rest accepted.
    await db.execute(sql`
      insert into submissions (id, brand_id, campaign_id, member_id, kind, channel, raw_input, state,
                               proof_key, invoice_id, reason_code, decision, campaign_version, created_at,
                               decided_at)
      select 'sub_wib' || lpad(g::text, 8, '0'), ${brandId}, ${campaignId},
             ${`mbr_wib${run}_`} || (g % ${MEMBERS}), 'einvoice_text', 'chat', '{}'::jsonb,
             case when g % 10 = 0 or g % 300 + 20 < 100 then 'rejected' else 'accepted' end,
             'WB' || g, 'inv_wib' || g,
             case when g % 10 = 0 then 'rules.stores.denied'
                  when g % 300 + 20 < 100 then 'rules.min_amount.below_minimum' end,
             case when g % 10 = 0 then jsonb_build_object('qualifies', false, 'verdicts',
                    jsonb_build_array(jsonb_build_object('rule', 'stores', 'passed', false,
                      'reasonKey', 'rules.stores.denied', 'params', '{}'::jsonb)),
                    'rewards', jsonb_build_object('points', 0, 'entries', 0, 'instantWin', false))
                  when g % 300 + 20 < 100 then jsonb_build_object('qualifies', false, 'verdicts',
                    jsonb_build_array(jsonb_build_object('rule', 'min_amount', 'passed', false,
                      'reasonKey', 'rules.min_amount.below_minimum', 'params', '{}'::jsonb)),
                    'rewards', jsonb_build_object('points', 0, 'entries', 0, 'instantWin', false))
                  else jsonb_build_object('qualifies', true, 'verdicts', '[]'::jsonb,
                    'rewards', jsonb_build_object('points', (g % 300 + 20) / 10, 'entries', 1, 'instantWin', false))
             end,
             1, timestamptz '2026-02-01 01:00:00+00' + g * interval '10 seconds',
             timestamptz '2026-02-01 01:00:00+00' + g * interval '10 seconds'
      from generate_series(1, ${COUNT}) as g`);
  };
  const generateMs = await timeIt(generate);

  const clock = createTestClock({ now: '2026-02-28T00:00:00Z' });
  const deps = { db, clock, generateId: createIdGenerator() };
  let result: ReplayResult | undefined;
  const jobMs = await timeIt(async () => {
    await requestCampaignReplay(deps, {
      brandId,
      ref: 'bench',
      input: { ...DRAFT, days: 30 },
      requestedBy: null,
    });
    const done = await runNextCampaignReplay(deps);
    if (done.processed !== COUNT) throw new Error(`replayed ${done.processed} of ${COUNT}`);
    const [row] = await queryRows<{ result: ReplayResult }>(
      db,
      sql`select result from campaign_replays where campaign_id = ${campaignId} order by created_at desc limit 1`,
    );
    result = row?.result;
  });

  // The baseline: the same purchases already in memory, the same draft rules, a bare loop.
  const rows: DecidedSubmission[] = await readDecidedSubmissions(
    db,
    await listDecidedSubmissionIds(db, { campaignId, since: new Date('2026-01-01T00:00:00Z') }),
  );
  const [campaign] = await db
    .select()
    .from(campaigns)
    .where(sql`id = ${campaignId}`);
  const { settings } = readCampaignSettings({
    ...(campaign as Campaign),
    rules: DRAFT.rules,
    rewards: DRAFT.rewards,
  });
  let accepted = 0;
  const loopMs = await timeIt(() => {
    for (const row of rows) {
      const decision = evaluateCampaignRules({
        campaign: settings,
        invoice: row.invoice!,
        registeredAt: row.createdAt,
        context: { memberAcceptedToday: 0, memberAcceptedInCampaign: 0 },
      });
      if (decision.qualifies) accepted += 1;
    }
  });

  return [
    compare(
      `${label}: what-if job, ${COUNT.toLocaleString('en')} decided proofs`,
      'ms',
      jobMs,
      {
        name: 'the draft rules in a bare loop over the same purchases in memory',
        value: loopMs,
      },
      `gained ${result?.changed.gained}, lost ${result?.changed.lost}, extra points ${result?.cost.points.extra}; bare loop accepted ${accepted}; target < 60,000 ms`,
    ),
    {
      metric: `${label}: replayed proofs per second`,
      unit: 'proofs/s',
      value: round((COUNT / jobMs) * 1000),
    },
    { metric: `${label}: generating the rows (3 × insert … select)`, unit: 'ms', value: round(generateMs) },
  ];
}

export default whatIfBench;
