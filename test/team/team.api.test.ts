import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { and, eq } from 'drizzle-orm';
import type { Express } from 'express';
import request from 'supertest';
import { createApp } from '../../bot/create-app.js';
import { buildAppModules } from '../../bot/start.js';
import type { Services } from '../../core/app/build-services.js';
import { auditLog } from '../../core/audit/index.js';
import {
  consoleMemberships,
  createConsoleUser,
  grantConsoleMembership,
  type ConsoleRole,
} from '../../core/console/index.js';
import { consoleInvitations, INVITATION_TTL_MS } from '../../core/team/index.js';
import { buildTestServices, type TestServices } from '../support/services.js';
import { HANG_GUARD_MS } from '../support/timing.js';

const PASSWORD = 'correct horse battery';
const BRAND_A = 'brd_team_a';
const BRAND_B = 'brd_team_b';

let services: TestServices;
let app: Express;

function brand(id: string, slug: string) {
  return {
    id,
    slug,
    name: `Brand ${slug}`,
    country: 'TW' as const,
    defaultLocale: 'zh-TW' as const,
    timezone: 'Asia/Taipei',
  };
}

async function addUser(email: string, memberships: [string, ConsoleRole][]) {
  const deps = { db: services.database.db, clock: services.clock, generateId: services.generateId };
  const { user } = await createConsoleUser(deps, { email, name: email.split('@')[0]!, password: PASSWORD });
  for (const [brandId, role] of memberships)
    await grantConsoleMembership(deps, { userId: user.id, brandId, role });
  return user.id;
}

async function signIn(email: string, password = PASSWORD) {
  const response = await request(app).post('/api/console/session').send({ email, password });
  expect(response.status).toBe(201);
  return cookieOf(response);
}

function cookieOf(response: request.Response): string {
  const cookie = ([] as string[]).concat(response.headers['set-cookie'] ?? [])[0] as string;
  return cookie.split(';')[0] as string;
}

const as = (cookie: string) => ({
  get: (path: string) => request(app).get(path).set('cookie', cookie).set('x-proofline-brand', 'team-a'),
  post: (path: string, body: unknown) =>
    request(app)
      .post(path)
      .set('cookie', cookie)
      .set('x-proofline-brand', 'team-a')
      .send(body as object),
  patch: (path: string, body: unknown) =>
    request(app)
      .patch(path)
      .set('cookie', cookie)
      .set('x-proofline-brand', 'team-a')
      .send(body as object),
  delete: (path: string) =>
    request(app)
      .delete(path)
      .set('cookie', cookie)
      .set('x-proofline-brand', 'team-a')
      .set('content-type', 'application/json'),
});

function tokenOf(link: string): string {
  return link.slice(link.indexOf('#') + 1);
}

let ownerCookie: string;
let ownerId: string;

beforeAll(async () => {
  services = await buildTestServices({
    config: { localMode: false, server: { publicBaseUrl: 'https://console.brand.example' } },
    seed: { brands: [brand(BRAND_A, 'team-a'), brand(BRAND_B, 'team-b')] },
    now: '2026-03-02T02:00:00.000Z',
  });
  app = createApp(services as Services, buildAppModules(services as Services));
  ownerId = await addUser('owner@team-a.example', [[BRAND_A, 'owner']]);
  ownerCookie = await signIn('owner@team-a.example');
}, HANG_GUARD_MS);
afterAll(async () => {
  await services?.database.close();
});

describe('GET /api/console/team', () => {
  test('when the owner asks, then people come with role, status and last sign-in, never a password hash', async () => {
    const response = await as(ownerCookie).get('/api/console/team');

    expect(response.status).toBe(200);
    const owner = response.body.members.find((m: { email: string }) => m.email === 'owner@team-a.example');
    expect(owner).toMatchObject({ userId: ownerId, role: 'owner', status: 'active' });
    expect(owner.lastSignInAt).toBe('2026-03-02T02:00:00.000Z');
    expect(JSON.stringify(response.body)).not.toMatch(/scrypt|passwordHash|tokenHash/);
  });
});

describe('POST /api/console/team/invitations and the one-time link', () => {
  test('when an owner invites a new reviewer, then a link is shown once and only its hash is stored', async () => {
    const response = await as(ownerCookie).post('/api/console/team/invitations', {
      email: 'Rita@Team-A.example',
      role: 'reviewer',
    });

    expect(response.status).toBe(201);
    expect(response.body.outcome).toBe('invited');
    expect(response.body.link).toMatch(/^https:\/\/console\.brand\.example\/console\/invite#[\w-]{40,}$/);
    const token = tokenOf(response.body.link);
    const [row] = await services.database.db
      .select()
      .from(consoleInvitations)
      .where(eq(consoleInvitations.id, response.body.invitation.id));
    expect(row).toMatchObject({ email: 'rita@team-a.example', role: 'reviewer', brandId: BRAND_A });
    expect(row!.tokenHash).not.toContain(token);
    expect(row!.expiresAt.getTime() - row!.createdAt.getTime()).toBe(INVITATION_TTL_MS);
    const audits = await services.database.db
      .select()
      .from(auditLog)
      .where(eq(auditLog.action, 'team.invited'));
    expect(audits).toHaveLength(1);
    expect(JSON.stringify(audits[0])).not.toContain(token);

    const list = await as(ownerCookie).get('/api/console/team');
    expect(list.body.invitations).toEqual([
      expect.objectContaining({ email: 'rita@team-a.example', role: 'reviewer', state: 'pending' }),
    ]);
  });

  test('when the link is used, then the person is signed in with the role; used again, then 410', async () => {
    const invite = await as(ownerCookie).post('/api/console/team/invitations', {
      email: 'rick@team-a.example',
      role: 'reviewer',
    });
    const token = tokenOf(invite.body.link);

    const lookup = await request(app).post('/api/console/invitations/lookup').send({ token });
    expect(lookup.status).toBe(200);
    expect(lookup.body).toMatchObject({
      email: 'rick@team-a.example',
      role: 'reviewer',
      brand: { name: 'Brand team-a' },
    });

    const accepted = await request(app)
      .post('/api/console/invitations/accept')
      .send({ token, name: 'Rick', password: 'rick-password-1' });
    expect(accepted.status).toBe(201);
    expect(accepted.body.brands).toEqual([expect.objectContaining({ slug: 'team-a', role: 'reviewer' })]);
    const me = await request(app).get('/api/console/me').set('cookie', cookieOf(accepted));
    expect(me.status).toBe(200);
    expect(me.body.user.email).toBe('rick@team-a.example');
    // The password set through the link signs in later.
    await signIn('rick@team-a.example', 'rick-password-1');

    const again = await request(app)
      .post('/api/console/invitations/accept')
      .send({ token, name: 'Mallory', password: 'mallory-password' });
    expect(again.status).toBe(410);
    expect(again.body.error.code).toBe('team.invitation_used');
    const lookupAgain = await request(app).post('/api/console/invitations/lookup').send({ token });
    expect(lookupAgain.status).toBe(410);
  });

  test('when the link is older than 7 days, then it is refused and creates nobody', async () => {
    const invite = await as(ownerCookie).post('/api/console/team/invitations', {
      email: 'late@team-a.example',
      role: 'viewer',
    });
    services.clock.advanceBy(INVITATION_TTL_MS + 1);
    try {
      const response = await request(app)
        .post('/api/console/invitations/accept')
        .send({ token: tokenOf(invite.body.link), name: 'Late', password: 'late-password' });

      expect(response.status).toBe(410);
      expect(response.body.error.code).toBe('team.invitation_expired');
      const signIn = await request(app)
        .post('/api/console/session')
        .send({ email: 'late@team-a.example', password: 'late-password' });
      expect(signIn.status).toBe(401);
    } finally {
      services.clock.advanceBy(-(INVITATION_TTL_MS + 1));
    }
  });

  test('when an unknown token or a short password is sent, then 404 / 400 and nothing changes', async () => {
    const unknown = await request(app)
      .post('/api/console/invitations/accept')
      .send({ token: 'x'.repeat(43), name: 'Nobody', password: 'nobody-password' });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('team.invitation_not_found');

    const invite = await as(ownerCookie).post('/api/console/team/invitations', {
      email: 'weak@team-a.example',
      role: 'viewer',
    });
    const weak = await request(app)
      .post('/api/console/invitations/accept')
      .send({ token: tokenOf(invite.body.link), name: 'Weak', password: 'short' });
    expect(weak.status).toBe(400);
    expect(weak.body.error.code).toBe('console.weak_password');
  });

  test('when a newer invitation replaces one, then the old link is refused', async () => {
    const first = await as(ownerCookie).post('/api/console/team/invitations', {
      email: 'twice@team-a.example',
      role: 'viewer',
    });
    const second = await as(ownerCookie).post('/api/console/team/invitations', {
      email: 'twice@team-a.example',
      role: 'marketer',
    });

    const old = await request(app)
      .post('/api/console/invitations/accept')
      .send({ token: tokenOf(first.body.link), name: 'Twice', password: 'twice-password' });
    expect(old.status).toBe(410);
    expect(old.body.error.code).toBe('team.invitation_revoked');
    const current = await request(app)
      .post('/api/console/invitations/accept')
      .send({ token: tokenOf(second.body.link), name: 'Twice', password: 'twice-password' });
    expect(current.status).toBe(201);
    expect(current.body.brands[0].role).toBe('marketer');
  });

  test('when the owner withdraws an invitation, then its link is refused', async () => {
    const invite = await as(ownerCookie).post('/api/console/team/invitations', {
      email: 'gone@team-a.example',
      role: 'viewer',
    });
    const revoked = await as(ownerCookie).delete(
      `/api/console/team/invitations/${invite.body.invitation.id}`,
    );
    expect(revoked.status).toBe(200);
    expect(revoked.body).toEqual({ revoked: true });

    const response = await request(app)
      .post('/api/console/invitations/accept')
      .send({ token: tokenOf(invite.body.link), name: 'Gone', password: 'gone-password' });
    expect(response.status).toBe(410);
  });

  test('when the email already has an account (another brand), then it is added at once, no link', async () => {
    await addUser('agency@brand-b.example', [[BRAND_B, 'owner']]);

    const response = await as(ownerCookie).post('/api/console/team/invitations', {
      email: 'agency@brand-b.example',
      role: 'marketer',
    });

    expect(response.status).toBe(201);
    expect(response.body.outcome).toBe('added');
    expect(response.body.link).toBeUndefined();
    const again = await as(ownerCookie).post('/api/console/team/invitations', {
      email: 'agency@brand-b.example',
      role: 'viewer',
    });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('team.already_member');
  });

  test('when the body is bad, then 400 naming the field', async () => {
    const response = await as(ownerCookie).post('/api/console/team/invitations', {
      email: 'not-an-email',
      role: 'boss',
    });

    expect(response.status).toBe(400);
    expect(response.body.error.details.issues.map((i: { path: string }) => i.path)).toEqual([
      'email',
      'role',
    ]);
  });
});

describe('PATCH /api/console/team/users/:userId', () => {
  test('when the owner disables a signed-in reviewer, then their next request is 401 and sign-in is refused', async () => {
    const userId = await addUser('dora@team-a.example', [[BRAND_A, 'reviewer']]);
    const doraCookie = await signIn('dora@team-a.example');
    const secondCookie = await signIn('dora@team-a.example');
    expect((await as(doraCookie).get('/api/console/review/queue')).status).toBe(200);

    const response = await as(ownerCookie).patch(`/api/console/team/users/${userId}`, { disabled: true });

    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ member: { status: 'disabled' }, sessionsEnded: 2 });
    expect((await as(doraCookie).get('/api/console/review/queue')).status).toBe(401);
    expect((await as(secondCookie).get('/api/console/me')).status).toBe(401);
    const again = await request(app)
      .post('/api/console/session')
      .send({ email: 'dora@team-a.example', password: PASSWORD });
    expect(again.status).toBe(403);
    expect(again.body.error.code).toBe('console.user_disabled');
    const [audit] = await services.database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'team.member_disabled'), eq(auditLog.targetId, userId)));
    expect(audit).toMatchObject({ brandId: BRAND_A, actorId: ownerId, data: { sessionsEnded: 2 } });

    const enabled = await as(ownerCookie).patch(`/api/console/team/users/${userId}`, { disabled: false });
    expect(enabled.body.member.status).toBe('active');
    await signIn('dora@team-a.example');
  });

  test('when a person of two brands is disabled on one, then they still work on the other', async () => {
    const userId = await addUser('multi@team-a.example', [
      [BRAND_A, 'marketer'],
      [BRAND_B, 'viewer'],
    ]);

    await as(ownerCookie).patch(`/api/console/team/users/${userId}`, { disabled: true });

    const response = await request(app)
      .post('/api/console/session')
      .send({ email: 'multi@team-a.example', password: PASSWORD });
    expect(response.status).toBe(201);
    expect(response.body.brands.map((b: { slug: string }) => b.slug)).toEqual(['team-b']);
    const onA = await request(app)
      .get('/api/console/campaigns')
      .set('cookie', cookieOf(response))
      .set('x-proofline-brand', 'team-a');
    expect(onA.status).toBe(403);
  });

  test('when the owner changes a role, then it is audited with from and to', async () => {
    const userId = await addUser('mia@team-a.example', [[BRAND_A, 'viewer']]);

    const response = await as(ownerCookie).patch(`/api/console/team/users/${userId}`, { role: 'marketer' });

    expect(response.status).toBe(200);
    const [membership] = await services.database.db
      .select()
      .from(consoleMemberships)
      .where(and(eq(consoleMemberships.userId, userId), eq(consoleMemberships.brandId, BRAND_A)));
    expect(membership!.role).toBe('marketer');
    const [audit] = await services.database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'team.role_changed'), eq(auditLog.targetId, userId)));
    expect(audit!.data).toMatchObject({ from: 'viewer', to: 'marketer' });
  });

  test('when the last owner would be demoted or disabled, then 409 and nothing changes', async () => {
    const demote = await as(ownerCookie).patch(`/api/console/team/users/${ownerId}`, { role: 'marketer' });
    expect(demote.status).toBe(409);
    expect(demote.body.error.code).toBe('team.last_owner');
    const disable = await as(ownerCookie).patch(`/api/console/team/users/${ownerId}`, { disabled: true });
    expect(disable.status).toBe(409);
    expect((await as(ownerCookie).get('/api/console/team')).status).toBe(200);

    // With a second owner, the first may step down.
    const secondOwner = await addUser('second-owner@team-a.example', [[BRAND_A, 'owner']]);
    const stepDown = await as(ownerCookie).patch(`/api/console/team/users/${secondOwner}`, {
      role: 'viewer',
    });
    expect(stepDown.status).toBe(200);
  });

  test('when the user is not on this brand, then 404 naming them', async () => {
    const outsider = await addUser('outsider@team-b.example', [[BRAND_B, 'owner']]);

    const response = await as(ownerCookie).patch(`/api/console/team/users/${outsider}`, { role: 'viewer' });

    expect(response.status).toBe(404);
    expect(response.body.error.message).toContain(outsider);
  });
});

describe('x-proofline-brand naming a brand that does not exist', () => {
  test('then 404 naming it, not an empty answer', async () => {
    const response = await request(app)
      .get('/api/console/team')
      .set('cookie', ownerCookie)
      .set('x-proofline-brand', 'no-such-brand');

    expect(response.status).toBe(404);
    expect(response.body.error.message).toContain('no-such-brand');
  });
});
