import { and, asc, eq, inArray, or, sql, type SQL } from 'drizzle-orm';
import { type Executor } from '../db/database.js';
import { insertJsonRows } from '../db/json-rows.js';
import {
  invoiceItems,
  invoices,
  normalizeItemName,
  purchaseHeaderColumns,
  type PurchaseHeader,
} from '../invoices/index.js';
import type { IdGenerator } from '../shared/ids.js';
import { toMinor, type StoredPlatformAnswer } from './submissions.models.js';

export type InvoiceRecord = typeof invoices.$inferSelect;
export type NewInvoiceRecord = Omit<typeof invoices.$inferInsert, 'id'>;

/**
 * The invoice rows submissions verify. They belong to the invoices capability's table; they are written
 * here because the submission lifecycle is what creates and verifies them (the invoices capability is pure
 * parsing). Part of the submissions repository (`createSubmissionsRepository` spreads it in).
 */
/** A stored header as the decision reads it: the locks' value that rode along in RETURNING left out. */
function withoutLock(row: (PurchaseHeader & { heldLock?: unknown }) | undefined): PurchaseHeader | undefined {
  if (!row) return undefined;
  const { heldLock: _held, ...header } = row;
  return header;
}

export function createInvoiceRecordsRepository({ db }: { db: Executor }) {
  return {
    /**
     * `upsertInvoice` for several invoices in two statements at most: one multi-row insert (each only
     * if new), then one read of those that were there already. In the order given.
     */
    async upsertInvoices({
      generateId,
      invoices: rows,
    }: {
      generateId: IdGenerator;
      invoices: (NewInvoiceRecord & { invoiceNumber: string })[];
    }): Promise<InvoiceRecord[]> {
      if (rows.length === 0) return [];
      const keyOf = (row: { brandId: string; invoiceNumber: string | null; invoiceDate: string }) =>
        `${row.brandId}|${row.invoiceNumber}|${row.invoiceDate}`;
      const found = new Map<string, InvoiceRecord>();
      const fresh = [...new Map(rows.map((row) => [keyOf(row), row])).values()];
      const created = await db
        .insert(invoices)
        .values(fresh.map((row) => ({ ...row, id: generateId('invoice') })))
        .onConflictDoNothing()
        .returning();
      for (const row of created) found.set(keyOf(row), row);
      const missing = fresh.filter((row) => !found.has(keyOf(row)));
      if (missing.length > 0) {
        const existing = await db
          .select()
          .from(invoices)
          .where(
            or(
              ...missing.map((row) =>
                and(
                  eq(invoices.brandId, row.brandId),
                  eq(invoices.invoiceNumber, row.invoiceNumber),
                  eq(invoices.invoiceDate, row.invoiceDate),
                ),
              ),
            ),
          );
        for (const row of existing) found.set(keyOf(row), row);
      }
      return rows.map((row) => found.get(keyOf(row)) as InvoiceRecord);
    },

    /** The brand's row for this invoice (number + date), created from the proof if it is new. */
    async upsertInvoice({
      generateId,
      invoice,
    }: {
      generateId: IdGenerator;
      invoice: NewInvoiceRecord & { invoiceNumber: string };
    }): Promise<InvoiceRecord> {
      const [created] = await db
        .insert(invoices)
        .values({ ...invoice, id: generateId('invoice') })
        .onConflictDoNothing()
        .returning();
      if (created) return created;
      const [existing] = await db
        .select()
        .from(invoices)
        .where(
          and(
            eq(invoices.brandId, invoice.brandId),
            eq(invoices.invoiceNumber, invoice.invoiceNumber),
            eq(invoices.invoiceDate, invoice.invoiceDate),
          ),
        )
        .limit(1);
      return existing as InvoiceRecord;
    },

    /**
     * `storePlatformAnswer` for many "found" answers at once (the batch verification's deciding
     * transaction): one update of the invoice rows and one insert of their items. Returns the updated
     * invoices' headers as they now stand (what their line items are written from), as `storePlatformAnswer`.
     */
    async storeFoundAnswers({
      generateId,
      answers,
      now,
    }: {
      generateId: IdGenerator;
      answers: { invoice: InvoiceRecord; answer: StoredPlatformAnswer }[];
      now: Date;
    }): Promise<PurchaseHeader[]> {
      if (answers.length === 0) return [];
      const rows = answers.map(({ invoice, answer }) => ({
        id: invoice.id,
        ...foundInvoiceValues(invoice, answer, now),
      }));
      const v = sql.raw('v');
      const headers = await db
        .update(invoices)
        .set({
          platformAnswer: sql`${v}."platformAnswer"`,
          status: sql`${v}."status"`,
          randomCode: sql`${v}."randomCode"`,
          sellerTaxId: sql`${v}."sellerTaxId"`,
          sellerName: sql`${v}."sellerName"`,
          sellerAddress: sql`${v}."sellerAddress"`,
          buyerTaxId: sql`${v}."buyerTaxId"`,
          invoiceTime: sql`${v}."invoiceTime"`,
          totalAmountMinor: sql`${v}."totalAmountMinor"`,
          verifiedAt: sql`${v}."verifiedAt"`,
          statusCheckedAt: sql`${v}."statusCheckedAt"`,
          updatedAt: sql`${v}."updatedAt"`,
        })
        .from(
          sql`jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as v(
                id text, "platformAnswer" jsonb, status text, "randomCode" text, "sellerTaxId" text,
                "sellerName" text, "sellerAddress" text, "buyerTaxId" text, "invoiceTime" time,
                "totalAmountMinor" bigint, "verifiedAt" timestamptz, "statusCheckedAt" timestamptz,
                "updatedAt" timestamptz)`,
        )
        .where(sql`${invoices.id} = ${v}.id`)
        .returning(purchaseHeaderColumns);
      const items = answers.flatMap(({ invoice, answer }) => platformItemRows(generateId, invoice, answer));
      await insertJsonRows(db, invoiceItems, items, sql`on conflict do nothing`);
      return headers;
    },

    async insertInvoice({ generateId, invoice }: { generateId: IdGenerator; invoice: NewInvoiceRecord }) {
      const [created] = await db
        .insert(invoices)
        .values({ ...invoice, id: generateId('invoice') })
        .returning();
      return created as InvoiceRecord;
    },

    async getInvoices(invoiceIds: string[]): Promise<Map<string, InvoiceRecord>> {
      if (invoiceIds.length === 0) return new Map();
      const rows = await db.select().from(invoices).where(inArray(invoices.id, invoiceIds));
      return new Map(rows.map((row) => [row.id, row]));
    },

    async getInvoice(invoiceId: string): Promise<InvoiceRecord | undefined> {
      const [row] = await db.select().from(invoices).where(eq(invoices.id, invoiceId)).limit(1);
      return row;
    },

    /**
     * Keeps what the platform answered on the invoice row (the detail query is capped per invoice, so it is
     * never asked again for an answer already known); a found invoice takes the platform's header fields
     * and its items. Returns the found invoice's header as it now stands (what its line items are written
     * from), so the deciding transaction need not read it back.
     * `lock`: a condition (always true) that takes locks (`memberCampaignLocked`) a found answer's statement
     * carries too: the deciding transaction then needs no statement of its own for them. Taken when a header
     * is returned.
     */
    async storePlatformAnswer({
      generateId,
      invoice,
      answer,
      now,
      lock,
    }: {
      generateId: IdGenerator;
      invoice: InvoiceRecord;
      answer: StoredPlatformAnswer;
      now: Date;
      lock?: SQL;
    }): Promise<PurchaseHeader | undefined> {
      const platform = answer.invoice;
      if (answer.status === 'found' && platform) {
        // The locks ride in RETURNING: evaluated for the returned row, so after the invoice row is locked —
        // every deciding path takes the invoice row first, then the member–campaign lock, the member's row
        // and the points lock (a batch holds invoice rows when it locks them; in WHERE they would be taken
        // before the row, and a batch and a member's typed e-invoice could deadlock).
        const items = platformItemRows(generateId, invoice, answer);
        const stored = db
          .update(invoices)
          .set(foundInvoiceValues(invoice, answer, now))
          .where(eq(invoices.id, invoice.id))
          .returning({
            ...purchaseHeaderColumns,
            ...(lock ? { heldLock: sql<unknown>`${lock}`.as('held_lock') } : {}),
          });
        if (items.length === 0) return withoutLock((await stored)[0]);
        // One statement: the items' insert rides along as a data-modifying WITH (it runs whether read or
        // not), the decision is waiting for it after the MoF's answer.
        const header = db.$with('stored_header').as(stored);
        const inserted = db
          .$with('stored_items')
          .as(db.insert(invoiceItems).values(items).onConflictDoNothing().returning({ id: invoiceItems.id }));
        const [row] = await db.with(header, inserted).select().from(header);
        return withoutLock(row);
      }
      // A "not found" never replaces an answer that carried the invoice.
      const stored = invoice.platformAnswer as StoredPlatformAnswer | null;
      if (answer.status === 'not_found' && stored?.invoice) return;
      await db
        .update(invoices)
        .set({
          platformAnswer: answer as unknown as Record<string, unknown>,
          statusCheckedAt: now,
          updatedAt: now,
        })
        .where(eq(invoices.id, invoice.id));
      return undefined;
    },

    async insertInvoiceItems({
      generateId,
      invoice,
      items,
    }: {
      generateId: IdGenerator;
      invoice: InvoiceRecord;
      items: { name: string; quantity: number; unitPriceMinor: number; amountMinor: number }[];
    }) {
      if (items.length === 0) return;
      await db
        .insert(invoiceItems)
        .values(
          items.map((item, index) => ({
            id: generateId('invoiceItem'),
            brandId: invoice.brandId,
            invoiceId: invoice.id,
            lineNo: index + 1,
            name: item.name,
            normalizedName: normalizeItemName(item.name),
            quantity: String(item.quantity),
            unitPriceMinor: item.unitPriceMinor,
            amountMinor: item.amountMinor,
          })),
        )
        .onConflictDoNothing();
    },

    async listInvoiceItems(invoiceId: string) {
      return db
        .select()
        .from(invoiceItems)
        .where(eq(invoiceItems.invoiceId, invoiceId))
        .orderBy(asc(invoiceItems.lineNo));
    },
  };
}

/** What a "found" answer changes on the invoice row: the platform's header fields over the proof's. */
function foundInvoiceValues(invoice: InvoiceRecord, answer: StoredPlatformAnswer, now: Date) {
  const platform = answer.invoice as NonNullable<StoredPlatformAnswer['invoice']>;
  return {
    platformAnswer: answer as unknown as Record<string, unknown>,
    status: platform.status === 'voided' ? ('voided' as const) : ('verified' as const),
    randomCode: answer.randomCode || invoice.randomCode,
    sellerTaxId: platform.sellerBan || invoice.sellerTaxId,
    sellerName: platform.sellerName || null,
    sellerAddress: platform.sellerAddress || null,
    buyerTaxId: platform.buyerBan,
    invoiceTime: platform.invoiceTime,
    totalAmountMinor: platform.totalAmountMinor ?? invoice.totalAmountMinor,
    verifiedAt: now,
    statusCheckedAt: now,
    updatedAt: now,
  };
}

/** The invoice's item rows from a "found" answer. */
function platformItemRows(generateId: IdGenerator, invoice: InvoiceRecord, answer: StoredPlatformAnswer) {
  return (answer.invoice?.items ?? []).map((item, index) => ({
    id: generateId('invoiceItem'),
    brandId: invoice.brandId,
    invoiceId: invoice.id,
    lineNo: item.rowNum > 0 ? item.rowNum : index + 1,
    name: item.name,
    normalizedName: normalizeItemName(item.name),
    quantity: String(item.quantity),
    unitPriceMinor: toMinor(item.unitPrice),
    amountMinor: item.amountMinor,
  }));
}
