import { and, eq } from 'drizzle-orm';
import { brands } from '../brands/index.js';
import { campaigns, createCampaign } from '../campaigns/index.js';
import type { Database } from '../db/database.js';
import { invoiceItems, invoices, normalizeItemName } from '../invoices/index.js';
import { members } from '../members/index.js';
import type { IdGenerator } from '../shared/ids.js';
import { submissions } from '../submissions/index.js';
import {
  analyticsLineItems,
  analyticsProductMappings,
  analyticsProducts,
  analyticsStores,
} from './analytics.table.js';
import { insertRowsAsJson } from './bulk-insert.js';
import { buildLineItemRows, type LineItemInput, type StoreRow } from './line-items.models.js';

/** mulberry32 over a hash of the seed: the same seed gives the same history. */
export function randomSource(seed: string) {
  let h = 1779033703 ^ seed.length;
  for (let i = 0; i < seed.length; i++) h = Math.imul(h ^ seed.charCodeAt(i), 3432918353);
  let state = h >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (max: number) => Math.floor(next() * max),
    pick: <T>(items: readonly T[]) => items[Math.floor(next() * items.length)]!,
    weighted: <T>(items: readonly [T, number][]) => {
      const total = items.reduce((sum, [, w]) => sum + w, 0);
      let r = next() * total;
      for (const [item, w] of items) if ((r -= w) < 0) return item;
      return items[items.length - 1]![0];
    },
  };
}

export type Catalogue = {
  own: [string, string, number][];
  other: [string, number][];
  stores: [string, string, string][];
};

export const TW_CATALOGUE: Catalogue = {
  // [printed name, product key, price]
  own: [
    ['好茶 綠茶 600ml', 'green-tea', 25],
    ['好茶 奶茶 400ml', 'milk-tea', 30],
  ],
  other: [
    ['洋芋片', 35],
    ['御飯糰', 32],
    ['茶葉蛋', 13],
    ['三明治', 45],
    ['拿鐵咖啡', 55],
    ['菠蘿麵包', 28],
    ['鮮奶', 40],
    ['口香糖', 20],
    ['巧克力餅乾', 39],
    ['礦泉水', 15],
  ],
  stores: [
    ['臺北市中山區松江路100號', '全家', '24549210'],
    ['臺北市大安區復興南路一段200號', '7-ELEVEN', '22555003'],
    ['新北市板橋區文化路一段1號', '萊爾富', '12345675'],
    ['桃園市中壢區中正路10號', 'OK mart', '16606102'],
    ['臺中市西屯區臺灣大道三段99號', '全家', '24549210'],
    ['臺南市東區大學路1號', '7-ELEVEN', '22555003'],
    ['高雄市前金區中正四路211號', '全家', '24549210'],
    ['新竹市東區光復路二段101號', '萊爾富', '12345675'],
    ['花蓮縣花蓮市中山路50號', '7-ELEVEN', '22555003'],
    ['宜蘭縣宜蘭市中山路三段1號', '全家', '24549210'],
  ],
};

export const TH_CATALOGUE: Catalogue = {
  own: [
    ['ชาเขียว 500ml', 'green-tea', 2500],
    ['ชานม 400ml', 'milk-tea', 3000],
  ],
  other: [
    ['มันฝรั่งทอด', 3500],
    ['ข้าวปั้น', 3200],
    ['ไข่ต้ม', 1300],
    ['แซนด์วิช', 4500],
    ['กาแฟลาเต้', 5500],
    ['ขนมปัง', 2800],
    ['นมสด', 4000],
    ['หมากฝรั่ง', 2000],
    ['คุกกี้', 3900],
    ['น้ำดื่ม', 1500],
  ],
  stores: [
    ['ถนนสุขุมวิท แขวงคลองเตย เขตคลองเตย กรุงเทพมหานคร 10110', 'CP ALL', '0107542000011'],
    ['ถนนนิมมานเหมินท์ อ.เมือง จ.เชียงใหม่ 50200', 'CP ALL', '0107542000011'],
    ['ถนนมิตรภาพ อ.เมือง จ.ขอนแก่น 40000', 'Lotus', '0105536092641'],
    ['ถนนสาย 2 อ.บางละมุง จ.ชลบุรี 20150', 'CP ALL', '0107542000011'],
    ['ถนนราษฎร์อุทิศ อ.หาดใหญ่ จ.สงขลา 90110', 'Lotus', '0105536092641'],
  ],
};

/**
 * The associations the generator plants, for the test that the basket analysis finds them: a basket with
 * the first own product gets the first other item 70% of the time (10% otherwise), and one with the
 * second own product gets the sixth other item 60% of the time.
 */
export const PLANTED = {
  TW: [
    ['green-tea', '洋芋片'],
    ['milk-tea', '菠蘿麵包'],
  ],
  TH: [
    ['green-tea', 'มันฝรั่งทอด'],
    ['milk-tea', 'ขนมปัง'],
  ],
} as const;

/**
 * Generates a synthetic purchase history for a brand through the same tables the real path fills
 * (members, invoices, accepted submissions, line items, stores, product mappings) under a campaign of its
 * own (`synthetic-<seed>`): stores in several regions, lunch and evening peaks, weekends busier, returning
 * members, baskets with planted associations. Ids derive from the seed, so running it again adds nothing.
 */
export async function seedSyntheticHistory({
  db,
  generateId,
  brandId,
  invoices: count,
  seed,
  startDate = '2024-10-01',
  days = 90,
  invoiceItems: withInvoiceItems = false,
}: {
  db: Database;
  generateId: IdGenerator;
  brandId: string;
  invoices: number;
  seed: string;
  /** @default 2024-10-01 */
  startDate?: string;
  /** @default 90 */
  days?: number;
  /**
   * Also the invoices' own item rows (what a MoF detail or a QR code gives), from which the segments'
   * `bought` facts are kept (the local demo); the analytics benches leave them out. @default false
   */
  invoiceItems?: boolean;
}): Promise<{ campaignId: string; invoices: number; lineItems: number }> {
  const [brand] = await db.select().from(brands).where(eq(brands.id, brandId));
  if (!brand) throw new Error(`no brand ${brandId}`);
  const catalogue = brand.country === 'TH' ? TH_CATALOGUE : TW_CATALOGUE;
  const currency = brand.country === 'TH' ? ('THB' as const) : ('TWD' as const);
  const minor = brand.country === 'TH' ? 1 : 100;
  const random = randomSource(seed);
  const tag = `syn_${seed.replace(/[^a-z0-9]/giu, '')}`;
  const slug = `synthetic-${seed.replace(/[^a-z0-9-]/giu, '').toLowerCase() || 'x'}`;

  let [campaign] = await db
    .select()
    .from(campaigns)
    .where(and(eq(campaigns.brandId, brandId), eq(campaigns.slug, slug)));
  if (!campaign) {
    const end = new Date(Date.parse(`${startDate}T00:00:00Z`) + days * 86_400_000);
    campaign = (
      await createCampaign({
        db,
        generateId,
        campaign: {
          brandId,
          slug,
          name: {
            en: `Synthetic history (${seed})`,
            'zh-TW': `模擬資料 (${seed})`,
            th: `ข้อมูลจำลอง (${seed})`,
          },
          status: 'ended',
          timezone: brand.timezone,
          currency,
          purchaseFrom: startDate,
          purchaseTo: end.toISOString().slice(0, 10),
          registerFrom: new Date(`${startDate}T00:00:00Z`),
          registerTo: end,
          proofKinds: ['einvoice_qr'],
          rules: { itemGroups: [{ key: 'tea', keywords: ['茶', 'ชา'] }] },
          rewards: {},
        },
      })
    ).campaign;
  }
  const itemGroups = [{ key: 'tea', keywords: ['茶', 'ชา'], excludeKeywords: [], minQuantity: 1 }];

  await db
    .insert(analyticsProducts)
    .values(catalogue.own.map(([, key]) => ({ brandId, key, name: key })))
    .onConflictDoNothing();
  const mapped = catalogue.own.map(([name, key]) => ({
    brandId,
    normalizedName: normalizeItemName(name),
    productKey: key,
  }));
  await db.insert(analyticsProductMappings).values(mapped).onConflictDoNothing();
  const productOf = new Map(mapped.map((m) => [m.normalizedName, m.productKey]));

  const memberCount = Math.max(3, Math.round(count / 4));
  const memberIds = Array.from({ length: memberCount }, (_, i) => `mbr_${tag}_${i}`);
  for (let i = 0; i < memberIds.length; i += 1_000)
    await db
      .insert(members)
      .values(
        memberIds
          .slice(i, i + 1_000)
          .map((id) => ({ id, brandId, lineUserId: `U${id}`, locale: brand.defaultLocale })),
      )
      .onConflictDoNothing();

  const hours: [number, number][] = Array.from({ length: 24 }, (_, h) => [
    h,
    h < 7 ? 0.3 : h >= 11 && h <= 13 ? 6 : h >= 17 && h <= 20 ? 5 : h >= 22 ? 1 : 2.5,
  ]);
  const [planted1, planted2] = [catalogue.other[0]!, catalogue.other[5]!];
  let lineItems = 0;
  const BATCH = 1_000;
  for (let start = 0; start < count; start += BATCH) {
    const invoiceRows: (typeof invoices.$inferInsert)[] = [];
    const invoiceItemRows: (typeof invoiceItems.$inferInsert)[] = [];
    const submissionRows: (typeof submissions.$inferInsert)[] = [];
    const itemRows: (typeof analyticsLineItems.$inferInsert)[] = [];
    const storeRows = new Map<string, StoreRow>();
    for (let i = start; i < Math.min(count, start + BATCH); i++) {
      const day = new Date(Date.parse(`${startDate}T00:00:00Z`) + random.int(days) * 86_400_000);
      // Weekends are busier: redraw a weekday once in three.
      if (day.getUTCDay() > 0 && day.getUTCDay() < 6 && random.next() < 0.33)
        day.setUTCDate(day.getUTCDate() + (6 - day.getUTCDay()));
      const date = day.toISOString().slice(0, 10);
      const hour = random.weighted(hours);
      const time = `${String(hour).padStart(2, '0')}:${String(random.int(60)).padStart(2, '0')}:00`;
      const branchNo = random.int(catalogue.stores.length);
      const [address, sellerName, sellerId] = catalogue.stores[branchNo]!;
      // Members come back: a fifth of them send most proofs.
      const member =
        random.next() < 0.5 ? memberIds[random.int(Math.ceil(memberCount / 5))]! : random.pick(memberIds);
      const items: LineItemInput[] = [];
      const add = ([name, price]: readonly [string, number]) => {
        const quantity = 1 + (random.next() < 0.15 ? 1 : 0);
        items.push({ name, quantity, unitPriceMinor: price * minor, amountMinor: price * minor * quantity });
      };
      const own = random.next() < 0.6 ? random.int(catalogue.own.length) : -1;
      if (own >= 0) add([catalogue.own[own]![0], catalogue.own[own]![2]]);
      if (random.next() < (own === 0 ? 0.7 : 0.1)) add(planted1);
      if (random.next() < (own === 1 ? 0.6 : 0.1)) add(planted2);
      const extras = 1 + random.int(3);
      for (let k = 0; k < extras; k++) {
        const item = catalogue.other[1 + random.int(catalogue.other.length - 1)]!;
        if (item !== planted2 && !items.some((it) => it.name === item[0])) add(item);
      }
      if (items.length === 0) add(catalogue.other[1]!);
      const total = items.reduce((sum, item) => sum + item.amountMinor, 0);
      const id = `sub_${tag}_${i}`;
      const invoiceId = `inv_${tag}_${i}`;
      if (withInvoiceItems)
        items.forEach((item, k) =>
          invoiceItemRows.push({
            id: `itm_${tag}_${i}_${k + 1}`,
            brandId,
            invoiceId,
            lineNo: k + 1,
            name: item.name,
            normalizedName: normalizeItemName(item.name),
            quantity: String(item.quantity),
            unitPriceMinor: item.unitPriceMinor,
            amountMinor: item.amountMinor,
          }),
        );
      invoiceRows.push({
        id: invoiceId,
        brandId,
        kind: 'einvoice',
        invoiceDate: date,
        invoiceTime: time,
        sellerTaxId: sellerId,
        sellerName,
        sellerAddress: address,
        currency,
        totalAmountMinor: total,
        status: 'verified',
        source: 'qr',
      });
      const sentAt = new Date(Date.parse(`${date}T${time}Z`) + random.int(48) * 3_600_000);
      submissionRows.push({
        id,
        brandId,
        campaignId: campaign.id,
        memberId: member,
        kind: 'einvoice_qr',
        channel: 'chat',
        sourceRef: id,
        rawInput: { synthetic: seed },
        state: 'accepted',
        invoiceId,
        decision: { verification: { status: 'found', checkedAt: sentAt.toISOString() }, synthetic: true },
        decidedAt: sentAt,
        createdAt: sentAt,
        updatedAt: sentAt,
      });
      const built = buildLineItemRows({
        header: {
          submissionId: id,
          brandId,
          campaignId: campaign.id,
          memberId: member,
          invoiceId,
          purchaseDate: date,
          purchaseTime: time,
          sellerId,
          sellerName,
          branch: String(branchNo + 1).padStart(3, '0'),
          sellerAddress: address,
          currency,
          totalAmountMinor: total,
        },
        items,
        itemGroups,
        productOf: (name) => productOf.get(name) ?? null,
      });
      storeRows.set(built.store.storeKey, built.store);
      itemRows.push(...built.rows);
    }
    await db.transaction(async (tx) => {
      await insertRowsAsJson(tx, invoices, invoiceRows);
      await insertRowsAsJson(tx, invoiceItems, invoiceItemRows);
      const fresh = new Set(await insertRowsAsJson(tx, submissions, submissionRows, { returning: 'id' }));
      await tx
        .insert(analyticsStores)
        .values([...storeRows.values()])
        .onConflictDoNothing();
      const rows = itemRows.filter((row) => fresh.has(row.submissionId));
      await insertRowsAsJson(tx, analyticsLineItems, rows);
      lineItems += rows.length;
    });
  }
  return { campaignId: campaign.id, invoices: count, lineItems };
}
