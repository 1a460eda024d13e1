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
 * A LIKE pattern (`%` any run, `_` any one character, `\\` escaping the next) as a regular expression for
 * jsonpath's `like_regex` (PostgreSQL's advanced syntax, flag `s`: `.` matches line breaks too), matching
 * exactly the strings the pattern matches. ASCII punctuation is escaped; leading / trailing `%` leave the
 * expression unanchored.
 */
export function likeToRegex(pattern: string): string {
  const parts: string[] = [];
  for (let i = 0; i < pattern.length; i += 1) {
    let char = pattern[i]!;
    if (char === '%') parts.push('.*');
    else if (char === '_') parts.push('.');
    else {
      if (char === '\\' && i + 1 < pattern.length) char = pattern[(i += 1)]!;
      parts.push(/^[\x21-\x2f\x3a-\x40\x5b-\x60\x7b-\x7e ]$/.test(char) ? `\\${char}` : char);
    }
  }
  let start = 0;
  let end = parts.length;
  while (start < end && parts[start] === '.*') start += 1;
  while (end > start && parts[end - 1] === '.*') end -= 1;
  return `${start === 0 ? '^' : ''}${parts.slice(start, end).join('')}${end === parts.length ? '$' : ''}`;
}

/** `like_regex` for a LIKE / ILIKE pattern, its regular expression a jsonpath string literal. */
const likeRegex = (field: string, pattern: string, caseInsensitive = false): string =>
  `@.${field} like_regex ${JSON.stringify(likeToRegex(pattern))} flag "${caseInsensitive ? 'is' : 's'}"`;

/** The field contains the text as it is (`strpos(field, text) > 0`): `%`, `_` and `\\` are plain characters. */
const contains = (field: string, text: string): string =>
  likeRegex(field, `%${text.replace(/[\\%_]/g, '\\$&')}%`);

/** A local calendar date (`yyyy-mm-dd`) as days since 1970-01-01, as `members.purchases` keeps it. */
const dayNumber = (date: string): number => Math.round(Date.parse(`${date}T00:00:00Z`) / 86_400_000);

/**
 * `bought` as a jsonpath over the member's purchase facts (`[{ d: days since 1970-01-01, t, n, r, i }]`,
 * migration 0050): a purchase on or after the local date `withinDays` ago whose item names contain a keyword,
 * whose store is the tax id or has the text in its name (`ilike`, case-insensitive), and whose address names
 * the region (`r`: the region codes whose spellings are in the address, kept when the purchase is written);
 * keywords are plain text (the `like` over `member_purchases` this replaced read `%` and `_` in a keyword as
 * wildcards). One jsonpath text for every member.
 */
export function boughtPath(
  condition: Extract<LeafCondition, { type: 'bought' }>,
  ctx: Pick<ConditionContext, 'timezone' | 'now'>,
): string {
  const filters = [`@.d >= ${dayNumber(localDateDaysAgo(ctx, condition.withinDays))}`];
  if (condition.items)
    filters.push(`(${condition.items.map((item) => contains('i', normalizeItemName(item))).join(' || ')})`);
  if (condition.store)
    filters.push(
      `(@.t == ${JSON.stringify(condition.store)} || ${likeRegex('n', `%${condition.store}%`, true)})`,
    );
  // Lax mode: `@.r == code` is true when any of the purchase's region codes is the code.
  if (condition.region) filters.push(`@.r == ${JSON.stringify(condition.region)}`);
  return `$[*] ? (${filters.join(' && ')})`;
}

/**
 * The condition as a SQL predicate on `members m` (behaviour read from facts kept on the member). Evaluated on
 * demand, so a segment is always current; every value is a bound parameter.
 */
export function compileCondition(condition: SegmentCondition, ctx: ConditionContext): SQL {
  return compileNode(condition, ctx);
}

/**
 * Every test but "more accepted proofs than are kept" reads columns of the member row (behaviour facts are
 * kept on it by triggers, docs/decisions/011), so however the condition nests AND / OR / NOT, the count is
 * one parallel scan of `members` with no join and no id set built per count.
 */
function compileNode(condition: SegmentCondition, ctx: ConditionContext): SQL {
  switch (condition.type) {
    case 'and':
    case 'or': {
      // Cheapest first: PostgreSQL evaluates AND / OR left to right and stops at the first false / true,
      // so a plain column test decides most members before a jsonpath or a list is tried (below the top level
      // nothing reorders them for us).
      const parts = byCost(condition.conditions).map((part) => sql`(${compileNode(part, ctx)})`);
      return sql.join(parts, condition.type === 'and' ? sql` and ` : sql` or `);
    }
    case 'not': {
      // A test that is never null is negated as it stands; others treat unknown as false.
      const inner = condition.condition;
      return isNeverNull(inner)
        ? sql`not (${compileNode(inner, ctx)})`
        : sql`not coalesce((${compileNode(inner, ctx)}), false)`;
    }
    default:
      return compileLeaf(condition, ctx);
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
 * How costly a test is per member: 0 compares columns of the member row, 1 looks the member up in an
 * uploaded list or runs a jsonpath over the member's purchases, 2 counts proofs in another table.
 */
function cost(condition: SegmentCondition): number {
  switch (condition.type) {
    case 'and':
    case 'or':
      return Math.max(0, ...condition.conditions.map(cost));
    case 'not':
      return cost(condition.condition);
    case 'list':
    case 'bought':
      return 1;
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

function isNeverNull(condition: SegmentCondition): boolean {
  if (condition.type === 'and' || condition.type === 'or') return condition.conditions.every(isNeverNull);
  if (condition.type === 'not') return isNeverNull(condition.condition);
  return NEVER_NULL.has(condition.type);
}

function compileLeaf(condition: LeafCondition, ctx: ConditionContext): SQL {
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
      // The member's latest accepted purchases are kept on the member (`members.purchases`, kept by triggers
      // from `member_purchases`): one jsonpath test on the member row (`boughtPath`). The jsonpath costs a few
      // µs per member, so it runs only for members whose latest purchase (`last_bought_on`) is in the window.
      // When older purchases were left out (`purchases_from`: the oldest kept date) and the window reaches
      // back to them, the member's whole history in `member_purchases` is tested with the same jsonpath
      // (`member_bought_in_history`, parallel safe: the scan stays parallel); rare, and exact either way.
      const from = localDateDaysAgo(ctx, condition.withinDays);
      const path = boughtPath(condition, ctx);
      return sql`(coalesce(m.last_bought_on >= ${from}::date, false)
        and (m.purchases @? ${path}::jsonpath
          or (coalesce(m.purchases_from >= ${from}::date, false)
            and member_bought_in_history(m.id, ${path}::jsonpath))))`;
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
      // When the member last redeemed (not cancelled), kept on the member by triggers on `redemptions`.
      return condition.withinDays
        ? sql`coalesce(m.last_redeemed_at >= ${since(ctx, condition.withinDays)}, false)`
        : sql`m.last_redeemed_at is not null`;
    case 'won':
      // When the member last won a draw (not forfeited) or an instant prize (not voided), kept on the member
      // by triggers on `draw_winners` and `instant_plays`; a won card not played yet is -infinity.
      return condition.withinDays
        ? sql`coalesce(m.last_won_at >= ${since(ctx, condition.withinDays)}, false)`
        : sql`m.last_won_at is not null`;
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
      // The member's answers are kept on the member as `["survey", "question", "answer"]` keys, both the text
      // of each answer and of each choice of a multiple choice (triggers on `survey_answers`): an overlap
      // with the keys asked for, built once per count in the same jsonb text form.
      return sql`m.survey_answer_keys && array(select jsonb_build_array(${condition.surveyId}::text,
        ${condition.question}::text, a.answer)::text from jsonb_array_elements_text(${JSON.stringify(condition.answers)}::jsonb) a(answer))`;
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
