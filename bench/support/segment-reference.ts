import { sql, type SQL } from 'drizzle-orm';
import { queryRows, type DatabaseHandle } from '../../core/db/database.js';
import { normalizeItemName } from '../../core/invoices/index.js';
import type { RegionCode } from '../../core/regions/index.js';
import {
  localDateDaysAgo,
  regionSpellings,
  type ConditionContext,
  type SegmentCondition,
} from '../../core/segments/index.js';

type Db = DatabaseHandle['db'];

const list = (values: readonly string[]): SQL =>
  sql`array[${sql.join(
    values.map((v) => sql`${v}`),
    sql`, `,
  )}]::text[]`;
const since = (ctx: ConditionContext, days: number): Date => new Date(ctx.now.getTime() - days * 86_400_000);

/**
 * The condition as the plainest SQL there is, read from the source tables (proofs, invoices and their
 * items, the ledger, redemptions, plays, answers, tags, consents) and never from the facts the triggers
 * keep on members or in `member_purchases`: a correlated subquery per test, every test true or false.
 * Slow on purpose (seconds to minutes on 1 M members); the bench checks each live count against it once.
 */
function reference(condition: SegmentCondition, ctx: ConditionContext): SQL {
  switch (condition.type) {
    case 'and':
    case 'or':
      return sql`(${sql.join(
        condition.conditions.map((part) => reference(part, ctx)),
        condition.type === 'and' ? sql` and ` : sql` or `,
      )})`;
    case 'not':
      return sql`(not ${reference(condition.condition, ctx)})`;
    case 'all':
      return sql`true`;
    case 'region':
      return sql`coalesce(m.region = any(${list(condition.regions)}), false)`;
    case 'gender':
      return sql`coalesce(m.gender = any(${list(condition.genders)}), false)`;
    case 'language':
      return sql`coalesce(m.locale = any(${list(condition.languages)}), false)`;
    case 'registered':
      return condition.registered ? sql`(m.registered_at is not null)` : sql`(m.registered_at is null)`;
    case 'consent':
      return sql`coalesce((select c.granted from consents c where c.member_id = m.id and c.kind = ${condition.kind}
        order by c.created_at desc, c.id desc limit 1) = ${condition.granted}, false)`;
    case 'tag':
      return sql`exists (select 1 from member_tags t where t.member_id = m.id and t.tag = any(${list(condition.tags)}))`;
    case 'acceptedProofs':
      return sql`((select count(*) from submissions s where s.member_id = m.id and s.state in ('accepted', 'rewarded')
        and s.created_at >= ${since(ctx, condition.withinDays)}) >= ${condition.atLeast})`;
    case 'bought': {
      const tests = [sql`i.invoice_date >= ${localDateDaysAgo(ctx, condition.withinDays)}::date`];
      if (condition.items)
        tests.push(
          sql`exists (select 1 from invoice_items it where it.invoice_id = i.id and (${sql.join(
            condition.items.map((item) => sql`strpos(it.normalized_name, ${normalizeItemName(item)}) > 0`),
            sql` or `,
          )}))`,
        );
      if (condition.store)
        tests.push(
          sql`(i.seller_tax_id = ${condition.store} or i.seller_name ilike ${`%${condition.store}%`})`,
        );
      if (condition.region)
        tests.push(
          sql`(${sql.join(
            regionSpellings(condition.region as RegionCode).map(
              (name) => sql`strpos(i.seller_address, ${name}) > 0`,
            ),
            sql` or `,
          )})`,
        );
      return sql`exists (select 1 from submissions s join invoices i on i.id = s.invoice_id where s.member_id = m.id
        and s.state in ('accepted', 'rewarded') and ${sql.join(tests, sql` and `)})`;
    }
    case 'points': {
      const balance = sql`(select coalesce(sum(l.points), 0) from points_ledger l where l.member_id = m.id)`;
      const tests = [sql`true`];
      if (condition.atLeast !== undefined) tests.push(sql`${balance} >= ${condition.atLeast}`);
      if (condition.atMost !== undefined) tests.push(sql`${balance} <= ${condition.atMost}`);
      return sql`(${sql.join(tests, sql` and `)})`;
    }
    case 'redeemed':
      return sql`exists (select 1 from redemptions r where r.member_id = m.id and r.state <> 'cancelled'
        ${condition.withinDays ? sql`and r.created_at >= ${since(ctx, condition.withinDays)}` : sql``})`;
    case 'won': {
      const after = condition.withinDays ? since(ctx, condition.withinDays) : undefined;
      return sql`(exists (select 1 from draw_winners w where w.member_id = m.id and w.status <> 'forfeited'
          ${after ? sql`and w.created_at >= ${after}` : sql``})
        or exists (select 1 from instant_plays ip where ip.member_id = m.id and ip.prize_id is not null
          and ip.voided_at is null ${after ? sql`and ip.played_at >= ${after}` : sql``}))`;
    }
    case 'surveyAnswer':
      return sql`exists (select 1 from survey_answers sa where sa.member_id = m.id and sa.survey_id = ${condition.surveyId}
        and (sa.answers ->> ${condition.question} = any(${list(condition.answers)})
          or exists (select 1 from jsonb_array_elements_text(case when jsonb_typeof(sa.answers -> ${condition.question}) = 'array'
            then sa.answers -> ${condition.question} else '[]' end) a(v) where a.v = any(${list(condition.answers)}))))`;
    default:
      throw new Error(`the bench's reference count has no form for "${condition.type}"`);
  }
}

/**
 * How many members the brand may message the condition selects, and how many more it selects that it may
 * not (the live count's `count` and `excluded`), by the reference form above: following, not erased, and
 * with the marketing consent the country requires from the latest consent row.
 */
export async function referenceCount(
  db: Db,
  condition: SegmentCondition,
  ctx: ConditionContext,
): Promise<{ count: number; excluded: number }> {
  const consent = sql`(select c.granted from consents c where c.member_id = m.id and c.kind = 'marketing'
    order by c.created_at desc, c.id desc limit 1)`;
  const reachable = sql`m.following and coalesce(${consent}, ${ctx.country === 'TW'})`;
  const [row] = await queryRows<{ count: string | number; matched: string | number }>(
    db,
    sql`select count(*) filter (where ${reachable}) as count, count(*) as matched from members m
        where m.brand_id = ${ctx.brandId} and m.erased_at is null and ${reference(condition, ctx)}`,
  );
  const count = Number(row?.count ?? 0);
  return { count, excluded: Number(row?.matched ?? 0) - count };
}
