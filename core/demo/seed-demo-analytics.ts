import { and, asc, eq, sql } from 'drizzle-orm';
import type { Services } from '../app/build-services.js';
import { analyticsProducts } from '../analytics/index.js';
import { queryRows, type Database } from '../db/database.js';
import { redeemReward, rewards } from '../rewards/index.js';
import { isAppError } from '../shared/errors.js';
import { seedSyntheticHistory } from '../analytics/synthetic.usecases.js';
import { campaigns } from '../campaigns/index.js';
import type { Brand } from '../brands/index.js';
import { isoDate } from './seed-demo-brand.js';

/** How many invoices the local demo's analytics show (the issue: enough that every chart has data). */
export const DEMO_ANALYTICS_INVOICES = 5_000;
/** Members of the demo history who redeem the brand's cheapest reward, so the funnel's last step has data. */
export const DEMO_REDEEMING_MEMBERS = 8;
/** The generator's seed per country: its ids derive from it, so two demo brands must not share one. */
const DEMO_ANALYTICS_SEEDS = { TW: 'demo', TH: 'demo-th' } as const;
const DEMO_ANALYTICS_DAYS = 90;

/**
 * The demo brand's purchase history for the analytics pages: ~5,000 synthetic invoices over the last 90
 * days under a campaign of their own (`synthetic-demo`), written in multi-row batches so `npm start`
 * stays quick. Idempotent: once that campaign exists, nothing is done (not even generating the rows).
 */
export async function seedDemoAnalytics(
  { database, clock, generateId }: Pick<Services, 'database' | 'clock' | 'generateId'>,
  brand: Pick<Brand, 'id' | 'country'>,
  { invoices = DEMO_ANALYTICS_INVOICES }: { invoices?: number } = {},
): Promise<{ created: boolean; invoices: number; lineItems: number; redemptions: number }> {
  const [existing] = await database.db
    .select({ id: campaigns.id })
    .from(campaigns)
    .where(
      and(
        eq(campaigns.brandId, brand.id),
        eq(campaigns.slug, `synthetic-${DEMO_ANALYTICS_SEEDS[brand.country]}`),
      ),
    );
  if (existing) return { created: false, invoices: 0, lineItems: 0, redemptions: 0 };
  // The generator moves some weekday purchases to the Saturday after, and proofs are sent up to two days
  // after the purchase: starting a week earlier keeps every date of the history before today.
  const start = new Date(clock.now().getTime() - (DEMO_ANALYTICS_DAYS + 6) * 86_400_000);
  const result = await seedSyntheticHistory({
    db: database.db,
    generateId,
    brandId: brand.id,
    invoices,
    seed: DEMO_ANALYTICS_SEEDS[brand.country],
    startDate: isoDate(start),
    days: DEMO_ANALYTICS_DAYS,
    invoiceItems: true,
  });
  await decorateDemoHistory(database.db, {
    brandId: brand.id,
    campaignId: result.campaignId,
    country: brand.country,
  });
  const redemptions = await seedDemoRedemptions(
    { db: database.db, clock, generateId },
    { brandId: brand.id, campaignId: result.campaignId },
  );
  return { created: true, invoices: result.invoices, lineItems: result.lineItems, redemptions };
}

/**
 * A few members of the history redeem the brand's cheapest reward through the real use case (points
 * debited, stock and a coupon code taken), today, after their proofs: the funnel's "redeemed" step and
 * "members who redeemed" are not 0. The members are those whose history earned the price, picked by a
 * hash of their id (not by balance, which the redemptions change), and each redemption carries its own
 * idempotency key, so a second run finds the first answers. A brand without rewards, or a member the
 * reward refuses, is left out.
 */
export async function seedDemoRedemptions(
  { db, clock, generateId }: Pick<Services, 'clock' | 'generateId'> & { db: Database },
  { brandId, campaignId }: { brandId: string; campaignId: string },
): Promise<number> {
  const [reward] = await db
    .select({ id: rewards.id, pointsPrice: rewards.pointsPrice })
    .from(rewards)
    .where(and(eq(rewards.brandId, brandId), eq(rewards.active, true)))
    .orderBy(asc(rewards.pointsPrice), asc(rewards.id))
    .limit(1);
  if (!reward) return 0;
  const redeemers = await queryRows<{ member_id: string }>(
    db,
    sql`select member_id from points_ledger
        where brand_id = ${brandId} and campaign_id = ${campaignId} and kind = 'earn'
        group by member_id having sum(points) >= ${reward.pointsPrice}
        order by md5(member_id) limit ${DEMO_REDEEMING_MEMBERS}`,
  );
  let redeemed = 0;
  for (const { member_id: memberId } of redeemers) {
    try {
      const result = await redeemReward({
        db,
        generateId,
        clock,
        brandId,
        memberId,
        rewardId: reward.id,
        idempotencyKey: `demo-redemption:${campaignId}`,
      });
      if (!result.replayed) redeemed += 1;
    } catch (error) {
      if (!isAppError(error)) throw error;
    }
  }
  return redeemed;
}

/** Product names the demo shows instead of the synthetic keys, by the brand's country. */
const DEMO_PRODUCT_NAMES: Record<'TW' | 'TH', Record<string, string>> = {
  TW: { 'green-tea': '好茶綠茶 600ml', 'milk-tea': '好茶奶茶 400ml' },
  TH: { 'green-tea': 'ชาเขียว 500ml', 'milk-tea': 'ชานม 400ml' },
};

/** Reasons the demo's rejected proofs carry (codes the deciding paths write). */
const DEMO_REJECT_REASONS = [
  'rules.failed',
  'verification.not_uploaded',
  'verification.unreadable',
  'verification.random_code_mismatch',
];

/**
 * What the synthetic history lacks for a funnel worth looking at, in a few set-based statements: about one
 * proof in nine rejected (by several reasons, the unreadable ones never read), four in five accepted
 * proofs rewarded with their points (1 per NT$10, so balances spread around the rewards' prices), and
 * product names. Selection is by a hash of the proof id, so the same history is decorated the same way.
 */
async function decorateDemoHistory(
  db: Database,
  { brandId, campaignId, country }: { brandId: string; campaignId: string; country: 'TW' | 'TH' },
) {
  await db.transaction(async (tx) => {
    for (const [key, name] of Object.entries(DEMO_PRODUCT_NAMES[country]))
      await tx
        .update(analyticsProducts)
        .set({ name })
        .where(and(eq(analyticsProducts.brandId, brandId), eq(analyticsProducts.key, key)));
    const reasons = sql.raw(`array[${DEMO_REJECT_REASONS.map((r) => `'${r}'`).join(', ')}]`);
    await tx.execute(sql`
      insert into submissions (id, brand_id, campaign_id, member_id, kind, channel, source_ref, raw_input, state,
                               invoice_id, decision, reason_code, decided_at, created_at, updated_at)
      select 'sub_rej' || substr(s.id, 4), s.brand_id, s.campaign_id, s.member_id, s.kind, s.channel,
             'rej-' || s.source_ref, s.raw_input, 'rejected',
             case when r.reason = 'verification.unreadable' then null else s.invoice_id end,
             case when r.reason like 'verification.%' and r.reason <> 'verification.unreadable'
                  then s.decision end,
             r.reason, s.decided_at + interval '1 hour', s.created_at + interval '1 hour',
             s.updated_at + interval '1 hour'
      from submissions s
      cross join lateral (select (${reasons})[1 + abs(hashtext(s.id || 'r')) % ${DEMO_REJECT_REASONS.length}] as reason) r
      where s.campaign_id = ${campaignId} and s.state = 'accepted' and abs(hashtext(s.id)) % 100 < 12
      on conflict do nothing`);
    await tx.execute(sql`
      update submissions set state = 'rewarded'
      where campaign_id = ${campaignId} and state = 'accepted' and abs(hashtext(id || 'w')) % 100 < 80`);
    await tx.execute(sql`
      insert into points_ledger (id, brand_id, member_id, campaign_id, kind, points, submission_id, reason, actor,
                                 idempotency_key, created_at)
      select 'pts' || substr(s.id, 4), s.brand_id, s.member_id, s.campaign_id, 'earn',
             greatest(1, i.total_amount_minor / 1000), s.id, 'demo history', 'demo',
             'demo-earn:' || s.id, s.decided_at
      from submissions s join invoices i on i.id = s.invoice_id
      where s.campaign_id = ${campaignId} and s.state = 'rewarded'
      on conflict do nothing`);
  });
}
