import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { and, eq } from 'drizzle-orm';
import type { Express } from 'express';
import request from 'supertest';
import { buildAppModules } from '../../bot/start.js';
import { createApp } from '../../bot/create-app.js';
import type { Services } from '../../core/app/build-services.js';
import {
  consoleSessions,
  createConsoleUser,
  disableConsoleUser,
  grantConsoleMembership,
  hashSessionToken,
  resolveConsoleSession,
  signInConsoleUser,
  type ConsoleRole,
} from '../../core/console/index.js';
import { auditLog } from '../../core/db/schema.js';
import { submissions } from '../../core/submissions/index.js';
import { buildTestServices, type TestServices } from '../support/services.js';
import { HANG_GUARD_MS } from '../support/timing.js';

const PASSWORD = 'correct horse battery';
const NOW = '2025-01-08T03:00:00.000Z';

function brand(id: string, slug: string) {
  return {
    id,
    slug,
    name: slug,
    country: 'TH' as const,
    defaultLocale: 'th' as const,
    timezone: 'Asia/Bangkok',
  };
}
function campaign(id: string, brandId: string) {
  return {
    id,
    brandId,
    slug: `c-${id}`,
    name: { th: id },
    status: 'active' as const,
    timezone: 'Asia/Bangkok',
    currency: 'THB' as const,
    purchaseFrom: '2025-01-01',
    purchaseTo: '2025-01-31',
    registerFrom: new Date('2024-12-31T17:00:00Z'),
    registerTo: new Date('2025-02-07T17:00:00Z'),
    proofKinds: ['receipt' as const],
    rules: {},
    rewards: {},
  };
}
function image(id: string, brandId: string, memberId: string) {
  return {
    id,
    brandId,
    memberId,
    sha256: id,
    mimeType: 'image/png',
    width: 10,
    height: 10,
    byteSize: 100,
    storageKey: `k/${id}`,
    source: 'liff' as const,
    readingKind: 'receipt',
    confidence: 0.5,
  };
}
function inReview(id: string, brandId: string, campaignId: string, memberId: string, receiptImageId: string) {
  return {
    id,
    brandId,
    campaignId,
    memberId,
    kind: 'receipt' as const,
    channel: 'liff' as const,
    sourceRef: `req-${id}`,
    rawInput: { type: 'receipt_image', receiptImageId },
    state: 'in_review' as const,
    receiptImageId,
    createdAt: new Date(NOW),
  };
}

let services: TestServices;
let app: Express;
const deps = () => ({ db: services.database.db, clock: services.clock, generateId: services.generateId });

async function addUser(email: string, memberships: [brandId: string, role: ConsoleRole][]) {
  const { user } = await createConsoleUser(deps(), { email, name: email, password: PASSWORD });
  for (const [brandId, role] of memberships)
    await grantConsoleMembership(deps(), { userId: user.id, brandId, role });
  return user;
}

/** Signs in over HTTP and returns the `name=value` of the session cookie. */
async function signIn(email: string, password = PASSWORD) {
  const response = await request(app).post('/api/console/session').send({ email, password });
  expect(response.status).toBe(201);
  const cookie = ([] as string[]).concat(response.headers['set-cookie'] ?? [])[0] as string;
  return cookie.split(';')[0] as string;
}

let reviewerA: { id: string };
let disabledUser: { id: string };

beforeAll(async () => {
  services = await buildTestServices({
    now: NOW,
    // A real deployment: the reviewer headers must not be trusted here.
    config: { localMode: false },
    seed: {
      brands: [brand('brd_a', 'brand-a'), brand('brd_b', 'brand-b')],
      members: [
        { id: 'mbr_a', brandId: 'brd_a', lineUserId: 'U_a', locale: 'th' },
        { id: 'mbr_b', brandId: 'brd_b', lineUserId: 'U_b', locale: 'th' },
      ],
      campaigns: [campaign('cmp_a', 'brd_a'), campaign('cmp_b', 'brd_b')],
      receiptImages: [image('img_a', 'brd_a', 'mbr_a'), image('img_b', 'brd_b', 'mbr_b')],
      submissions: [
        inReview('sub_a', 'brd_a', 'cmp_a', 'mbr_a', 'img_a'),
        inReview('sub_b', 'brd_b', 'cmp_b', 'mbr_b', 'img_b'),
      ],
    },
  });
  app = createApp(services as Services, buildAppModules(services as Services));
  reviewerA = await addUser('Reviewer.A@Brand-A.example', [['brd_a', 'reviewer']]);
  await addUser('viewer@brand-a.example', [['brd_a', 'viewer']]);
  await addUser('agency@example.com', [
    ['brd_a', 'owner'],
    ['brd_b', 'reviewer'],
  ]);
  disabledUser = await addUser('gone@brand-a.example', [['brd_a', 'reviewer']]);
  await disableConsoleUser(deps(), { userId: disabledUser.id });
}, HANG_GUARD_MS);
afterAll(async () => {
  await services?.database.close();
});

describe('console users', () => {
  test('when an email is added twice (any case), then the second is refused with a clear error', async () => {
    await expect(
      createConsoleUser(deps(), { email: ' reviewer.a@brand-a.EXAMPLE ', name: 'x', password: PASSWORD }),
    ).rejects.toMatchObject({ code: 'console.email_taken', statusCode: 409 });
  });

  test('when the password is short, then the user is not created', async () => {
    await expect(
      createConsoleUser(deps(), { email: 'short@example.com', name: 'x', password: 'short' }),
    ).rejects.toMatchObject({ code: 'console.weak_password' });
  });
});

describe('POST /api/console/session', () => {
  test('when the password is right, then an HttpOnly, Strict, Secure cookie for /api/console and the brands', async () => {
    const response = await request(app)
      .post('/api/console/session')
      .send({ email: 'REVIEWER.A@brand-a.example', password: PASSWORD });

    expect(response.status).toBe(201);
    expect(response.body).toEqual({
      user: { id: reviewerA.id, email: 'reviewer.a@brand-a.example', name: 'Reviewer.A@Brand-A.example' },
      brands: [
        {
          id: 'brd_a',
          slug: 'brand-a',
          name: 'brand-a',
          country: 'TH',
          timezone: 'Asia/Bangkok',
          currency: 'THB',
          defaultLocale: 'th',
          role: 'reviewer',
          permissions: ['review.read', 'review.decide', 'campaigns.read', 'members.read'],
        },
      ],
      expiresAt: '2025-01-08T15:00:00.000Z',
    });
    const cookie = ([] as string[]).concat(response.headers['set-cookie'] ?? [])[0] as string;
    const [pair, ...attributes] = cookie.split(';').map((part) => part.trim());
    const token = pair!.replace(/^proofline_console=/, '');
    expect(Buffer.from(token, 'base64url')).toHaveLength(32);
    expect(attributes).toEqual(
      expect.arrayContaining(['Path=/api/console', 'HttpOnly', 'Secure', 'SameSite=Strict']),
    );
    // A lifetime (12 h), so a browser with a wrong clock keeps it as long as the server keeps the session.
    expect(attributes).toContain('Max-Age=43200');
    // The database keeps only the token's hash.
    const [session] = await services.database.db
      .select()
      .from(consoleSessions)
      .where(eq(consoleSessions.tokenHash, hashSessionToken(token)));
    expect(session?.userId).toBe(reviewerA.id);
    expect(JSON.stringify(await services.database.db.select().from(consoleSessions))).not.toContain(token);
    const audits = await services.database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'console.sign_in'), eq(auditLog.targetId, session!.id)));
    expect(audits).toHaveLength(1);
    expect(audits[0]).toMatchObject({ actorType: 'console_user', actorId: reviewerA.id });
  });

  test('when the password is wrong or the email unknown, then the same 401, and both are audited', async () => {
    const wrongPassword = await request(app)
      .post('/api/console/session')
      .send({ email: 'reviewer.a@brand-a.example', password: 'not the password' });
    const unknownEmail = await request(app)
      .post('/api/console/session')
      .send({ email: 'nobody@brand-a.example', password: PASSWORD });

    expect(wrongPassword.status).toBe(401);
    expect(unknownEmail.status).toBe(401);
    expect(wrongPassword.body).toEqual(unknownEmail.body);
    expect(wrongPassword.body.error.code).toBe('console.invalid_credentials');
    expect(wrongPassword.headers['set-cookie']).toBeUndefined();
    const failed = await services.database.db
      .select()
      .from(auditLog)
      .where(eq(auditLog.action, 'console.sign_in_failed'));
    expect(failed.map((row) => row.data)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ email: 'reviewer.a@brand-a.example', reason: 'wrong_password' }),
        expect.objectContaining({ email: 'nobody@brand-a.example', reason: 'unknown_email' }),
      ]),
    );
  });

  test('when the account is disabled, then it is refused even with the right password', async () => {
    const response = await request(app)
      .post('/api/console/session')
      .send({ email: 'gone@brand-a.example', password: PASSWORD });
    const wrong = await request(app)
      .post('/api/console/session')
      .send({ email: 'gone@brand-a.example', password: 'not the password' });

    expect(response.status).toBe(403);
    expect(response.body.error.code).toBe('console.user_disabled');
    expect(response.headers['set-cookie']).toBeUndefined();
    // Without the password, a disabled account looks like any other wrong guess.
    expect(wrong.body.error.code).toBe('console.invalid_credentials');
  });

  test('when the body is a form (a cross-site form post), then 415 and no session', async () => {
    const response = await request(app)
      .post('/api/console/session')
      .type('form')
      .send({ email: 'reviewer.a@brand-a.example', password: PASSWORD });

    expect(response.status).toBe(415);
    expect(response.body.error.code).toBe('request.json_required');
    expect(response.headers['set-cookie']).toBeUndefined();
  });

  test('when the body is not email + password, then 400', async () => {
    const response = await request(app).post('/api/console/session').send({ email: 'a@b.c' });

    expect(response.status).toBe(400);
  });

  test('when an account had 5 failed sign-ins within 15 minutes, then even the right password gets 429 until the window passes', async () => {
    await addUser('guessed@brand-a.example', [['brd_a', 'reviewer']]);
    const attempt = (email: string, password: string) =>
      request(app).post('/api/console/session').send({ email, password });

    for (let i = 0; i < 5; i++)
      expect((await attempt('guessed@brand-a.example', `guess ${i}`)).status).toBe(401);
    const throttled = await attempt('guessed@brand-a.example', PASSWORD);
    // Other accounts are not affected, and unknown emails are throttled alike (no account oracle).
    const other = await attempt('reviewer.a@brand-a.example', PASSWORD);
    for (let i = 0; i < 5; i++) await attempt('ghost@brand-a.example', `guess ${i}`);
    const ghost = await attempt('ghost@brand-a.example', 'another guess');
    services.clock.advanceBy(15 * 60_000 + 1_000);
    const later = await attempt('guessed@brand-a.example', PASSWORD);
    services.clock.set(NOW);

    expect(throttled.status).toBe(429);
    expect(throttled.body.error.code).toBe('console.too_many_sign_ins');
    expect(throttled.headers['set-cookie']).toBeUndefined();
    expect(other.status).toBe(201);
    expect(ghost.status).toBe(429);
    expect(later.status).toBe(201);
  });
});

describe('GET /api/console/me and session expiry', () => {
  test('when signed in, then me answers until the session expires (12 h), then 401', async () => {
    const cookie = await signIn('reviewer.a@brand-a.example');

    const fresh = await request(app).get('/api/console/me').set('Cookie', cookie);
    services.clock.advanceBy(12 * 3_600_000 - 1_000);
    const late = await request(app).get('/api/console/me').set('Cookie', cookie);
    services.clock.advanceBy(1_000);
    const expired = await request(app).get('/api/console/me').set('Cookie', cookie);
    const queue = await request(app).get('/api/console/review/queue').set('Cookie', cookie);
    services.clock.set(NOW);

    expect(fresh.status).toBe(200);
    expect(fresh.body.user.id).toBe(reviewerA.id);
    expect(late.status).toBe(200);
    expect(expired.status).toBe(401);
    expect(queue.status).toBe(401);
  });

  test('when the account is disabled while signed in, then its session stops working at once', async () => {
    const { user } = await createConsoleUser(deps(), {
      email: 'leaver@brand-a.example',
      name: 'Leaver',
      password: PASSWORD,
    });
    await grantConsoleMembership(deps(), { userId: user.id, brandId: 'brd_a', role: 'reviewer' });
    const cookie = await signIn('leaver@brand-a.example');

    const before = await request(app).get('/api/console/review/queue').set('Cookie', cookie);
    await disableConsoleUser(deps(), { userId: user.id });
    const after = await request(app).get('/api/console/review/queue').set('Cookie', cookie);

    expect(before.status).toBe(200);
    expect(after.status).toBe(401);
  });

  test('when a user signs in again, then their expired sessions are deleted', async () => {
    const first = await signInConsoleUser(deps(), {
      email: 'viewer@brand-a.example',
      password: PASSWORD,
      sessionHours: 1,
    });
    services.clock.advanceHours(2);
    const second = await signInConsoleUser(deps(), {
      email: 'viewer@brand-a.example',
      password: PASSWORD,
      sessionHours: 1,
    });
    services.clock.set(NOW);

    const rows = await services.database.db
      .select({ id: consoleSessions.id })
      .from(consoleSessions)
      .where(eq(consoleSessions.userId, first.user.id));
    expect(rows.map((row) => row.id)).toContain(second.session.id);
    expect(rows.map((row) => row.id)).not.toContain(first.session.id);
  });

  test('when the cookie is missing or made up, then 401', async () => {
    const none = await request(app).get('/api/console/me');
    const madeUp = await request(app).get('/api/console/me').set('Cookie', 'proofline_console=abc');

    expect(none.status).toBe(401);
    expect(madeUp.status).toBe(401);
  });

  test('when CONSOLE_SESSION_HOURS is shorter, then the session ends sooner', async () => {
    const { token } = await signInConsoleUser(deps(), {
      email: 'reviewer.a@brand-a.example',
      password: PASSWORD,
      sessionHours: 1,
    });
    services.clock.advanceHours(1);
    const resolved = await resolveConsoleSession(deps(), { token });
    services.clock.set(NOW);

    expect(resolved).toBeUndefined();
  });
});

describe('DELETE /api/console/session', () => {
  test('when signing out, then the cookie is cleared, the session row is gone and the cookie no longer works', async () => {
    const cookie = await signIn('reviewer.a@brand-a.example');
    const token = cookie.replace(/^proofline_console=/, '');

    const response = await request(app)
      .delete('/api/console/session')
      .set('Cookie', cookie)
      .set('content-type', 'application/json');
    const me = await request(app).get('/api/console/me').set('Cookie', cookie);

    expect(response.status).toBe(204);
    const cleared = ([] as string[]).concat(response.headers['set-cookie'] ?? [])[0] as string;
    expect(cleared).toMatch(/^proofline_console=;/);
    expect(cleared).toContain('Expires=Thu, 01 Jan 1970');
    expect(cleared).toContain('Path=/api/console');
    expect(me.status).toBe(401);
    const rows = await services.database.db
      .select()
      .from(consoleSessions)
      .where(eq(consoleSessions.tokenHash, hashSessionToken(token)));
    expect(rows).toHaveLength(0);
    const audits = await services.database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'console.sign_out'), eq(auditLog.actorId, reviewerA.id)));
    expect(audits).toHaveLength(1);
  });

  test('when DELETE is not JSON, then 415 and the session stays', async () => {
    const cookie = await signIn('reviewer.a@brand-a.example');

    const response = await request(app).delete('/api/console/session').set('Cookie', cookie);
    const me = await request(app).get('/api/console/me').set('Cookie', cookie);

    expect(response.status).toBe(415);
    expect(me.status).toBe(200);
  });
});

describe('the review API with a console session (not local mode)', () => {
  test("when a reviewer of brand A asks for the queue, then brand A's queue, nothing of brand B", async () => {
    const cookie = await signIn('reviewer.a@brand-a.example');

    const response = await request(app).get('/api/console/review/queue').set('Cookie', cookie);

    expect(response.status).toBe(200);
    expect(response.body.items.map((item: { submissionId: string }) => item.submissionId)).toEqual(['sub_a']);
  });

  test("when a user of brand A asks for brand B's queue or item, then 403 / 404", async () => {
    const cookie = await signIn('reviewer.a@brand-a.example');

    const queue = await request(app)
      .get('/api/console/review/queue')
      .set('Cookie', cookie)
      .set('x-proofline-brand', 'brd_b');
    const item = await request(app).get('/api/console/review/items/sub_b').set('Cookie', cookie);

    expect(queue.status).toBe(403);
    expect(queue.body.error.message).toContain('not a member of brand "brd_b"');
    expect(item.status).toBe(404);
  });

  test('when only the reviewer headers are sent (no session), then 401: headers are trusted in local mode only', async () => {
    const response = await request(app)
      .get('/api/console/review/queue')
      .set('x-proofline-reviewer', reviewerA.id)
      .set('x-proofline-brand', 'brd_a');

    expect(response.status).toBe(401);
  });

  test('when a viewer asks for the queue, then 403 naming the role', async () => {
    const cookie = await signIn('viewer@brand-a.example');

    const response = await request(app).get('/api/console/review/queue').set('Cookie', cookie);

    expect(response.status).toBe(403);
    expect(response.body.error.message).toContain('(viewer) does not allow this (review.read)');
  });

  test('when a user of two brands names none, then 403; with the header (id or slug), then that brand', async () => {
    const cookie = await signIn('agency@example.com');

    const unnamed = await request(app).get('/api/console/review/queue').set('Cookie', cookie);
    const bySlug = await request(app)
      .get('/api/console/review/queue')
      .set('Cookie', cookie)
      .set('x-proofline-brand', 'brand-b');
    const byId = await request(app)
      .get('/api/console/review/queue')
      .set('Cookie', cookie)
      .set('x-proofline-brand', 'brd_a');

    expect(unnamed.status).toBe(403);
    expect(unnamed.body.error.message).toContain('x-proofline-brand');
    expect(bySlug.body.items.map((item: { submissionId: string }) => item.submissionId)).toEqual(['sub_b']);
    expect(byId.body.items.map((item: { submissionId: string }) => item.submissionId)).toEqual(['sub_a']);
  });

  test('when an approve is posted as a form or text (CSRF), then 415 and the proof stays in review', async () => {
    const cookie = await signIn('reviewer.a@brand-a.example');

    const form = await request(app)
      .post('/api/console/review/items/sub_a/approve')
      .set('Cookie', cookie)
      .type('form')
      .send('fields=');
    const text = await request(app)
      .post('/api/console/review/items/sub_a/reject')
      .set('Cookie', cookie)
      .set('content-type', 'text/plain')
      .send('{"reasonCode":"duplicate"}');

    expect(form.status).toBe(415);
    expect(text.status).toBe(415);
    const [row] = await services.database.db.select().from(submissions).where(eq(submissions.id, 'sub_a'));
    expect(row?.state).toBe('in_review');
  });
});
