import { eq } from 'drizzle-orm';
import type { Express } from 'express';
import { createApp } from '../../bot/create-app.js';
import { listen, type WebServer } from '../../bot/server.js';
import { buildAppModules } from '../../bot/start.js';
import type { Services } from '../../core/app/build-services.js';
import { campaigns, parseCampaignSettings } from '../../core/campaigns/index.js';
import { buildMemoryBlobStore } from '../../core/blobs/index.js';
import { seedDemo, type DemoSeed } from '../../core/demo/seed-demo.js';
import { createWorkSignal } from '../../core/db/work-signal.js';
import { systemClock } from '../../core/shared/clock.js';
import { createIdGenerator } from '../../core/shared/ids.js';
import { buildConversationDeps, type ConversationWiring } from '../../jobs/line-wiring.js';
import { createOutboundMessagesWorker } from '../../jobs/outbound-messages.job.js';
import type { QueueWorker } from '../../jobs/runner.js';
import { createWebhookEventsWorker } from '../../jobs/webhook-events.job.js';
import { startLineSimulator, type LineSimulator, type SimTimelineEntry } from '../../sim/line/index.js';
import {
  parseSimDataset,
  startMofSimulator,
  type RunningMofSimulator,
  type SimInvoiceInput,
} from '../../sim/mof/index.js';
import { buildTestServices, type TestServices } from '../support/services.js';

export const ALICE = 'U0000000000000000000000000000a003'; // en
export const XIAOMING = 'U0000000000000000000000000000a001'; // zh-TW
export const SOMCHAI = 'U0000000000000000000000000000a002'; // th

type BotEntry = Extract<SimTimelineEntry, { from: 'bot' }>;

export type LineTestKit = {
  services: TestServices;
  /** The LINE simulator (one the kit started, or the URL of one it was given). */
  lineSim: Pick<LineSimulator, 'url' | 'close'>;
  mofUrl: string;
  /** The MoF simulator (its admin: request counts, knobs). */
  mofSim: RunningMofSimulator;
  demo: DemoSeed;
  app: Express;
  server: WebServer;
  conversation: ConversationWiring;
  worker: QueueWorker;
  outbound: QueueWorker;
  /** Runs the worker until no event is due. */
  drain: () => Promise<number>;
  /** A LINE user the simulator knows (their profile), who can then send messages. */
  addUser: (userId: string, profile: { displayName: string; language: string }) => Promise<void>;
  /** A LINE user does something in the chat (text, image, follow…): a signed webhook to the bot. */
  userSends: (
    userId: string,
    body: Record<string, unknown>,
  ) => Promise<{ webhookEventId: string; statuses: number[]; event: Record<string, unknown> }>;
  botMessages: (userId?: string) => Promise<BotEntry[]>;
  close: () => Promise<void>;
};

/**
 * `count` qualifying e-invoices of the demo campaign's store (NT$120 of green tea, random code 1234) for
 * the MoF simulator, numbered by `invoiceNumberOf`: one per member in the load and crash tests.
 */
export function greenTeaInvoices(
  count: number,
  invoiceNumberOf: (i: number) => string,
  invoiceDate: string,
): SimInvoiceInput[] {
  return Array.from({ length: count }, (_, i) => ({
    invoiceNumber: invoiceNumberOf(i),
    invoiceDate,
    randomCode: '1234',
    sellerBan: '28414044',
    sellerName: '好茶專賣店',
    totalAmount: 120,
    items: [{ name: '好茶綠茶', quantity: 2, unitPrice: 60 }],
  }));
}

/** A Taiwan date as the ROC form e-invoices print (yyyMMdd). */
export function rocDate(isoDate: string): string {
  const [year, month, day] = isoDate.split('-');
  return `${Number(year) - 1911}${month}${day}`;
}

/** The ISO date `days` before now, in Taipei. */
export function taipeiDaysAgo(days: number): string {
  return new Date(Date.now() + 8 * 3_600_000 - days * 86_400_000).toISOString().slice(0, 10);
}

/**
 * The whole LINE path over real HTTP: the LINE and MoF simulators, the bot listening on 127.0.0.1 with
 * its webhook registered at the LINE simulator, the demo brand and campaign, and the workers — on the
 * test database (PGlite, or PostgreSQL with TEST_DATABASE_URL). Uses real time: LINE's reply tokens and
 * the MoF simulator's upload delays are about real time.
 */
export async function createLineTestKit({
  invoices = [],
  services: given,
  consoleAppDir,
  jobs,
  mof,
  workSignal = false,
  onStatement,
  pgliteThread,
  lineSimUrl,
}: {
  invoices?: SimInvoiceInput[];
  services?: TestServices;
  /** The built console app to serve at /console/ (browser tests build a fresh one). @default console-app/dist */
  consoleAppDir?: string;
  /** Worker settings (poll interval, concurrency) of the kit's own services. */
  jobs?: Partial<Services['config']['jobs']>;
  /** MoF settings of the kit's own services (budget, answer-at-once threshold); the URL is the simulator's. */
  mof?: Partial<Services['config']['mof']>;
  /** Give the kit's own services a work signal (LISTEN/NOTIFY; the test closes it). */
  workSignal?: boolean;
  /** Called with each statement the kit's own services send (see `createStatementLog`). */
  onStatement?: (sql: string) => void;
  /** PGlite on this thread or in a worker thread (default: `TEST_PGLITE_THREAD`, else this thread). */
  pgliteThread?: 'main' | 'worker';
  /** A LINE simulator running elsewhere (another process) instead of the kit's own; the kit does not close it. */
  lineSimUrl?: string;
} = {}): Promise<LineTestKit> {
  const lineSim = lineSimUrl ? { url: lineSimUrl, close: async () => {} } : await startLineSimulator();
  const mofSim = await startMofSimulator({ dataset: parseSimDataset({ invoices }) });
  const services =
    given ??
    (await buildTestServices({
      config: {
        server: { port: 0, host: '127.0.0.1', publicBaseUrl: undefined },
        line: { apiBaseUrl: lineSim.url, dataApiBaseUrl: lineSim.url },
        mof: { ...mof, apiBaseUrl: mofSim.url },
        ...(jobs ? { jobs } : {}),
      },
      overrides: { clock: systemClock, generateId: createIdGenerator() },
      onStatement,
      pgliteThread,
    }));
  if (workSignal && !given)
    services.workSignal = createWorkSignal({ database: services.database, logger: services.logger });
  const demo = await seedDemo(services);
  await ensureValidDemoSettings(services, demo);
  const app = createApp(
    services as Services,
    buildAppModules(services as Services, consoleAppDir ? { consoleAppDir } : {}),
  );
  const server = await listen(app, { port: 0, host: '127.0.0.1' });
  await registerChannel(lineSim.url, demo, `${server.url}/webhook/${demo.channel.lineChannelId}`);
  const conversation = buildConversationDeps(services as Services, { blobStore: buildMemoryBlobStore() });
  const worker = createWebhookEventsWorker(services as Services, { conversation });
  const outbound = createOutboundMessagesWorker(services as Services, { messenger: conversation.messenger });

  return {
    services,
    lineSim,
    mofUrl: mofSim.url,
    mofSim,
    demo,
    app,
    server,
    conversation,
    worker,
    outbound,
    drain: async () => {
      let total = 0;
      for (let processed = await worker.runOnce(); processed > 0; processed = await worker.runOnce())
        total += processed;
      return total;
    },
    addUser: async (userId, profile) => {
      const response = await fetch(`${lineSim.url}/__sim/users/${userId}`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(profile),
      });
      if (!response.ok) throw new Error(`simulator user failed: ${response.status} ${await response.text()}`);
    },
    userSends: async (userId, body) => {
      const response = await fetch(`${lineSim.url}/__sim/users/${userId}/send`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ channelId: demo.channel.lineChannelId, ...body }),
      });
      if (!response.ok) throw new Error(`simulator send failed: ${response.status} ${await response.text()}`);
      return (await response.json()) as {
        webhookEventId: string;
        statuses: number[];
        event: Record<string, unknown>;
      };
    },
    botMessages: async (userId) => {
      const query = new URLSearchParams({
        channelId: demo.channel.lineChannelId,
        ...(userId ? { userId } : {}),
      });
      const response = await fetch(`${lineSim.url}/__sim/messages?${query}`);
      const { entries } = (await response.json()) as { entries: SimTimelineEntry[] };
      return entries.filter((entry): entry is BotEntry => entry.from === 'bot');
    },
    close: async () => {
      await server.close();
      await conversation.close();
      await lineSim.close();
      await mofSim.close();
      if (!given) {
        await services.workSignal?.close();
        await services.database.close();
      }
    },
  };
}

/**
 * The demo seed predates the campaign settings schema (`rewards.points.stepAmountMinor`); until the seed
 * is updated, give the demo campaign the same rules and rewards in the current shape.
 */
async function ensureValidDemoSettings(services: TestServices, demo: DemoSeed): Promise<void> {
  const current = parseCampaignSettings({ rules: demo.campaign.rules, rewards: demo.campaign.rewards });
  if (current.ok) return;
  const rewards = {
    points: { stepAmountMinor: 1_000, pointsPerStep: 1, basis: 'matched' },
    lottery: { entriesPerProof: 1 },
  };
  const parsed = parseCampaignSettings({ rules: demo.campaign.rules, rewards });
  if (!parsed.ok) throw new Error(`demo campaign settings: ${JSON.stringify(parsed.issues)}`);
  await services.database.db
    .update(campaigns)
    .set({
      rules: parsed.rules as unknown as Record<string, unknown>,
      rewards: parsed.rewards as unknown as Record<string, unknown>,
    })
    .where(eq(campaigns.id, demo.campaign.id));
}

export async function registerChannel(simUrl: string, demo: DemoSeed, webhookUrl: string): Promise<void> {
  const response = await fetch(`${simUrl}/__sim/channels/${demo.channel.lineChannelId}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      channelSecret: demo.channel.channelSecret,
      channelAccessToken: demo.channel.channelAccessToken,
      webhookUrl,
    }),
  });
  if (!response.ok) throw new Error(`channel registration failed: ${response.status}`);
}

/**
 * Members who each type one e-invoice bought yesterday: their LINE user ids (numbered from `userBase`), their
 * invoice numbers (`prefix` + 8 digits) and the text each sends. Files use different bases and prefixes.
 */
export function typedProofMembers(userBase: number, prefix: string) {
  const purchaseDate = taipeiDaysAgo(1);
  const invoiceNumberOf = (i: number) => `${prefix}${String(10_000_000 + i)}`;
  return {
    purchaseDate,
    userIdOf: (i: number) => `U${'0'.repeat(28)}${(userBase + i).toString(16)}`,
    invoiceNumberOf,
    proofText: (i: number) => `${invoiceNumberOf(i)} ${rocDate(purchaseDate)} 1234`,
  };
}

/** The English "received, checking" answer's title, and the place in the queue its text gives. */
export const CHECKING_TITLE = 'Received, checking';
export const queuePlaceOf = (text: string) => Number(/Your place in the queue: (\d+)/.exec(text)?.[1]);

/** Every text in a LINE message (Flex walked), to assert what a member reads. */
export function textsOf(messages: Record<string, unknown>[]): string {
  const out: string[] = [];
  const walk = (node: unknown) => {
    if (!node || typeof node !== 'object') return;
    if (Array.isArray(node)) return node.forEach(walk);
    const record = node as Record<string, unknown>;
    if (typeof record.text === 'string') out.push(record.text);
    if (typeof record.label === 'string') out.push(record.label);
    for (const [key, value] of Object.entries(record)) if (key !== 'text') walk(value);
  };
  walk(messages);
  return out.join('\n');
}
