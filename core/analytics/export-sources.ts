import { sql, type SQL } from 'drizzle-orm';
import { queryRows, type Executor } from '../db/database.js';
import { lineItemsWhere, type AnalyticsFilter } from './analytics.filter.js';

/*
 * What each export holds: its columns (in order) and its rows, read page by page from a keyset (one page
 * in memory at a time, whatever the export's size). exports.ts writes them as CSV or XLSX.
 */

export type Cell = string | number | null;
export type ExportKind = 'line_items' | 'submissions' | 'members' | 'survey_answers' | 'winners';
export const EXPORT_KINDS = ['line_items', 'submissions', 'members', 'survey_answers', 'winners'] as const;

/**
 * The rows an export may hold: the analyses' filter, and whether the requester may see members' contact
 * data (name, phone, e-mail, birthday, membership number: `members.contact`, decided when requested).
 */
export type ExportScope = { filter: AnalyticsFilter; contact: boolean };

export type ExportSource = {
  /** The sheet's (and the file name's) name. */
  sheet: string;
  columns: (scope: ExportScope) => readonly string[];
  count: (db: Executor, scope: ExportScope) => Promise<number>;
  pages: (db: Executor, scope: ExportScope) => AsyncGenerator<Cell[][]>;
};

/** Rows per page. */
export const EXPORT_PAGE = 2_000;

const text = (value: unknown): string | null =>
  value === null || value === undefined ? null : String(value);
const minor = (value: unknown): number | null =>
  value === null || value === undefined ? null : Number(value) / 100;

async function countOf(db: Executor, query: SQL): Promise<number> {
  const [row] = await queryRows<{ count: unknown }>(db, sql`select count(*) as count from (${query}) q`);
  return Number(row?.count ?? 0);
}

/**
 * Pages of `select … from … where <filter> and <key> > <after> order by <key> limit <page>`: `page(after)`
 * is the query for the rows after the key `after` (column `k`, text, '' for the first page).
 */
async function* keysetPages(
  db: Executor,
  page: (after: string) => SQL,
  toCells: (row: Record<string, unknown>) => Cell[],
  /** `answers`: a page is EXPORT_PAGE keys, each of several rows (a survey answer's questions). */
  { pageOf = 'rows' }: { pageOf?: 'rows' | 'answers' } = {},
): AsyncGenerator<Cell[][]> {
  let after = '';
  for (;;) {
    const rows = await queryRows<Record<string, unknown>>(db, page(after));
    if (rows.length === 0) return;
    yield rows.map(toCells);
    after = String(rows[rows.length - 1]!.k);
    const keys = pageOf === 'rows' ? rows.length : new Set(rows.map((row) => row.k)).size;
    if (keys < EXPORT_PAGE) return;
  }
}

/** The brand's local day of a timestamp column (filters by `from` / `to` on the brand's calendar). */
function brandDaysWhere(filter: AnalyticsFilter, at: SQL, campaign?: SQL): SQL {
  const day = sql`(${at} at time zone (select timezone from brands where id = ${filter.brandId}))::date`;
  return sql.join(
    [
      filter.campaignId && campaign ? sql`${campaign} = ${filter.campaignId}` : undefined,
      filter.from ? sql`${day} >= ${filter.from}::date` : undefined,
      filter.to ? sql`${day} <= ${filter.to}::date` : undefined,
      sql`true`,
    ].filter((part): part is SQL => part !== undefined),
    sql` and `,
  );
}

/** The line-items export's columns, in this order (the contract analysts' sheets rely on). */
export const LINE_ITEM_EXPORT_COLUMNS = [
  'submission_id',
  'purchased_at',
  'store',
  'seller_id',
  'region',
  'item_name',
  'product',
  'item_group',
  'quantity',
  'unit_price',
  'amount',
  'currency',
] as const;

/** One row per line item of the accepted proofs (by local purchase date), keyset on submission + line. */
const lineItems: ExportSource = {
  sheet: 'line_items',
  columns: () => LINE_ITEM_EXPORT_COLUMNS,
  count: (db, { filter }) =>
    countOf(db, sql`select 1 from analytics_line_items li where ${lineItemsWhere(filter)}`),
  pages: (db, { filter }) => lineItemExportRows(db, filter),
};

/**
 * The filter's line items in pages (keyset on submission id + line number), so an export of millions of
 * rows holds one page in memory at a time.
 */
export async function* lineItemExportRows(db: Executor, filter: AnalyticsFilter): AsyncGenerator<Cell[][]> {
  const where = lineItemsWhere(filter);
  let after: [string, number] = ['', 0];
  for (;;) {
    const rows = await queryRows<Record<string, unknown>>(
      db,
      sql`select li.submission_id, li.line_no,
                 to_char(li.purchase_date, 'YYYY-MM-DD') || coalesce(' ' || to_char(li.purchase_time, 'HH24:MI:SS'), '') as purchased_at,
                 li.store_name, li.seller_id, li.region_code, li.item_name,
                 coalesce(li.product_key, li.normalized_name) as product, li.item_group,
                 li.quantity::text as quantity, li.unit_price_minor, li.amount_minor, li.currency
          from analytics_line_items li
          where ${where} and (li.submission_id, li.line_no) > (${after[0]}, ${after[1]})
          order by li.submission_id, li.line_no
          limit ${EXPORT_PAGE}`,
    );
    if (rows.length === 0) return;
    yield rows.map((row) => [
      String(row.submission_id),
      String(row.purchased_at),
      text(row.store_name),
      text(row.seller_id),
      text(row.region_code),
      String(row.item_name),
      String(row.product),
      text(row.item_group),
      Number(row.quantity),
      minor(row.unit_price_minor),
      minor(row.amount_minor),
      String(row.currency),
    ]);
    const last = rows[rows.length - 1]!;
    after = [String(last.submission_id), Number(last.line_no)];
    if (rows.length < EXPORT_PAGE) return;
  }
}

/** Local time of a timestamp in the brand's time zone, `yyyy-mm-dd hh:mm:ss`. */
const localTime = (brandId: string, at: SQL) =>
  sql`to_char(${at} at time zone (select timezone from brands where id = ${brandId}), 'YYYY-MM-DD HH24:MI:SS')`;

/** Every proof sent (by the brand's local day it was received), whatever became of it. */
const submissionsSource: ExportSource = {
  sheet: 'submissions',
  columns: () => [
    'submission_id',
    'received_at',
    'campaign_id',
    'member_id',
    'kind',
    'channel',
    'state',
    'reason',
    'invoice_number',
    'invoice_date',
    'amount',
    'currency',
    'decided_at',
    'reviewed_by',
  ],
  count: (db, { filter }) =>
    countOf(
      db,
      sql`select 1 from submissions s where s.brand_id = ${filter.brandId}
          and ${brandDaysWhere(filter, sql`s.created_at`, sql`s.campaign_id`)}`,
    ),
  pages: (db, { filter }) =>
    keysetPages(
      db,
      (after) =>
        sql`select s.id as k, ${localTime(filter.brandId, sql`s.created_at`)} as received_at, s.campaign_id,
                   s.member_id, s.kind, s.channel, s.state, s.reason_code, i.invoice_number,
                   to_char(i.invoice_date, 'YYYY-MM-DD') as invoice_date, i.total_amount_minor, i.currency,
                   ${localTime(filter.brandId, sql`s.decided_at`)} as decided_at, s.reviewed_by
            from submissions s left join invoices i on i.id = s.invoice_id
            where s.brand_id = ${filter.brandId}
              and ${brandDaysWhere(filter, sql`s.created_at`, sql`s.campaign_id`)} and s.id > ${after}
            order by s.id limit ${EXPORT_PAGE}`,
      (row) => [
        String(row.k),
        String(row.received_at),
        String(row.campaign_id),
        String(row.member_id),
        String(row.kind),
        String(row.channel),
        String(row.state),
        text(row.reason_code),
        text(row.invoice_number),
        text(row.invoice_date),
        minor(row.total_amount_minor),
        text(row.currency),
        text(row.decided_at),
        text(row.reviewed_by),
      ],
    ),
};

const MEMBER_COLUMNS = [
  'member_id',
  'locale',
  'gender',
  'region',
  'following',
  'registered_at',
  'linked',
  'points_balance',
  'accepted_proofs',
  'erased',
] as const;
const CONTACT_COLUMNS = ['name', 'display_name', 'phone', 'email', 'birthday', 'member_no'] as const;

/**
 * The brand's members (registered by local day `from`–`to`; with a campaign, those who sent it a proof),
 * their points balance and accepted proofs; contact columns only for `members.contact`.
 */
const membersSource: ExportSource = {
  sheet: 'members',
  columns: ({ contact }) => [...MEMBER_COLUMNS, ...(contact ? CONTACT_COLUMNS : [])],
  count: (db, { filter }) =>
    countOf(
      db,
      sql`select 1 from members m where m.brand_id = ${filter.brandId} and ${membersWhere(filter)}`,
    ),
  pages: (db, { filter, contact }) =>
    keysetPages(
      db,
      (after) =>
        sql`select m.id as k, m.locale, m.gender, m.region, m.following,
                   ${localTime(filter.brandId, sql`m.registered_at`)} as registered_at, m.linked_at is not null as linked,
                   (select coalesce(sum(p.points), 0) from points_ledger p where p.member_id = m.id) as points,
                   (select count(*) from submissions s where s.member_id = m.id
                      and s.state in ('accepted', 'rewarded')) as accepted,
                   m.erased_at is not null as erased,
                   m.name, m.display_name, m.phone, m.email, to_char(m.birthday, 'YYYY-MM-DD') as birthday,
                   m.external_member_no
            from members m
            where m.brand_id = ${filter.brandId} and ${membersWhere(filter)} and m.id > ${after}
            order by m.id limit ${EXPORT_PAGE}`,
      (row) => [
        String(row.k),
        String(row.locale),
        text(row.gender),
        text(row.region),
        row.following ? 'yes' : 'no',
        text(row.registered_at),
        row.linked ? 'yes' : 'no',
        Number(row.points),
        Number(row.accepted),
        row.erased ? 'yes' : 'no',
        ...(contact
          ? [
              text(row.name),
              text(row.display_name),
              text(row.phone),
              text(row.email),
              text(row.birthday),
              text(row.external_member_no),
            ]
          : []),
      ],
    ),
};

function membersWhere(filter: AnalyticsFilter): SQL {
  return sql`${brandDaysWhere(filter, sql`m.created_at`)}
             ${filter.campaignId ? sql`and exists (select 1 from submissions s where s.member_id = m.id and s.campaign_id = ${filter.campaignId})` : sql``}`;
}

/** One row per answered question (several choices joined by `; `), by the local day of the answer. */
const surveyAnswersSource: ExportSource = {
  sheet: 'survey_answers',
  columns: () => [
    'answer_id',
    'answered_at',
    'campaign_id',
    'survey_id',
    'member_id',
    'submission_id',
    'question',
    'answer',
  ],
  count: (db, { filter }) =>
    countOf(
      db,
      sql`select 1 from survey_answers a join surveys v on v.id = a.survey_id
          cross join lateral jsonb_object_keys(a.answers) q
          where a.brand_id = ${filter.brandId} and ${brandDaysWhere(filter, sql`a.created_at`, sql`v.campaign_id`)}`,
    ),
  // Pages of answers (keyset on the answer id), each spread over its questions.
  pages: (db, { filter }) =>
    keysetPages(
      db,
      (after) =>
        sql`select a.id as k, ${localTime(filter.brandId, sql`a.created_at`)} as answered_at, a.campaign_id,
                   a.survey_id, a.member_id, a.submission_id, q.key as question,
                   case jsonb_typeof(q.value)
                     when 'array' then (select string_agg(e, '; ') from jsonb_array_elements_text(q.value) e)
                     else q.value #>> '{}' end as answer
            from (select a.*, v.campaign_id from survey_answers a join surveys v on v.id = a.survey_id
                  where a.brand_id = ${filter.brandId}
                    and ${brandDaysWhere(filter, sql`a.created_at`, sql`v.campaign_id`)} and a.id > ${after}
                  order by a.id limit ${EXPORT_PAGE}) a
            cross join lateral jsonb_each(a.answers) q
            order by a.id, q.key`,
      (row) => [
        String(row.k),
        String(row.answered_at),
        String(row.campaign_id),
        String(row.survey_id),
        String(row.member_id),
        text(row.submission_id),
        String(row.question),
        text(row.answer),
      ],
      { pageOf: 'answers' },
    ),
};

/**
 * The draws' winners and reserves (by the local day of the draw's period end): prize, status, member; the
 * winner's name and phone (to hand the prize over) only for `members.contact`; never the tax data.
 */
const winnersSource: ExportSource = {
  sheet: 'winners',
  columns: ({ contact }) => [
    'draw_id',
    'campaign_id',
    'draw_period_end',
    'rank',
    'prize',
    'reserve',
    'status',
    'member_id',
    'notified_at',
    'forfeit_reason',
    ...(contact ? ['name', 'phone'] : []),
  ],
  count: (db, { filter }) =>
    countOf(
      db,
      sql`select 1 from draw_winners w join draws d on d.id = w.draw_id
          where w.brand_id = ${filter.brandId} and ${brandDaysWhere(filter, sql`d.period_to`, sql`d.campaign_id`)}`,
    ),
  pages: (db, { filter, contact }) =>
    keysetPages(
      db,
      (after) =>
        sql`select w.draw_id || '|' || lpad(w.rank::text, 10, '0') as k, w.draw_id, d.campaign_id,
                   ${localTime(filter.brandId, sql`d.period_to`)} as period_end, w.rank,
                   coalesce(w.awarded_prize_key, w.prize_key) as prize, w.is_reserve, w.status, w.member_id,
                   ${localTime(filter.brandId, sql`w.notified_at`)} as notified_at, w.forfeit_reason, m.name, m.phone
            from draw_winners w join draws d on d.id = w.draw_id join members m on m.id = w.member_id
            where w.brand_id = ${filter.brandId}
              and ${brandDaysWhere(filter, sql`d.period_to`, sql`d.campaign_id`)}
              and w.draw_id || '|' || lpad(w.rank::text, 10, '0') > ${after}
            order by w.draw_id || '|' || lpad(w.rank::text, 10, '0') limit ${EXPORT_PAGE}`,
      (row) => [
        String(row.draw_id),
        String(row.campaign_id),
        String(row.period_end),
        Number(row.rank),
        String(row.prize),
        row.is_reserve ? 'yes' : 'no',
        String(row.status),
        String(row.member_id),
        text(row.notified_at),
        text(row.forfeit_reason),
        ...(contact ? [text(row.name), text(row.phone)] : []),
      ],
    ),
};

export const EXPORT_SOURCES: Record<ExportKind, ExportSource> = {
  line_items: lineItems,
  submissions: submissionsSource,
  members: membersSource,
  survey_answers: surveyAnswersSource,
  winners: winnersSource,
};
