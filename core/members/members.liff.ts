import { and, desc, eq, gte, lte, sql } from 'drizzle-orm';
import { brands, lineChannels } from '../brands/brands.table.js';
import { campaigns } from '../campaigns/campaigns.table.js';
import { queryRows, type Executor } from '../db/database.js';
import { draws, lotteryEntries } from '../draws/draws.table.js';
import { describeReason, getTranslator, type Locale } from '../i18n/index.js';
import { getPointsBalance } from '../rewards/index.js';
import { invoices } from '../invoices/invoices.table.js';
import { receiptImages } from '../receipts/receipts.table.js';
import { submissions } from '../submissions/submissions.table.js';

export type LiffChannel = {
  brand: typeof brands.$inferSelect;
  channel: typeof lineChannels.$inferSelect;
  /** The LINE Login channel whose ID tokens this LIFF app accepts (their `aud`). */
  loginChannelId: string;
};

/** The brand and channel a LIFF app belongs to, from its LIFF id; undefined for an unknown LIFF app. */
export async function getLiffChannel(db: Executor, liffId: string): Promise<LiffChannel | undefined> {
  const [row] = await db
    .select({ brand: brands, channel: lineChannels })
    .from(lineChannels)
    .innerJoin(brands, eq(brands.id, lineChannels.brandId))
    .where(eq(lineChannels.liffId, liffId))
    .limit(1);
  if (!row) return undefined;
  const loginChannelId = row.channel.loginChannelId ?? row.channel.lineChannelId;
  return { ...row, loginChannelId };
}

/** The installation's default LIFF app: the one named by LIFF_ID, else the first channel that has one. */
export async function getDefaultLiffId(
  db: Executor,
  configured: string | undefined,
): Promise<string | undefined> {
  if (configured) return configured;
  const [row] = await db
    .select({ liffId: lineChannels.liffId })
    .from(lineChannels)
    .where(sql`${lineChannels.liffId} is not null`)
    .orderBy(lineChannels.createdAt)
    .limit(1);
  return row?.liffId ?? undefined;
}

/**
 * The LIFF home page's numbers: points balance, lottery entries (not voided), the campaign open for
 * registration now, and the published seed hash of its open draw (so members can later check the draw).
 */
export async function getMemberHome(
  db: Executor,
  { brandId, memberId, now }: { brandId: string; memberId: string; now: Date },
) {
  const balance = await getPointsBalance(db, { brandId, memberId });
  const [entries] = await queryRows<{ total: string | number | null }>(
    db,
    sql`select coalesce(sum(${lotteryEntries.weight}), 0)::int as total from ${lotteryEntries}
        where ${lotteryEntries.brandId} = ${brandId} and ${lotteryEntries.memberId} = ${memberId}
          and ${lotteryEntries.voidedAt} is null`,
  );
  const [campaign] = await db
    .select()
    .from(campaigns)
    .where(
      and(
        eq(campaigns.brandId, brandId),
        eq(campaigns.status, 'active'),
        lte(campaigns.registerFrom, now),
        gte(campaigns.registerTo, now),
      ),
    )
    .orderBy(desc(campaigns.registerFrom))
    .limit(1);
  let draw: { id: string; name: unknown; seedHash: string; periodTo: Date } | undefined;
  if (campaign) {
    const [open] = await db
      .select({ id: draws.id, name: draws.name, seedHash: draws.seedHash, periodTo: draws.periodTo })
      .from(draws)
      .where(and(eq(draws.brandId, brandId), eq(draws.campaignId, campaign.id), eq(draws.status, 'open')))
      .orderBy(draws.periodTo)
      .limit(1);
    draw = open;
  }
  // Rewards of accepted proofs a campaign holds until the member registers (released by registering).
  const [held] = await queryRows<{ proofs: number; points: number; entries: number }>(
    db,
    sql`select count(*)::int as proofs,
               coalesce(sum((${submissions.decision} -> 'rewards' ->> 'points')::numeric), 0)::int as points,
               coalesce(sum((${submissions.decision} -> 'rewards' ->> 'entries')::numeric), 0)::int as entries
        from ${submissions}
        where ${submissions.brandId} = ${brandId} and ${submissions.memberId} = ${memberId}
          and ${submissions.state} = 'accepted' and ${submissions.decision} ->> 'heldFor' = 'registration'`,
  );
  return {
    balance,
    entries: Number(entries?.total ?? 0),
    held: {
      proofs: Number(held?.proofs ?? 0),
      points: Number(held?.points ?? 0),
      entries: Number(held?.entries ?? 0),
    },
    campaign: campaign
      ? {
          id: campaign.id,
          name: campaign.name,
          description: campaign.description,
          registerTo: campaign.registerTo,
          proofKinds: campaign.proofKinds,
          registrationRequired: readRegistrationRequired(campaign.rewards),
        }
      : null,
    draw: draw ?? null,
  };
}

/** The member's submissions, newest first, with the state and the reason in the member's language. */
/**
 * A member's proofs for the LIFF history, newest first, in words: what kind of proof, which invoice or
 * store, the purchase date and amount, the outcome and its reason. One line per proof: a proof sent
 * again (the same invoice re-sent, a carrier listing the same invoice) shows once, as it stands now.
 */
export async function listMemberSubmissions(
  db: Executor,
  {
    brandId,
    memberId,
    locale,
    limit = 50,
  }: { brandId: string; memberId: string; locale: Locale; limit?: number },
) {
  const rows = await db
    .select({
      id: submissions.id,
      kind: submissions.kind,
      state: submissions.state,
      reasonCode: submissions.reasonCode,
      proofKey: submissions.proofKey,
      createdAt: submissions.createdAt,
      decidedAt: submissions.decidedAt,
      nextCheckAt: submissions.nextCheckAt,
      campaignId: submissions.campaignId,
      invoiceNumber: invoices.invoiceNumber,
      invoiceDate: invoices.invoiceDate,
      sellerName: invoices.sellerName,
      totalAmountMinor: invoices.totalAmountMinor,
      invoiceCurrency: invoices.currency,
      reading: receiptImages.reading,
    })
    .from(submissions)
    .leftJoin(invoices, eq(invoices.id, submissions.invoiceId))
    .leftJoin(receiptImages, eq(receiptImages.id, submissions.receiptImageId))
    .where(and(eq(submissions.brandId, brandId), eq(submissions.memberId, memberId)))
    .orderBy(desc(submissions.createdAt), desc(submissions.id))
    .limit(limit);
  const t = getTranslator(locale);
  const seen = new Set<string>();
  return rows
    .filter((row) => {
      if (!row.proofKey) return true;
      if (seen.has(row.proofKey)) return false;
      seen.add(row.proofKey);
      return true;
    })
    .map(({ invoiceNumber, invoiceDate, sellerName, totalAmountMinor, invoiceCurrency, reading, ...row }) => {
      const read = readingSummary(reading);
      return {
        ...row,
        kindLabel: t(`proofKinds.${row.kind}`),
        stateLabel: t(`states.${row.state}`),
        reason: row.reasonCode ? describeReason(locale, row.reasonCode) : null,
        invoiceNumber: invoiceNumber ?? null,
        store: sellerName ?? read.store ?? null,
        purchasedOn: invoiceDate ?? read.date ?? null,
        amountMinor: totalAmountMinor ?? read.totalMinor ?? null,
        currency:
          totalAmountMinor !== null && totalAmountMinor !== undefined ? invoiceCurrency : read.currency,
      };
    });
}

/** The store, date and total a photo's reading found (before any invoice row exists for it). */
export function readingSummary(reading: Record<string, unknown> | null): {
  store?: string;
  date?: string;
  totalMinor?: number;
  currency: string | null;
} {
  const fields = (reading?.fields ?? {}) as { storeName?: unknown; date?: unknown; totalMinor?: unknown };
  const currency = reading?.currency;
  return {
    store: typeof fields.storeName === 'string' ? fields.storeName : undefined,
    date: typeof fields.date === 'string' ? fields.date : undefined,
    totalMinor: typeof fields.totalMinor === 'number' ? fields.totalMinor : undefined,
    currency: typeof currency === 'string' && currency !== 'UNKNOWN' ? currency : null,
  };
}

/** Whether the campaign holds rewards until registration (its stored rewards settings). */
function readRegistrationRequired(rewards: unknown): boolean {
  return Boolean((rewards as { registrationRequired?: unknown } | null)?.registrationRequired);
}
