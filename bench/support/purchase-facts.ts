import { sql } from 'drizzle-orm';
import { queryRows, type DatabaseHandle } from '../../core/db/database.js';
import { foldPendingFacts } from '../../core/fact-outbox/index.js';

type Db = DatabaseHandle['db'];

/**
 * The triggers of migrations 0032 / 0035 / 0037 / 0048 that keep the behaviour facts
 * (`members.accepted_proofs_at`, `member_purchases`, `members.purchases`, `last_redeemed_at`, `last_won_at`,
 * `survey_answer_keys`, docs/decisions/011). A bulk seed turns them off and fills the facts afterwards the
 * way the migrations backfill them: one set-based statement each instead of a recompute per statement.
 */
const PURCHASE_FACT_TRIGGERS = [
  ['submissions', 'submissions_member_facts_insert'],
  ['submissions', 'submissions_member_facts_update'],
  ['submissions', 'submissions_member_facts_delete'],
  ['invoices', 'invoices_member_purchases'],
  ['invoice_items', 'invoice_items_member_purchases_insert'],
  ['invoice_items', 'invoice_items_member_purchases_update'],
  ['invoice_items', 'invoice_items_member_purchases_delete'],
  ...['member_purchases', 'redemptions', 'draw_winners', 'instant_plays', 'survey_answers'].flatMap((table) =>
    ['insert', 'update', 'delete'].map((event) => [table, `${table}_member_facts_${event}`] as const),
  ),
] as const;

export async function setPurchaseFactTriggers(db: Db, enabled: boolean): Promise<void> {
  for (const [table, trigger] of PURCHASE_FACT_TRIGGERS)
    await db.execute(sql.raw(`alter table ${table} ${enabled ? 'enable' : 'disable'} trigger ${trigger}`));
}

/** What the triggers keep, computed from the proofs as migration 0032's backfill does (one brand). */
const expectedPurchases = (brandId: string) => sql`
  select s.id as submission_id, s.brand_id, s.member_id, i.id as invoice_id, i.invoice_date, i.seller_tax_id,
         i.seller_name, i.seller_address,
         coalesce((select string_agg(it.normalized_name, E'\n' order by it.line_no) from invoice_items it
                   where it.invoice_id = i.id), '') as item_names
  from submissions s join invoices i on i.id = s.invoice_id
  where s.brand_id = ${brandId} and s.state in ('accepted', 'rewarded')`;

const expectedProofTimes = (brandId: string) => sql`
  select m.id as member_id, coalesce(t.times, '{}') as times
  from members m left join (
    select member_id, array_agg(created_at order by created_at desc) as times from (
      select s.member_id, s.created_at,
             row_number() over (partition by s.member_id order by s.created_at desc) as n
      from submissions s where s.brand_id = ${brandId} and s.state in ('accepted', 'rewarded')) ranked
    where n <= 50 group by member_id) t on t.member_id = m.id
  where m.brand_id = ${brandId}`;

/**
 * The member-row facts of migrations 0048 / 0050 computed from the source tables (the proofs, redemptions,
 * wins and survey answers, never the kept `member_purchases`): what `members.purchases` (the latest
 * `member_purchases_kept()`, each element built by the migration's `member_purchase_fact`),
 * `last_bought_on`, `purchases_from`, `last_redeemed_at`, `last_won_at` and `survey_answer_keys` must hold
 * for every member of the brand.
 */
export const expectedMemberFacts = (brandId: string) => sql`
  select m.id as member_id, coalesce(p.purchases, '[]'::jsonb) as purchases, p.last_bought_on, p.purchases_from,
         r.at as last_redeemed_at, w.at as last_won_at, coalesce(k.survey_keys, '{}'::text[]) as survey_answer_keys
  from members m
  left join (
    select e.member_id,
           jsonb_agg(member_purchase_fact(e.invoice_date, e.seller_tax_id, e.seller_name,
                                          purchase_region_codes(e.seller_address), e.item_names)
                     order by e.invoice_date desc, e.submission_id) as purchases,
           max(e.invoice_date) as last_bought_on,
           case when max(e.total) > member_purchases_kept() then min(e.invoice_date) end as purchases_from
    from (select x.*, row_number() over (partition by x.member_id order by x.invoice_date desc, x.submission_id) as n,
                 count(*) over (partition by x.member_id) as total
          from (${expectedPurchases(brandId)}) x) e
    where e.n <= member_purchases_kept()
    group by e.member_id) p on p.member_id = m.id
  left join (
    select r.member_id, max(r.created_at) as at from redemptions r where r.state <> 'cancelled'
    group by r.member_id) r on r.member_id = m.id
  left join (
    select x.member_id, max(x.at) as at from (
      select w.member_id, w.created_at as at from draw_winners w where w.status <> 'forfeited'
      union all
      select ip.member_id, coalesce(ip.played_at, '-infinity'::timestamptz) from instant_plays ip
       where ip.prize_id is not null and ip.voided_at is null) x
    group by x.member_id) w on w.member_id = m.id
  left join (
    select keys.member_id, array_agg(distinct keys.k order by keys.k) as survey_keys from (
      select sa.member_id, jsonb_build_array(sa.survey_id, q.key, sa.answers ->> q.key)::text as k
        from survey_answers sa, jsonb_object_keys(case when jsonb_typeof(sa.answers) = 'object'
                                                       then sa.answers else '{}' end) q(key)
       where sa.answers ->> q.key is not null
      union all
      select sa.member_id, jsonb_build_array(sa.survey_id, q.key, a.value)::text
        from survey_answers sa, jsonb_object_keys(case when jsonb_typeof(sa.answers) = 'object'
                                                       then sa.answers else '{}' end) q(key),
             jsonb_array_elements_text(case when jsonb_typeof(sa.answers -> q.key) = 'array'
                                            then sa.answers -> q.key else '[]' end) a(value)
       where a.value is not null) keys
    group by keys.member_id) k on k.member_id = m.id
  where m.brand_id = ${brandId}`;

/** Members of the brand whose kept member-row facts (migration 0048) differ from `expectedMemberFacts`. */
export async function memberFactDifferences(db: Db, brandId: string): Promise<number> {
  // Without JIT: the planner's guess for the jsonb set-returning functions (100 rows each) makes PostgreSQL
  // JIT-compile this small query for seconds (3.6 s of 3.8 s on 4,000 members).
  // The member facts as the readers see them: the outbox folded first (migration 0053).
  await foldPendingFacts(db);
  return db.transaction(async (tx) => {
    await tx.execute(sql`set local jit = off`);
    const [row] = await queryRows<{ n: number | string }>(
      tx,
      sql`with kept as (
            select id as member_id, purchases, last_bought_on, purchases_from, last_redeemed_at, last_won_at,
                   survey_answer_keys
            from members where brand_id = ${brandId}),
          expected as (${expectedMemberFacts(brandId)})
          select count(*) as n from ((select * from kept except all select * from expected)
                                     union all (select * from expected except all select * from kept)) d`,
    );
    return Number(row?.n ?? -1);
  });
}

/**
 * Fills the facts the triggers did not write (proofs seeded with them off). The purchases are written in
 * the order the proofs were sent, as the triggers write them in production when proofs are accepted day
 * after day: a date window then reads the recent part of the table. (In the seed's member order every
 * page held every date, and a 30-day `bought` read the whole table: 485 against 110 ms for the buyers of
 * "bought tea within 30 days" on 1 M members, docs/decisions/011.)
 */
export async function backfillPurchaseFacts(db: Db, brandId: string): Promise<void> {
  await db.execute(sql`
    insert into member_purchases (submission_id, brand_id, member_id, invoice_id, invoice_date, seller_tax_id,
                                  seller_name, seller_address, item_names)
    select * from (${expectedPurchases(brandId)}) e order by e.invoice_date, e.submission_id
    on conflict (submission_id) do nothing`);
  await db.execute(sql`
    update members m set accepted_proofs_at = e.times from (${expectedProofTimes(brandId)}) e
    where m.id = e.member_id and m.accepted_proofs_at = '{}' and e.times <> '{}'`);
  await db.transaction(async (tx) => {
    await tx.execute(sql`set local jit = off`);
    await tx.execute(sql`
    update members m set purchases = e.purchases, last_bought_on = e.last_bought_on,
                         purchases_from = e.purchases_from, last_redeemed_at = e.last_redeemed_at,
                         last_won_at = e.last_won_at, survey_answer_keys = e.survey_answer_keys
    from (${expectedMemberFacts(brandId)}) e
    where m.id = e.member_id
      and (m.purchases, m.last_bought_on, m.purchases_from, m.last_redeemed_at, m.last_won_at,
           m.survey_answer_keys)
          is distinct from (e.purchases, e.last_bought_on, e.purchases_from, e.last_redeemed_at, e.last_won_at,
                            e.survey_answer_keys)`);
  });
}

/**
 * Rows of the brand's facts that differ from what the proofs say (both directions): 0 when the part
 * written by the triggers and the part backfilled are the same data.
 */
export async function purchaseFactDifferences(
  db: Db,
  brandId: string,
): Promise<{ purchases: number; proofTimes: number }> {
  await foldPendingFacts(db);
  const [row] = await queryRows<{ purchases: number | string; proof_times: number | string }>(
    db,
    sql`with kept as (
          select submission_id, brand_id, member_id, invoice_id, invoice_date, seller_tax_id, seller_name,
                 seller_address, item_names
          from member_purchases where brand_id = ${brandId}),
        expected as (${expectedPurchases(brandId)}),
        kept_times as (select id as member_id, accepted_proofs_at as times from members where brand_id = ${brandId}),
        expected_times as (${expectedProofTimes(brandId)})
        select
          (select count(*) from ((select * from kept except all select * from expected)
                                 union all (select * from expected except all select * from kept)) d) as purchases,
          (select count(*) from ((select * from kept_times except all select * from expected_times)
                                 union all (select * from expected_times except all select * from kept_times)) d)
            as proof_times`,
  );
  return { purchases: Number(row?.purchases ?? -1), proofTimes: Number(row?.proof_times ?? -1) };
}
