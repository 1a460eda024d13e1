import { and, eq } from 'drizzle-orm';
import { loadSharp } from '../shared/sharp.js';
import type { Services } from '../app/build-services.js';
import { buildBlobStore, type BlobStore } from '../blobs/index.js';
import type { Brand, LineChannel } from '../brands/index.js';
import type { Campaign } from '../campaigns/index.js';
import { invoices } from '../invoices/index.js';
import { consents, members } from '../members/index.js';
import { prepareReceiptImage, receiptImages } from '../receipts/index.js';
import { pointsLedger } from '../rewards/index.js';
import { submissions, type SubmissionState } from '../submissions/index.js';
import { surveyAnswers, surveys } from '../surveys/index.js';

/** The demo members the console's Review and Members pages show (LINE user ids the simulator accepts). */
export const DEMO_REVIEW_MEMBERS = [
  {
    lineUserId: 'U00000000000000000000000000de0001',
    displayName: '林小美',
    name: '林美玲',
    phone: '+886912345678',
    locale: 'zh-TW',
    memberNo: 'T-10001',
  },
  {
    lineUserId: 'U00000000000000000000000000de0002',
    displayName: 'Jason Chen',
    name: 'Jason Chen',
    phone: '+886922333444',
    locale: 'en',
    memberNo: 'T-10002',
  },
  {
    lineUserId: 'U00000000000000000000000000de0003',
    displayName: 'สมชาย',
    name: 'สมชาย ใจดี',
    phone: '+66812345678',
    locale: 'th',
    memberNo: 'T-10003',
  },
  {
    lineUserId: 'U00000000000000000000000000de0004',
    displayName: '陳大文',
    name: '陳大文',
    phone: '+886933555777',
    locale: 'zh-TW',
    memberNo: 'T-10004',
  },
] as const;

type Receipt = { store: string; date: string; time: string; lines: [string, number][]; taxId: string };

/** A receipt-like photo (PNG) drawn from text, so the review page has real pictures to zoom and rotate. */
async function receiptPhoto(receipt: Receipt, { tilt = 0, blur = 0 } = {}): Promise<Buffer> {
  const sharp = await loadSharp();
  const total = receipt.lines.reduce((sum, [, amount]) => sum + amount, 0);
  const rows = [
    `<text x="200" y="60" font-size="26" text-anchor="middle" font-weight="bold">${receipt.store}</text>`,
    `<text x="200" y="92" font-size="15" text-anchor="middle">統一編號 ${receipt.taxId}</text>`,
    `<text x="30" y="130" font-size="16">${receipt.date} ${receipt.time}</text>`,
    ...receipt.lines.map(
      ([name, amount], index) =>
        `<text x="30" y="${175 + index * 32}" font-size="18">${name}</text><text x="370" y="${175 + index * 32}" font-size="18" text-anchor="end">${amount}</text>`,
    ),
    `<line x1="30" x2="370" y1="${170 + receipt.lines.length * 32}" y2="${170 + receipt.lines.length * 32}" stroke="#333" stroke-dasharray="4 3"/>`,
    `<text x="30" y="${205 + receipt.lines.length * 32}" font-size="20" font-weight="bold">合計 TOTAL</text><text x="370" y="${205 + receipt.lines.length * 32}" font-size="20" font-weight="bold" text-anchor="end">NT$${total}</text>`,
    `<text x="200" y="560" font-size="14" text-anchor="middle" fill="#666">謝謝光臨 Thank you</text>`,
  ];
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="400" height="600"><rect width="400" height="600" fill="#fbfaf6"/><g font-family="Noto Sans CJK TC, Noto Serif CJK TC, sans-serif" fill="#1d1d1d">${rows.join('')}</g></svg>`;
  let image = sharp(Buffer.from(svg)).flatten({ background: '#6b7280' });
  if (tilt) image = sharp(await image.png().toBuffer()).rotate(tilt, { background: '#6b7280' });
  if (blur) image = image.blur(blur);
  return image.png().toBuffer();
}

function isoDay(date: Date, daysBack: number) {
  return new Date(date.getTime() - daysBack * 86_400_000 + 8 * 3_600_000).toISOString().slice(0, 10);
}

/**
 * The demo's review queue and members: four members (zh-TW, en, th) with proofs in every state, points,
 * consents, and four photos waiting for a reviewer (a clean one, a low-confidence one, a duplicate, a
 * burst of uploads). Additive and idempotent: it does nothing when the first demo member exists.
 */
export async function seedDemoReview(
  services: Pick<Services, 'database' | 'clock' | 'generateId' | 'config'> & { blobStore?: BlobStore },
  demo: { brand: Pick<Brand, 'id'>; channel: Pick<LineChannel, 'id'>; campaign: Pick<Campaign, 'id'> },
): Promise<{ created: boolean; queued: number }> {
  const { db } = services.database;
  const [existing] = await db
    .select({ id: members.id })
    .from(members)
    .where(
      and(eq(members.brandId, demo.brand.id), eq(members.lineUserId, DEMO_REVIEW_MEMBERS[0].lineUserId)),
    );
  if (existing) return { created: false, queued: 0 };
  const blobStore = services.blobStore ?? buildBlobStore(services.config);
  const now = services.clock.now();
  const minutesAgo = (minutes: number) => new Date(now.getTime() - minutes * 60_000);

  const memberIds: string[] = [];
  for (const [index, member] of DEMO_REVIEW_MEMBERS.entries()) {
    const id = services.generateId('member');
    memberIds.push(id);
    const joined = minutesAgo(60 * 24 * (30 - index * 5));
    await db.insert(members).values({
      id,
      brandId: demo.brand.id,
      lineUserId: member.lineUserId,
      channelId: demo.channel.id,
      displayName: member.displayName,
      locale: member.locale,
      followedAt: joined,
      registeredAt: joined,
      name: member.name,
      phone: member.phone,
      externalMemberNo: member.memberNo,
      linkedAt: joined,
      lastActiveAt: minutesAgo(30 + index * 45),
      createdAt: joined,
    });
    await db.insert(consents).values([
      {
        id: services.generateId('consent'),
        brandId: demo.brand.id,
        memberId: id,
        kind: 'data_processing',
        granted: true,
        textVersion: 'tw-2026-01',
        locale: member.locale,
        source: 'liff',
        recordedAt: joined,
      },
      {
        id: services.generateId('consent'),
        brandId: demo.brand.id,
        memberId: id,
        kind: 'marketing',
        granted: true,
        textVersion: 'tw-2026-01',
        locale: member.locale,
        source: 'liff',
        recordedAt: joined,
      },
      ...(index === 1
        ? [
            {
              id: services.generateId('consent'),
              brandId: demo.brand.id,
              memberId: id,
              kind: 'marketing' as const,
              granted: false,
              textVersion: 'tw-2026-01',
              locale: member.locale,
              source: 'chat' as const,
              recordedAt: minutesAgo(60 * 24 * 3),
            },
          ]
        : []),
    ]);
  }

  const addPhoto = async (
    memberId: string,
    receipt: Receipt,
    options: {
      tilt?: number;
      blur?: number;
      confidence: number;
      flags?: string[];
      duplicateOfId?: string;
      readTotal?: number;
    },
    uploadedAt: Date,
  ) => {
    const bytes = await receiptPhoto(receipt, options);
    const prepared = await prepareReceiptImage(bytes);
    const storageKey = `${demo.brand.id}/${prepared.sha256.slice(0, 2)}/${prepared.sha256}.png`;
    await blobStore.put(storageKey, bytes, { contentType: 'image/png' });
    const total = receipt.lines.reduce((sum, [, amount]) => sum + amount, 0);
    const id = services.generateId('receiptImage');
    await db.insert(receiptImages).values({
      id,
      brandId: demo.brand.id,
      memberId,
      sha256: prepared.sha256,
      perceptualHash: prepared.perceptualHash,
      mimeType: 'image/png',
      width: prepared.width,
      height: prepared.height,
      byteSize: prepared.byteSize,
      storageKey,
      source: 'line',
      reading: {
        kind: 'receipt',
        currency: 'TWD',
        fields: {
          storeName: receipt.store,
          taxId: receipt.taxId,
          date: receipt.date,
          time: receipt.time,
          totalMinor: (options.readTotal ?? total) * 100,
          items: receipt.lines.map(([name, amount]) => ({ name, quantity: 1, amountMinor: amount * 100 })),
        },
        confidence: {
          overall: options.confidence,
          totalAmount: options.confidence,
          date: 0.95,
          storeName: 0.9,
          taxId: 0.92,
        },
        timings: { normaliseMs: 0, qrMs: 0, totalMs: 0 },
      },
      confidence: options.confidence,
      readingKind: 'receipt',
      duplicateOfId: options.duplicateOfId ?? null,
      flags: options.flags ?? [],
      uploadedAt,
    });
    return id;
  };

  const addProof = async (
    memberId: string,
    state: SubmissionState,
    createdAt: Date,
    extra: { receiptImageId?: string; reasonCode?: string; points?: number; invoiceNumber?: string } = {},
  ) => {
    const id = services.generateId('submission');
    const invoiceId = extra.invoiceNumber ? services.generateId('invoice') : null;
    if (invoiceId)
      await db.insert(invoices).values({
        id: invoiceId,
        brandId: demo.brand.id,
        kind: 'einvoice',
        invoiceNumber: extra.invoiceNumber,
        invoiceDate: isoDay(createdAt, 0),
        sellerTaxId: '28414044',
        sellerName: '好茶專賣店',
        currency: 'TWD',
        totalAmountMinor: (extra.points ?? 5) * 1_000,
        status: 'verified',
        source: 'qr',
        createdAt,
        updatedAt: createdAt,
      });
    const decided = ['accepted', 'rejected', 'rewarded'].includes(state);
    await db.insert(submissions).values({
      id,
      brandId: demo.brand.id,
      campaignId: demo.campaign.id,
      memberId,
      kind: extra.receiptImageId ? 'receipt' : 'einvoice_qr',
      channel: 'chat',
      sourceRef: `demo:${id}`,
      rawInput: { demo: true },
      state,
      receiptImageId: extra.receiptImageId ?? null,
      invoiceId,
      reasonCode: extra.reasonCode ?? null,
      decidedAt: decided ? new Date(createdAt.getTime() + 3 * 60_000) : null,
      createdAt,
      updatedAt: createdAt,
    });
    if (extra.points)
      await db.insert(pointsLedger).values({
        id: services.generateId('pointsEntry'),
        brandId: demo.brand.id,
        memberId,
        campaignId: demo.campaign.id,
        kind: 'earn',
        points: extra.points,
        submissionId: id,
        reason: 'proof',
        actor: 'system',
        idempotencyKey: `demo-earn:${id}`,
        createdAt,
      });
    return id;
  };

  const [mei, jason, somchai, david] = memberIds as [string, string, string, string];
  const tea: Receipt = {
    store: '好茶專賣店 信義店',
    taxId: '28414044',
    date: isoDay(now, 1),
    time: '14:32',
    lines: [
      ['好茶紅茶 600ml', 35],
      ['好茶綠茶 600ml', 35],
      ['好茶烏龍 600ml', 40],
    ],
  };
  // Earlier proofs in every state (an e-invoice waiting for the MoF upload, decided ones, one just received).
  await addProof(mei, 'rewarded', minutesAgo(60 * 24 * 9), { points: 11, invoiceNumber: 'AB12345678' });
  await addProof(mei, 'rewarded', minutesAgo(60 * 24 * 6), { points: 8 });
  await addProof(mei, 'rejected', minutesAgo(60 * 24 * 4), { reasonCode: 'rules.min_amount.below_minimum' });
  await addProof(jason, 'accepted', minutesAgo(60 * 24 * 5), { points: 0 });
  await addProof(jason, 'awaiting_upload', minutesAgo(60 * 20));
  await addProof(somchai, 'rewarded', minutesAgo(60 * 24 * 2), { points: 15 });
  await addProof(somchai, 'received', minutesAgo(3));
  const rejectedPhoto = await addPhoto(
    david,
    { ...tea, store: '便利商店', lines: [['礦泉水', 25]] },
    { confidence: 0.93 },
    minutesAgo(60 * 24 * 3),
  );
  await addProof(david, 'rejected', minutesAgo(60 * 24 * 3), {
    receiptImageId: rejectedPhoto,
    reasonCode: 'review.products_not_eligible',
  });

  // The queue, oldest first: a clean photo, a blurry one read wrong, the same picture again, a burst.
  const clean = await addPhoto(mei, tea, { confidence: 0.86 }, minutesAgo(60 * 5 + 12));
  await addProof(mei, 'in_review', minutesAgo(60 * 5 + 12), { receiptImageId: clean });
  const blurry = await addPhoto(
    jason,
    {
      ...tea,
      store: '好茶專賣店 南京店',
      time: '09:05',
      lines: [
        ['好茶紅茶 600ml', 35],
        ['好茶奶茶 500ml', 45],
      ],
    },
    { confidence: 0.52, blur: 1.2, tilt: 4, readTotal: 8 },
    minutesAgo(60 * 2 + 40),
  );
  await addProof(jason, 'in_review', minutesAgo(60 * 2 + 40), { receiptImageId: blurry });
  const again = await addPhoto(
    somchai,
    { ...tea, time: '14:33' },
    { confidence: 0.88, flags: ['duplicate_image'], duplicateOfId: clean },
    minutesAgo(55),
  );
  await addProof(somchai, 'in_review', minutesAgo(55), { receiptImageId: again });
  const burst = await addPhoto(
    david,
    {
      ...tea,
      store: '好茶專賣店 板橋店',
      date: isoDay(now, 0),
      time: '11:10',
      lines: [
        ['好茶綠茶 600ml', 35],
        ['好茶綠茶 600ml', 35],
      ],
    },
    { confidence: 0.9, flags: ['velocity'] },
    minutesAgo(12),
  );
  await addProof(david, 'in_review', minutesAgo(12), { receiptImageId: burst });

  // Mei answered the campaign's survey (when the demo has one), so her page shows survey answers.
  const [survey] = await db
    .select({ id: surveys.id })
    .from(surveys)
    .where(and(eq(surveys.brandId, demo.brand.id), eq(surveys.campaignId, demo.campaign.id)))
    .limit(1);
  if (survey)
    await db.insert(surveyAnswers).values({
      id: services.generateId('surveyAnswer'),
      brandId: demo.brand.id,
      surveyId: survey.id,
      memberId: mei,
      answerScope: 'member',
      answers: { where: 'cvs', score: 5 },
      createdAt: minutesAgo(60 * 24 * 6 - 5),
    });
  return { created: true, queued: 4 };
}
