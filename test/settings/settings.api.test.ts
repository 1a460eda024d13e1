import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { eq } from 'drizzle-orm';
import type { Express } from 'express';
import request from 'supertest';
import { createApp } from '../../bot/create-app.js';
import { buildAppModules } from '../../bot/start.js';
import type { Services } from '../../core/app/build-services.js';
import { auditLog } from '../../core/audit/index.js';
import { brands, lineChannels } from '../../core/brands/index.js';
import { createConsoleUser, grantConsoleMembership, type ConsoleRole } from '../../core/console/index.js';
import { startLineSimulator, type LineSimulator } from '../../sim/line/index.js';
import { buildTestServices, type TestServices } from '../support/services.js';
import { HANG_GUARD_MS } from '../support/timing.js';

const PASSWORD = 'correct horse battery';
const BRAND_A = 'brd_settings_a';
const SECRET = '0123456789abcdef0123456789abcdef';
const TOKEN = 'token-abcdefghijklmnopqrstuvwxyz-0123456789';
const ENV_SECRET = 'env-secret-9876543210fedcba';

let services: TestServices;
let app: Express;
let line: LineSimulator;
let owner: string;
let marketer: string;

async function signIn(email: string, role: ConsoleRole) {
  const deps = { db: services.database.db, clock: services.clock, generateId: services.generateId };
  const { user } = await createConsoleUser(deps, { email, name: email.split('@')[0]!, password: PASSWORD });
  await grantConsoleMembership(deps, { userId: user.id, brandId: BRAND_A, role });
  const response = await request(app).post('/api/console/session').send({ email, password: PASSWORD });
  return (([] as string[]).concat(response.headers['set-cookie'] ?? [])[0] as string).split(';')[0] as string;
}

const as = (cookie: string) => ({
  get: (path: string) => request(app).get(path).set('cookie', cookie),
  post: (path: string, body: object = {}) => request(app).post(path).set('cookie', cookie).send(body),
  patch: (path: string, body: object) => request(app).patch(path).set('cookie', cookie).send(body),
});

function expectNoSecrets(response: request.Response) {
  const text = JSON.stringify(response.body);
  for (const secret of [
    SECRET,
    TOKEN,
    ENV_SECRET,
    'new-token-0123456789abcdefghij',
    'fedcba9876543210fedcba9876543210',
  ])
    expect(text).not.toContain(secret);
}

beforeAll(async () => {
  line = await startLineSimulator();
  services = await buildTestServices({
    config: {
      localMode: false,
      server: { publicBaseUrl: 'https://bot.brand.example' },
      line: { apiBaseUrl: line.url, dataApiBaseUrl: line.url },
    } as never,
    seed: {
      brands: [
        {
          id: BRAND_A,
          slug: 'settings-a',
          name: 'Settings A',
          country: 'TW',
          defaultLocale: 'zh-TW',
          timezone: 'Asia/Taipei',
        },
      ],
      lineChannels: [
        {
          id: 'chn_env',
          brandId: BRAND_A,
          lineChannelId: '1650000099',
          name: 'From env',
          channelSecret: ENV_SECRET,
          channelAccessToken: 'env-token-abcdefghijklmnop',
          managedByEnv: true,
        },
      ],
    },
  });
  app = createApp(services as Services, buildAppModules(services as Services));
  owner = await signIn('owner@settings.example', 'owner');
  marketer = await signIn('marketer@settings.example', 'marketer');
}, HANG_GUARD_MS);
afterAll(async () => {
  await services?.database.close();
  await line?.close();
});

describe('GET /api/console/settings', () => {
  test('when a marketer reads it, then the profile and channels come with masked secrets and the webhook URL', async () => {
    const response = await as(marketer).get('/api/console/settings');

    expect(response.status).toBe(200);
    expect(response.body.brand).toMatchObject({
      name: 'Settings A',
      country: 'TW',
      currency: 'TWD',
      timezone: 'Asia/Taipei',
    });
    expect(response.body.channels).toEqual([
      expect.objectContaining({
        lineChannelId: '1650000099',
        managedByEnv: true,
        channelSecret: '••••••••dcba',
        webhookUrl: 'https://bot.brand.example/webhook/1650000099',
      }),
    ]);
    expectNoSecrets(response);
  });

  test('when a marketer tries a change, then 403', async () => {
    const response = await as(marketer).patch('/api/console/settings/brand', { name: 'Hijacked' });
    expect(response.status).toBe(403);
  });
});

describe('PATCH /api/console/settings/brand', () => {
  test('when the owner changes the profile, then it is saved and audited with old and new values', async () => {
    const response = await as(owner).patch('/api/console/settings/brand', {
      name: 'Settings A Tea',
      timezone: 'Asia/Bangkok',
      defaultLocale: 'en',
    });

    expect(response.status).toBe(200);
    expect(response.body.changed.sort()).toEqual(['defaultLocale', 'name', 'timezone']);
    const [row] = await services.database.db.select().from(brands).where(eq(brands.id, BRAND_A));
    expect(row).toMatchObject({ name: 'Settings A Tea', timezone: 'Asia/Bangkok', defaultLocale: 'en' });
    const [audit] = await services.database.db
      .select()
      .from(auditLog)
      .where(eq(auditLog.action, 'settings.brand_updated'));
    expect(audit!.data).toMatchObject({ changes: { name: { from: 'Settings A', to: 'Settings A Tea' } } });
    // The signed-in user's brand list follows.
    expect((await as(owner).get('/api/console/me')).body.brands[0]).toMatchObject({
      name: 'Settings A Tea',
      timezone: 'Asia/Bangkok',
    });
  });

  test('when the time zone is unknown or a field bad, then 400 naming it', async () => {
    const zone = await as(owner).patch('/api/console/settings/brand', { timezone: 'Mars/Olympus' });
    expect(zone.status).toBe(400);
    expect(zone.body.error.code).toBe('settings.unknown_time_zone');
    const country = await as(owner).patch('/api/console/settings/brand', { country: 'JP' });
    expect(country.status).toBe(400);
    expect(country.body.error.message).toContain('country');
  });
});

describe('PATCH /api/console/settings/broadcasts', () => {
  test('when read, then the defaults are 21:00–09:00, wait, 2 in 7 days and no plan, with the plans of the brand country', async () => {
    const response = await as(marketer).get('/api/console/settings');

    expect(response.body.broadcasts).toMatchObject({
      quietHours: { start: '21:00', end: '09:00' },
      quietHoursMidSend: 'wait',
      frequencyCap: { messages: 2, days: 7 },
      linePlan: { plan: null, includedMessages: null, overagePrice: null },
    });
    expect(response.body.broadcasts.plans.map((plan: { key: string }) => plan.key)).toEqual([
      'tw_light',
      'tw_medium',
      'tw_high',
    ]);
  });

  test('when the owner changes them, then they are saved and audited with the settings before and after', async () => {
    const response = await as(owner).patch('/api/console/settings/broadcasts', {
      quietHours: { start: '22:30', end: '08:00' },
      frequencyCap: { messages: 3, days: 14 },
      linePlan: { plan: 'tw_high', includedMessages: null, overagePrice: 0.18 },
    });

    expect(response.status).toBe(200);
    expect(response.body.broadcasts).toMatchObject({
      quietHours: { start: '22:30', end: '08:00' },
      frequencyCap: { messages: 3, days: 14 },
      linePlan: { plan: 'tw_high', includedMessages: null, overagePrice: 0.18 },
    });
    const [row] = await services.database.db.select().from(brands).where(eq(brands.id, BRAND_A));
    expect(row).toMatchObject({ quietHoursStart: 22 * 60 + 30, quietHoursEnd: 8 * 60, linePlan: 'tw_high' });
    const audits = await services.database.db
      .select()
      .from(auditLog)
      .where(eq(auditLog.action, 'settings.broadcasts_updated'));
    expect(audits).toHaveLength(1);
    expect(audits[0]!.data).toMatchObject({
      by: 'owner@settings.example',
      before: { quietHours: { start: '21:00', end: '09:00' }, linePlan: { plan: null } },
      after: {
        quietHours: { start: '22:30', end: '08:00' },
        linePlan: { plan: 'tw_high', overagePrice: 0.18 },
      },
    });
    // The same settings again change nothing, and write no second row.
    await as(owner).patch('/api/console/settings/broadcasts', { frequencyCap: { messages: 3, days: 14 } });
    expect(
      await services.database.db
        .select()
        .from(auditLog)
        .where(eq(auditLog.action, 'settings.broadcasts_updated')),
    ).toHaveLength(1);
  });

  test('when a marketer tries, then 403 and nothing changes', async () => {
    const response = await as(marketer).patch('/api/console/settings/broadcasts', {
      frequencyCap: { messages: 50, days: 1 },
    });

    expect(response.status).toBe(403);
    const [row] = await services.database.db.select().from(brands).where(eq(brands.id, BRAND_A));
    expect(row).toMatchObject({ frequencyCapMessages: 3 });
  });

  test('when the values are bad, then 400 says what is wrong', async () => {
    const same = await as(owner).patch('/api/console/settings/broadcasts', {
      quietHours: { start: '21:00', end: '21:00' },
    });
    expect(same.status).toBe(400);
    expect(same.body.error.message).toContain('quiet hours must start and end at different times');
    const cap = await as(owner).patch('/api/console/settings/broadcasts', {
      frequencyCap: { messages: 51, days: 7 },
    });
    expect(cap.body.error.message).toContain('the cap is 0 to 50 messages');
    const days = await as(owner).patch('/api/console/settings/broadcasts', {
      frequencyCap: { messages: 2, days: 91 },
    });
    expect(days.body.error.message).toContain('1 to 90 days');
    const thai = await as(owner).patch('/api/console/settings/broadcasts', {
      linePlan: { plan: 'th_basic' },
    });
    expect(thai.status).toBe(400);
    expect(thai.body.error).toMatchObject({ code: 'settings.plan_of_another_country' });
  });
});

describe('LINE channels', () => {
  let channelId: string;

  test('when the owner adds a channel, then its secrets are stored but never answered', async () => {
    const response = await as(owner).post('/api/console/settings/channels', {
      lineChannelId: '1650000123',
      name: 'Tea OA',
      channelSecret: SECRET,
      channelAccessToken: TOKEN,
      liffId: '1650000124-AbCdEfGh',
    });

    expect(response.status).toBe(201);
    expectNoSecrets(response);
    expect(response.body.channel).toMatchObject({
      lineChannelId: '1650000123',
      channelSecret: '••••••••cdef',
      webhookUrl: 'https://bot.brand.example/webhook/1650000123',
      liffUrl: 'https://liff.line.me/1650000124-AbCdEfGh',
    });
    channelId = response.body.channel.id;
    const [row] = await services.database.db
      .select()
      .from(lineChannels)
      .where(eq(lineChannels.id, channelId));
    expect(row).toMatchObject({ channelSecret: SECRET, channelAccessToken: TOKEN, brandId: BRAND_A });
    const audits = await services.database.db.select().from(auditLog).where(eq(auditLog.targetId, channelId));
    expect(JSON.stringify(audits)).not.toContain(SECRET);
    expect(JSON.stringify(audits)).not.toContain(TOKEN);

    const again = await as(owner).post('/api/console/settings/channels', {
      lineChannelId: '1650000123',
      name: 'Twice',
      channelSecret: SECRET,
      channelAccessToken: TOKEN,
    });
    expect(again.status).toBe(409);
  });

  test('when LINE does not know the token, then the test reports LINE’s own error', async () => {
    const response = await as(owner).post(`/api/console/settings/channels/${channelId}/test`);

    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      ok: false,
      status: 401,
      message: expect.stringContaining('Authentication failed'),
    });
  });

  test('when the token works, then the test reports OK with the bot and remembers its user id', async () => {
    await request(line.url)
      .put('/__sim/channels/1650000123')
      .send({ channelSecret: SECRET, channelAccessToken: TOKEN });

    const response = await as(owner).post(`/api/console/settings/channels/${channelId}/test`);

    expect(response.body).toMatchObject({ ok: true, bot: { basicId: '@sim0123' } });
    const [row] = await services.database.db
      .select()
      .from(lineChannels)
      .where(eq(lineChannels.id, channelId));
    expect(row!.botUserId).toBe(response.body.bot.userId);
  });

  test('when the rich menu is set up, then LINE has it as the channel’s default', async () => {
    const response = await as(owner).post(`/api/console/settings/channels/${channelId}/rich-menu`);

    expect(response.status).toBe(200);
    expect(line.state.channels.get('1650000123')!.defaultRichMenuId).toBe(response.body.richMenuId);
  });

  test('when the token is rotated, then the new one is stored, the secret kept, and nothing answered', async () => {
    const response = await as(owner).patch(`/api/console/settings/channels/${channelId}`, {
      channelAccessToken: 'new-token-0123456789abcdefghij',
      channelSecret: '',
    });

    expect(response.status).toBe(200);
    expect(response.body.changed).toEqual(['channelAccessToken']);
    expectNoSecrets(response);
    const [row] = await services.database.db
      .select()
      .from(lineChannels)
      .where(eq(lineChannels.id, channelId));
    expect(row).toMatchObject({
      channelSecret: SECRET,
      channelAccessToken: 'new-token-0123456789abcdefghij',
    });
  });

  test('when a channel set by environment variables is edited, then 409', async () => {
    const response = await as(owner).patch('/api/console/settings/channels/chn_env', { name: 'Renamed' });
    expect(response.status).toBe(409);
    expect(response.body.error.code).toBe('settings.channel_managed_by_env');
  });

  test('when the channel is another brand’s or unknown, then 404 naming it', async () => {
    const response = await as(owner).post('/api/console/settings/channels/chn_missing/test');
    expect(response.status).toBe(404);
    expect(response.body.error.message).toContain('chn_missing');
  });
});
