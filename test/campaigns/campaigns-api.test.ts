import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { eq } from 'drizzle-orm';
import type { Express } from 'express';
import request from 'supertest';
import { submissions, surveyAnswers } from '../../core/db/schema.js';
import { submitProof } from '../../core/submissions/index.js';
import {
  BRAND_ID,
  createWorld,
  MEMBER_A,
  MEMBER_B,
  TEA_INVOICE,
  typed,
  type World,
} from '../submissions/world.js';
import { campaignsApp, signedIn, teaCampaignBody } from './campaigns-support.js';

describe('campaign API (/api/console/campaigns)', () => {
  let world: World;
  let app: Express;
  let marketer: string;
  let viewer: string;
  let seq = 0;

  beforeAll(async () => {
    world = await createWorld();
    app = campaignsApp(world).app;
    marketer = await signedIn(app, world, { email: 'mia@tea.example', brandId: BRAND_ID, role: 'marketer' });
    viewer = await signedIn(app, world, { email: 'vic@tea.example', brandId: BRAND_ID, role: 'viewer' });
  });
  afterAll(async () => {
    await world.close();
  });

  const as = (cookie: string) => ({
    get: (path: string) => request(app).get(`/api/console/campaigns${path}`).set('cookie', cookie),
    post: (path: string, body: unknown = {}) =>
      request(app)
        .post(`/api/console/campaigns${path}`)
        .set('cookie', cookie)
        .send(body as object),
    put: (path: string, body: unknown) =>
      request(app)
        .put(`/api/console/campaigns${path}`)
        .set('cookie', cookie)
        .send(body as object),
  });

  async function createActive(slug: string, overrides: Record<string, unknown> = {}) {
    const created = await as(marketer).post('', teaCampaignBody({ slug, ...overrides }));
    expect(created.status).toBe(201);
    const published = await as(marketer).post(`/${slug}/publish`);
    expect(published.status).toBe(200);
    return created.body.campaign as { id: string; slug: string };
  }

  function addInvoice(overrides: Partial<typeof TEA_INVOICE> = {}) {
    seq += 1;
    const invoice = { ...TEA_INVOICE, invoiceNumber: `CD${String(30000000 + seq)}`, ...overrides };
    world.sim.admin.addInvoices([invoice]);
    return invoice;
  }

  test('when a marketer posts a valid campaign, then it is a draft at version 1 and can be read back', async () => {
    const response = await as(marketer).post('', teaCampaignBody());

    expect(response.status).toBe(201);
    expect(response.body.campaign).toMatchObject({
      slug: 'green-tea-nov',
      status: 'draft',
      version: 1,
      registerFrom: '2024-10-31T16:00:00.000Z',
      rules: { itemGroups: [{ key: 'tea', minQuantity: 1 }], excludeBuyerBan: true },
    });
    const bySlug = await as(viewer).get('/green-tea-nov');
    expect(bySlug.status).toBe(200);
    expect(bySlug.body.campaign.id).toBe(response.body.campaign.id);
    const list = await as(viewer).get('');
    expect(list.body.campaigns.map((c: { slug: string }) => c.slug)).toContain('green-tea-nov');
    const versions = await as(viewer).get('/green-tea-nov/versions');
    expect(versions.body.versions).toEqual([expect.objectContaining({ version: 1, current: true })]);
  });

  test('when the body has problems, then 400 names the JSON path of every one', async () => {
    const response = await as(marketer).post(
      '',
      teaCampaignBody({
        slug: 'Bad Slug',
        purchaseTo: '2024-10-01',
        currency: 'USD',
        rules: {
          minAmount: { basis: 'matched', amountMinor: -5 },
          itemGroups: [{ key: 'tea', keywords: [] }],
        },
        rewards: { points: { stepAmountMinor: 0 } },
      }),
    );

    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('validation.failed');
    expect(Object.keys(response.body.error.fieldErrors).sort()).toEqual(
      [
        'currency',
        'purchaseTo',
        'rewards.points.stepAmountMinor',
        'rules.itemGroups.0.keywords',
        'rules.minAmount.amountMinor',
        'slug',
      ].sort(),
    );
    expect((await as(viewer).get('/Bad Slug')).status).toBe(404);
  });

  test('when a viewer or nobody tries to change a campaign, then 403 / 401 and nothing changes', async () => {
    expect((await as(viewer).post('', teaCampaignBody({ slug: 'viewer-made' }))).status).toBe(403);
    expect((await request(app).get('/api/console/campaigns')).status).toBe(401);
    expect((await as(viewer).post('/green-tea-nov/publish')).status).toBe(403);
    expect((await as(viewer).get('/viewer-made')).status).toBe(404);
  });

  test('when the slug is taken, then 409', async () => {
    const response = await as(marketer).post('', teaCampaignBody());
    expect(response.status).toBe(409);
    expect(response.body.error.code).toBe('campaign.slug_taken');
  });

  test('when a draft is edited, then it stays version 1; once published, each edit is a new version with a diff', async () => {
    await as(marketer).post('', teaCampaignBody({ slug: 'draft-edits' }));
    const draftEdit = await as(marketer).put('/draft-edits', { name: { en: 'Renamed' } });
    expect(draftEdit.status).toBe(200);
    expect(draftEdit.body).toMatchObject({ version: 1, versionCreated: false });
    expect(draftEdit.body.changes.map((c: { path: string }) => c.path)).toEqual(
      ['name.th', 'name.zh-TW', 'name.en'].sort(),
    );

    await as(marketer).post('/draft-edits/publish');
    const liveEdit = await as(marketer).put('/draft-edits', {
      rules: { ...teaCampaignBody().rules, minAmount: { basis: 'matched', amountMinor: 8_000 } },
    });
    expect(liveEdit.status).toBe(200);
    expect(liveEdit.body).toMatchObject({ version: 2, versionCreated: true });
    expect(liveEdit.body.changes).toEqual([
      { path: 'rules.minAmount.amountMinor', before: 3_000, after: 8_000 },
    ]);

    const diff = await as(viewer).get('/draft-edits/diff?from=1&to=2');
    expect(diff.body.changes).toEqual(liveEdit.body.changes);
    const versions = await as(viewer).get('/draft-edits/versions');
    expect(versions.body.versions.map((v: { version: number }) => v.version)).toEqual([2, 1]);
    const v1 = await as(viewer).get('/draft-edits/versions/1');
    expect(v1.body.definition.rules.minAmount.amountMinor).toBe(3_000);

    const unchanged = await as(marketer).put('/draft-edits', { slug: 'draft-edits' });
    expect(unchanged.body).toMatchObject({ version: 2, versionCreated: false, changes: [] });
  });

  test('when a live campaign is edited, then decided proofs keep their decision and version; new ones are judged under the new version', async () => {
    const campaign = await createActive('versioned');
    const first = await submitProof(world.deps, {
      brandId: BRAND_ID,
      memberId: MEMBER_A,
      campaignId: campaign.id,
      channel: 'chat',
      sourceRef: `evt-v1-${seq}`,
      input: { type: 'text', text: typed(addInvoice()) },
    });
    expect(first.outcome).toBe('accepted');

    const edit = await as(marketer).put('/versioned', {
      rules: { ...teaCampaignBody().rules, minAmount: { basis: 'matched', amountMinor: 9_000 } },
    });
    expect(edit.body.version).toBe(2);
    expect(edit.body.decisions).toMatchObject({ decided: 1, decidedByVersion: { '1': 1 } });
    expect(edit.body.notice).toMatch(/1 proof\(s\) already decided keep their decision/);

    const [kept] = await world.database.db
      .select()
      .from(submissions)
      .where(eq(submissions.id, first.submission?.id as string));
    expect(kept).toMatchObject({ state: 'rewarded', campaignVersion: 1, reasonCode: null });

    const second = await submitProof(world.deps, {
      brandId: BRAND_ID,
      memberId: MEMBER_B,
      campaignId: campaign.id,
      channel: 'chat',
      sourceRef: `evt-v2-${seq}`,
      input: { type: 'text', text: typed(addInvoice()) },
    });
    expect(second.outcome).toBe('rejected');
    expect(second.submission).toMatchObject({
      campaignVersion: 2,
      reasonCode: 'rules.min_amount.below_minimum',
    });
  });

  test('when publish, pause and end are used, then the status follows, retries change nothing, and wrong moves are refused', async () => {
    const campaign = await createActive('lifecycle');
    const paused = await as(marketer).post('/lifecycle/pause');
    expect(paused.body).toMatchObject({ changed: true, campaign: { status: 'paused' } });
    expect((await as(marketer).post('/lifecycle/pause')).body.changed).toBe(false);
    const whilePaused = await submitProof(world.deps, {
      brandId: BRAND_ID,
      memberId: MEMBER_A,
      campaignId: campaign.id,
      channel: 'chat',
      sourceRef: `evt-paused-${seq}`,
      input: { type: 'text', text: typed(addInvoice()) },
    });
    expect(whilePaused.outcome).toBe('no_active_campaign');
    expect((await as(marketer).post('/lifecycle/publish')).body.campaign.status).toBe('active');
    expect((await as(marketer).post('/lifecycle/end')).body.campaign.status).toBe('ended');
    const refused = await as(marketer).post('/lifecycle/publish');
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('campaign.status_refused');
    const statusEdit = await as(marketer).put('/lifecycle', { status: 'active' });
    expect(statusEdit.status).toBe(400);
    expect(statusEdit.body.error.fieldErrors.status).toBeDefined();
  });

  test('when a campaign is cloned, then the copy is a draft at version 1 with the same settings', async () => {
    await createActive('to-clone');
    const clone = await as(marketer).post('/to-clone/clone');
    expect(clone.status).toBe(201);
    expect(clone.body.campaign).toMatchObject({ slug: 'to-clone-copy', status: 'draft', version: 1 });
    const again = await as(marketer).post('/to-clone/clone');
    expect(again.body.campaign.slug).toBe('to-clone-copy-2');
    const original = await as(viewer).get('/to-clone');
    expect(clone.body.campaign.rules).toEqual(original.body.campaign.rules);
  });

  test('when two people edit a live campaign at once, then each edit is its own version; a stale baseVersion is refused', async () => {
    await createActive('concurrent');
    const rulesWith = (amountMinor: number) => ({
      rules: { ...teaCampaignBody().rules, minAmount: { basis: 'matched', amountMinor } },
    });
    const [a, b] = await Promise.all([
      as(marketer).put('/concurrent', rulesWith(4_000)),
      as(marketer).put('/concurrent', rulesWith(5_000)),
    ]);
    expect([a.status, b.status]).toEqual([200, 200]);
    expect([a.body.version, b.body.version].sort()).toEqual([2, 3]);
    const versions = await as(viewer).get('/concurrent/versions');
    expect(versions.body.versions.map((v: { version: number }) => v.version)).toEqual([3, 2, 1]);

    const stale = await as(marketer).put('/concurrent', { ...rulesWith(6_000), baseVersion: 2 });
    expect(stale.status).toBe(409);
    expect(stale.body.error.code).toBe('campaign.version_conflict');
  });

  test('when the preview is asked for draft settings, then each language gets the chat words the bot renders', async () => {
    await as(marketer).post('', teaCampaignBody({ slug: 'preview-me' }));
    const response = await as(viewer).post('/preview-me/preview', {
      rules: { ...teaCampaignBody().rules, minAmount: { basis: 'matched', amountMinor: 20_000 } },
      rewards: { points: { basis: 'total', stepAmountMinor: 5_000, perStep: 3 }, entries: { perProof: 2 } },
    });
    expect(response.status).toBe(200);
    type Preview = {
      locale: string;
      liff: { name: string };
      chat: { greeting: string[]; accepted: string[]; rejected: string[] };
      example: object;
    };
    const byLocale = Object.fromEntries(
      (response.body.previews as Preview[]).map((preview) => [preview.locale, preview]),
    );
    expect(Object.keys(byLocale).sort()).toEqual(['en', 'th', 'zh-TW']);
    // NT$200 (the threshold) at 3 points per NT$50: 12 points, 2 entries.
    expect(byLocale.en?.example).toEqual({ amountMinor: 20_000, points: 12, entries: 2 });
    expect(byLocale.en?.chat.accepted).toEqual(
      expect.arrayContaining(['Accepted!', 'You earned 12 points', '2 lottery entries']),
    );
    expect(byLocale.en?.chat.greeting.join(' ')).toContain('Green tea November');
    expect(byLocale['zh-TW']?.liff.name).toBe('買好茶 抽好禮');
    expect(byLocale.en?.chat.rejected).toEqual(
      expect.arrayContaining([
        '• no campaign product was found on it',
        '• the amount of campaign products is below the minimum',
      ]),
    );
    expect(byLocale.th?.chat.accepted.join(' ')).toContain('12');

    const invalid = await as(viewer).post('/preview-me/preview', { rules: { minAmount: { basis: 'x' } } });
    expect(invalid.status).toBe(400);
    expect(Object.keys(invalid.body.error.fieldErrors)).toContain('rules.minAmount.basis');
  });

  test('when a published campaign built in the form (names in some languages) is previewed as the page sends it, then 200', async () => {
    // The form leaves Thai empty and the description blank; the Preview tab sends the saved campaign back.
    await createActive('form-built', {
      name: { 'zh-TW': '烏龍週', en: 'Oolong week' },
      description: null,
    });
    const { campaign } = (await as(viewer).get('/form-built')).body as {
      campaign: {
        name: object;
        description: object | null;
        timezone: string;
        rules: object;
        rewards: object;
      };
    };
    const response = await as(viewer).post('/form-built/preview', {
      name: campaign.name,
      description: campaign.description,
      timezone: campaign.timezone,
      rules: campaign.rules,
      rewards: campaign.rewards,
    });
    expect(response.status).toBe(200);
    const byLocale = Object.fromEntries(
      (response.body.previews as { locale: string; liff: { name: string } }[]).map((p) => [p.locale, p]),
    );
    // Thai has no name of its own: the preview shows the one a Thai member would read (zh-TW first).
    expect(byLocale.th?.liff.name).toBe('烏龍週');
    expect(byLocale.en?.liff.name).toBe('Oolong week');

    // A name with every language blank, or a language the console does not know, is still a clear 400.
    const unknown = await as(viewer).post('/form-built/preview', { name: { fr: 'Semaine' } });
    expect(unknown.status).toBe(400);
  });

  test('when a survey is built for a campaign, then it is stored as the chat and LIFF read it, bad questions are 400 by path, and answers export', async () => {
    await as(marketer).post('', teaCampaignBody({ slug: 'with-survey' }));
    const survey = {
      title: { en: 'Tell us', 'zh-TW': '告訴我們' },
      frequency: 'per_proof',
      questions: [
        {
          key: 'where',
          type: 'single',
          required: true,
          label: { en: 'Where did you buy?' },
          options: [
            { key: 'store', label: { en: 'Store' } },
            { key: 'online', label: { en: 'Online' } },
          ],
        },
        {
          key: 'why',
          type: 'multiple',
          label: { en: 'Why?' },
          options: [
            { key: 'taste', label: { en: 'Taste' } },
            { key: 'price', label: { en: 'Price' } },
          ],
        },
        { key: 'stars', type: 'scale', required: true, label: { en: 'Rate us' }, scale: { min: 1, max: 5 } },
        { key: 'note', type: 'text', label: { en: 'Anything else?' } },
      ],
    };
    const created = await request(app)
      .put('/api/console/campaigns/with-survey/survey')
      .set('cookie', marketer)
      .send(survey);
    expect(created.status).toBe(201);
    expect(created.body.survey).toMatchObject({ frequency: 'per_proof', active: true });
    expect(
      created.body.survey.questions.map((q: { key: string; required: boolean }) => [q.key, q.required]),
    ).toEqual([
      ['where', true],
      ['why', false],
      ['stars', true],
      ['note', false],
    ]);

    const bad = await request(app)
      .put('/api/console/campaigns/with-survey/survey')
      .set('cookie', marketer)
      .send({
        ...survey,
        questions: [{ ...survey.questions[0], options: [{ key: 'x', label: { en: 'X' } }] }],
      });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body.error)).toContain('options');

    const edited = await request(app)
      .put('/api/console/campaigns/with-survey/survey')
      .set('cookie', marketer)
      .send({ ...survey, active: false });
    expect(edited.status).toBe(200);
    expect(edited.body.survey.id).toBe(created.body.survey.id);
    expect((await as(viewer).get('/with-survey/survey')).body.survey).toMatchObject({ active: false });

    await world.database.db.insert(surveyAnswers).values({
      id: 'ans_export_1',
      brandId: BRAND_ID,
      surveyId: created.body.survey.id,
      memberId: MEMBER_A,
      answerScope: 'member',
      answers: { where: 'store', why: ['taste', 'price'], stars: 4 },
    });
    const answers = await as(marketer).get('/with-survey/survey/answers');
    expect(answers.status).toBe(200);
    expect(answers.body.answers).toEqual([
      expect.objectContaining({
        memberId: MEMBER_A,
        answers: { where: 'store', why: ['taste', 'price'], stars: 4 },
      }),
    ]);
    expect((await as(viewer).get('/with-survey/survey/answers')).status).toBe(403);
  });
});
