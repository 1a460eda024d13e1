import {
  createCampaign,
  type CampaignRewardsInput,
  type CampaignRulesInput,
} from '../../core/campaigns/index.js';
import { overrideConfig } from '../../core/config/config.js';
import type { Database } from '../../core/db/database.js';
import { createTestClock, type TestClock } from '../../core/shared/clock.js';
import { createSequentialIdGenerator, type IdGenerator } from '../../core/shared/ids.js';
import { submitProof, type SubmissionsDeps } from '../../core/submissions/index.js';
import { buildEInvoicePlatform, type EInvoicePlatform } from '../../core/verification/index.js';
import { startMofSimulator, type RunningMofSimulator } from '../../sim/mof/index.js';
import type { SimCarrier, SimInvoiceInput } from '../../sim/mof/mof-sim.dataset.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { HANG_GUARD_MS } from '../support/timing.js';

export const BRAND_ID = 'brd_tea';
export const MEMBER_A = 'mbr_alice';
export const MEMBER_B = 'mbr_bob';

/** 2024-11-05 12:00 Taipei: the moment the test invoice is issued. */
export const ISSUED_AT = '2024-11-05T04:00:00.000Z';

export const TEA_INVOICE: SimInvoiceInput = {
  invoiceNumber: 'AB12345678',
  invoiceDate: '2024-11-05',
  invoiceTime: '12:00:00',
  randomCode: '1234',
  sellerBan: '24549210',
  sellerName: '全家便利商店股份有限公司',
  sellerAddress: '臺北市中山區松江路100號',
  totalAmount: 150,
  items: [
    { name: '好茶 綠茶 600ml', quantity: 2, unitPrice: 25 },
    { name: '洋芋片', quantity: 1, unitPrice: 100 },
  ],
};

/** `AB12345678 1131105 1234` for an invoice, the way a member types it in the chat. */
export function typed(
  invoice: Pick<SimInvoiceInput, 'invoiceNumber' | 'invoiceDate' | 'randomCode'>,
): string {
  const [year, month, day] = invoice.invoiceDate.split('-');
  return `${invoice.invoiceNumber} ${Number(year) - 1911}${month}${day} ${invoice.randomCode}`;
}

export const TEA_RULES: CampaignRulesInput = {
  itemGroups: [{ key: 'tea', keywords: ['茶'] }],
  minAmount: { basis: 'matched', amountMinor: 3_000 },
};

export const TEA_REWARDS: CampaignRewardsInput = {
  points: { basis: 'matched', stepAmountMinor: 1_000, perStep: 1 },
  entries: { perProof: 1 },
};

export type World = {
  database: TestDatabase;
  sim: RunningMofSimulator;
  clock: TestClock;
  generateId: IdGenerator;
  platform: EInvoicePlatform;
  deps: SubmissionsDeps;
  /** Deps of a second runner with its own connection pool (a second worker process, on PostgreSQL). */
  otherRunner: () => Promise<{ deps: SubmissionsDeps; close: () => Promise<void> }>;
  createTeaCampaign: (overrides?: {
    verificationMode?: 'instant' | 'batch';
    rules?: CampaignRulesInput;
    rewards?: CampaignRewardsInput;
    slug?: string;
    autoAcceptReceipts?: boolean;
  }) => Promise<string>;
  close: () => Promise<void>;
};

/** A brand with two members, the MoF simulator over real HTTP sharing the test clock, and the real adapter. */
/** A member's chat text to the world's brand (`submitProof`, channel `chat`). */
export function sendText(
  world: Pick<World, 'deps'>,
  {
    campaignId,
    text,
    sourceRef,
    memberId = MEMBER_A,
  }: { campaignId: string; text: string; sourceRef: string; memberId?: string },
) {
  return submitProof(world.deps, {
    brandId: BRAND_ID,
    memberId,
    campaignId,
    channel: 'chat',
    sourceRef,
    input: { type: 'text', text },
  });
}

export async function createWorld({
  carriers = [],
}: {
  /** Mobile barcode carriers the simulator knows (their invoices are added with `carrierCardNo`). */
  carriers?: SimCarrier[];
} = {}): Promise<World> {
  const database = await createTestDatabase({
    brands: [
      {
        id: BRAND_ID,
        slug: 'tea',
        name: '好茶',
        country: 'TW',
        defaultLocale: 'zh-TW',
        timezone: 'Asia/Taipei',
      },
    ],
    members: [
      { id: MEMBER_A, brandId: BRAND_ID, lineUserId: 'U_alice', locale: 'zh-TW' },
      { id: MEMBER_B, brandId: BRAND_ID, lineUserId: 'U_bob', locale: 'zh-TW' },
    ],
  });
  const clock = createTestClock({ now: ISSUED_AT });
  const sim = await startMofSimulator({ port: 0, clock, dataset: { invoices: [], carriers } });
  // The time-out is a hang guard, not under test here: at load 20 the in-process simulator can take
  // longer than 5 s, which turned a proof into "platform unavailable" and failed tests on busy machines.
  const config = overrideConfig({
    mof: { apiBaseUrl: sim.url, maxRetries: 0, timeoutMs: HANG_GUARD_MS, rateLimitPerSecond: 10_000 },
  });
  // The adapter keeps real time for its rate limiter (the test clock jumps back and forth between tests).
  const platform = buildEInvoicePlatform(config);
  const generateId = createSequentialIdGenerator();
  const deps: SubmissionsDeps = { db: database.db, platform, clock, generateId };

  return {
    database,
    sim,
    clock,
    generateId,
    platform,
    deps,
    otherRunner: async () => {
      if (!database.url)
        return {
          deps: { ...deps, platform: buildEInvoicePlatform(config) },
          close: async () => {},
        };
      const { createDatabase } = await import('../../core/db/database.js');
      const second = await createDatabase({
        url: database.url,
        poolMax: 4,
        connectionTimeoutMs: HANG_GUARD_MS,
      });
      return {
        deps: { ...deps, db: second.db as Database, platform: buildEInvoicePlatform(config) },
        close: () => second.close(),
      };
    },
    createTeaCampaign: async (overrides = {}) => {
      const { campaign } = await createCampaign({
        db: database.db,
        generateId,
        campaign: {
          brandId: BRAND_ID,
          slug: overrides.slug ?? `tea-${generateId('campaign')}`,
          name: { 'zh-TW': '買好茶' },
          status: 'active',
          timezone: 'Asia/Taipei',
          currency: 'TWD',
          purchaseFrom: '2024-11-01',
          purchaseTo: '2024-11-30',
          registerFrom: new Date('2024-10-31T16:00:00Z'),
          registerTo: new Date('2024-12-31T16:00:00Z'),
          proofKinds: ['einvoice_qr', 'einvoice_text', 'einvoice_carrier', 'receipt', 'paper_invoice'],
          verificationMode: overrides.verificationMode ?? 'instant',
          autoAcceptReceipts: overrides.autoAcceptReceipts ?? false,
          rules: overrides.rules ?? TEA_RULES,
          rewards: overrides.rewards ?? TEA_REWARDS,
        },
      });
      return campaign.id;
    },
    close: async () => {
      await sim.close();
      await database.close();
    },
  };
}

/**
 * `deps` as chat proofs' runners: each with the MoF adapter on the deployment's budget in its database
 * (`ratePerSecond` for all together, a permit reserved when a proof is stored) and members answered
 * "received, checking" past `answerAtOnceAfterMs`.
 */
export function budgetRunner(
  world: Pick<World, 'sim'>,
  deps: SubmissionsDeps,
  { ratePerSecond, answerAtOnceAfterMs }: { ratePerSecond: number; answerAtOnceAfterMs: number },
): SubmissionsDeps {
  const config = overrideConfig({
    mof: {
      apiBaseUrl: world.sim.url,
      maxRetries: 0,
      timeoutMs: HANG_GUARD_MS,
      rateLimitPerSecond: ratePerSecond,
      answerAtOnceAfterMs,
    },
  });
  return {
    ...deps,
    platform: buildEInvoicePlatform(config, { db: deps.db, priority: 'instant' }),
    answerAtOnceAfterMs,
  };
}

export function detailRequests(sim: RunningMofSimulator, invoiceNumber?: string): number {
  const counts = sim.admin.requestCounts();
  if (invoiceNumber) return counts.byInvoice[invoiceNumber]?.['qryInvDetail'] ?? 0;
  return counts.byAction['qryInvDetail'] ?? 0;
}
