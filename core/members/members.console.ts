import { and, desc, eq, ilike, inArray, isNull, or, sql, type SQL } from 'drizzle-orm';
import { auditLog } from '../audit/audit.table.js';
import type { Database, Executor } from '../db/database.js';
import { invoices } from '../invoices/invoices.table.js';
import { receiptImages } from '../receipts/receipts.table.js';
import { campaigns } from '../campaigns/campaigns.table.js';
import { listMemberDrawWins } from '../draws/index.js';
import { listMemberInstantPlays, listMemberRedemptions } from '../rewards/index.js';
import { pointsLedger } from '../rewards/rewards.table.js';
import type { IdGenerator } from '../shared/ids.js';
import { submissions } from '../submissions/submissions.table.js';
import { surveyAnswers, surveys } from '../surveys/surveys.table.js';
import { getCurrentConsents, listConsentHistory } from './members.consents.js';
import { eraseMember, exportMemberData } from './members.erasure.js';
import { createMemberNotFoundError } from './members.errors.js';
import { readingSummary } from './members.liff.js';
import { members } from './members.table.js';

export type MemberSearchRow = {
  id: string;
  displayName: string | null;
  name: string | null;
  phone: string | null;
  memberNo: string | null;
  locale: string;
  following: boolean;
  registeredAt: Date | null;
  lastActiveAt: Date | null;
  erased: boolean;
  /** What the search matched on (`invoice` when found through an invoice number). */
  matched: 'name' | 'phone' | 'displayName' | 'memberNo' | 'invoice' | 'id' | null;
};

const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * The console's member search: by name, phone (digits, with or without the country code), LINE display
 * name, member number, member id, or an invoice number the member registered. Without a query, the
 * members active last. Erased members match only by id.
 */
export async function searchMembers(
  db: Database,
  { brandId, q, limit = 50 }: { brandId: string; q?: string; limit?: number },
): Promise<{ members: MemberSearchRow[] }> {
  const query = q?.trim() ?? '';
  const base = db
    .select({
      id: members.id,
      displayName: members.displayName,
      name: members.name,
      phone: members.phone,
      memberNo: members.externalMemberNo,
      locale: members.locale,
      following: members.following,
      registeredAt: members.registeredAt,
      lastActiveAt: members.lastActiveAt,
      erasedAt: members.erasedAt,
    })
    .from(members);
  let rows;
  if (!query) {
    rows = await base
      .where(eq(members.brandId, brandId))
      .orderBy(sql`${members.lastActiveAt} desc nulls last`, desc(members.createdAt))
      .limit(limit);
  } else {
    const like = `%${escapeLike(query)}%`;
    const invoiceNumber = query.toUpperCase().replace(/[\s-]/g, '');
    // An invoice number's digits are not a phone number.
    const digits = /^[A-Z]{2}\d{8}$/.test(invoiceNumber) ? '' : query.replace(/\D/g, '');
    const byInvoice = /^[A-Z]{2}\d{8}$/.test(invoiceNumber)
      ? db
          .select({ memberId: submissions.memberId })
          .from(submissions)
          .innerJoin(invoices, eq(invoices.id, submissions.invoiceId))
          .where(and(eq(submissions.brandId, brandId), eq(invoices.invoiceNumber, invoiceNumber)))
      : undefined;
    const conditions: (SQL | undefined)[] = [
      eq(members.id, query),
      and(
        isNull(members.erasedAt),
        or(
          ilike(members.name, like),
          ilike(members.displayName, like),
          ilike(members.externalMemberNo, like),
          digits.length >= 4
            ? sql`regexp_replace(coalesce(${members.phone}, ''), '\\D', '', 'g') like ${`%${digits.replace(/^0/, '')}%`}`
            : undefined,
        ),
      ),
      byInvoice ? inArray(members.id, byInvoice) : undefined,
    ];
    rows = await base
      .where(and(eq(members.brandId, brandId), or(...conditions)))
      .orderBy(sql`${members.lastActiveAt} desc nulls last`, desc(members.createdAt))
      .limit(limit);
    const lower = query.toLowerCase();
    return {
      members: rows.map(({ erasedAt, ...row }) => ({
        ...row,
        erased: erasedAt !== null,
        matched:
          row.id === query
            ? 'id'
            : row.name?.toLowerCase().includes(lower)
              ? 'name'
              : row.displayName?.toLowerCase().includes(lower)
                ? 'displayName'
                : row.memberNo?.toLowerCase().includes(lower)
                  ? 'memberNo'
                  : digits.length >= 4 &&
                      (row.phone ?? '').replace(/\D/g, '').includes(digits.replace(/^0/, ''))
                    ? 'phone'
                    : 'invoice',
      })),
    };
  }
  return {
    members: rows.map(({ erasedAt, ...row }) => ({ ...row, erased: erasedAt !== null, matched: null })),
  };
}

/**
 * Everything the console shows about one member: profile, consents now and their history, points
 * balance and ledger, proofs with photo links and decisions, redemptions, prizes (draws and instant
 * wins), survey answers.
 */
export async function getMemberForConsole(
  db: Database,
  {
    brandId,
    memberId,
    imageUrl,
  }: { brandId: string; memberId: string; imageUrl: (imageId: string) => string },
) {
  const [member] = await db
    .select()
    .from(members)
    .where(and(eq(members.brandId, brandId), eq(members.id, memberId)));
  if (!member) throw createMemberNotFoundError({ details: { member: memberId } });
  const of = <T extends { brandId: unknown; memberId: unknown }>(table: T) =>
    and(eq(table.brandId as never, brandId), eq(table.memberId as never, memberId));

  const [balance] = await db
    .select({ points: sql<number>`coalesce(sum(${pointsLedger.points}), 0)::int` })
    .from(pointsLedger)
    .where(of(pointsLedger));
  const ledger = await db
    .select({
      id: pointsLedger.id,
      kind: pointsLedger.kind,
      points: pointsLedger.points,
      reason: pointsLedger.reason,
      actor: pointsLedger.actor,
      submissionId: pointsLedger.submissionId,
      redemptionId: pointsLedger.redemptionId,
      expiresAt: pointsLedger.expiresAt,
      createdAt: pointsLedger.createdAt,
    })
    .from(pointsLedger)
    .where(of(pointsLedger))
    .orderBy(desc(pointsLedger.createdAt))
    .limit(100);
  const proofs = await db
    .select({
      id: submissions.id,
      campaignId: submissions.campaignId,
      campaignName: campaigns.name,
      kind: submissions.kind,
      channel: submissions.channel,
      state: submissions.state,
      reasonCode: submissions.reasonCode,
      reviewedBy: submissions.reviewedBy,
      createdAt: submissions.createdAt,
      decidedAt: submissions.decidedAt,
      receiptImageId: submissions.receiptImageId,
      imageStorageKey: receiptImages.storageKey,
      reading: receiptImages.reading,
      invoiceNumber: invoices.invoiceNumber,
      invoiceDate: invoices.invoiceDate,
      totalMinor: invoices.totalAmountMinor,
      currency: invoices.currency,
      sellerName: invoices.sellerName,
    })
    .from(submissions)
    .leftJoin(campaigns, eq(campaigns.id, submissions.campaignId))
    .leftJoin(receiptImages, eq(receiptImages.id, submissions.receiptImageId))
    .leftJoin(invoices, eq(invoices.id, submissions.invoiceId))
    .where(of(submissions))
    .orderBy(desc(submissions.createdAt))
    .limit(100);
  const [redeemed, wins, plays] = await Promise.all([
    listMemberRedemptions({ db, brandId, memberId, limit: 100 }),
    listMemberDrawWins({ db, brandId, memberId }),
    listMemberInstantPlays({ db, brandId, memberId, limit: 100 }),
  ]);
  const answers = await db
    .select({
      id: surveyAnswers.id,
      surveyTitle: surveys.title,
      questions: surveys.questions,
      answers: surveyAnswers.answers,
      createdAt: surveyAnswers.createdAt,
    })
    .from(surveyAnswers)
    .innerJoin(surveys, eq(surveys.id, surveyAnswers.surveyId))
    .where(of(surveyAnswers))
    .orderBy(desc(surveyAnswers.createdAt));

  return {
    member: {
      id: member.id,
      displayName: member.displayName,
      pictureUrl: member.pictureUrl,
      name: member.name,
      phone: member.phone,
      email: member.email,
      gender: member.gender,
      birthday: member.birthday,
      region: member.region,
      memberNo: member.externalMemberNo,
      locale: member.locale,
      following: member.following,
      followedAt: member.followedAt,
      registeredAt: member.registeredAt,
      linkedAt: member.linkedAt,
      lastActiveAt: member.lastActiveAt,
      createdAt: member.createdAt,
      erasedAt: member.erasedAt,
    },
    consents: {
      current: await getCurrentConsents(db, { brandId, memberId }),
      history: await listConsentHistory(db, { brandId, memberId }),
    },
    points: { balance: Number(balance?.points ?? 0), ledger },
    proofs: proofs.map(({ imageStorageKey, receiptImageId, reading, ...proof }) => {
      // A photo without an invoice row yet: show what was read from it.
      const read = readingSummary(reading);
      return {
        ...proof,
        sellerName: proof.sellerName ?? read.store ?? null,
        totalMinor: proof.totalMinor ?? read.totalMinor ?? null,
        currency: proof.totalMinor !== null ? proof.currency : read.currency,
        receiptImageId,
        imageUrl: receiptImageId && imageStorageKey ? imageUrl(receiptImageId) : null,
      };
    }),
    redemptions: redeemed.map((redemption) => ({
      id: redemption.id,
      rewardName: redemption.rewardName,
      points: redemption.points,
      state: redemption.state,
      couponCode: redemption.couponCode,
      createdAt: redemption.createdAt,
      fulfilledAt: redemption.fulfilledAt,
      cancelledAt: redemption.cancelledAt,
    })),
    prizes: [
      ...wins.map((win) => ({
        id: win.id,
        source: 'draw' as const,
        name: win.prizeName,
        drawName: win.drawName,
        valueMinor: win.valueMinor,
        paperwork: win.paperwork,
        status: win.status,
        notifiedAt: win.notifiedAt,
        at: win.createdAt,
      })),
      ...plays
        .filter((outcome) => outcome.prize && outcome.play.playedAt)
        .map(({ play, prize }) => ({
          id: play.id,
          source: 'instant' as const,
          name: prize!.name,
          drawName: null,
          valueMinor: null,
          paperwork: 'not_needed' as const,
          status: play.voidedAt ? 'voided' : 'won',
          notifiedAt: null,
          at: play.playedAt!,
        })),
    ],
    surveyAnswers: answers,
  };
}

/** The image of one of the member's proofs (so the members page shows photos without review rights). */
export async function getMemberImage(
  db: Database,
  { brandId, memberId, imageId }: { brandId: string; memberId: string; imageId: string },
) {
  const [image] = await db
    .select()
    .from(receiptImages)
    .where(
      and(
        eq(receiptImages.brandId, brandId),
        eq(receiptImages.memberId, memberId),
        eq(receiptImages.id, imageId),
      ),
    );
  return image;
}

type ConsoleActorRef = { userId: string; email: string };

async function auditConsole(
  db: Executor,
  generateId: IdGenerator,
  entry: {
    brandId: string;
    actor: ConsoleActorRef;
    action: string;
    memberId: string;
    now: Date;
    data?: Record<string, unknown>;
  },
) {
  await db.insert(auditLog).values({
    id: generateId('auditEntry'),
    brandId: entry.brandId,
    actorType: 'console_user',
    actorId: entry.actor.userId,
    action: entry.action,
    targetType: 'member',
    targetId: entry.memberId,
    data: { by: entry.actor.email, ...entry.data },
    createdAt: entry.now,
  });
}

/** "My data" for a member, exported by a console user (audited with who asked). */
export async function exportMemberForConsole(
  deps: { db: Database; generateId: IdGenerator },
  { brandId, memberId, actor, now }: { brandId: string; memberId: string; actor: ConsoleActorRef; now: Date },
) {
  const document = await exportMemberData(deps, { brandId, memberId, now });
  await auditConsole(deps.db, deps.generateId, {
    brandId,
    actor,
    action: 'console.member_exported',
    memberId,
    now,
  });
  return document;
}

/** Erases a member at a console owner's request (audited with who asked, beside the erasure's own entry). */
export async function eraseMemberForConsole(
  deps: { db: Database; generateId: IdGenerator },
  { brandId, memberId, actor, now }: { brandId: string; memberId: string; actor: ConsoleActorRef; now: Date },
) {
  // The console user's row commits with the erasure: an erasure is never left without who asked for it.
  return eraseMember(deps, {
    brandId,
    memberId,
    confirm: true,
    now,
    onErased: (tx, result) =>
      auditConsole(tx, deps.generateId, {
        brandId,
        actor,
        action: 'console.member_erased',
        memberId,
        now,
        data: { sweptRows: result.sweptRows },
      }),
  });
}
