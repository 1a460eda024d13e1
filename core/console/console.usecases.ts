import { and, eq, isNotNull, isNull, lte } from 'drizzle-orm';
import { recordAudit, type ConsoleAuditActor } from '../audit/audit.usecases.js';
import { brands } from '../brands/brands.table.js';
import { isUniqueViolation, type Database, type Executor } from '../db/database.js';
import type { Clock } from '../shared/clock.js';
import type { IdGenerator } from '../shared/ids.js';
import {
  createConsoleEmailTakenError,
  createConsoleUserDisabledError,
  createConsoleUserNotFoundError,
  createInvalidCredentialsError,
  createTooManySignInsError,
  createWeakPasswordError,
} from './console.errors.js';
import {
  generateSessionToken,
  getDummyPasswordHash,
  hashPassword,
  hashSessionToken,
  isSessionExpired,
  MIN_PASSWORD_LENGTH,
  normalizeEmail,
  verifyPassword,
} from './console.models.js';
import { releaseSignInAttempt, reserveSignInAttempt, signInThrottleKeys } from './console.throttle.js';
import { consoleMemberships, consoleSessions, consoleUsers, type ConsoleRole } from './console.table.js';

export type ConsoleDeps = { db: Database; clock: Clock; generateId: IdGenerator };
/** The deps of a write that may run in the caller's transaction. */
type ConsoleWriteDeps = { db: Executor; clock: Clock; generateId: IdGenerator };

/** A console user as the rest of the app sees them: never the password hash. */
export type ConsoleUser = { id: string; email: string; name: string; disabledAt: Date | null };
export type ConsoleMembership = {
  brandId: string;
  brandSlug: string;
  brandName: string;
  /** The brand's country, time zone and language: the console shows dates and money the brand's way. */
  brandCountry: 'TW' | 'TH';
  brandTimezone: string;
  brandDefaultLocale: 'zh-TW' | 'th' | 'en';
  role: ConsoleRole;
};
export type ConsoleSignedIn = {
  user: ConsoleUser;
  memberships: ConsoleMembership[];
  session: { id: string; expiresAt: Date };
};

const publicUserColumns = {
  id: consoleUsers.id,
  email: consoleUsers.email,
  name: consoleUsers.name,
  disabledAt: consoleUsers.disabledAt,
};

export async function createConsoleUser(
  deps: ConsoleWriteDeps,
  input: { email: string; name: string; password: string },
): Promise<{ user: ConsoleUser }> {
  if (input.password.length < MIN_PASSWORD_LENGTH) throw createWeakPasswordError();
  const email = normalizeEmail(input.email);
  const passwordHash = await hashPassword(input.password);
  try {
    const [user] = await deps.db
      .insert(consoleUsers)
      .values({
        id: deps.generateId('consoleUser'),
        email,
        name: input.name.trim(),
        passwordHash,
        createdAt: deps.clock.now(),
      })
      .returning(publicUserColumns);
    return { user: user as ConsoleUser };
  } catch (error) {
    if (isUniqueViolation(error)) throw createConsoleEmailTakenError({ details: { email } });
    throw error;
  }
}

export async function findConsoleUserByEmail(
  deps: Pick<ConsoleDeps, 'db'>,
  email: string,
): Promise<ConsoleUser | undefined> {
  const [user] = await deps.db
    .select(publicUserColumns)
    .from(consoleUsers)
    .where(eq(consoleUsers.email, normalizeEmail(email)))
    .limit(1);
  return user;
}

/**
 * Gives a user a role on a brand, or changes the role they have there. `changed` is false when they had
 * this role there already, enabled (nothing to audit).
 */
export async function grantConsoleMembership(
  deps: ConsoleWriteDeps,
  input: { userId: string; brandId: string; role: ConsoleRole },
): Promise<{
  membership: { userId: string; brandId: string; role: ConsoleRole };
  changed: boolean;
  previousRole: ConsoleRole | null;
}> {
  const [user] = await deps.db
    .select({ id: consoleUsers.id })
    .from(consoleUsers)
    .where(eq(consoleUsers.id, input.userId));
  if (!user) throw createConsoleUserNotFoundError({ details: { userId: input.userId } });
  const [before] = await deps.db
    .select({ role: consoleMemberships.role, disabledAt: consoleMemberships.disabledAt })
    .from(consoleMemberships)
    .where(and(eq(consoleMemberships.userId, input.userId), eq(consoleMemberships.brandId, input.brandId)));
  const [membership] = await deps.db
    .insert(consoleMemberships)
    .values({ ...input, createdAt: deps.clock.now() })
    .onConflictDoUpdate({
      target: [consoleMemberships.userId, consoleMemberships.brandId],
      // Granting again re-enables a membership a brand's owner had disabled.
      set: { role: input.role, disabledAt: null },
    })
    .returning({
      userId: consoleMemberships.userId,
      brandId: consoleMemberships.brandId,
      role: consoleMemberships.role,
    });
  return {
    membership: membership as { userId: string; brandId: string; role: ConsoleRole },
    changed: !before || before.role !== input.role || before.disabledAt !== null,
    previousRole: before?.role ?? null,
  };
}

/**
 * The operator's `proofline console add-user`: the account (when the email has none; `password` is read
 * only then), the role on the brand, and the audit row (`team.member_added`) commit together. Granting a
 * role the person has already changes nothing and is not audited.
 */
export async function addConsoleUserToBrand(
  deps: ConsoleDeps,
  input: {
    email: string;
    name: string;
    brandId: string;
    role: ConsoleRole;
    password: () => Promise<string>;
    via: string;
  },
): Promise<{ user: ConsoleUser; created: boolean; changed: boolean }> {
  const existing = await findConsoleUserByEmail(deps, input.email);
  const password = existing ? undefined : await input.password();
  if (password !== undefined && password.length < MIN_PASSWORD_LENGTH) throw createWeakPasswordError();
  return deps.db.transaction(async (tx) => {
    const txDeps = { ...deps, db: tx };
    const user =
      existing ??
      (await createConsoleUser(txDeps, { email: input.email, name: input.name, password: password! })).user;
    const { changed, previousRole } = await grantConsoleMembership(txDeps, {
      userId: user.id,
      brandId: input.brandId,
      role: input.role,
    });
    if (changed)
      await recordAudit(tx, deps, {
        brandId: input.brandId,
        actorType: 'operator',
        actorId: null,
        action: 'team.member_added',
        targetType: 'console_user',
        targetId: user.id,
        data: {
          email: user.email,
          role: input.role,
          via: input.via,
          created: !existing,
          ...(previousRole ? { from: previousRole } : {}),
        },
      });
    return { user, created: !existing, changed };
  });
}

export async function listConsoleMemberships(
  deps: Pick<ConsoleDeps, 'db'>,
  { userId }: { userId: string },
): Promise<ConsoleMembership[]> {
  return deps.db
    .select({
      brandId: consoleMemberships.brandId,
      brandSlug: brands.slug,
      brandName: brands.name,
      brandCountry: brands.country,
      brandTimezone: brands.timezone,
      brandDefaultLocale: brands.defaultLocale,
      role: consoleMemberships.role,
    })
    .from(consoleMemberships)
    .innerJoin(brands, eq(brands.id, consoleMemberships.brandId))
    .where(and(eq(consoleMemberships.userId, userId), isNull(consoleMemberships.disabledAt)))
    .orderBy(brands.slug);
}

export async function countBrandConsoleMembers(
  deps: Pick<ConsoleDeps, 'db'>,
  { brandId }: { brandId: string },
): Promise<number> {
  const rows = await deps.db
    .select({ userId: consoleMemberships.userId })
    .from(consoleMemberships)
    .where(eq(consoleMemberships.brandId, brandId));
  return rows.length;
}

/**
 * Email + password → a new session. An unknown email and a wrong password give the same error after
 * the same scrypt work; a disabled account is refused only once its password is proven. Every attempt
 * is audited.
 *
 * Throttled per (account, client address) and, with a larger allowance, per account
 * (`console.throttle.ts`): each attempt is counted by one atomic statement before the password is
 * checked, so concurrent guesses cannot all slip past the count, and a guesser at one address does not
 * lock out the reviewer at another. Unknown emails are throttled alike (no account oracle).
 */
export async function signInConsoleUser(
  deps: ConsoleDeps,
  input: { email: string; password: string; sessionHours: number; ip?: string },
): Promise<ConsoleSignedIn & { token: string }> {
  const email = normalizeEmail(input.email);
  const keys = signInThrottleKeys({ email, ip: input.ip });
  const pair = await reserveSignInAttempt(deps.db, keys.pair, deps.clock.now());
  const account = pair.allowed ? await reserveSignInAttempt(deps.db, keys.account, deps.clock.now()) : pair;
  if (!account.allowed) {
    if (pair.allowed) await releaseSignInAttempt(deps.db, keys.pair);
    await audit(deps, { actorId: null, action: 'console.sign_in_throttled', data: { email, ip: input.ip } });
    throw createTooManySignInsError({ retryAfterMs: account.retryAfterMs });
  }
  // Awaited on every path, so the one-off cost of making the dummy hash does not mark unknown emails.
  const dummyHash = await getDummyPasswordHash();
  const [row] = await deps.db.select().from(consoleUsers).where(eq(consoleUsers.email, email)).limit(1);
  const passwordMatches = await verifyPassword(input.password, row?.passwordHash ?? dummyHash);
  if (!row || !passwordMatches) {
    await audit(deps, {
      actorId: row?.id ?? null,
      action: 'console.sign_in_failed',
      data: { email, reason: row ? 'wrong_password' : 'unknown_email', ip: input.ip },
    });
    throw createInvalidCredentialsError();
  }
  // The right password: this attempt was no failure.
  await releaseSignInAttempt(deps.db, keys.pair, { forgetAll: true });
  await releaseSignInAttempt(deps.db, keys.account);
  if (row.disabledAt) {
    await audit(deps, {
      actorId: row.id,
      action: 'console.sign_in_failed',
      data: { email, reason: 'disabled', ip: input.ip },
    });
    throw createConsoleUserDisabledError();
  }
  const memberships = await listConsoleMemberships(deps, { userId: row.id });
  if (memberships.length === 0 && (await hasDisabledMembership(deps.db, row.id))) {
    // Every brand this person worked for has disabled them: the account is as good as disabled.
    await audit(deps, {
      actorId: row.id,
      action: 'console.sign_in_failed',
      data: { email, reason: 'disabled_on_every_brand', ip: input.ip },
    });
    throw createConsoleUserDisabledError();
  }

  const { token, session } = await startConsoleSession(deps.db, deps, {
    userId: row.id,
    sessionHours: input.sessionHours,
    ip: input.ip,
  });
  return {
    token,
    user: { id: row.id, email: row.email, name: row.name, disabledAt: row.disabledAt },
    memberships,
    session,
  };
}

/**
 * A new session for a user whose identity is proven (a password, a one-time invitation link): the token
 * for the cookie, its hash in the table, `lastSignInAt`, and the audited sign-in. Takes the caller's
 * transaction when there is one.
 */
export async function startConsoleSession(
  db: Executor,
  deps: Pick<ConsoleDeps, 'clock' | 'generateId'>,
  input: { userId: string; sessionHours: number; ip?: string | undefined; via?: string },
): Promise<{ token: string; session: { id: string; expiresAt: Date } }> {
  const token = generateSessionToken();
  const now = deps.clock.now();
  const expiresAt = new Date(now.getTime() + input.sessionHours * 3_600_000);
  const sessionId = deps.generateId('consoleSession');
  // Housekeeping without a job: a user's expired sessions go when they sign in again.
  await db
    .delete(consoleSessions)
    .where(and(eq(consoleSessions.userId, input.userId), lte(consoleSessions.expiresAt, now)));
  await db.insert(consoleSessions).values({
    id: sessionId,
    userId: input.userId,
    tokenHash: hashSessionToken(token),
    expiresAt,
    createdAt: now,
  });
  await db.update(consoleUsers).set({ lastSignInAt: now }).where(eq(consoleUsers.id, input.userId));
  await audit(
    { clock: deps.clock, generateId: deps.generateId, db },
    {
      actorId: input.userId,
      action: 'console.sign_in',
      targetId: sessionId,
      data: { ip: input.ip, expiresAt: expiresAt.toISOString(), ...(input.via ? { via: input.via } : {}) },
    },
  );
  return { token, session: { id: sessionId, expiresAt } };
}

/** Ends every session of a user at once (disabled on a brand, disabled everywhere): the next request is a 401. */
export async function endConsoleSessionsOf(db: Executor, { userId }: { userId: string }) {
  const ended = await db
    .delete(consoleSessions)
    .where(eq(consoleSessions.userId, userId))
    .returning({ id: consoleSessions.id });
  return { ended: ended.length };
}

async function hasDisabledMembership(db: Executor, userId: string): Promise<boolean> {
  const [row] = await db
    .select({ brandId: consoleMemberships.brandId })
    .from(consoleMemberships)
    .where(and(eq(consoleMemberships.userId, userId), isNotNull(consoleMemberships.disabledAt)))
    .limit(1);
  return Boolean(row);
}

/** The signed-in user behind a session token; undefined when the token is unknown, expired or disabled. */
export async function resolveConsoleSession(
  deps: Pick<ConsoleDeps, 'db' | 'clock'>,
  { token }: { token: string },
): Promise<ConsoleSignedIn | undefined> {
  if (!token) return undefined;
  const [row] = await deps.db
    .select({
      session: { id: consoleSessions.id, expiresAt: consoleSessions.expiresAt },
      user: publicUserColumns,
    })
    .from(consoleSessions)
    .innerJoin(consoleUsers, eq(consoleUsers.id, consoleSessions.userId))
    .where(eq(consoleSessions.tokenHash, hashSessionToken(token)))
    .limit(1);
  if (!row || isSessionExpired(row.session, deps.clock.now()) || row.user.disabledAt) return undefined;
  return {
    user: row.user,
    memberships: await listConsoleMemberships(deps, { userId: row.user.id }),
    session: row.session,
  };
}

/** Ends the session of this token (idempotent: an unknown token is already signed out). */
export async function signOutConsoleSession(
  deps: ConsoleDeps,
  { token }: { token: string },
): Promise<{ signedOut: boolean }> {
  if (!token) return { signedOut: false };
  const [deleted] = await deps.db
    .delete(consoleSessions)
    .where(eq(consoleSessions.tokenHash, hashSessionToken(token)))
    .returning({ id: consoleSessions.id, userId: consoleSessions.userId });
  if (!deleted) return { signedOut: false };
  await audit(deps, { actorId: deleted.userId, action: 'console.sign_out', targetId: deleted.id, data: {} });
  return { signedOut: true };
}

/**
 * Disables an account everywhere and ends its sessions; audited (`console.user_disabled`) in the same
 * transaction, in the log of every brand the account belongs to, by `by` (a console user) or else the
 * operator. Disabling a disabled account changes nothing and writes no row.
 */
export async function disableConsoleUser(
  deps: ConsoleDeps,
  { userId, by, via }: { userId: string; by?: ConsoleAuditActor | undefined; via?: string | undefined },
): Promise<{ disabled: boolean; sessionsEnded: number }> {
  return deps.db.transaction(async (tx) => {
    const [row] = await tx
      .update(consoleUsers)
      .set({ disabledAt: deps.clock.now() })
      .where(and(eq(consoleUsers.id, userId), isNull(consoleUsers.disabledAt)))
      .returning({ email: consoleUsers.email });
    if (!row) {
      const [known] = await tx
        .select({ id: consoleUsers.id })
        .from(consoleUsers)
        .where(eq(consoleUsers.id, userId));
      if (!known) throw createConsoleUserNotFoundError({ details: { userId } });
      return { disabled: false, sessionsEnded: 0 };
    }
    const { ended } = await endConsoleSessionsOf(tx, { userId });
    const brandIds = await brandIdsOf(tx, userId);
    for (const brandId of brandIds.length > 0 ? brandIds : [null])
      await recordAudit(tx, deps, {
        brandId,
        actorType: by ? 'console_user' : 'operator',
        actorId: by?.userId ?? null,
        action: 'console.user_disabled',
        targetType: 'console_user',
        targetId: userId,
        data: {
          email: row.email,
          sessionsEnded: ended,
          ...(by ? { by: by.email } : {}),
          ...(via ? { via } : {}),
        },
      });
    return { disabled: true, sessionsEnded: ended };
  });
}

/** Every brand the account belongs to (disabled memberships too), in a stable order. */
async function brandIdsOf(db: Executor, userId: string): Promise<string[]> {
  const rows = await db
    .select({ brandId: consoleMemberships.brandId })
    .from(consoleMemberships)
    .where(eq(consoleMemberships.userId, userId))
    .orderBy(consoleMemberships.brandId);
  return rows.map((row) => row.brandId);
}

/**
 * Sign-in events land in the audit log of every brand the account belongs to (disabled memberships too:
 * a disabled person trying to come back is exactly what the brand must see); an attempt on an unknown
 * email belongs to no brand and is kept once, with no brand (the operator's log).
 */
async function audit(
  deps: { db: Executor; clock: Clock; generateId: IdGenerator },
  entry: { actorId: string | null; action: string; targetId?: string; data: Record<string, unknown> },
) {
  const brandIds = entry.actorId ? await brandIdsOf(deps.db, entry.actorId) : [];
  for (const brandId of brandIds.length > 0 ? brandIds : [null])
    await recordAudit(deps.db, deps, {
      brandId,
      actorType: 'console_user',
      actorId: entry.actorId,
      action: entry.action,
      targetType: entry.targetId ? 'console_session' : null,
      targetId: entry.targetId ?? null,
      data: entry.data,
    });
}
