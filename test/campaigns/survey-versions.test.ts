import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { Express } from 'express';
import request from 'supertest';
import { BRAND_ID, createWorld, type World } from '../submissions/world.js';
import { campaignsApp, signedIn, teaCampaignBody } from './campaigns-support.js';

const survey = {
  title: { en: 'Tell us', 'zh-TW': '告訴我們' },
  frequency: 'per_member',
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
  ],
};

describe('survey edits are versioned like rules', () => {
  let world: World;
  let app: Express;
  let marketer: string;
  let viewer: string;

  beforeAll(async () => {
    world = await createWorld();
    app = campaignsApp(world).app;
    marketer = await signedIn(app, world, { email: 'mia@tea.example', brandId: BRAND_ID, role: 'marketer' });
    viewer = await signedIn(app, world, { email: 'vic@tea.example', brandId: BRAND_ID, role: 'viewer' });
  });
  afterAll(async () => {
    await world.close();
  });

  const api = (cookie: string) => ({
    get: (path: string) => request(app).get(`/api/console/campaigns${path}`).set('cookie', cookie),
    post: (path: string, body: object = {}) =>
      request(app).post(`/api/console/campaigns${path}`).set('cookie', cookie).send(body),
    put: (path: string, body: object) =>
      request(app).put(`/api/console/campaigns${path}`).set('cookie', cookie).send(body),
  });
  const paths = (changes: { path: string }[]) => changes.map((change) => change.path);

  test('when a draft’s survey is built, then the draft stays version 1 and that version holds the survey', async () => {
    await api(marketer).post('', teaCampaignBody({ slug: 'survey-draft' }));

    const saved = await api(marketer).put('/survey-draft/survey', survey);

    expect(saved.status).toBe(201);
    expect(saved.body).toMatchObject({ version: 1, versionCreated: false });
    expect(paths(saved.body.changes)).toEqual(['survey']);
    const v1 = await api(viewer).get('/survey-draft/versions/1');
    expect(v1.body.definition.survey).toMatchObject({ title: survey.title, active: true });
    expect((await api(viewer).get('/survey-draft/versions')).body.versions).toHaveLength(1);
  });

  test('when a live campaign’s survey changes, then it is a new version; history and diff show it, a rules edit keeps it, the same survey again changes nothing', async () => {
    await api(marketer).post('', teaCampaignBody({ slug: 'survey-live' }));
    await api(marketer).put('/survey-live/survey', survey);
    await api(marketer).post('/survey-live/publish');

    const relabelled = structuredClone(survey);
    relabelled.questions[0]!.label = { en: 'Where did you buy it?' };
    const edited = await api(marketer).put('/survey-live/survey', relabelled);

    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({ version: 2, versionCreated: true });
    expect(edited.body.changes).toEqual([
      { path: 'survey.questions.0.label.en', before: 'Where did you buy?', after: 'Where did you buy it?' },
    ]);
    expect((await api(viewer).get('/survey-live')).body.campaign.version).toBe(2);
    const versions = await api(viewer).get('/survey-live/versions');
    expect(
      versions.body.versions.map((v: { version: number; current: boolean }) => [v.version, v.current]),
    ).toEqual([
      [2, true],
      [1, false],
    ]);
    const diff = await api(viewer).get('/survey-live/diff?from=1&to=2');
    expect(diff.body.changes).toEqual(edited.body.changes);

    // A rules edit after it: a new version that carries the survey as it is (the diff shows only the rule).
    const rules = await api(marketer).put('/survey-live', {
      rules: { ...teaCampaignBody().rules, minAmount: { basis: 'matched', amountMinor: 8_000 } },
    });
    expect(rules.body).toMatchObject({ version: 3, versionCreated: true });
    expect(paths((await api(viewer).get('/survey-live/diff?from=2&to=3')).body.changes)).toEqual([
      'rules.minAmount.amountMinor',
    ]);
    expect(
      (await api(viewer).get('/survey-live/versions/3')).body.definition.survey.questions[0].label,
    ).toEqual({
      en: 'Where did you buy it?',
    });

    // Saving the survey unchanged (a retried click) is no new version.
    const again = await api(marketer).put('/survey-live/survey', relabelled);
    expect(again.body).toMatchObject({ version: 3, versionCreated: false, changes: [] });
    // Turning it off is a change like any other.
    const off = await api(marketer).put('/survey-live/survey', { ...relabelled, active: false });
    expect(off.body).toMatchObject({ version: 4, versionCreated: true });
    expect(off.body.changes).toEqual([{ path: 'survey.active', before: true, after: false }]);
  });

  test('when the survey is refused or the caller may not write, then no version is made', async () => {
    await api(marketer).post('', teaCampaignBody({ slug: 'survey-refused' }));
    await api(marketer).post('/survey-refused/publish');

    const bad = await api(marketer).put('/survey-refused/survey', { ...survey, questions: [] });
    const forbidden = await api(viewer).put('/survey-refused/survey', survey);

    expect([bad.status, forbidden.status]).toEqual([400, 403]);
    expect((await api(viewer).get('/survey-refused')).body.campaign.version).toBe(1);
  });
});
