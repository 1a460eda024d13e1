import { eq, sql } from 'drizzle-orm';
import { brands } from '../brands/index.js';
import type { Database } from '../db/database.js';
import { normalizeItemName } from '../invoices/index.js';
import { buildLineItemRows } from './line-items.models.js';
import { PLANTED, seedSyntheticHistory, TH_CATALOGUE, TW_CATALOGUE } from './synthetic.usecases.js';
import type { IdGenerator } from '../shared/ids.js';

/**
 * The synthetic history of synthetic.usecases.ts at bench scale (a million invoices in minutes, not hours):
 * the same campaign, products, mappings, catalogue, stores and regions, the same shape (lunch and evening
 * peaks, busier weekends, a fifth of the members sending half the proofs, the planted associations), drawn
 * by PostgreSQL itself with `generate_series` and `random()` (seeded) in a few INSERT … SELECT statements.
 * The statement triggers are off during the load (session_replication_role = replica, in one transaction),
 * then the rollups are rebuilt from the rows, as the migration's backfill does. PostgreSQL only (PGlite has
 * no superuser switch for triggers); the JS generator stays the reference for tests and the demo.
 */
export async function seedSyntheticHistoryInSql({
  db,
  generateId,
  brandId,
  invoices: count,
  seed,
  startDate = '2024-10-01',
  days = 90,
}: {
  db: Database;
  generateId: IdGenerator;
  brandId: string;
  invoices: number;
  seed: string;
  startDate?: string;
  days?: number;
}): Promise<{ campaignId: string; invoices: number; lineItems: number }> {
  const [brand] = await db.select().from(brands).where(eq(brands.id, brandId));
  if (!brand) throw new Error(`no brand ${brandId}`);
  // The campaign, products and mappings (and a few members) through the JS generator, with no invoices.
  const { campaignId } = await seedSyntheticHistory({
    db,
    generateId,
    brandId,
    invoices: 0,
    seed,
    startDate,
    days,
  });
  const country = brand.country === 'TH' ? 'TH' : 'TW';
  const catalogue = country === 'TH' ? TH_CATALOGUE : TW_CATALOGUE;
  const currency = country === 'TH' ? ('THB' as const) : ('TWD' as const);
  const minor = country === 'TH' ? 1 : 100;
  const itemGroups = [{ key: 'tea', keywords: ['茶', 'ชา'], excludeKeywords: [], minQuantity: 1 }];
  const products = new Map(catalogue.own.map(([name, key]) => [name, key]));
  // Catalogue items: 0–1 own, 2.. other (2 = first planted, 7 = second planted), as the JS generator.
  const items = [
    ...catalogue.own.map(([name, , price]) => ({ name, price })),
    ...catalogue.other.map(([name, price]) => ({ name, price })),
  ];
  const stores = catalogue.stores.map(([address, sellerName, sellerId], i) =>
    buildLineItemRows({
      header: {
        submissionId: 'x',
        brandId,
        campaignId,
        memberId: null,
        invoiceId: null,
        purchaseDate: startDate,
        purchaseTime: null,
        sellerId,
        sellerName,
        branch: String(i + 1).padStart(3, '0'),
        sellerAddress: address,
        currency,
        totalAmountMinor: 0,
      },
      items: items.map((item) => ({ name: item.name, quantity: 1, unitPriceMinor: 0, amountMinor: 0 })),
      itemGroups,
      productOf: (normalized) =>
        [...products.entries()].find(([name]) => normalizeItemName(name) === normalized)?.[1] ?? null,
    }),
  );
  const catalogueJson = JSON.stringify(
    stores[0]!.rows.map((row, i) => ({
      no: i,
      name: row.itemName,
      normalized: row.normalizedName,
      item_group: row.itemGroup,
      product: row.productKey,
      price: items[i]!.price * minor,
    })),
  );
  const storesJson = JSON.stringify(
    stores.map(({ store }, i) => ({
      no: i,
      store_key: store.storeKey,
      seller_id: store.sellerId,
      branch: store.branch,
      name: store.name,
      address: store.address,
      region_code: store.regionCode,
    })),
  );
  if (PLANTED[country][0][1] !== items[2]!.name || PLANTED[country][1][1] !== items[7]!.name)
    throw new Error('the catalogue no longer plants what PLANTED says');

  const tag = `syn_${seed.replace(/[^a-z0-9]/giu, '')}`;
  const memberCount = Math.max(3, Math.round(count / 4));
  const locale = brand.defaultLocale;
  let lineItems = 0;
  await db.transaction(async (tx) => {
    await tx.execute(sql`set local session_replication_role = replica`);
    await tx.execute(sql`select setseed(${seedNumber(seed)})`);
    await tx.execute(sql`
      create temp table seed_catalogue on commit drop as
      select * from jsonb_to_recordset(${catalogueJson}::jsonb)
        as c (no int, name text, normalized text, item_group text, product text, price bigint)`);
    await tx.execute(sql`
      create temp table seed_stores on commit drop as
      select * from jsonb_to_recordset(${storesJson}::jsonb)
        as s (no int, store_key text, seller_id text, branch text, name text, address text, region_code text)`);
    await tx.execute(sql`
      insert into analytics_stores (brand_id, store_key, seller_id, branch, name, address, region_code)
      select ${brandId}, store_key, seller_id, branch, name, address, region_code from seed_stores
      on conflict do nothing`);
    await tx.execute(sql`
      insert into members (id, brand_id, line_user_id, locale)
      select 'mbr_' || ${tag} || '_' || g, ${brandId}, 'Umbr_' || ${tag} || '_' || g, ${locale}
      from generate_series(0, ${memberCount - 1}) g
      on conflict do nothing`);
    // One row per invoice: its day (weekdays redrawn to Saturday once in three), hour (weighted as the JS
    // generator's), minute, store, member (half from the busiest fifth), own product (60%: one of two).
    await tx.execute(sql`
      create temp table seed_invoices on commit drop as
      with hours as (
        select array_agg(h order by h, k) as slots
        from generate_series(0, 23) h
        cross join lateral generate_series(1, (case when h < 7 then 0.3 when h between 11 and 13 then 6
                                                     when h between 17 and 20 then 5 when h >= 22 then 1
                                                     else 2.5 end * 10)::int) k),
      raw as (
        select g as i, ${startDate}::date + floor(random() * ${days})::int as day, random() as r_weekend,
               floor(random() * 60)::int as minute, floor(random() * ${stores.length})::int as store,
               case when random() < 0.5 then floor(random() * ceil(${memberCount} / 5.0))::int
                    else floor(random() * ${memberCount})::int end as member,
               case when random() < 0.6 then floor(random() * 2)::int else -1 end as own,
               random() as r_hour, random() as r_p1, random() as r_p2, 1 + floor(random() * 3)::int as extras,
               floor(random() * 48)::int as sent_after_hours
        from generate_series(0, ${count - 1}) g)
      select raw.i, raw.minute, raw.store, raw.member, raw.own, raw.r_p1, raw.r_p2, raw.extras,
             raw.sent_after_hours,
             case when extract(dow from raw.day) between 1 and 5 and raw.r_weekend < 0.33
                  then raw.day + (6 - extract(dow from raw.day))::int else raw.day end as day,
             hours.slots[1 + floor(raw.r_hour * array_length(hours.slots, 1))::int] as hour
      from raw cross join hours`);
    // Its items: the own product, the planted partners, 1–3 other items (each name once per basket).
    await tx.execute(sql`
      create temp table seed_items on commit drop as
      with picks as (
        select i, own as no, 0 as seq from seed_invoices where own >= 0
        union all select i, 2, 1 from seed_invoices where r_p1 < case when own = 0 then 0.7 else 0.1 end
        union all select i, 7, 2 from seed_invoices where r_p2 < case when own = 1 then 0.6 else 0.1 end
        union all
        select v.i, (array[3, 4, 5, 6, 8, 9, 10, 11])[1 + floor(random() * 8)::int], 2 + k
        from seed_invoices v cross join generate_series(1, 3) k where k <= v.extras),
      firsts as (select distinct on (i, no) i, no, seq from picks order by i, no, seq)
      select f.i, row_number() over (partition by f.i order by f.seq, f.no)::int as line_no, f.no,
             case when random() < 0.15 then 2 else 1 end as quantity
      from firsts f`);
    await tx.execute(sql`
      create temp table seed_totals on commit drop as
      select it.i, sum(c.price * it.quantity) as total from seed_items it join seed_catalogue c on c.no = it.no
      group by it.i`);
    await tx.execute(sql`
      insert into invoices (id, brand_id, kind, invoice_date, invoice_time, seller_tax_id, seller_name,
                            seller_address, currency, total_amount_minor, status, source)
      select 'inv_' || ${tag} || '_' || v.i, ${brandId}, 'einvoice', v.day, make_time(v.hour, v.minute, 0),
             s.seller_id, s.name, s.address, ${currency}, t.total, 'verified', 'qr'
      from seed_invoices v join seed_stores s on s.no = v.store join seed_totals t on t.i = v.i
      on conflict do nothing`);
    await tx.execute(sql`
      insert into submissions (id, brand_id, campaign_id, member_id, kind, channel, source_ref, raw_input,
                               state, invoice_id, decision, decided_at, created_at, updated_at)
      select 'sub_' || ${tag} || '_' || v.i, ${brandId}, ${campaignId}, 'mbr_' || ${tag} || '_' || v.member,
             'einvoice_qr', 'chat', 'sub_' || ${tag} || '_' || v.i, jsonb_build_object('synthetic', ${seed}::text),
             'accepted', 'inv_' || ${tag} || '_' || v.i,
             jsonb_build_object('verification', jsonb_build_object('status', 'found'), 'synthetic', true), x.sent_at,
             x.sent_at, x.sent_at
      from seed_invoices v
      cross join lateral (select (v.day + make_time(v.hour, v.minute, 0)) at time zone 'UTC'
                                 + make_interval(hours => v.sent_after_hours) as sent_at) x
      on conflict do nothing`);
    const inserted = await tx.execute(sql`
      insert into analytics_line_items (submission_id, line_no, brand_id, campaign_id, member_id, invoice_id,
        purchase_date, purchase_time, weekday, hour, store_key, store_name, seller_id, branch, store_address,
        region_code, item_name, normalized_name, item_group, product_key, quantity, unit_price_minor,
        amount_minor, invoice_total_minor, currency)
      select 'sub_' || ${tag} || '_' || v.i, it.line_no, ${brandId}, ${campaignId}, 'mbr_' || ${tag} || '_' || v.member,
             'inv_' || ${tag} || '_' || v.i, v.day, make_time(v.hour, v.minute, 0), extract(dow from v.day)::int,
             v.hour, s.store_key, s.name, s.seller_id, s.branch, s.address, s.region_code, c.name, c.normalized,
             c.item_group, c.product, it.quantity, c.price, c.price * it.quantity, t.total, ${currency}
      from seed_items it join seed_invoices v on v.i = it.i join seed_catalogue c on c.no = it.no
      join seed_stores s on s.no = v.store join seed_totals t on t.i = v.i
      on conflict do nothing`);
    lineItems = Number((inserted as { rowCount?: number }).rowCount ?? 0);
  });
  // The rollups, from the rows (the triggers were off for the load).
  await db.execute(sql`select analytics_rollup_rebuild(${brandId})`);
  await db.transaction(async (tx) => {
    await tx.execute(sql`select derived_facts_settle_proofs(${brandId}::text)`);
    await tx.execute(sql`select analytics_proofs_rebuild(${brandId})`);
  });
  // Fresh statistics for the loaded tables: before autovacuum gets to them, the planner takes a million
  // line items for a few dozen, and an export's keyset page becomes a bitmap scan of the whole range
  // (4.6 s a page instead of 12 ms at 1 M line items).
  await db.execute(sql`analyze analytics_line_items, submissions, invoices, members`);
  return { campaignId, invoices: count, lineItems };
}

/** A number in [-1, 1] from the seed, for setseed(). */
function seedNumber(seed: string): number {
  let h = 0;
  for (let i = 0; i < seed.length; i++) h = (Math.imul(h, 31) + seed.charCodeAt(i)) | 0;
  return (h % 1_000_000) / 1_000_000;
}
