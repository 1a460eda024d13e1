import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { recordConsoleAction, type ConsoleAuditActor } from '../audit/index.js';
import { findFirstLineChannel } from '../brands/brands.refs.js';
import type { Database, Executor } from '../db/database.js';
import type { LineChannelCredentials, LineMessenger } from '../messaging/index.js';
import type { Clock } from '../shared/clock.js';
import type { IdGenerator } from '../shared/ids.js';
import {
  createConsoleLineCodeInvalidError,
  createConsoleLineNoChannelError,
  createConsoleLineNotLinkedError,
  createConsoleLineTooSoonError,
} from './console-line.errors.js';
import {
  CODE_MAX_ATTEMPTS,
  CODE_RESEND_AFTER_MS,
  CODE_TTL_MS,
  generateLinkCode,
  hashLinkCode,
  linkCodeText,
  sameHash,
} from './console-line.models.js';
import { consoleLineLinks } from './console-line.table.js';

export type ConsoleLineDeps = {
  db: Database;
  clock: Clock;
  generateId: IdGenerator;
  messenger: Pick<LineMessenger, 'push'>;
};

export type ConsoleLineLink = { lineUserId: string | null; verified: boolean; codePending: boolean };

/** The brand's LINE channel that console messages go out on (its first, as broadcasts use). */
export async function brandChannelOf(
  db: Database,
  brandId: string,
): Promise<LineChannelCredentials & { id: string }> {
  const channel = await findFirstLineChannel(db, brandId);
  if (!channel) throw createConsoleLineNoChannelError();
  return {
    id: channel.id,
    lineChannelId: channel.lineChannelId,
    channelAccessToken: channel.channelAccessToken,
  };
}

const linkWhere = (userId: string, brandId: string) =>
  and(eq(consoleLineLinks.userId, userId), eq(consoleLineLinks.brandId, brandId));

/** The console user's LINE account on the brand, as the settings show it. */
export async function getConsoleLineLink(
  deps: Pick<ConsoleLineDeps, 'db' | 'clock'>,
  { userId, brandId }: { userId: string; brandId: string },
): Promise<ConsoleLineLink> {
  const [link] = await deps.db.select().from(consoleLineLinks).where(linkWhere(userId, brandId));
  if (!link) return { lineUserId: null, verified: false, codePending: false };
  const fresh =
    link.codeHash !== null &&
    link.codeSentAt !== null &&
    deps.clock.now().getTime() - link.codeSentAt.getTime() < CODE_TTL_MS &&
    link.codeAttempts < CODE_MAX_ATTEMPTS;
  return { lineUserId: link.lineUserId, verified: link.verifiedAt !== null, codePending: fresh };
}

/**
 * Starts linking (or re-linking) the user's LINE account: a one-time code is pushed to that LINE user
 * from the brand's channel. The previous link stays unverified until the code comes back.
 */
export async function startConsoleLineLink(
  deps: ConsoleLineDeps,
  { actor, lineUserId, locale }: { actor: ConsoleAuditActor; lineUserId: string; locale: string },
): Promise<ConsoleLineLink> {
  const { userId, brandId } = actor;
  const channel = await brandChannelOf(deps.db, brandId);
  const code = generateLinkCode();
  const now = deps.clock.now();
  await deps.db.transaction(async (tx) => {
    const [current] = await tx
      .select()
      .from(consoleLineLinks)
      .where(linkWhere(userId, brandId))
      .for('update');
    if (current?.codeSentAt && now.getTime() - current.codeSentAt.getTime() < CODE_RESEND_AFTER_MS)
      throw createConsoleLineTooSoonError();
    const values = {
      lineUserId,
      codeHash: hashLinkCode(code, { userId, brandId }),
      codeSentAt: now,
      codeAttempts: 0,
      verifiedAt: null,
      updatedAt: now,
    };
    await tx
      .insert(consoleLineLinks)
      .values({ userId, brandId, ...values, createdAt: now })
      .onConflictDoUpdate({ target: [consoleLineLinks.userId, consoleLineLinks.brandId], set: values });
    // Pushed inside the transaction: a failed push leaves no code that was never sent.
    await deps.messenger.push(channel, {
      to: lineUserId,
      messages: [{ type: 'text', text: linkCodeText(code, locale) }],
      retryKey: randomUUID(),
    });
    await recordConsoleAction(tx, deps, actor, {
      action: 'console.line_link_code_sent',
      targetType: 'console_user',
      targetId: userId,
      data: { lineUserId },
    });
  });
  return { lineUserId, verified: false, codePending: true };
}

/** Checks the one-time code: right → the link is verified; wrong → counted (5 tries per code). */
export async function verifyConsoleLineLink(
  deps: Pick<ConsoleLineDeps, 'db' | 'clock' | 'generateId'>,
  { actor, code }: { actor: ConsoleAuditActor; code: string },
): Promise<ConsoleLineLink> {
  const { userId, brandId } = actor;
  const now = deps.clock.now();
  const verified = await deps.db.transaction(async (tx) => {
    const [link] = await tx.select().from(consoleLineLinks).where(linkWhere(userId, brandId)).for('update');
    if (!link?.codeHash || !link.codeSentAt) return undefined;
    const usable =
      now.getTime() - link.codeSentAt.getTime() < CODE_TTL_MS && link.codeAttempts < CODE_MAX_ATTEMPTS;
    if (!usable || !sameHash(link.codeHash, hashLinkCode(code, { userId, brandId }))) {
      await tx
        .update(consoleLineLinks)
        .set({ codeAttempts: link.codeAttempts + 1, updatedAt: now })
        .where(linkWhere(userId, brandId));
      return undefined;
    }
    await tx
      .update(consoleLineLinks)
      .set({ codeHash: null, codeAttempts: 0, verifiedAt: now, updatedAt: now })
      .where(linkWhere(userId, brandId));
    await recordConsoleAction(tx, deps, actor, {
      action: 'console.line_linked',
      targetType: 'console_user',
      targetId: userId,
      data: { lineUserId: link.lineUserId },
    });
    return link.lineUserId;
  });
  if (!verified) throw createConsoleLineCodeInvalidError();
  return { lineUserId: verified, verified: true, codePending: false };
}

/** Forgets the user's LINE account on the brand. */
export async function unlinkConsoleLine(
  deps: Pick<ConsoleLineDeps, 'db' | 'clock' | 'generateId'>,
  { actor }: { actor: ConsoleAuditActor },
): Promise<ConsoleLineLink> {
  await deps.db.transaction(async (tx) => {
    const removed = await tx
      .delete(consoleLineLinks)
      .where(linkWhere(actor.userId, actor.brandId))
      .returning({ lineUserId: consoleLineLinks.lineUserId });
    if (removed.length > 0)
      await recordConsoleAction(tx, deps, actor, {
        action: 'console.line_unlinked',
        targetType: 'console_user',
        targetId: actor.userId,
        data: { lineUserId: removed[0]!.lineUserId },
      });
  });
  return { lineUserId: null, verified: false, codePending: false };
}

/**
 * The user's verified LINE user id on the brand, locked (`for update`) in the caller's transaction so
 * sends to it are taken one at a time (the rate limit counts them); a 409 when there is none.
 */
export async function lockVerifiedLineUser(
  tx: Executor,
  { userId, brandId }: { userId: string; brandId: string },
): Promise<string> {
  const [link] = await tx.select().from(consoleLineLinks).where(linkWhere(userId, brandId)).for('update');
  if (!link?.verifiedAt) throw createConsoleLineNotLinkedError();
  return link.lineUserId;
}
