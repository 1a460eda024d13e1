import { sql } from 'drizzle-orm';
import type { RuleName, RulesInvoice } from '../campaigns/index.js';
import { queryRows, type Database, type Executor } from '../db/database.js';
import { invoiceItems, invoices } from '../invoices/index.js';
import { submissions, type SubmissionState } from './submissions.table.js';

/**
 * What the what-if replay reads: a campaign's decided proofs in registration order, each with the
 * purchase as it was read (the invoice row and its items) and what was decided about it.
 */

export const DECIDED_STATES: SubmissionState[] = ['accepted', 'rewarded', 'rejected'];

export type DecidedSubmission = {
  id: string;
  memberId: string;
  /** When it was registered: the instant the rules judged it at. */
  createdAt: Date;
  accepted: boolean;
  /** A receipt or paper-invoice photo: a person decides it whenever a machine would not be sure. */
  photo: boolean;
  /** What the decision granted (0 when refused). */
  rewards: { points: number; entries: number };
  /** The first rule that refused it; null when accepted, or refused by the platform rather than a rule. */
  refusedBy: { rule: RuleName; reasonKey: string } | null;
  /** Null when nothing was read (refused before the purchase was known). */
  invoice: RulesInvoice | null;
};

type InvoiceRow = typeof invoices.$inferSelect;
type ItemRow = Pick<typeof invoiceItems.$inferSelect, 'name' | 'quantity' | 'unitPriceMinor' | 'amountMinor'>;

/** A stored invoice row and its items as the rules read a purchase. */
export function rulesInvoiceFromRecord(
  invoice: Pick<
    InvoiceRow,
    | 'invoiceNumber'
    | 'invoiceDate'
    | 'currency'
    | 'totalAmountMinor'
    | 'sellerTaxId'
    | 'sellerName'
    | 'sellerAddress'
    | 'buyerTaxId'
    | 'status'
  >,
  items: ItemRow[],
): RulesInvoice {
  return {
    invoiceNumber: invoice.invoiceNumber,
    invoiceDate: invoice.invoiceDate,
    currency: invoice.currency,
    totalAmountMinor: invoice.totalAmountMinor,
    sellerBan: invoice.sellerTaxId,
    sellerName: invoice.sellerName,
    sellerAddress: invoice.sellerAddress,
    buyerBan: invoice.buyerTaxId,
    voided: invoice.status === 'voided' || invoice.status === 'returned',
    items: items.map((item) => ({
      name: item.name,
      quantity: Number(item.quantity),
      unitPriceMinor: Number(item.unitPriceMinor),
      amountMinor: Number(item.amountMinor),
    })),
  };
}

// On `submissions s`. A carrier proof's container row has no proof key: its invoices are proofs of their own.
const decidedSince = (campaignId: string, since: Date) =>
  sql`s.campaign_id = ${campaignId}
      and s.state in ('accepted', 'rewarded', 'rejected')
      and s.created_at >= ${since.toISOString()}::timestamptz
      and s.proof_key is not null`;

export async function countDecidedSubmissions(
  db: Executor,
  { campaignId, since }: { campaignId: string; since: Date },
): Promise<number> {
  const [row] = await queryRows<{ count: number | string }>(
    db,
    sql`select count(*)::int as count from ${submissions} s where ${decidedSince(campaignId, since)}`,
  );
  return Number(row?.count ?? 0);
}

type PageRow = {
  id: string;
  member_id: string;
  created_at: string;
  state: SubmissionState;
  kind: string;
  points: number | string | null;
  entries: number | string | null;
  refused: { rule: RuleName; reasonKey: string } | string | null;
  invoice_id: string | null;
  invoice_number: string | null;
  invoice_date: string | null;
  currency: 'TWD' | 'THB' | null;
  total_amount_minor: number | string | null;
  seller_tax_id: string | null;
  seller_name: string | null;
  seller_address: string | null;
  buyer_tax_id: string | null;
  status: InvoiceRow['status'] | null;
  items: [string, string | number, string | number, string | number][] | string | null;
};

const parsed = <T>(value: T | string | null): T | null =>
  typeof value === 'string' ? (JSON.parse(value) as T) : value;

/** The columns the rules read, the decision reduced to its rewards and first refusing rule, items folded. */
const decidedColumns = sql`s.id, s.member_id, s.created_at::text as created_at, s.state, s.kind,
          (s.decision -> 'rewards' ->> 'points')::int as points,
          (s.decision -> 'rewards' ->> 'entries')::int as entries,
          (select v from jsonb_array_elements(coalesce(s.decision -> 'verdicts', '[]'::jsonb)) v
            where v ->> 'passed' = 'false' limit 1) as refused,
          i.id as invoice_id, i.invoice_number, i.invoice_date::text as invoice_date, i.currency,
          i.total_amount_minor, i.seller_tax_id, i.seller_name, i.seller_address, i.buyer_tax_id, i.status,
          (select json_agg(json_build_array(it.name, it.quantity, it.unit_price_minor, it.amount_minor)
                           order by it.line_no)
             from ${invoiceItems} it where it.invoice_id = i.id) as items`;

/**
 * The ids of a campaign's decided proofs, in registration order: one sort, once. A replay then reads them
 * by id in pages (`readDecidedSubmissions`), each page costing its own rows only. Paging by keyset
 * (`(created_at, id) > cursor … limit`) instead lets the planner join and sort every remaining row for each page whenever its statistics are
 * stale (PGlite never analyzes, and a bulk of new proofs outruns autovacuum): quadratic over a replay.
 */
export async function listDecidedSubmissionIds(
  db: Executor,
  { campaignId, since }: { campaignId: string; since: Date },
): Promise<string[]> {
  const rows = await queryRows<{ id: string }>(
    db,
    sql`select s.id from ${submissions} s where ${decidedSince(campaignId, since)} order by s.created_at, s.id`,
  );
  return rows.map((row) => row.id);
}

/**
 * These decided proofs (ids from `listDecidedSubmissionIds`), in the order of `ids`, in one query: the
 * ids are walked in order and each is looked up by key (submission, invoice, its items), whatever the
 * table statistics say. JIT is off for it: under stale statistics PostgreSQL prices the per-invoice items
 * lookup at hundreds of rows and compiles every page, ~1 s each, for a query that runs in ~50 ms.
 */
export async function readDecidedSubmissions(db: Database, ids: string[]): Promise<DecidedSubmission[]> {
  if (ids.length === 0) return [];
  const rows = await db.transaction(async (tx) => {
    await tx.execute(sql`set local jit = off`);
    return queryRows<PageRow>(
      tx,
      sql`select ${decidedColumns}
          from unnest(string_to_array(${ids.join(',')}, ',')) with ordinality as page(id, position)
          join ${submissions} s on s.id = page.id
          left join ${invoices} i on i.id = s.invoice_id
          order by page.position`,
    );
  });
  return rows.map(toDecidedSubmission);
}

function toDecidedSubmission(row: PageRow): DecidedSubmission {
  const accepted = row.state !== 'rejected';
  const items = parsed(row.items) ?? [];
  return {
    id: row.id,
    memberId: row.member_id,
    createdAt: new Date(row.created_at),
    accepted,
    photo: row.kind === 'receipt' || row.kind === 'paper_invoice',
    rewards: accepted
      ? { points: Number(row.points ?? 0), entries: Number(row.entries ?? 0) }
      : { points: 0, entries: 0 },
    refusedBy: accepted ? null : parsed(row.refused),
    invoice:
      row.invoice_id && row.invoice_date && row.currency
        ? rulesInvoiceFromRecord(
            {
              invoiceNumber: row.invoice_number,
              invoiceDate: row.invoice_date,
              currency: row.currency,
              totalAmountMinor: Number(row.total_amount_minor),
              sellerTaxId: row.seller_tax_id,
              sellerName: row.seller_name,
              sellerAddress: row.seller_address,
              buyerTaxId: row.buyer_tax_id,
              status: row.status ?? 'verified',
            },
            items.map(([name, quantity, unitPriceMinor, amountMinor]) => ({
              name,
              quantity: String(quantity),
              unitPriceMinor: Number(unitPriceMinor),
              amountMinor: Number(amountMinor),
            })),
          )
        : null,
  };
}
