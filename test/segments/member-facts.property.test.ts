import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { sql } from 'drizzle-orm';
import { memberFactDifferences, purchaseFactDifferences } from '../../bench/support/purchase-facts.js';
import { referenceCount } from '../../bench/support/segment-reference.js';
import { randomSource } from '../../core/analytics/synthetic.usecases.js';
import { queryRows } from '../../core/db/database.js';
import { eraseMember } from '../../core/members/members.erasure.js';
import { previewCondition, type SegmentCondition } from '../../core/segments/index.js';
import { createSequentialIdGenerator } from '../../core/shared/ids.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { HANG_GUARD_MS } from '../support/timing.js';

/**
 * The member-row behaviour facts of migrations 0048 / 0050 (`members.purchases` — the latest 2 kept in
 * this test, a window reaching past them reads `member_purchases` —, `purchases_from`, `last_redeemed_at`,
 * `last_won_at`, `survey_answer_keys`, docs/decisions/011) after random sequences of what the app does to
 * their source rows — proofs accepted and reversed, several proofs of one member at once, invoices and
 * items arriving late or changing, redemptions, draw wins and forfeits, instant plays and voids, survey
 * answers written, rewritten and erased, rows deleted, one member or several per statement: after every
 * step they equal a rebuild from the source tables, and the compiled counts equal the plain reference
 * evaluation over the source tables (never the kept facts).
 */
const BRAND = 'brd_facts';
const NOW = new Date('2026-03-10T04:00:00Z');
const MEMBERS = Array.from({ length: 6 }, (_, i) => `mbr_f${i}`);
const ADDRESSES = ['臺北市大安區1號', '台北市信義區2號', '高雄市前金區3號', '臺中市西區4號', null];
const SELLERS = ['Bench Store', '好茶舖', null];
const ITEMS = ['greentea', 'blackcoffee', 'milk_tea', '50%off', '烏龍茶'];
const PROOF_STATES = ['accepted', 'accepted', 'rewarded', 'in_review', 'rejected', 'reversed'];
const ANSWERS: unknown[] = ['a', 'b', 'c', ['a', 'c'], ['b'], 3, ['3', 4], null, { x: 'a' }, true];
const STEPS = 120;

const rand = randomSource('member-facts');
const pick = <T>(values: readonly T[]): T => values[rand.int(values.length)]!;
const daysAgo = (days: number) => new Date(NOW.getTime() - days * 86_400_000 - rand.int(86_400) * 1000);

const CONDITIONS: Record<string, SegmentCondition> = {
  'bought tea within 30 days': { type: 'bought', withinDays: 30, items: ['tea'] },
  'bought tea within 30 days or in Kaohsiung': {
    type: 'or',
    conditions: [
      { type: 'bought', withinDays: 30, items: ['tea'] },
      { type: 'region', regions: ['TW-KHH'] },
    ],
  },
  'bought coffee at a store in Kaohsiung within 60 days or (female and no proof in 30 days)': {
    type: 'or',
    conditions: [
      { type: 'bought', withinDays: 60, items: ['coffee'], region: 'TW-KHH' },
      {
        type: 'and',
        conditions: [
          { type: 'gender', genders: ['female'] },
          { type: 'not', condition: { type: 'acceptedProofs', withinDays: 30, atLeast: 1 } },
        ],
      },
    ],
  },
  'bought at store "bench" in Taipei within 45 days': {
    type: 'bought',
    withinDays: 45,
    store: 'bench',
    region: 'TW-TPE',
  },
  'bought at store 28414044 within 10 days': { type: 'bought', withinDays: 10, store: '28414044' },
  // Keywords are plain text: "k%e" is in no item name, "50%" and "k_t" are.
  'bought "k%e", "50%" or "k_t" within 90 days': {
    type: 'bought',
    withinDays: 90,
    items: ['k%e', '50%', 'k_t'],
  },
  'not bought 烏龍茶 within 20 days': {
    type: 'not',
    condition: { type: 'bought', withinDays: 20, items: ['烏龍茶'] },
  },
  // Windows reaching back past the latest kept purchases (the test keeps 2): the history is read.
  'bought greentea or 烏龍茶 within 100 days': {
    type: 'bought',
    withinDays: 100,
    items: ['greentea', '烏龍茶'],
  },
  'bought in Taichung within 95 days or female': {
    type: 'or',
    conditions: [
      { type: 'bought', withinDays: 95, region: 'TW-TXG' },
      { type: 'gender', genders: ['female'] },
    ],
  },
  'not bought blackcoffee at store "茶" within 80 days': {
    type: 'not',
    condition: { type: 'bought', withinDays: 80, items: ['blackcoffee'], store: '茶' },
  },
  'redeemed within 30 days or in Kaohsiung': {
    type: 'or',
    conditions: [
      { type: 'redeemed', withinDays: 30 },
      { type: 'region', regions: ['TW-KHH'] },
    ],
  },
  'redeemed ever': { type: 'redeemed' },
  'not redeemed within 10 days': { type: 'not', condition: { type: 'redeemed', withinDays: 10 } },
  'won within 7 days or female': {
    type: 'or',
    conditions: [
      { type: 'won', withinDays: 7 },
      { type: 'gender', genders: ['female'] },
    ],
  },
  'won ever': { type: 'won' },
  'not won within 30 days': { type: 'not', condition: { type: 'won', withinDays: 30 } },
  'answered "a" or "c" or in Kaohsiung': {
    type: 'or',
    conditions: [
      { type: 'surveyAnswer', surveyId: 'srv_f', question: 'q1', answers: ['a', 'c'] },
      { type: 'region', regions: ['TW-KHH'] },
    ],
  },
  'answered "3" or "true" (numbers and booleans as text)': {
    type: 'surveyAnswer',
    surveyId: 'srv_f',
    question: 'q1',
    answers: ['3', 'true'],
  },
  // A multiple choice's numbers are answers too (["3", 4] answers "4").
  'answered "4" to q2': { type: 'surveyAnswer', surveyId: 'srv_f', question: 'q2', answers: ['4'] },
  'not answered "b" to q2': {
    type: 'not',
    condition: { type: 'surveyAnswer', surveyId: 'srv_f', question: 'q2', answers: ['b'] },
  },
  '(bought tea within 30 days or won within 30 days) and not redeemed': {
    type: 'and',
    conditions: [
      {
        type: 'or',
        conditions: [
          { type: 'bought', withinDays: 30, items: ['tea'] },
          { type: 'won', withinDays: 30 },
        ],
      },
      { type: 'not', condition: { type: 'redeemed' } },
    ],
  },
};

let database: TestDatabase;
const db = () => database.db;
let serial = 0;
const next = (prefix: string) => `${prefix}_${(serial += 1)}`;
const rowsOf = async (query: ReturnType<typeof sql>) => queryRows<{ id: string }>(db(), query);
const anyId = async (table: string, where = sql`true`) => {
  const rows = await rowsOf(sql`select id from ${sql.identifier(table)} where ${where} order by id`);
  return rows.length === 0 ? undefined : pick(rows).id;
};

/** One random write the app makes to a source of the facts (some touch several members at once). */
const STEP_KINDS: Array<() => Promise<void>> = [
  // A proof of an invoice, its items now or later (none: they arrive in a later step).
  async () => {
    const invoice = next('inv_f');
    const days = rand.int(100);
    await db().execute(sql`
      insert into invoices (id, brand_id, kind, invoice_number, invoice_date, seller_tax_id, seller_name,
                            seller_address, currency, total_amount_minor, status, source)
      values (${invoice}, ${BRAND}, 'einvoice', ${`FC${10_000_000 + serial}`},
              ${daysAgo(days).toISOString().slice(0, 10)}::date, ${pick(['28414044', '12345678', null])},
              ${pick(SELLERS)}, ${pick(ADDRESSES)}, 'TWD', 100, 'verified', 'qr')`);
    for (let n = rand.int(3); n > 0; n -= 1) {
      const name = pick(ITEMS);
      await db().execute(sql`
        insert into invoice_items (id, brand_id, invoice_id, line_no, name, normalized_name, quantity,
                                   unit_price_minor, amount_minor)
        values (${next('itm_f')}, ${BRAND}, ${invoice}, ${n}, ${name}, ${name}, 1, 100, 100)`);
    }
    await db().execute(sql`
      insert into submissions (id, brand_id, campaign_id, member_id, kind, channel, raw_input, state,
                               invoice_id, created_at)
      values (${next('sub_f')}, ${BRAND}, 'cmp_f', ${pick(MEMBERS)}, 'einvoice_qr', 'chat', '{}'::jsonb,
              ${pick(PROOF_STATES)}, ${invoice}, ${daysAgo(days)})`);
  },
  // Several proofs of one member in one statement (a member with more purchases than are kept).
  async () => {
    const member = pick(MEMBERS);
    const first = serial;
    for (let k = 0; k < 4; k += 1) serial += 1;
    await db().execute(sql`
      insert into invoices (id, brand_id, kind, invoice_number, invoice_date, seller_tax_id, seller_name,
                            seller_address, currency, total_amount_minor, status, source)
      select 'inv_fb' || (${first}::int + k), ${BRAND}, 'einvoice', 'FB' || (${10_000_000 + first}::int + k),
             (${NOW.toISOString().slice(0, 10)}::date - ((k * 37 + ${first}::int) % 100)),
             (array['28414044', null])[1 + k % 2], (array['好茶舖', 'Bench Store', null])[1 + k % 3],
             (array['臺中市西區4號', '台北市信義區2號', '高雄市前金區3號', null])[1 + (k + ${first}::int) % 4],
             'TWD', 100, 'verified', 'qr'
      from generate_series(0, 3) k`);
    await db().execute(sql`
      insert into invoice_items (id, brand_id, invoice_id, line_no, name, normalized_name, quantity,
                                 unit_price_minor, amount_minor)
      select 'itm_fb' || (${first}::int + k), ${BRAND}, 'inv_fb' || (${first}::int + k), 1, n, n, 1, 100, 100
      from generate_series(0, 3) k,
           lateral (select (array['greentea', 'blackcoffee', '烏龍茶'])[1 + (k + ${first}::int) % 3] as n) i`);
    await db().execute(sql`
      insert into submissions (id, brand_id, campaign_id, member_id, kind, channel, raw_input, state,
                               invoice_id, created_at)
      select 'sub_fb' || (${first}::int + k), ${BRAND}, 'cmp_f', ${member}, 'einvoice_qr', 'chat', '{}'::jsonb,
             'accepted', 'inv_fb' || (${first}::int + k), ${NOW}
      from generate_series(0, 3) k`);
  },
  // A decision or a reversal.
  async () => {
    const id = await anyId('submissions');
    if (id) await db().execute(sql`update submissions set state = ${pick(PROOF_STATES)} where id = ${id}`);
  },
  // An item arrives late, is renamed or deleted.
  async () => {
    const invoice = await anyId('invoices');
    const item = await anyId('invoice_items');
    const name = pick(ITEMS);
    if (rand.next() < 0.5 && invoice)
      await db().execute(sql`
        insert into invoice_items (id, brand_id, invoice_id, line_no, name, normalized_name, quantity,
                                   unit_price_minor, amount_minor)
        values (${next('itm_f')}, ${BRAND}, ${invoice}, ${10 + serial}, ${name}, ${name}, 1, 100, 100)`);
    else if (item && rand.next() < 0.5)
      await db().execute(sql`update invoice_items set normalized_name = ${name} where id = ${item}`);
    else if (item) await db().execute(sql`delete from invoice_items where id = ${item}`);
  },
  // The invoice's date or store changes.
  async () => {
    const id = await anyId('invoices');
    if (id)
      await db()
        .execute(sql`update invoices set invoice_date = ${daysAgo(rand.int(100)).toISOString().slice(0, 10)}::date,
        seller_address = ${pick(ADDRESSES)}, seller_name = ${pick(SELLERS)} where id = ${id}`);
  },
  // A proof without plays or entries is deleted (a test fixture; the app keeps proofs).
  async () => {
    const id = await anyId(
      'submissions',
      sql`id not in (select submission_id from instant_plays) and id not in (select submission_id from lottery_entries)`,
    );
    if (id) await db().execute(sql`delete from submissions where id = ${id}`);
  },
  // Redemptions: made, fulfilled or cancelled (several members in one statement), deleted.
  async () => {
    const id = next('rdm_f');
    await db().execute(sql`
      insert into redemptions (id, brand_id, member_id, reward_id, points, state, idempotency_key, created_at)
      values (${id}, ${BRAND}, ${pick(MEMBERS)}, 'rwd_f', 10, ${pick(['reserved', 'fulfilled', 'cancelled'])},
              ${id}, ${daysAgo(rand.int(60))})`);
  },
  async () => {
    // The latest redemption of some members cancelled, or made good again, in one statement.
    await db().execute(sql`update redemptions set state = case when state = 'cancelled' then 'fulfilled'
        else 'cancelled' end
      where id in (select distinct on (member_id) id from redemptions order by member_id, created_at desc)
        and abs(hashtext(id || ${serial})) % 3 <> 0`);
  },
  async () => {
    const id = await anyId('redemptions');
    if (id) await db().execute(sql`delete from redemptions where id = ${id}`);
  },
  // Draw wins: drawn, forfeited or confirmed, deleted.
  async () => {
    const submission = await anyId('submissions', sql`id not in (select submission_id from lottery_entries)`);
    if (!submission) return;
    const entry = next('lte_f');
    await db().execute(sql`
      insert into lottery_entries (id, brand_id, campaign_id, member_id, submission_id, weight, earned_at)
      select ${entry}, ${BRAND}, 'cmp_f', s.member_id, s.id, 1, s.created_at from submissions s
      where s.id = ${submission}`);
    await db().execute(sql`
      insert into draw_winners (id, brand_id, draw_id, member_id, entry_id, prize_key, rank, status, created_at)
      select ${next('dwn_f')}, ${BRAND}, 'drw_f', e.member_id, e.id, 'p1', ${serial},
             ${pick(['pending', 'confirmed', 'forfeited', 'paid'])}, ${daysAgo(rand.int(60))}
      from lottery_entries e where e.id = ${entry}`);
  },
  async () => {
    // The latest win of some members forfeited, or confirmed again, in one statement.
    await db().execute(sql`update draw_winners set status = case when status = 'forfeited' then 'confirmed'
        else 'forfeited' end
      where id in (select distinct on (member_id) id from draw_winners order by member_id, created_at desc)
        and abs(hashtext(id || ${serial})) % 3 <> 0`);
  },
  async () => {
    const id = await anyId('draw_winners');
    if (id) await db().execute(sql`delete from draw_winners where id = ${id}`);
  },
  // Instant plays: won or not, played or not yet, voided, deleted.
  async () => {
    const submission = await anyId('submissions', sql`id not in (select submission_id from instant_plays)`);
    if (!submission) return;
    await db().execute(sql`
      insert into instant_plays (id, brand_id, campaign_id, member_id, submission_id, prize_id, played_at)
      select ${next('ipl_f')}, ${BRAND}, 'cmp_f', s.member_id, s.id, ${pick(['ipz_f', null])},
             ${rand.next() < 0.3 ? null : daysAgo(rand.int(40))}
      from submissions s where s.id = ${submission}`);
  },
  async () => {
    const id = await anyId('instant_plays');
    if (!id) return;
    if (rand.next() < 0.5)
      await db().execute(
        sql`update instant_plays set voided_at = ${rand.next() < 0.7 ? NOW : null} where id = ${id}`,
      );
    else
      await db().execute(sql`update instant_plays set played_at = ${daysAgo(rand.int(40))} where id = ${id}`);
  },
  async () => {
    const id = await anyId('instant_plays');
    if (id) await db().execute(sql`delete from instant_plays where id = ${id}`);
  },
  // Survey answers: written once per member or per proof, rewritten, deleted.
  async () => {
    const answers: Record<string, unknown> = {};
    if (rand.next() < 0.8) answers.q1 = pick(ANSWERS);
    if (rand.next() < 0.5) answers.q2 = pick(ANSWERS);
    await db().execute(sql`
      insert into survey_answers (id, brand_id, survey_id, member_id, answer_scope, answers)
      values (${next('sva_f')}, ${BRAND}, 'srv_f', ${pick(MEMBERS)}, ${pick(['member', 'sub_a', 'sub_b'])},
              ${JSON.stringify(answers)}::jsonb)
      on conflict (survey_id, member_id, answer_scope) do update set answers = excluded.answers`);
  },
  async () => {
    const id = await anyId('survey_answers');
    if (id) await db().execute(sql`delete from survey_answers where id = ${id}`);
  },
];

beforeAll(async () => {
  database = await createTestDatabase({
    brands: [
      {
        id: BRAND,
        slug: 'facts',
        name: '好茶',
        country: 'TW',
        defaultLocale: 'zh-TW',
        timezone: 'Asia/Taipei',
      },
    ],
    members: MEMBERS.map((id, n) => ({
      id,
      brandId: BRAND,
      lineUserId: `U${String(n).padStart(32, '0')}`,
      locale: 'zh-TW' as const,
      gender: n % 2 === 0 ? ('female' as const) : ('male' as const),
      region: n % 3 === 0 ? 'TW-KHH' : 'TW-TPE',
    })),
    campaigns: [
      {
        id: 'cmp_f',
        brandId: BRAND,
        slug: 'facts',
        name: { 'zh-TW': '好茶' },
        status: 'active',
        timezone: 'Asia/Taipei',
        currency: 'TWD',
        purchaseFrom: '2025-01-01',
        purchaseTo: '2026-12-31',
        registerFrom: new Date('2025-01-01T00:00:00Z'),
        registerTo: new Date('2026-12-31T00:00:00Z'),
        proofKinds: ['einvoice_qr'],
        rules: {},
        rewards: {},
      },
    ],
    rewards: [
      {
        id: 'rwd_f',
        brandId: BRAND,
        kind: 'item',
        name: { 'zh-TW': '杯子' },
        pointsPrice: 10,
        stockTotal: 100,
        stockLeft: 100,
      },
    ],
    instantPrizes: [
      {
        id: 'ipz_f',
        brandId: BRAND,
        campaignId: 'cmp_f',
        name: { 'zh-TW': '獎' },
        oddsPpm: 1,
        stockTotal: 10,
        stockLeft: 0,
      },
    ],
    surveys: [
      { id: 'srv_f', brandId: BRAND, campaignId: 'cmp_f', title: { 'zh-TW': '問卷' }, questions: [] },
    ],
  });
  await db().execute(sql`
    insert into draws (id, brand_id, campaign_id, name, period_from, period_to, prizes, seed_hash, seed,
                       algorithm_version, status)
    values ('drw_f', ${BRAND}, 'cmp_f', '{"zh-TW":"抽獎"}', ${new Date('2026-01-01T00:00:00Z')}, ${NOW},
            '[]', 'h', 's', 'v1', 'drawn')`);
  // Keep only each member's latest 2 purchases on the member row (20 in the migration), so that windows
  // reaching back past them read the member's history (`purchases_from`, `member_bought_in_history`).
  await db().execute(sql`create or replace function member_purchases_kept() returns integer
    language sql immutable parallel safe as 'select 2'`);
}, HANG_GUARD_MS);
afterAll(async () => {
  await database?.close();
});

describe('member-row behaviour facts (migrations 0048 / 0050) after random sequences of writes', () => {
  test(
    'after every write they equal a rebuild from the source tables, and every count equals the reference',
    async () => {
      const deps = { db: db(), clock: { now: () => NOW }, generateId: createSequentialIdGenerator() };
      const ctx = { brandId: BRAND, country: 'TW' as const, timezone: 'Asia/Taipei', now: NOW };
      const compareCounts = async (step: number) => {
        for (const [name, condition] of Object.entries(CONDITIONS)) {
          const { count, excluded } = await previewCondition(deps, {
            brandId: BRAND,
            condition,
            sample: false,
          });
          expect({ step, name, count, excluded }).toEqual({
            step,
            name,
            ...(await referenceCount(db(), condition, ctx)),
          });
        }
      };
      const counted = new Set<number>();
      const seen = { purchases: 0, truncated: 0, redeemed: 0, won: 0, answers: 0 };
      for (let step = 1; step <= STEPS; step += 1) {
        const kind = rand.int(STEP_KINDS.length);
        counted.add(kind);
        await STEP_KINDS[kind]!();
        if (step === STEPS - 5)
          await eraseMember(
            { db: db(), generateId: deps.generateId },
            { brandId: BRAND, memberId: MEMBERS[1]!, confirm: true, now: NOW },
          );
        expect({ step, kind, members: await memberFactDifferences(db(), BRAND) }).toEqual({
          step,
          kind,
          members: 0,
        });
        if (step % 7 === 0 || step === STEPS) await compareCounts(step);
        const [kept] = await queryRows<Record<keyof typeof seen, number>>(
          db(),
          sql`select count(*) filter (where purchases <> '[]')::int as purchases,
                     count(purchases_from)::int as truncated, count(last_redeemed_at)::int as redeemed, count(last_won_at)::int as won,
                     count(*) filter (where survey_answer_keys <> '{}')::int as answers
              from members where brand_id = ${BRAND}`,
        );
        for (const key of Object.keys(seen) as Array<keyof typeof seen>)
          seen[key] = Math.max(seen[key], kept![key]);
      }
      expect(await purchaseFactDifferences(db(), BRAND)).toEqual({ purchases: 0, proofTimes: 0 });
      // The sequence reached every kind of write, and at some step some member had each fact.
      expect(counted.size).toBe(STEP_KINDS.length);
      expect(Math.min(...Object.values(seen))).toBeGreaterThan(0);
    },
    HANG_GUARD_MS,
  );
});
