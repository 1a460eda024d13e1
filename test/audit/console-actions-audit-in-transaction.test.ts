import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { and, eq } from 'drizzle-orm';
import {
  analyticsProductMappings,
  analyticsProducts,
  mapItemName,
  saveProduct,
  unmapItemName,
} from '../../core/analytics/index.js';
import { auditLog, type ConsoleAuditActor } from '../../core/audit/index.js';
import {
  broadcasts,
  cancelBroadcast,
  createBroadcast,
  startBroadcast,
  type CreateBroadcastInput,
} from '../../core/broadcasts/index.js';
import {
  campaigns,
  changeCampaignStatus,
  cloneCampaign,
  createCampaignFromDefinition,
  updateCampaign,
} from '../../core/campaigns/index.js';
import { saveCampaignSurveyVersioned } from '../../core/app/campaign-survey.js';
import { consoleSessions, consoleUsers, disableConsoleUser } from '../../core/console/index.js';
import type { Database } from '../../core/db/database.js';
import { segments } from '../../core/db/schema.js';
import { createSegment } from '../../core/segments/index.js';
import { createTestClock } from '../../core/shared/clock.js';
import { createSequentialIdGenerator, type IdGenerator } from '../../core/shared/ids.js';
import { teaCampaignBody } from '../campaigns/campaigns-support.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { HANG_GUARD_MS } from '../support/timing.js';

const BRAND = 'brd_txaudit';
const OTHER_BRAND = 'brd_txaudit_2';
const actor: ConsoleAuditActor = { brandId: BRAND, userId: 'usr_txa_ops', email: 'ops@txaudit.example' };

/**
 * The console's campaign, broadcast, segment, product-mapping and account changes write their audit row in
 * the change's transaction: a failed row rolls the change back, and a repeat that changed nothing writes
 * no row (the after-the-fact trail wrote one per request, and a failed row left the change unaudited).
 */
describe('console actions are audited in the same transaction as the change', () => {
  let database: TestDatabase;
  let db: Database;
  // 12:00 in Taipei: outside the broadcasts' quiet hours.
  const clock = createTestClock({ now: '2026-03-10T04:00:00Z' });
  const generateId = createSequentialIdGenerator();
  /** Hands out an audit id that is taken, so the audit insert fails (and everything with it). */
  const failing: IdGenerator = (kind) => (kind === 'auditEntry' ? 'aud_taken' : generateId(kind));
  const deps = () => ({ db, clock, generateId });
  const failingDeps = () => ({ db, clock, generateId: failing });
  const rowsOf = (action: string, targetId?: string) =>
    db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, action), targetId ? eq(auditLog.targetId, targetId) : undefined));

  beforeAll(async () => {
    database = await createTestDatabase({
      brands: [
        {
          id: BRAND,
          slug: 'txaudit',
          name: 'Tea',
          country: 'TW',
          defaultLocale: 'zh-TW',
          timezone: 'Asia/Taipei',
        },
        {
          id: OTHER_BRAND,
          slug: 'txaudit-2',
          name: 'Tea 2',
          country: 'TW',
          defaultLocale: 'zh-TW',
          timezone: 'Asia/Taipei',
        },
      ],
      lineChannels: [
        {
          id: 'chn_txaudit',
          brandId: BRAND,
          name: 'tea',
          lineChannelId: '2399000001',
          channelSecret: 's',
          channelAccessToken: 't',
        },
      ],
      members: [1, 2, 3].map((n) => ({
        id: `mbr_txa${n}`,
        brandId: BRAND,
        lineUserId: `U${n.toString(16).padStart(32, 'a')}`,
        locale: 'zh-TW' as const,
      })),
      consoleUsers: [
        { id: 'usr_txa_1', email: 'one@txaudit.example', name: 'one', passwordHash: 'x' },
        { id: 'usr_txa_2', email: 'two@txaudit.example', name: 'two', passwordHash: 'x' },
      ],
      consoleMemberships: [
        { userId: 'usr_txa_1', brandId: BRAND, role: 'reviewer' },
        { userId: 'usr_txa_1', brandId: OTHER_BRAND, role: 'viewer' },
        { userId: 'usr_txa_2', brandId: BRAND, role: 'reviewer' },
      ],
      consoleSessions: [
        {
          id: 'css_txa_1',
          userId: 'usr_txa_1',
          tokenHash: 'hash-1',
          expiresAt: new Date('2026-03-11T00:00:00Z'),
        },
        {
          id: 'css_txa_2',
          userId: 'usr_txa_2',
          tokenHash: 'hash-2',
          expiresAt: new Date('2026-03-11T00:00:00Z'),
        },
      ],
      auditLog: [{ id: 'aud_taken', brandId: BRAND, actorType: 'system', actorId: null, action: 'seed' }],
    });
    db = database.db;
  }, HANG_GUARD_MS);
  afterAll(async () => {
    await database.close();
  });

  test('campaigns: create, edit, publish, pause, clone and the survey each write one row with the change, or neither', async () => {
    const input = teaCampaignBody({ slug: 'tx-tea' });
    await expect(
      createCampaignFromDefinition(failingDeps(), {
        brandId: BRAND,
        input: teaCampaignBody({ slug: 'tx-lost' }),
        createdBy: actor.userId,
        actor,
      }),
    ).rejects.toThrow();
    expect(await db.select().from(campaigns).where(eq(campaigns.slug, 'tx-lost'))).toEqual([]);

    const { campaign } = await createCampaignFromDefinition(deps(), {
      brandId: BRAND,
      input,
      createdBy: actor.userId,
      actor,
    });
    expect(await rowsOf('campaign.created', campaign.id)).toEqual([
      expect.objectContaining({
        brandId: BRAND,
        actorType: 'console_user',
        actorId: actor.userId,
        targetType: 'campaign',
        data: expect.objectContaining({ by: actor.email, slug: 'tx-tea' }),
      }),
    ]);

    const edit = { brandId: BRAND, ref: campaign.id, updatedBy: actor.userId, actor };
    await expect(
      updateCampaign(failingDeps(), { ...edit, input: { timezone: 'Asia/Tokyo' } }),
    ).rejects.toThrow();
    await updateCampaign(deps(), { ...edit, input: { timezone: campaign.timezone } });
    const edited = await updateCampaign(deps(), { ...edit, input: { description: { en: 'Changed' } } });
    expect(edited.changes.length).toBeGreaterThan(0);
    const updates = await rowsOf('campaign.updated', campaign.id);
    expect(updates).toHaveLength(1);
    expect(updates[0]!.data).toMatchObject({ changed: ['description.en'] });
    const [afterFailedEdit] = await db.select().from(campaigns).where(eq(campaigns.id, campaign.id));
    expect(afterFailedEdit!.timezone).toBe('Asia/Taipei');

    const status = { brandId: BRAND, ref: campaign.id, actor };
    await changeCampaignStatus(deps(), { ...status, action: 'publish' });
    const again = await changeCampaignStatus(deps(), { ...status, action: 'publish' });
    expect(again.changed).toBe(false);
    await expect(changeCampaignStatus(failingDeps(), { ...status, action: 'pause' })).rejects.toThrow();
    const [published] = await db.select().from(campaigns).where(eq(campaigns.id, campaign.id));
    expect(published!.status).toBe('active');
    expect(await rowsOf('campaign.published', campaign.id)).toHaveLength(1);
    expect(await rowsOf('campaign.paused', campaign.id)).toEqual([]);

    await expect(
      cloneCampaign(failingDeps(), { ...status, slug: 'tx-clone-lost', createdBy: actor.userId }),
    ).rejects.toThrow();
    expect(await db.select().from(campaigns).where(eq(campaigns.slug, 'tx-clone-lost'))).toEqual([]);
    const { campaign: copy } = await cloneCampaign(deps(), { ...status, createdBy: actor.userId });
    expect(await rowsOf('campaign.cloned', copy.id)).toEqual([
      expect.objectContaining({ data: expect.objectContaining({ from: campaign.id }) }),
    ]);

    const survey = {
      title: { en: 'Quick question' },
      frequency: 'per_member',
      questions: [{ key: 'mood', type: 'text', label: { en: 'How was it?' } }],
    };
    const saveSurvey = { brandId: BRAND, ref: campaign.id, updatedBy: actor.userId, actor, input: survey };
    await saveCampaignSurveyVersioned(deps(), saveSurvey);
    await saveCampaignSurveyVersioned(deps(), saveSurvey);
    expect(await rowsOf('campaign.survey_saved', campaign.id)).toHaveLength(1);
  });

  test('segments: a failed audit row leaves no segment; a saved one has its row', async () => {
    const segmentsDeps = deps();
    await expect(
      createSegment(
        { ...segmentsDeps, generateId: failing },
        { brandId: BRAND, name: 'lost', condition: { type: 'all' }, createdBy: actor.userId, actor },
      ),
    ).rejects.toThrow();
    expect(await db.select().from(segments).where(eq(segments.name, 'lost'))).toEqual([]);

    const { segment } = await createSegment(segmentsDeps, {
      brandId: BRAND,
      name: 'everyone',
      condition: { type: 'all' },
      createdBy: actor.userId,
      actor,
    });
    expect(await rowsOf('segment.created', segment.id)).toHaveLength(1);
  });

  test('broadcasts: create, send and cancel each write one row with the change, or neither; a repeat writes none', async () => {
    const messenger = { getMessageQuota: async () => ({ limit: undefined, used: 0 }) };
    const input: CreateBroadcastInput = {
      condition: { type: 'all' },
      messages: [{ type: 'text', text: 'Hello' }],
      holdoutPercent: 0,
      trackLinks: false,
      ignoreQuietHours: false,
    };
    const by = { userId: actor.userId, audit: actor };
    await expect(createBroadcast(failingDeps(), { brandId: BRAND, actor: by, input })).rejects.toThrow();
    expect(await db.select().from(broadcasts).where(eq(broadcasts.brandId, BRAND))).toEqual([]);

    const { id } = await createBroadcast(deps(), { brandId: BRAND, actor: by, input });
    expect(await rowsOf('broadcast.created', id)).toHaveLength(1);

    const send = { brandId: BRAND, broadcastId: id, actor: by };
    await expect(startBroadcast({ ...failingDeps(), messenger }, send)).rejects.toThrow();
    const [unsent] = await db.select().from(broadcasts).where(eq(broadcasts.id, id));
    expect(unsent!.state).toBe('draft');
    const sent = await startBroadcast({ ...deps(), messenger }, send);
    await startBroadcast({ ...deps(), messenger }, send);
    expect(sent.state).toBe('sending');
    expect(await rowsOf('broadcast.sent', id)).toEqual([
      expect.objectContaining({ data: expect.objectContaining({ recipients: 3, by: actor.email }) }),
    ]);

    await expect(cancelBroadcast(failingDeps(), send)).rejects.toThrow();
    const [stillSending] = await db.select().from(broadcasts).where(eq(broadcasts.id, id));
    expect(stillSending!.state).toBe('sending');
    await cancelBroadcast(deps(), send);
    expect(await rowsOf('broadcast.cancelled', id)).toHaveLength(1);
  });

  test('product mapping: save, map and unmap write one row with the change, or neither; a repeat writes none', async () => {
    const audit = { actor, clock, generateId };
    const failingAudit = { actor, clock, generateId: failing };
    await expect(
      saveProduct(db, { brandId: BRAND, key: 'lost', name: 'Lost', audit: failingAudit }),
    ).rejects.toThrow();
    expect(await db.select().from(analyticsProducts).where(eq(analyticsProducts.key, 'lost'))).toEqual([]);
    await saveProduct(db, { brandId: BRAND, key: 'tea', name: 'Tea', audit });
    await saveProduct(db, { brandId: BRAND, key: 'tea', name: 'Tea', audit });
    expect(await rowsOf('analytics.product_saved', 'tea')).toHaveLength(1);

    const mapping = { brandId: BRAND, itemName: '綠茶', productKey: 'tea', mappedBy: actor.userId };
    await expect(mapItemName(db, { ...mapping, audit: failingAudit })).rejects.toThrow();
    expect(await db.select().from(analyticsProductMappings)).toEqual([]);
    const mapped = await mapItemName(db, { ...mapping, audit });
    await mapItemName(db, { ...mapping, audit });
    expect(await rowsOf('analytics.mapping_saved', mapped.normalizedName)).toHaveLength(1);

    await expect(unmapItemName(db, { ...mapping, audit: failingAudit })).rejects.toThrow();
    expect(await db.select().from(analyticsProductMappings)).toHaveLength(1);
    await unmapItemName(db, { ...mapping, audit });
    await unmapItemName(db, { ...mapping, audit });
    expect(await rowsOf('analytics.mapping_removed', mapped.normalizedName)).toHaveLength(1);
  });

  test('console accounts: disabling one is audited in each of its brands with the change, or not done; again, no row', async () => {
    await expect(disableConsoleUser(failingDeps(), { userId: 'usr_txa_2', by: actor })).rejects.toThrow();
    const [notDisabled] = await db.select().from(consoleUsers).where(eq(consoleUsers.id, 'usr_txa_2'));
    expect(notDisabled!.disabledAt).toBeNull();
    expect(
      await db.select().from(consoleSessions).where(eq(consoleSessions.userId, 'usr_txa_2')),
    ).toHaveLength(1);

    const first = await disableConsoleUser(deps(), { userId: 'usr_txa_1', via: 'cli' });
    const second = await disableConsoleUser(deps(), { userId: 'usr_txa_1', via: 'cli' });
    expect([first, second]).toEqual([
      { disabled: true, sessionsEnded: 1 },
      { disabled: false, sessionsEnded: 0 },
    ]);
    const rows = await rowsOf('console.user_disabled', 'usr_txa_1');
    expect(rows.map((row) => [row.brandId, row.actorType]).sort()).toEqual([
      [BRAND, 'operator'],
      [OTHER_BRAND, 'operator'],
    ]);
    expect(rows[0]!.data).toMatchObject({ email: 'one@txaudit.example', via: 'cli', sessionsEnded: 1 });
  });
});
