import { createHash } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { createApp } from '../../../bot/create-app.js';
import { buildProofIntake } from '../../../core/app/proof-intake.js';
import { buildMemoryBlobStore } from '../../../core/blobs/index.js';
import { buildFakeOcrEngine } from '../../../core/ocr/index.js';
import {
  createLineSimulatorIdTokenMinter,
  createLiffModule,
  resolveLiffMember,
  type LiffModuleOptions,
} from '../../../bot/liff/index.js';
import { buildRewardsMemberRouter } from '../../../bot/rewards/index.js';
import { listen, type WebServer } from '../../../bot/server.js';
import { campaigns } from '../../../core/campaigns/index.js';
import * as schema from '../../../core/db/schema.js';
import { seedDemo, type DemoSeed } from '../../../core/demo/seed-demo.js';
import { createHttpMembershipDirectory } from '../../../core/membership-link/index.js';
import { addCouponCodes, createInstantPrize, createReward } from '../../../core/rewards/index.js';
import { submitProof } from '../../../core/submissions/index.js';
import { buildEInvoicePlatform } from '../../../core/verification/index.js';
import { startLineSimulator, type LineSimulator } from '../../../sim/line/index.js';
import { startMembershipSimulator, type RunningMembershipSimulator } from '../../../sim/membership/index.js';
import { parseSimDataset, startMofSimulator, type RunningMofSimulator } from '../../../sim/mof/index.js';
import { buildTestServices, type TestServices } from '../../support/services.js';
import { buildMockLiffApp, releaseMockLiffApp } from './liff-build.js';

/** The instant the stack's clock shows: the demo campaign runs around it. */
export const STACK_NOW = '2026-03-02T04:00:00.000Z';

/** Tea invoices the simulated MoF platform knows (the demo campaign wants tea for NT$50 or more). */
export const TEA_INVOICES = [
  { invoiceNumber: 'TE10000001', randomCode: '1111', date: '2026-02-27' },
  { invoiceNumber: 'TE10000002', randomCode: '2222', date: '2026-02-28' },
  { invoiceNumber: 'TE10000003', randomCode: '3333', date: '2026-03-01' },
] as const;

export type LiffStack = {
  url: string;
  services: TestServices;
  demo: DemoSeed;
  close: () => Promise<void>;
};

/**
 * The whole LIFF path on 127.0.0.1 as local mode runs it: the web app (LIFF API + the mock build of
 * the LIFF app), the LINE simulator (ID tokens), the MoF simulator (typed invoices verified for real
 * through the adapter), the membership simulator, and the demo brand with a survey, a coupon reward,
 * instant-win prizes and an open draw.
 */
export async function startLiffStack(
  extra: Partial<LiffModuleOptions> = {},
  {
    photos = false,
  }: {
    /**
     * Photos go through the proof intake as in production (QR and barcode reading, then an OCR that
     * reads nothing), so a photographed proof gets its real answer; otherwise the LIFF module has none.
     */
    photos?: boolean;
  } = {},
): Promise<LiffStack> {
  const staticDir = await buildMockLiffApp();
  let services = await buildTestServices({ now: STACK_NOW });
  const line: LineSimulator = await startLineSimulator({ now: () => services.clock.now().getTime() });
  const mof: RunningMofSimulator = await startMofSimulator({
    clock: services.clock,
    dataset: parseSimDataset({
      invoices: TEA_INVOICES.map((invoice) => ({
        invoiceNumber: invoice.invoiceNumber,
        invoiceDate: invoice.date,
        randomCode: invoice.randomCode,
        sellerBan: '24549210',
        sellerName: '好茶門市',
        totalAmount: 180,
        items: [
          { name: '好茶 烏龍茶 600ml', quantity: 2, unitPrice: 45 },
          { name: '好茶 綠茶 600ml', quantity: 2, unitPrice: 45 },
        ],
      })),
    }),
  });
  const membership: RunningMembershipSimulator = await startMembershipSimulator();
  services = {
    ...services,
    config: {
      ...services.config,
      line: { ...services.config.line, apiBaseUrl: line.url },
      mof: { ...services.config.mof, apiBaseUrl: mof.url },
    },
  };

  const demo = await seedDemo(services);
  await seedEngagement(services, demo);

  const platform = buildEInvoicePlatform(services.config, { clock: services.clock, logger: services.logger });
  const submissionsDeps = {
    db: services.database.db,
    platform,
    clock: services.clock,
    generateId: services.generateId,
    logger: services.logger,
  };
  const intake = photos
    ? buildProofIntake(services, { blobStore: buildMemoryBlobStore(), ocrEngine: buildFakeOcrEngine('') })
    : undefined;
  const app = createApp(services, [
    createLiffModule(services, {
      devIdTokenMinter: createLineSimulatorIdTokenMinter({ simulatorUrl: line.url }),
      membershipDirectory: createHttpMembershipDirectory({ baseUrl: membership.url, apiKey: undefined }),
      submitProof: intake?.submitProof ?? ((command) => submitProof(submissionsDeps, command)),
      ...(intake
        ? {
            ingestReceiptImage: ({ contentType: _contentType, ...input }) =>
              intake.ingestReceiptImage({ ...input, source: 'liff' }),
          }
        : {}),
      memberRouters: [{ path: '/rewards', router: buildRewardsMemberRouter(services, resolveLiffMember) }],
      staticDir,
      ...extra,
    }),
  ]);
  const web: WebServer = await listen(app, { port: 0, host: '127.0.0.1' });
  return {
    url: web.url,
    services,
    demo,
    close: async () => {
      await web.close();
      await intake?.close();
      await Promise.allSettled([line.close(), mof.close(), membership.close()]);
      await services.database.close();
      releaseMockLiffApp();
    },
  };
}

/** What the demo brand needs for the whole member journey beyond the campaign itself. */
async function seedEngagement(services: TestServices, demo: DemoSeed) {
  const db = services.database.db;
  const brandId = demo.brand.id;
  const campaignId = demo.campaign.id;
  // Every accepted proof also earns a scratch card.
  await db
    .update(campaigns)
    .set({ rewards: { ...demo.campaign.rewards, instantWin: { enabled: true } } })
    .where(eq(campaigns.id, campaignId));
  await db.insert(schema.surveys).values({
    id: 'srv_demo',
    brandId,
    campaignId,
    title: { 'zh-TW': '購買小調查', th: 'แบบสอบถามสั้น ๆ', en: 'A short survey' },
    frequency: 'per_proof',
    questions: [
      {
        key: 'where',
        type: 'single',
        required: true,
        label: { 'zh-TW': '在哪裡購買？', th: 'ซื้อที่ไหน?', en: 'Where did you buy it?' },
        options: [
          { key: 'cvs', label: { 'zh-TW': '便利商店', th: 'ร้านสะดวกซื้อ', en: 'Convenience store' } },
          { key: 'market', label: { 'zh-TW': '超市', th: 'ซูเปอร์มาร์เก็ต', en: 'Supermarket' } },
        ],
      },
      {
        key: 'why',
        type: 'multiple',
        required: false,
        label: { 'zh-TW': '為什麼選擇好茶？', th: 'ทำไมเลือกชานี้?', en: 'Why this tea?' },
        options: [
          { key: 'taste', label: { 'zh-TW': '口味', th: 'รสชาติ', en: 'Taste' } },
          { key: 'price', label: { 'zh-TW': '價格', th: 'ราคา', en: 'Price' } },
        ],
      },
      {
        key: 'score',
        type: 'scale',
        required: true,
        label: { 'zh-TW': '推薦給朋友的可能性', th: 'จะแนะนำให้เพื่อนไหม', en: 'Would you recommend it?' },
        scale: { min: 1, max: 5 },
      },
      {
        key: 'note',
        type: 'text',
        required: false,
        label: { 'zh-TW': '其他意見', th: 'ความคิดเห็นอื่น', en: 'Anything else?' },
      },
    ],
  });
  const coupon = await createReward({
    db,
    generateId: services.generateId,
    reward: {
      brandId,
      campaignId,
      kind: 'coupon',
      name: { 'zh-TW': '好茶 中杯兌換券', th: 'คูปองชาแก้วกลาง', en: 'Medium tea coupon' },
      description: { 'zh-TW': '全台門市適用', th: 'ใช้ได้ทุกสาขา', en: 'At any store' },
      pointsPrice: 10,
    },
  });
  await addCouponCodes({
    db,
    generateId: services.generateId,
    brandId,
    rewardId: coupon.id,
    codes: ['TEA-7Q2M-91XK', 'TEA-4H8N-22PD', 'TEA-9C3V-55RW', 'TEA-1B6T-08ZL'],
  });
  // Certain to win (1,000,000 ppm) so the scratch card always has something to show.
  await createInstantPrize({
    db,
    generateId: services.generateId,
    brandId,
    campaignId,
    name: { 'zh-TW': '好茶 小杯', th: 'ชาแก้วเล็ก', en: 'Small tea' },
    oddsPpm: 1_000_000,
    stock: 10,
  });
  const seed = 'demo-draw-seed-2026-03';
  await db.insert(schema.draws).values({
    id: 'drw_demo',
    brandId,
    campaignId,
    name: { 'zh-TW': '三月抽獎', th: 'จับรางวัลเดือนมีนาคม', en: 'March draw' },
    periodFrom: new Date('2026-03-01T00:00:00Z'),
    periodTo: new Date('2026-03-31T15:59:59Z'),
    prizes: [{ key: 'grand', name: { en: 'Tea for a year' }, quantity: 1 }],
    seedHash: createHash('sha256').update(seed).digest('hex'),
    seed,
    algorithmVersion: 'v1',
    status: 'open',
  });
}
