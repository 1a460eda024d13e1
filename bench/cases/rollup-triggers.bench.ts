import { sql } from 'drizzle-orm';
import { buildLineItemRows } from '../../core/analytics/index.js';
import { seedSyntheticHistory } from '../../core/analytics/synthetic.usecases.js';
import { createBrandsRepository } from '../../core/brands/index.js';
import { analyticsLineItems, submissions } from '../../core/db/schema.js';
import { createDatabase, queryRows, type DatabaseHandle } from '../../core/db/database.js';
import { createIdGenerator } from '../../core/shared/ids.js';
import { compare, medianMs, type BenchCase } from '../bench.types.js';
import { eq } from 'drizzle-orm';

/** Decisions timed per side. */
const DECISIONS = Number(process.env.ROLLUP_BENCH_DECISIONS ?? 100);
/** History already there (the rollups' upserts land among existing rows). */
const HISTORY = Number(process.env.ROLLUP_BENCH_INVOICES ?? 2_000);

const TRIGGERS = [
  ['analytics_line_items', 'analytics_line_items_rollup_insert'],
  ['analytics_line_items', 'analytics_line_items_rollup_update'],
  ['analytics_line_items', 'analytics_line_items_rollup_delete'],
  ['submissions', 'submissions_analytics_insert'],
  ['submissions', 'submissions_analytics_update'],
  ['submissions', 'submissions_analytics_delete'],
] as const;

/**
 * What the rollup triggers (0027 on the line items, 0030 on the submissions) add to one decision: accepting
 * a received proof (its state, and its three line items, in one transaction, as the real decision writes
 * them), median of DECISIONS, with the triggers on against the same with them disabled, in the same run.
 * PGlite by default; BENCH_DATABASE_URL runs it on PostgreSQL.
 */
const rollupTriggersBench: BenchCase = {
  name: 'rollup triggers: one decision with the analytics rollups kept vs without them',
  issue: 14,
  run: async () => {
    const url = process.env.BENCH_DATABASE_URL;
    const label = url ? 'postgresql' : 'pglite';
    const database: DatabaseHandle = url
      ? await createDatabase({ url, poolMax: 2 })
      : await createDatabase({ pgliteDataDir: 'memory://' });
    try {
      await database.migrate();
      const db = database.db;
      const generateId = createIdGenerator();
      const brand = await createBrandsRepository({ db, generateId }).createBrand({
        slug: `rollup-bench-${generateId('brand')}`,
        name: 'Rollup bench',
        country: 'TW',
        defaultLocale: 'zh-TW',
        timezone: 'Asia/Taipei',
      });
      const { campaignId } = await seedSyntheticHistory({
        db,
        generateId,
        brandId: brand.id,
        invoices: HISTORY,
        seed: brand.id,
      });
      const [member] = await queryRows<{ id: string }>(
        db,
        sql`select id from members where brand_id = ${brand.id} limit 1`,
      );
      let n = 0;
      /** A received proof, then its acceptance (state + line items in one transaction) is what is timed. */
      const prepare = async () => {
        n += 1;
        const id = `sub_rb_${brand.id}_${n}`;
        await db.insert(submissions).values({
          id,
          brandId: brand.id,
          campaignId,
          memberId: member!.id,
          kind: 'einvoice_qr',
          channel: 'cli',
          sourceRef: id,
          rawInput: {},
          state: 'received',
          createdAt: new Date(Date.UTC(2024, 10, 1 + (n % 28), 3)),
        });
        return id;
      };
      const decide = async (id: string) => {
        const { rows } = buildLineItemRows({
          header: {
            submissionId: id,
            brandId: brand.id,
            campaignId,
            memberId: member!.id,
            invoiceId: null,
            purchaseDate: `2024-11-${String(1 + (n % 28)).padStart(2, '0')}`,
            purchaseTime: '12:30:00',
            sellerId: '24549210',
            sellerName: '全家',
            branch: '001',
            sellerAddress: '臺北市中山區松江路100號',
            currency: 'TWD',
            totalAmountMinor: 9_000,
          },
          items: [
            { name: '好茶 綠茶 600ml', quantity: 1, unitPriceMinor: 2_500, amountMinor: 2_500 },
            { name: '洋芋片', quantity: 1, unitPriceMinor: 3_500, amountMinor: 3_500 },
            { name: '鮮奶', quantity: 1, unitPriceMinor: 3_000, amountMinor: 3_000 },
          ],
          itemGroups: [],
          productOf: (name) => (name === '好茶綠茶600ml' ? 'green-tea' : null),
        });
        await db.transaction(async (tx) => {
          await tx
            .update(submissions)
            .set({ state: 'accepted', decidedAt: new Date() })
            .where(eq(submissions.id, id));
          await tx.insert(analyticsLineItems).values(rows);
        });
      };
      const timed = async () => {
        const ids: string[] = [];
        for (let i = 0; i <= DECISIONS; i++) ids.push(await prepare());
        let next = 0;
        return medianMs(() => decide(ids[next++]!), DECISIONS);
      };
      const setTriggers = async (on: boolean) => {
        for (const [table, trigger] of TRIGGERS)
          await db.execute(sql.raw(`alter table ${table} ${on ? 'enable' : 'disable'} trigger ${trigger}`));
      };
      const withTriggers = await timed();
      await setTriggers(false);
      let without: number;
      try {
        without = await timed();
      } finally {
        await setTriggers(true);
        await db.execute(sql`select analytics_rollup_rebuild(${brand.id})`);
        await db.execute(sql`select analytics_proofs_rebuild(${brand.id})`);
      }
      // Both again, the other way round, so neither side is favoured by warming up first.
      await setTriggers(false);
      const without2 = await timed().finally(() => setTriggers(true));
      const with2 = await timed();
      await db.execute(sql`select analytics_rollup_rebuild(${brand.id})`);
      await db.execute(sql`select analytics_proofs_rebuild(${brand.id})`);
      return [
        compare(
          `${label}: accept a proof (state + 3 line items), rollups kept (median of ${DECISIONS}, two rounds)`,
          'ms',
          (withTriggers + with2) / 2,
          { name: 'the same with the rollup triggers disabled', value: (without + without2) / 2 },
          `rounds: ${withTriggers.toFixed(1)} / ${with2.toFixed(1)} vs ${without.toFixed(1)} / ${without2.toFixed(1)} ms`,
        ),
      ];
    } finally {
      await database.close();
    }
  },
};

export default rollupTriggersBench;
