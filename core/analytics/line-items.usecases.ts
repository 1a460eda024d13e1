import { and, asc, eq, gt, inArray, sql, type SQL } from 'drizzle-orm';
import { campaigns, readCampaignSettings, type ItemGroup } from '../campaigns/index.js';
import { queryRows, type Database, type Executor } from '../db/database.js';
import { insertJsonRows, jsonRowsSource } from '../db/json-rows.js';
import {
  invoiceItems,
  invoices,
  purchaseHeaderColumns,
  type ParsedInvoice,
  type PurchaseHeader,
} from '../invoices/index.js';
import { rulesInvoiceFromParsed, submissions } from '../submissions/index.js';
import { analyticsLineItems, analyticsProductMappings, analyticsStores } from './analytics.table.js';
import {
  buildLineItemRows,
  fillRegionsFromStores,
  type LineItemInput,
  type RecordedStoreRegion,
  type LineItemRow,
  type StoreRow,
} from './line-items.models.js';

/** States in which a proof counts as a purchase: accepted, and accepted then rewarded. */
export const ACCEPTED_STATES = ['accepted', 'rewarded'] as const;

const isAccepted = (state: string) => (ACCEPTED_STATES as readonly string[]).includes(state);

export type SyncLineItemsResult = { written: number; removed: number };

/**
 * Makes a proof's line items match its state: an accepted proof has exactly one row per item of the
 * purchase it was decided on; any other state (rejected, reversed, back in review) has none. Call it in the
 * transaction that changes the state (the decision calls it with the items the rules judged); calling it
 * again changes nothing, so a retried transaction or the backfill cannot count a purchase twice. The
 * submission row is locked first, so two callers for one proof take turns.
 */
export async function syncSubmissionLineItems(
  tx: Executor,
  { submissionId }: { submissionId: string },
): Promise<SyncLineItemsResult> {
  const [submission] = await tx
    .select()
    .from(submissions)
    .where(eq(submissions.id, submissionId))
    .for('update');
  const removed = await tx
    .delete(analyticsLineItems)
    .where(eq(analyticsLineItems.submissionId, submissionId))
    .returning({ lineNo: analyticsLineItems.lineNo });
  if (!submission || !isAccepted(submission.state) || !submission.invoiceId)
    return { written: 0, removed: removed.length };
  const [campaign] = await tx.select().from(campaigns).where(eq(campaigns.id, submission.campaignId));
  const itemGroups: ItemGroup[] = campaign ? readCampaignSettings(campaign).settings.rules.itemGroups : [];
  const { written } = await recordAcceptedLineItems(tx, { submission, itemGroups });
  return { written, removed: removed.length };
}

type AcceptedProof = {
  submission: Pick<
    typeof submissions.$inferSelect,
    'id' | 'brandId' | 'campaignId' | 'memberId' | 'invoiceId' | 'rawInput'
  >;
  itemGroups: readonly ItemGroup[];
  items?: readonly LineItemInput[];
  /**
   * The invoice's header as it stands in this transaction (e.g. returned by the statement that stored the
   * platform's answer); without it, the header is read.
   */
  invoice?: PurchaseHeader;
};

/**
 * Writes the line items of a proof just accepted, in the deciding transaction: the items the rules judged
 * (or, without them, the items stored for its invoice). A row already there is left alone, so a proof's
 * items count once.
 */
export async function recordAcceptedLineItems(
  tx: Executor,
  proof: AcceptedProof,
): Promise<{ written: number }> {
  const [written] = await recordAcceptedLineItemsOfMany(tx, [proof]);
  return { written: written ?? 0 };
}

/**
 * `recordAcceptedLineItems` for many proofs in a fixed number of statements (the batch verification's
 * deciding transaction): the same rows, and the stores as if written one proof after the other. Returns
 * how many rows each proof wrote, in the order given.
 */
export async function recordAcceptedLineItemsOfMany(
  tx: Executor,
  proofs: readonly AcceptedProof[],
): Promise<number[]> {
  const invoiceIds = [
    ...new Set(proofs.flatMap(({ submission }) => (submission.invoiceId ? [submission.invoiceId] : []))),
  ];
  if (invoiceIds.length === 0) return proofs.map(() => 0);
  const invoiceById = new Map<string, PurchaseHeader>();
  for (const { submission, invoice } of proofs)
    if (invoice && invoice.id === submission.invoiceId) invoiceById.set(invoice.id, invoice);
  const unread = invoiceIds.filter((id) => !invoiceById.has(id));
  if (unread.length > 0)
    for (const row of await tx
      .select(purchaseHeaderColumns)
      .from(invoices)
      .where(inArray(invoices.id, unread)))
      invoiceById.set(row.id, row);
  const linesOf: (readonly LineItemInput[])[] = [];
  for (const { submission, items } of proofs) {
    const invoice = submission.invoiceId ? invoiceById.get(submission.invoiceId) : undefined;
    linesOf.push(!invoice ? [] : (items ?? (await storedItemsOf(tx, invoice.id, submission.rawInput))));
  }
  if (linesOf.every((lines) => lines.length === 0)) return proofs.map(() => 0);

  const stores = new Map<string, StoreRow>();
  const rows: LineItemRow[] = [];
  proofs.forEach(({ submission, itemGroups }, index) => {
    const invoice = submission.invoiceId ? invoiceById.get(submission.invoiceId) : undefined;
    const lines = linesOf[index] as readonly LineItemInput[];
    if (!invoice || lines.length === 0) return;
    // Accepted purchases passed the currency rule, so they are in a campaign currency.
    const currency = invoice.currency;
    if (currency !== 'TWD' && currency !== 'THB')
      throw new Error(`accepted purchase ${invoice.id} is in ${currency}, which no campaign accepts`);
    const built = buildLineItemRows({
      header: {
        submissionId: submission.id,
        brandId: submission.brandId,
        campaignId: submission.campaignId,
        memberId: submission.memberId,
        invoiceId: invoice.id,
        purchaseDate: invoice.invoiceDate,
        purchaseTime: invoice.invoiceTime,
        sellerId: invoice.sellerTaxId,
        sellerName: invoice.sellerName,
        branch: invoice.sellerBranch,
        sellerAddress: invoice.sellerAddress,
        currency,
        totalAmountMinor: invoice.totalAmountMinor,
      },
      items: [...lines],
      itemGroups,
      // The brand's product mappings are applied where the rows are inserted (`insertLineItems`).
      productOf: () => null,
    });
    rows.push(...built.rows);
    // One row per store in the statement; a later proof may know more (keep what is known).
    const key = `${built.store.brandId}\u0000${built.store.storeKey}`;
    const known = stores.get(key);
    stores.set(
      key,
      known
        ? {
            ...known,
            name: built.store.name ?? known.name,
            address: built.store.address ?? known.address,
            regionCode: built.store.regionCode ?? known.regionCode,
          }
        : built.store,
    );
  });
  if (rows.length === 0) return proofs.map(() => 0);
  const written = await insertStoresAndLineItems(tx, [...stores.values()], rows);
  return proofs.map(({ submission }) => written.get(submission.id) ?? 0);
}

/**
 * The stores (a later proof may know more: the platform's name and address — keep what is known) and the
 * line items (a row already there is left alone), each row's product as its brand's mappings say: looked
 * up by the insert itself, so the mappings cost no statement of their own and a mapping edited in the
 * console applies to the next purchase. A row whose proof printed no region takes its store's as the
 * store now stands (`fillRegionsFromStores`). One JSON parameter per table (core/db/json-rows: thousands of
 * line-item values otherwise) and one statement for both — the deciding transaction after the MoF's
 * answer waits for each statement (issue 17); rows that do not fit JSON go through drizzle, the stores
 * first. Returns how many rows each proof wrote.
 */
async function insertStoresAndLineItems(
  tx: Executor,
  stores: StoreRow[],
  rows: LineItemRow[],
): Promise<Map<string, number>> {
  // The store's region as it now stands comes back from the upsert, for proofs that printed none.
  const storeUpsert = sql`on conflict (brand_id, store_key) do update set
          name = coalesce(excluded.name, ${analyticsStores.name}),
          address = coalesce(excluded.address, ${analyticsStores.address}),
          region_code = coalesce(excluded.region_code, ${analyticsStores.regionCode}),
          updated_at = now()
        returning brand_id, store_key, region_code`;
  const storesJson = jsonRowsSource(analyticsStores, stores);
  const json = jsonRowsSource(analyticsLineItems, rows);
  if (
    storesJson &&
    json &&
    ['product_key', 'region_code', 'seller_id'].every((name) => json.names.includes(name))
  )
    return insertJsonLineItems(
      tx,
      json,
      sql`stored_stores as (insert into ${analyticsStores} (${storesJson.columns}) ${storesJson.source} ${storeUpsert}),`,
    );
  const known = await insertJsonRows<typeof analyticsStores, RecordedStoreRegion>(
    tx,
    analyticsStores,
    stores,
    storeUpsert,
  );
  fillRegionsFromStores(rows, known);
  const filled = jsonRowsSource(analyticsLineItems, rows);
  if (filled && filled.names.includes('product_key')) return insertJsonLineItems(tx, filled);
  const written = new Map<string, number>();
  const inserted = await tx
    .insert(analyticsLineItems)
    .values(
      rows.map((row) => ({
        ...row,
        productKey: mappedProduct(sql`${row.brandId}`, sql`${row.normalizedName}`),
      })),
    )
    .onConflictDoNothing()
    .returning({ submissionId: analyticsLineItems.submissionId });
  for (const row of inserted) written.set(row.submissionId, (written.get(row.submissionId) ?? 0) + 1);
  return written;
}

/** The product the brand's mappings give a name (null when none), looked up in the statement that inserts. */
const mappedProduct = (brandId: SQL, normalizedName: SQL) =>
  sql`(select m.product_key from ${analyticsProductMappings} m
       where m.brand_id = ${brandId} and m.normalized_name = ${normalizedName})`;

/**
 * The line items from their JSON source, the product looked up by the insert; with `storesUpsert` (a
 * `stored_stores` WITH returning the stores' regions) in the same statement, a row without a region takes
 * its store's, as `fillRegionsFromStores` does: only a store keyed by a seller number is one place.
 */
async function insertJsonLineItems(
  tx: Executor,
  json: NonNullable<ReturnType<typeof jsonRowsSource>>,
  storesUpsert?: SQL,
): Promise<Map<string, number>> {
  const selected = sql.join(
    json.names.map((name) =>
      name === 'product_key'
        ? mappedProduct(sql`s.brand_id`, sql`s.normalized_name`)
        : name === 'region_code' && storesUpsert
          ? sql`coalesce(s.region_code, case when s.seller_id is not null then
              (select st.region_code from stored_stores st
               where st.brand_id = s.brand_id and st.store_key = s.store_key) end)`
          : sql.raw(`s."${name}"`),
    ),
    sql`, `,
  );
  // How many rows each proof wrote, counted in the database (not one returned row per line item).
  const counts = await queryRows<{ submission_id: string; written: number }>(
    tx,
    sql`with ${storesUpsert ?? sql``} inserted as (
          insert into ${analyticsLineItems} (${json.columns}) select ${selected} from (${json.source}) s
          on conflict do nothing returning submission_id)
        select submission_id, count(*)::int as written from inserted group by submission_id`,
  );
  return new Map(counts.map((row) => [row.submission_id, Number(row.written)]));
}

/** The items stored for an invoice (platform details, OCR, review), else the items its QR codes carried. */
async function storedItemsOf(
  tx: Executor,
  invoiceId: string,
  rawInput: Record<string, unknown>,
): Promise<LineItemInput[]> {
  const stored = await tx
    .select()
    .from(invoiceItems)
    .where(eq(invoiceItems.invoiceId, invoiceId))
    .orderBy(asc(invoiceItems.lineNo));
  if (stored.length > 0)
    return stored.map((item) => ({
      name: item.name,
      quantity: Number(item.quantity),
      unitPriceMinor: item.unitPriceMinor,
      amountMinor: item.amountMinor,
    }));
  const input = (rawInput as { input?: { type?: string; invoice?: ParsedInvoice } }).input;
  if (input?.type === 'einvoice' && input.invoice && Array.isArray(input.invoice.items))
    return rulesInvoiceFromParsed(input.invoice).items;
  return [];
}

/**
 * Erasure: the member's line items lose their member link (in the erasing transaction); the rows stay, so
 * every aggregate keeps adding up.
 */
export async function detachMemberFromLineItems(
  tx: Executor,
  { brandId, memberId }: { brandId: string; memberId: string },
): Promise<number> {
  const rows = await tx
    .update(analyticsLineItems)
    .set({ memberId: null })
    .where(and(eq(analyticsLineItems.brandId, brandId), eq(analyticsLineItems.memberId, memberId)))
    .returning({ lineNo: analyticsLineItems.lineNo });
  return rows.length;
}

export type BackfillResult = { submissions: number; written: number; removed: number };

/**
 * Brings the line items in line with every proof of a brand (or all brands): fills them for accepted proofs
 * decided before this table existed and drops rows of proofs no longer accepted. One short transaction per
 * proof, so it can run beside live traffic and be stopped and run again.
 */
export async function backfillLineItems({
  db,
  brandId,
  batchSize = 500,
  onProgress,
}: {
  db: Database;
  brandId?: string;
  /** @default 500 */
  batchSize?: number;
  onProgress?: (done: BackfillResult) => void;
}): Promise<BackfillResult> {
  const total: BackfillResult = { submissions: 0, written: 0, removed: 0 };
  const brand = brandId ? eq(submissions.brandId, brandId) : undefined;
  let after = '';
  for (;;) {
    const batch = await db
      .select({ id: submissions.id })
      .from(submissions)
      .where(and(brand, gt(submissions.id, after), inArray(submissions.state, [...ACCEPTED_STATES])))
      .orderBy(asc(submissions.id))
      .limit(batchSize);
    if (batch.length === 0) break;
    for (const { id } of batch) {
      const result = await db.transaction((tx) => syncSubmissionLineItems(tx, { submissionId: id }));
      total.submissions += 1;
      total.written += result.written;
      total.removed += result.removed;
    }
    after = batch[batch.length - 1]!.id;
    onProgress?.(total);
  }
  // Rows whose proof left the accepted states without passing through the sync.
  const stale = await db
    .select({ submissionId: analyticsLineItems.submissionId })
    .from(analyticsLineItems)
    .leftJoin(submissions, eq(submissions.id, analyticsLineItems.submissionId))
    .where(
      and(
        brandId ? eq(analyticsLineItems.brandId, brandId) : undefined,
        sql`(${submissions.id} is null or ${submissions.state} not in ('accepted', 'rewarded'))`,
      ),
    )
    .groupBy(analyticsLineItems.submissionId);
  for (const { submissionId } of stale) {
    const result = await db.transaction((tx) => syncSubmissionLineItems(tx, { submissionId }));
    total.removed += result.removed;
  }
  return total;
}
