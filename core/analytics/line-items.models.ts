import { normalizeForMatching, type ItemGroup } from '../campaigns/index.js';
import { normalizeItemName } from '../invoices/index.js';
import { recognizeRegion } from '../regions/index.js';

/** A proof's header as the line items repeat it. */
export type LineItemHeader = {
  submissionId: string;
  brandId: string;
  campaignId: string;
  memberId: string | null;
  invoiceId: string | null;
  /** Local `yyyy-mm-dd` and `hh:mm[:ss]` as printed on the proof. */
  purchaseDate: string;
  purchaseTime: string | null;
  sellerId: string | null;
  sellerName: string | null;
  branch: string | null;
  sellerAddress: string | null;
  currency: 'TWD' | 'THB';
  totalAmountMinor: number | null;
};

export type LineItemInput = { name: string; quantity: number; unitPriceMinor: number; amountMinor: number };

export type LineItemRow = {
  submissionId: string;
  lineNo: number;
  brandId: string;
  campaignId: string;
  memberId: string | null;
  invoiceId: string | null;
  purchaseDate: string;
  purchaseTime: string | null;
  weekday: number;
  hour: number | null;
  storeKey: string;
  storeName: string | null;
  sellerId: string | null;
  branch: string;
  storeAddress: string | null;
  regionCode: string | null;
  itemName: string;
  normalizedName: string;
  itemGroup: string | null;
  productKey: string | null;
  quantity: string;
  unitPriceMinor: number;
  amountMinor: number;
  invoiceTotalMinor: number;
  currency: 'TWD' | 'THB';
};

export type StoreRow = {
  brandId: string;
  storeKey: string;
  sellerId: string | null;
  branch: string;
  name: string | null;
  address: string | null;
  regionCode: string | null;
};

const trimmed = (value: string | null | undefined) => {
  const text = value?.trim();
  return text ? text : null;
};

/**
 * One store per seller BAN / tax ID + branch. A seller that printed no number is keyed by its normalised
 * name (`name:全家`), and a proof with neither is the one `unknown` store.
 */
export function storeKeyOf({
  sellerId,
  sellerName,
  branch,
}: {
  sellerId: string | null;
  sellerName: string | null;
  branch: string | null;
}): string {
  const id = trimmed(sellerId)?.replace(/[\s-]/gu, '');
  const name = trimmed(sellerName);
  const seller = id ? id : name ? `name:${normalizeItemName(name)}` : 'unknown';
  return `${seller}|${trimmed(branch) ?? ''}`;
}

/** The region of a store's address (Taiwan for TWD proofs, Thailand for THB), or null: never a guess. */
export function regionOfAddress(address: string | null, currency: 'TWD' | 'THB'): string | null {
  if (!address) return null;
  return recognizeRegion(address, { country: currency === 'THB' ? 'TH' : 'TW' })?.code ?? null;
}

/** A store's region as `analytics_stores` holds it (`returning brand_id, store_key, region_code`). */
export type RecordedStoreRegion = { brand_id: string; store_key: string; region_code: string | null };

/**
 * Rows whose proof printed no address (a QR, a receipt without one) or one that names no region take the
 * region recorded for their store: one seller BAN / tax ID + branch is in one place, which an earlier
 * proof's address (or the MoF platform's details) told. A row whose own address names a region keeps it.
 * Only stores keyed by a seller number: a name (a chain's) or `unknown` is no one place.
 */
export function fillRegionsFromStores(rows: LineItemRow[], stores: readonly RecordedStoreRegion[]): void {
  const regionOf = new Map(
    stores.flatMap((s) => (s.region_code ? [[`${s.brand_id}\u0000${s.store_key}`, s.region_code]] : [])),
  );
  for (const row of rows)
    if (row.regionCode === null && row.sellerId !== null)
      row.regionCode = regionOf.get(`${row.brandId}\u0000${row.storeKey}`) ?? null;
}

/** 0 = Sunday … 6 = Saturday of a local `yyyy-mm-dd` (the calendar day, whatever the server's zone). */
export function weekdayOf(date: string): number {
  return new Date(`${date}T00:00:00Z`).getUTCDay();
}

export function hourOf(time: string | null): number | null {
  const match = time ? /^(\d{1,2}):/.exec(time) : null;
  return match ? Number(match[1]) : null;
}

/** The campaign's first keyword group the item name matches (exclusions honoured), as the rules match. */
export function itemGroupOf(name: string, groups: readonly ItemGroup[]): string | null {
  if (groups.length === 0) return null;
  const folded = normalizeForMatching(name);
  const group = groups.find(
    (g) =>
      g.keywords.some((k) => folded.includes(normalizeForMatching(k))) &&
      !g.excludeKeywords.some((k) => folded.includes(normalizeForMatching(k))),
  );
  return group?.key ?? null;
}

/** The store and the line-item rows an accepted proof contributes. Pure: the caller writes them. */
export function buildLineItemRows({
  header,
  items,
  itemGroups,
  productOf,
}: {
  header: LineItemHeader;
  items: readonly LineItemInput[];
  itemGroups: readonly ItemGroup[];
  /** The product a normalised name is mapped to. */
  productOf: (normalizedName: string) => string | null;
}): { store: StoreRow; rows: LineItemRow[] } {
  const branch = trimmed(header.branch) ?? '';
  const storeKey = storeKeyOf({ sellerId: header.sellerId, sellerName: header.sellerName, branch });
  const regionCode = regionOfAddress(trimmed(header.sellerAddress), header.currency);
  const sellerId = trimmed(header.sellerId);
  const store: StoreRow = {
    brandId: header.brandId,
    storeKey,
    sellerId,
    branch,
    name: trimmed(header.sellerName),
    address: trimmed(header.sellerAddress),
    regionCode,
  };
  const total = header.totalAmountMinor ?? items.reduce((sum, item) => sum + item.amountMinor, 0);
  const rows = items.map((item, index): LineItemRow => {
    const normalizedName = normalizeItemName(item.name);
    return {
      submissionId: header.submissionId,
      lineNo: index + 1,
      brandId: header.brandId,
      campaignId: header.campaignId,
      memberId: header.memberId,
      invoiceId: header.invoiceId,
      purchaseDate: header.purchaseDate,
      purchaseTime: header.purchaseTime,
      weekday: weekdayOf(header.purchaseDate),
      hour: hourOf(header.purchaseTime),
      storeKey,
      storeName: store.name,
      sellerId,
      branch,
      storeAddress: store.address,
      regionCode,
      itemName: item.name,
      normalizedName,
      itemGroup: itemGroupOf(item.name, itemGroups),
      productKey: productOf(normalizedName),
      quantity: String(item.quantity),
      unitPriceMinor: item.unitPriceMinor,
      amountMinor: item.amountMinor,
      invoiceTotalMinor: total,
      currency: header.currency,
    };
  });
  return { store, rows };
}
