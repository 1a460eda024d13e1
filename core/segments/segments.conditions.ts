import { sql, type SQL } from 'drizzle-orm';
import { normalizeItemName } from '../invoices/index.js';
import { getRegion, type RegionCode } from '../regions/index.js';
import type { AgeBand, LeafCondition, SegmentCondition } from './segments.schemas.js';

/** What a condition is evaluated against: the brand, its country and today in its time zone. */
export type ConditionContext = {
  brandId: string;
  country: 'TW' | 'TH';
  timezone: string;
  now: Date;
};

/**
 * A JSON array parameter expanded in SQL: one parameter however long the list (an uploaded CSV of a
 * million LINE ids stays under PostgreSQL's 65,535-parameter limit).
 */
const textValues = (values: readonly string[]): SQL =>
  sql`(select jsonb_array_elements_text(${JSON.stringify(values)}::jsonb))`;

/**
 * A short list of choices (regions, genders, languages) as an array computed once: tested inline while
 * scanning the members, where `in (subquery)` would hash-join every member against it.
 */
const anyOf = (values: readonly string[]): SQL => sql`any(array${textValues(values)})`;

/**
 * How many accepted-proof times are kept on each member (`members.accepted_proofs_at`, migration 0032):
 * "at least N accepted proofs" up to this N reads them; above it, the proofs themselves are counted.
 */
export const ACCEPTED_PROOF_TIMES_KEPT = 50;

const since = (ctx: ConditionContext, days: number): Date => new Date(ctx.now.getTime() - days * 86_400_000);

/** The calendar date `days` before today in the brand's time zone (purchase dates are local dates). */
export function localDateDaysAgo(ctx: Pick<ConditionContext, 'timezone' | 'now'>, days: number): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: ctx.timezone }).format(
    since(ctx as ConditionContext, days),
  );
}

const AGE_RANGES: Record<AgeBand, [number, number]> = {
  'under-20': [0, 19],
  '20-29': [20, 29],
  '30-39': [30, 39],
  '40-49': [40, 49],
  '50-59': [50, 59],
  '60+': [60, 200],
};

/** How a store address may spell the region: its names in each language, with 臺 and 台 both. */
export function regionSpellings(code: RegionCode): string[] {
  const region = getRegion(code);
  if (!region) return [code];
  const names = Object.values(region.names);
  const zh = region.names['zh-TW'];
  return [...new Set([...names, zh.replace(/臺/g, '台'), zh.replace(/台/g, '臺')])];
}

/**
 * The condition as a SQL predicate on `members m` (correlated subqueries for behaviour). Evaluated on
 * demand, so a segment is always current; every value is a bound parameter.
 */
export function compileCondition(condition: SegmentCondition, ctx: ConditionContext): SQL {
  return compileNode(condition, ctx, true);
}

/**
 * `joinable`: the test sits in the top-level AND of the query (possibly under one NOT), where PostgreSQL
 * turns `exists` into a semi-join (`not exists` into an anti-join). Anywhere else (under OR, or NOT over a
 * group) an `exists` stays a subplan, which keeps the scan of members serial; tests there read an id set
 * built once instead (see `bought`).
 */
function compileNode(condition: SegmentCondition, ctx: ConditionContext, joinable: boolean): SQL {
  switch (condition.type) {
    case 'and':
    case 'or': {
      // Cheapest first: PostgreSQL evaluates AND / OR left to right and stops at the first false / true,
      // so a member-column test decides most members before an id set is looked up (below the top level
      // nothing reorders them for us).
      const parts = byCost(condition.conditions).map(
        (part) => sql`(${compileNode(part, ctx, joinable && condition.type === 'and')})`,
      );
      return sql.join(parts, condition.type === 'and' ? sql` and ` : sql` or `);
    }
    case 'not': {
      // A test that is never null is negated as it stands, so PostgreSQL turns `not exists` into an anti-join
      // (one pass over the table) instead of a subquery per member; others treat unknown as false.
      const inner = condition.condition;
      const leaf = inner.type !== 'and' && inner.type !== 'or' && inner.type !== 'not';
      return isNeverNull(inner)
        ? sql`not (${compileNode(inner, ctx, joinable && leaf)})`
        : sql`not coalesce((${compileNode(inner, ctx, false)}), false)`;
    }
    default:
      return compileLeaf(condition, ctx, joinable);
  }
}

/** Tests that are true or false for every member, never unknown (exists, in a non-null set, counts). */
const NEVER_NULL: ReadonlySet<string> = new Set([
  'all',
  'registered',
  'acceptedProofs',
  'bought',
  'redeemed',
  'won',
  'surveyAnswer',
  'points',
  'tag',
]);

/**
 * How costly a test is per member: 0 reads columns of the member row, 1 looks the member up in an uploaded
 * list, 2 in an id set built from another table (behaviour).
 */
function cost(condition: SegmentCondition): number {
  switch (condition.type) {
    case 'and':
    case 'or':
      return Math.max(0, ...condition.conditions.map(cost));
    case 'not':
      return cost(condition.condition);
    case 'list':
      return 1;
    case 'bought':
    case 'redeemed':
    case 'won':
    case 'surveyAnswer':
      return 2;
    case 'acceptedProofs':
      return condition.atLeast <= ACCEPTED_PROOF_TIMES_KEPT ? 0 : 2;
    default:
      return 0;
  }
}

/** The parts in order of cost (a stable sort: equal costs keep the order they were written in). */
const byCost = (conditions: readonly SegmentCondition[]): SegmentCondition[] =>
  conditions
    .map((condition, index) => ({ condition, index, cost: cost(condition) }))
    .sort((a, b) => a.cost - b.cost || a.index - b.index)
    .map(({ condition }) => condition);

/**
 * A member is in a set of member ids selected from another table (`select member_id …`). In the top-level
 * AND (`joinable`): `exists`, which PostgreSQL plans as a semi-join (under NOT an anti-join, where
 * `not in` would stay a subplan).
 * Elsewhere: the ids as the keys of one jsonb object, an uncorrelated InitPlan computed once and handed to
 * the parallel workers scanning members, each of which looks a member up in it (a binary search); an
 * `exists` or `in` there is a subplan that makes that scan serial (docs/decisions/011). No ids: '{}', so
 * the test is false, never unknown. `json_object_agg(…)::jsonb` builds it faster than `jsonb_object_agg`.
 */
function inMemberSet(memberIds: SQL, joinable: boolean): SQL {
  if (joinable) return sql`exists (select 1 from (${memberIds}) x where x.member_id = m.id)`;
  return sql`coalesce((select json_object_agg(x.member_id, true)::jsonb from (${memberIds}) x), '{}'::jsonb) ? m.id`;
}

function isNeverNull(condition: SegmentCondition): boolean {
  if (condition.type === 'and' || condition.type === 'or') return condition.conditions.every(isNeverNull);
  if (condition.type === 'not') return isNeverNull(condition.condition);
  return NEVER_NULL.has(condition.type);
}

function compileLeaf(condition: LeafCondition, ctx: ConditionContext, joinable: boolean): SQL {
  switch (condition.type) {
    case 'all':
      return sql`true`;
    case 'region':
      return sql`m.region = ${anyOf(condition.regions)}`;
    case 'gender':
      return sql`m.gender = ${anyOf(condition.genders)}`;
    case 'language':
      return sql`m.locale = ${anyOf(condition.languages)}`;
    case 'ageBand': {
      const today = localDateDaysAgo(ctx, 0);
      const age = sql`extract(year from age(${today}::date, m.birthday))`;
      const ranges = condition.bands.map((band) => {
        const [low, high] = AGE_RANGES[band];
        return sql`(${age} between ${low} and ${high})`;
      });
      return sql`(m.birthday is not null and (${sql.join(ranges, sql` or `)}))`;
    }
    case 'registered':
      return condition.registered ? sql`m.registered_at is not null` : sql`m.registered_at is null`;
    case 'registeredAt': {
      const parts = [sql`m.registered_at is not null`];
      // Dates are the brand's local calendar days, both ends included.
      if (condition.from)
        parts.push(sql`(m.registered_at at time zone ${ctx.timezone})::date >= ${condition.from}::date`);
      if (condition.to)
        parts.push(sql`(m.registered_at at time zone ${ctx.timezone})::date <= ${condition.to}::date`);
      return sql.join(parts, sql` and `);
    }
    case 'consent':
      // Never asked matches neither granted nor refused.
      return sql`${consentInForce(condition.kind)} = ${condition.granted}`;
    case 'acceptedProofs':
      // The times of the member's latest accepted proofs are kept on the member, newest first (migration
      // 0032): N within D days is the Nth of them on or after D days ago, tested in the scan of members.
      if (condition.atLeast <= ACCEPTED_PROOF_TIMES_KEPT)
        return sql`coalesce(m.accepted_proofs_at[${sql.raw(String(Math.max(1, Math.trunc(condition.atLeast))))}]
          >= ${since(ctx, condition.withinDays)}, false)`;
      // More than are kept: one grouped pass over the brand's recent proofs (a semi-join). Under OR it stays
      // a hashed subplan that each parallel worker runs from `submissions_member_idx`; the jsonb set was
      // slower here (its grouping runs in the leader alone before the scan starts: 6.97 against 4.83 × the
      // bare count on 1 M members).
      return sql`m.id in (select s.member_id from submissions s where s.brand_id = ${ctx.brandId}
        and s.state in ('accepted', 'rewarded') and s.created_at >= ${since(ctx, condition.withinDays)}
        group by s.member_id having count(*) >= ${condition.atLeast})`;
    case 'bought': {
      // Accepted proofs of invoices with their store and item names, kept by triggers (migration 0032):
      // one narrow table read by date instead of joining submissions, invoices and their items.
      const filters = [
        sql`p.brand_id = ${ctx.brandId}`,
        sql`p.invoice_date >= ${localDateDaysAgo(ctx, condition.withinDays)}::date`,
      ];
      if (condition.items)
        filters.push(
          sql`(${sql.join(
            condition.items.map((item) => sql`p.item_names like ${`%${normalizeItemName(item)}%`}`),
            sql` or `,
          )})`,
        );
      if (condition.store)
        filters.push(
          sql`(p.seller_tax_id = ${condition.store} or p.seller_name ilike ${`%${condition.store}%`})`,
        );
      if (condition.region)
        filters.push(
          sql`(${sql.join(
            regionSpellings(condition.region as RegionCode).map(
              (name) => sql`p.seller_address like ${`%${name}%`}`,
            ),
            sql` or `,
          )})`,
        );
      // In the top-level AND: `exists`, so that PostgreSQL plans a semi-join, and under NOT an anti-join;
      // elsewhere the buyers' ids as one set, looked up only for members with an accepted proof at all
      // (every purchase is one; both facts are written by the same trigger, so this skips no buyer): most
      // members of a brand never sent one, and the lookup is most of the cost per member.
      if (joinable)
        return sql`exists (select 1 from member_purchases p where p.member_id = m.id and ${sql.join(filters, sql` and `)})`;
      return sql`(cardinality(m.accepted_proofs_at) > 0 and ${inMemberSet(
        sql`select p.member_id from member_purchases p where ${sql.join(filters, sql` and `)}`,
        false,
      )})`;
    }
    case 'points': {
      // The balance (the sum of the member's ledger rows, 0 without any) is kept on the member by triggers
      // on the ledger (migration 0039): a test in the scan of members, never unknown.
      const parts = [sql`true`];
      if (condition.atLeast !== undefined) parts.push(sql`m.points_balance >= ${condition.atLeast}`);
      if (condition.atMost !== undefined) parts.push(sql`m.points_balance <= ${condition.atMost}`);
      return sql`(${sql.join(parts, sql` and `)})`;
    }
    case 'redeemed':
      return inMemberSet(
        sql`select r.member_id from redemptions r where r.brand_id = ${ctx.brandId}
          and r.state <> 'cancelled'${condition.withinDays ? sql` and r.created_at >= ${since(ctx, condition.withinDays)}` : sql``}`,
        joinable,
      );
    case 'won': {
      const after = condition.withinDays ? since(ctx, condition.withinDays) : undefined;
      return inMemberSet(
        sql`select w.member_id from draw_winners w where w.brand_id = ${ctx.brandId}
          and w.status <> 'forfeited'${after ? sql` and w.created_at >= ${after}` : sql``}
          union all
          select ip.member_id from instant_plays ip where ip.brand_id = ${ctx.brandId}
          and ip.prize_id is not null and ip.voided_at is null${after ? sql` and ip.played_at >= ${after}` : sql``}`,
        joinable,
      );
    }
    case 'lastInteraction': {
      const parts = [sql`true`];
      if (condition.withinDays) parts.push(sql`m.last_active_at >= ${since(ctx, condition.withinDays)}`);
      if (condition.notWithinDays)
        parts.push(
          sql`(m.last_active_at is null or m.last_active_at < ${since(ctx, condition.notWithinDays)})`,
        );
      return sql.join(parts, sql` and `);
    }
    case 'followedSince':
      return sql`coalesce(m.followed_at, m.created_at) >= ${since(ctx, condition.withinDays)}`;
    case 'surveyAnswer':
      // A multiple choice (an array of strings) matches when one of its choices is asked for: `?|`, not a
      // subquery per answer, which would keep the plan serial (a correlated subplan).
      return inMemberSet(
        sql`select sa.member_id from survey_answers sa where sa.brand_id = ${ctx.brandId}
          and sa.survey_id = ${condition.surveyId}
          and ((sa.answers ->> ${condition.question}) = ${anyOf(condition.answers)}
            or (jsonb_typeof(sa.answers -> ${condition.question}) = 'array'
              and (sa.answers -> ${condition.question}) ?| array${textValues(condition.answers)}))`,
        joinable,
      );
    case 'tag':
      // The member's tags are kept on the member (migration 0028): tested in the scan, no join.
      return sql`m.tags && array${textValues(condition.tags)}`;
    case 'list': {
      const parts: SQL[] = [];
      if (condition.lineUserIds?.length)
        parts.push(sql`m.line_user_id in ${textValues(condition.lineUserIds)}`);
      if (condition.memberNos?.length)
        parts.push(sql`m.external_member_no in ${textValues(condition.memberNos)}`);
      return parts.length === 0 ? sql`false` : sql.join(parts, sql` or `);
    }
  }
}

/**
 * The member's marketing or data-processing consent in force (null: never asked): the latest `consents`
 * row, kept on the member by a trigger (migration 0028).
 */
function consentInForce(kind: 'data_processing' | 'marketing'): SQL {
  return kind === 'marketing' ? sql`m.marketing_consent` : sql`m.data_processing_consent`;
}

/**
 * Marketing consent as the brand's country requires it. Thailand (PDPA): only who opted in. Taiwan
 * (PDPA, opt-out for marketing to existing customers): everyone who has not opted out since first contact.
 */
export function marketingConsentSql(country: 'TW' | 'TH'): SQL {
  return country === 'TH'
    ? sql`coalesce(${consentInForce('marketing')}, false)`
    : sql`coalesce(${consentInForce('marketing')}, true)`;
}

/** Why a matching member cannot be messaged, or null when they can: erased members never match at all. */
export function exclusionReasonSql(country: 'TW' | 'TH'): SQL {
  return sql`case when not m.following then 'blocked'
    when not ${marketingConsentSql(country)} then 'no_consent' else null end`;
}

/** Members of the brand the condition selects, not erased (still including blocked and unconsented). */
export function matchingMembersWhere(condition: SegmentCondition, ctx: ConditionContext): SQL {
  return sql`m.brand_id = ${ctx.brandId} and m.erased_at is null and (${compileCondition(condition, ctx)})`;
}

/** Members the condition selects that the brand may message: following, with the consent, not erased. */
export function reachableMembersWhere(condition: SegmentCondition, ctx: ConditionContext): SQL {
  return sql`${matchingMembersWhere(condition, ctx)} and m.following and ${marketingConsentSql(ctx.country)}`;
}
