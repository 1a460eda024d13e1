import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import ExcelJS from 'exceljs';
import type { Express } from 'express';
import request from 'supertest';
import type { Services } from '../../core/app/build-services.js';
import { runExportJobs } from '../../core/analytics/index.js';
import { buildMemoryBlobStore } from '../../core/blobs/index.js';
import { createConsoleUser, grantConsoleMembership } from '../../core/console/index.js';
import { createApp } from '../../bot/create-app.js';
import { buildAppModules } from '../../bot/start.js';
import { buildTestServices, type TestServices } from '../support/services.js';
import { analyticsSeed, BRAND, CAMPAIGN } from './fixture.js';
import { HANG_GUARD_MS } from '../support/timing.js';

let services: TestServices;
let app: Express;
const owner = { 'x-proofline-reviewer': 'owner-1', 'x-proofline-brand': 'an' };
let marketer: Record<string, string>;
const PASSWORD = 'correct horse battery';

/** The fixture, with contact data (one hostile), a survey with answers and a draw with winners. */
function seed() {
  const base = analyticsSeed();
  return {
    ...base,
    members: base.members!.map((m) =>
      m.id === 'm1'
        ? { ...m, name: '=HYPERLINK("http://evil")', phone: '0912345678', email: 'm1@example.com' }
        : { ...m, name: `Name ${m.id}`, phone: `09000000${m.id.slice(1)}` },
    ),
    surveys: [
      {
        id: 'sv1',
        brandId: BRAND,
        campaignId: CAMPAIGN,
        title: { en: 'Survey' },
        questions: [],
      },
    ],
    surveyAnswers: [
      {
        id: 'sa1',
        brandId: BRAND,
        surveyId: 'sv1',
        memberId: 'm1',
        submissionId: 's1',
        answerScope: 's1',
        answers: { age: '20-29', flavours: ['tea', 'milk'], comment: '@SUM(A1)' },
        createdAt: new Date('2024-11-04T05:00:00Z'),
      },
      {
        id: 'sa2',
        brandId: BRAND,
        surveyId: 'sv1',
        memberId: 'm2',
        submissionId: 's2',
        answerScope: 's2',
        answers: { age: '30-39', score: 4 },
        createdAt: new Date('2024-11-04T06:00:00Z'),
      },
    ],
    lotteryEntries: [
      {
        id: 'le1',
        brandId: BRAND,
        campaignId: CAMPAIGN,
        memberId: 'm1',
        submissionId: 's1',
        weight: 1,
        earnedAt: new Date('2024-11-04T03:00:00Z'),
      },
      {
        id: 'le2',
        brandId: BRAND,
        campaignId: CAMPAIGN,
        memberId: 'm2',
        submissionId: 's2',
        weight: 1,
        earnedAt: new Date('2024-11-04T04:00:00Z'),
      },
    ],
    draws: [
      {
        id: 'dr1',
        brandId: BRAND,
        campaignId: CAMPAIGN,
        name: { en: 'Weekly' },
        periodFrom: new Date('2024-10-31T16:00:00Z'),
        periodTo: new Date('2024-11-10T16:00:00Z'),
        prizes: [],
        seedHash: 'h',
        seed: 's',
        algorithmVersion: 'v1',
        status: 'drawn' as const,
      },
    ],
    drawWinners: [
      { id: 'dw1', brandId: BRAND, drawId: 'dr1', memberId: 'm1', entryId: 'le1', prizeKey: 'cup', rank: 1 },
      {
        id: 'dw2',
        brandId: BRAND,
        drawId: 'dr1',
        memberId: 'm2',
        entryId: 'le2',
        prizeKey: 'cup',
        rank: 2,
        isReserve: true,
        taxInfo: { nationalId: 'A123456789' },
      },
    ],
  };
}

beforeAll(async () => {
  services = await buildTestServices({ seed: seed() as never, now: '2024-12-01T00:00:00Z' });
  services.blobStore = buildMemoryBlobStore();
  app = createApp(services as Services, buildAppModules(services as Services));
  const deps = { db: services.database.db, clock: services.clock, generateId: services.generateId };
  const { user } = await createConsoleUser(deps, { email: 'mk@an.example', name: 'mk', password: PASSWORD });
  await grantConsoleMembership(deps, { userId: user.id, brandId: BRAND, role: 'marketer' });
  const session = await request(app)
    .post('/api/console/session')
    .send({ email: 'mk@an.example', password: PASSWORD });
  expect(session.status).toBe(201);
  const cookie = ([] as string[]).concat(session.headers['set-cookie'] ?? [])[0]!.split(';')[0]!;
  marketer = { cookie, 'x-proofline-brand': 'an' };
}, HANG_GUARD_MS);
afterAll(async () => {
  await services?.database.close();
});

/** Requests an export as `who`, runs the worker, and downloads the file. */
async function exported(who: Record<string, string>, body: Record<string, unknown>) {
  const queued = await request(app).post('/api/console/analytics/exports').set(who).send(body);
  expect(queued.status).toBe(202);
  const result = await runExportJobs({
    db: services.database.db,
    blobStore: services.blobStore!,
    clock: services.clock,
  });
  expect(result).toMatchObject({ ran: 1, failed: 0 });
  const job = await request(app).get(`/api/console/analytics/exports/${queued.body.job.id}`).set(who);
  expect(job.body.job).toMatchObject({ state: 'done', kind: body.kind });
  const file = await request(app)
    .get(job.body.job.downloadUrl)
    .buffer(true)
    .parse((res, done) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => done(null, Buffer.concat(chunks)));
    });
  expect(file.status).toBe(200);
  expect(job.body.job.rowsDone).toBe(job.body.job.rowsTotal);
  return { body: file.body as Buffer, headers: file.headers, rowsDone: job.body.job.rowsDone as number };
}

/** CSV text → rows of cells (csv-stringify quotes only what needs it; no newlines in these cells). */
function csvRows(buffer: Buffer): string[][] {
  return buffer
    .toString('utf8')
    .trim()
    .split('\n')
    .map((line) =>
      [...line.matchAll(/("(?:[^"]|"")*"|[^,]*)(,|$)/gu)]
        .filter((m, i, all) => i < all.length - 1 || m[0] !== '')
        .map((m) => (m[1]!.startsWith('"') ? m[1]!.slice(1, -1).replaceAll('""', '"') : m[1]!)),
    );
}

describe('exports of submissions, members, survey answers and winners', () => {
  test('when submissions are exported, then every proof of the filter is a row with its state, reason and invoice', async () => {
    const { body, headers } = await exported(owner, { kind: 'submissions', format: 'csv', to: '2024-11-12' });
    expect(headers['content-disposition']).toMatch(/filename="submissions-.*\.csv"/u);
    const [header, ...rows] = csvRows(body);
    expect(header).toEqual([
      'submission_id',
      'received_at',
      'campaign_id',
      'member_id',
      'kind',
      'channel',
      'state',
      'reason',
      'invoice_number',
      'invoice_date',
      'amount',
      'currency',
      'decided_at',
      'reviewed_by',
    ]);
    // s1–s4 were received 2024-11-04 and 11-12 (Taipei); s5–s8 on 11-20 fall outside the filter.
    expect(rows.map((r) => [r[0], r[1], r[6], r[10]])).toEqual([
      ['s1', '2024-11-04 11:00:00', 'rewarded', '1'],
      ['s2', '2024-11-04 12:00:00', 'rewarded', '0.8'],
      ['s3', '2024-11-12 12:00:00', 'accepted', '0.6'],
      ['s4', '2024-11-12 13:00:00', 'accepted', '0.5'],
    ]);
    const all = csvRows((await exported(owner, { kind: 'submissions', format: 'csv' })).body).slice(1);
    expect(all.find((r) => r[0] === 's7')?.[7]).toBe('verification.not_uploaded');
    expect(all).toHaveLength(8);
  });

  test('when members are exported, then an owner gets their contact data neutralised and a marketer none of it', async () => {
    const ownerRows = csvRows((await exported(owner, { kind: 'members', format: 'csv' })).body);
    expect(ownerRows[0]).toEqual([
      'member_id',
      'locale',
      'gender',
      'region',
      'following',
      'registered_at',
      'linked',
      'points_balance',
      'accepted_proofs',
      'erased',
      'name',
      'display_name',
      'phone',
      'email',
      'birthday',
      'member_no',
    ]);
    const m1 = ownerRows.find((r) => r[0] === 'm1')!;
    // m1: 80 points, accepted s1 and s3 (s1 rewarded).
    expect([m1[7], m1[8], m1[10], m1[12], m1[13]]).toEqual([
      '80',
      '2',
      `'=HYPERLINK("http://evil")`,
      '0912345678',
      'm1@example.com',
    ]);
    const { body } = await exported(marketer, { kind: 'members', format: 'csv' });
    const marketerRows = csvRows(body);
    expect(marketerRows[0]).toEqual(ownerRows[0]!.slice(0, 10));
    expect(marketerRows.map((r) => r.slice(0, 10))).toEqual(ownerRows.map((r) => r.slice(0, 10)));
    expect(body.toString('utf8')).not.toMatch(/0912345678|m1@example|HYPERLINK/u);
  });

  test('when survey answers are exported as XLSX, then each answered question is a row, choices joined and formulas neutralised', async () => {
    const { body } = await exported(owner, { kind: 'survey_answers', format: 'xlsx' });
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(body as unknown as ArrayBuffer);
    const sheet = workbook.getWorksheet('survey_answers')!;
    const rows: unknown[][] = [];
    sheet.eachRow((row) => rows.push((row.values as unknown[]).slice(1)));
    expect(rows[0]).toEqual([
      'answer_id',
      'answered_at',
      'campaign_id',
      'survey_id',
      'member_id',
      'submission_id',
      'question',
      'answer',
    ]);
    expect(rows.slice(1).map((r) => [r[0], r[6], r[7]])).toEqual([
      ['sa1', 'age', '20-29'],
      ['sa1', 'comment', `'@SUM(A1)`],
      ['sa1', 'flavours', 'tea; milk'],
      ['sa2', 'age', '30-39'],
      ['sa2', 'score', '4'],
    ]);
  });

  test('when winners are exported, then prize, reserve and status are there, contact only for an owner, never the tax data', async () => {
    const ownerCsv = (await exported(owner, { kind: 'winners', format: 'csv' })).body.toString('utf8');
    const [header, ...rows] = csvRows(Buffer.from(ownerCsv));
    expect(header).toEqual([
      'draw_id',
      'campaign_id',
      'draw_period_end',
      'rank',
      'prize',
      'reserve',
      'status',
      'member_id',
      'notified_at',
      'forfeit_reason',
      'name',
      'phone',
    ]);
    expect(rows.map((r) => [r[0], r[2], r[3], r[5], r[7], r[11]])).toEqual([
      ['dr1', '2024-11-11 00:00:00', '1', 'no', 'm1', '0912345678'],
      ['dr1', '2024-11-11 00:00:00', '2', 'yes', 'm2', '090000002'],
    ]);
    expect(ownerCsv).not.toContain('A123456789');
    const marketerCsv = (await exported(marketer, { kind: 'winners', format: 'csv' })).body.toString('utf8');
    expect(csvRows(Buffer.from(marketerCsv))[0]).toEqual(header!.slice(0, 10));
    expect(marketerCsv).not.toMatch(/0912345678|A123456789/u);
  });

  test('when an unknown kind is asked for, then 400 naming the field and no job', async () => {
    const response = await request(app)
      .post('/api/console/analytics/exports')
      .set(owner)
      .send({ kind: 'passwords', format: 'csv' });
    expect(response.status).toBe(400);
    expect(JSON.stringify(response.body)).toContain('kind');
    const result = await runExportJobs({
      db: services.database.db,
      blobStore: services.blobStore!,
      clock: services.clock,
    });
    expect(result.ran).toBe(0);
  });
});
