import { and, eq } from 'drizzle-orm';
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { z } from 'zod';
import { auditLog } from '../audit/audit.table.js';
import type { Database, Executor } from '../db/database.js';
import type { Locale } from '../i18n/index.js';
import { getRegion } from '../regions/index.js';
import type { IdGenerator } from '../shared/ids.js';
import {
  createConsentTextOutdatedError,
  createDataProcessingConsentRequiredError,
  createMemberErasedError,
  createMemberNotFoundError,
} from './members.errors.js';
import { CONSENT_TEXTS, recordConsent, type ConsentKind } from './members.consents.js';
import { members } from './members.table.js';
import { newMemberRow, type FollowingMemberInput, type Member } from './members.repository.js';

/**
 * A phone as entered (`0912-345-678`, `081-234-5678`, `+66 81 234 5678`) in E.164 (`+886912345678`):
 * a number written the local way is read as a number of the brand's country, an international one as
 * itself; either must be a number that country's numbering plan allows (libphonenumber's metadata, so
 * Thai `06x`/`08x`/`09x` mobiles and Taiwan `09xx` mobiles pass, `0812` or `12345678` do not).
 * Undefined when it is not a phone.
 */
export function normalizePhone(input: string, country: 'TW' | 'TH'): string | undefined {
  const compact = input.replace(/[\s\-().]/g, '');
  if (!/^\+?\d{6,16}$/.test(compact)) return undefined;
  const parsed = parsePhoneNumberFromString(compact, country);
  return parsed?.isValid() ? parsed.number : undefined;
}

/** How a phone of the country is written there, for the hint beside the field. */
export const PHONE_EXAMPLES: Readonly<Record<'TW' | 'TH', string>> = {
  TW: '0912-345-678',
  TH: '081-234-5678',
};

const consentChoice = z.object({ granted: z.boolean(), textVersion: z.string().min(1).max(40) });

export const registrationSchema = z.object({
  name: z.string().trim().min(1).max(100),
  phone: z.string().trim().min(6).max(30),
  email: z.email().max(200),
  gender: z.enum(['female', 'male', 'other', 'undisclosed']),
  birthday: z.iso.date(),
  region: z.string().trim().min(1).max(60),
  consents: z.object({ dataProcessing: consentChoice, marketing: consentChoice }),
});
export type RegistrationInput = z.infer<typeof registrationSchema>;

export type RegistrationIssue = {
  path: string;
  code: 'phone.invalid' | 'birthday.future' | 'birthday.too_old' | 'region.unknown';
};

/**
 * Checks the parts zod cannot (phone by the brand's country, region one of the country's ISO 3166-2 codes
 * from core/regions, birthday in a sane past); returns the clean profile.
 */
export function validateRegistration(
  input: RegistrationInput,
  { country, today }: { country: 'TW' | 'TH'; today: string },
): { ok: true; phone: string } | { ok: false; issues: RegistrationIssue[] } {
  const issues: RegistrationIssue[] = [];
  const phone = normalizePhone(input.phone, country);
  if (!phone) issues.push({ path: 'phone', code: 'phone.invalid' });
  if (getRegion(input.region)?.country !== country) issues.push({ path: 'region', code: 'region.unknown' });
  if (input.birthday > today) issues.push({ path: 'birthday', code: 'birthday.future' });
  if (input.birthday < '1900-01-01') issues.push({ path: 'birthday', code: 'birthday.too_old' });
  return issues.length > 0 || !phone ? { ok: false, issues } : { ok: true, phone };
}

/**
 * The member behind a verified LIFF login: found by the LINE user id LINE vouched for, or created (a LIFF
 * user need not have followed the account yet, so `following` starts false until a follow event says so).
 */
export async function ensureMemberForLineUser(
  db: Executor,
  input: Omit<FollowingMemberInput, 'followedAt'> & { generateId: IdGenerator },
): Promise<Member> {
  await db
    .insert(members)
    .values(newMemberRow(input, input.generateId('member'), false))
    .onConflictDoNothing({ target: [members.brandId, members.lineUserId] });
  const [member] = await db
    .select()
    .from(members)
    .where(and(eq(members.brandId, input.brandId), eq(members.lineUserId, input.lineUserId)))
    .limit(1);
  return member!;
}

/**
 * Registration (or a later correction of the profile): stores the profile and appends one consent row
 * per kind with the text version the member saw. Data processing consent is the legal basis, so it is
 * required; the version sent must be the current one (an old page must show the new text first).
 */
export async function registerMember<Released = undefined>(
  {
    db,
    generateId,
    onRegistered,
  }: {
    db: Database;
    generateId: IdGenerator;
    /**
     * Runs in the registering transaction once the member is registered (e.g. to release rewards a
     * campaign held until registration), so both commit or neither does.
     */
    onRegistered?: (tx: Executor, member: Member) => Promise<Released>;
  },
  input: {
    brandId: string;
    memberId: string;
    profile: RegistrationInput;
    phone: string;
    locale: Locale;
    now: Date;
  },
): Promise<{ member: Member; firstRegistration: boolean; released?: Released }> {
  const { consents: choices } = input.profile;
  if (!choices.dataProcessing.granted) throw createDataProcessingConsentRequiredError();
  const chosen: [ConsentKind, { granted: boolean; textVersion: string }][] = [
    ['data_processing', choices.dataProcessing],
    ['marketing', choices.marketing],
  ];
  for (const [kind, choice] of chosen) {
    if (choice.textVersion !== CONSENT_TEXTS[kind].version) {
      throw createConsentTextOutdatedError({ details: { kind, current: CONSENT_TEXTS[kind].version } });
    }
  }
  return db.transaction(async (tx) => {
    const [existing] = await tx
      .select()
      .from(members)
      .where(and(eq(members.brandId, input.brandId), eq(members.id, input.memberId)))
      .for('update');
    if (!existing) throw createMemberNotFoundError();
    if (existing.erasedAt) throw createMemberErasedError();
    const firstRegistration = !existing.registeredAt;
    const [member] = await tx
      .update(members)
      .set({
        name: input.profile.name,
        phone: input.phone,
        email: input.profile.email.toLowerCase(),
        gender: input.profile.gender,
        birthday: input.profile.birthday,
        region: input.profile.region,
        locale: input.locale,
        registeredAt: existing.registeredAt ?? input.now,
        updatedAt: input.now,
      })
      .where(eq(members.id, existing.id))
      .returning();
    for (const [kind, choice] of chosen) {
      await recordConsent(tx, {
        generateId,
        brandId: input.brandId,
        memberId: existing.id,
        kind,
        granted: choice.granted,
        textVersion: choice.textVersion,
        locale: input.locale,
        source: 'liff',
        at: input.now,
      });
    }
    await tx.insert(auditLog).values({
      id: generateId('auditEntry'),
      brandId: input.brandId,
      actorType: 'member',
      actorId: existing.id,
      action: firstRegistration ? 'member.registered' : 'member.profile_updated',
      targetType: 'member',
      targetId: existing.id,
      // Which fields, never their values: the audit log must not become a second copy of the data.
      data: {
        fields: ['name', 'phone', 'email', 'gender', 'birthday', 'region'],
        consents: chosen.map(([k, c]) => `${k}:${c.granted}`),
      },
      createdAt: input.now,
    });
    const released = onRegistered ? await onRegistered(tx, member!) : undefined;
    return { member: member!, firstRegistration, ...(onRegistered ? { released } : {}) };
  });
}

/** A later change of one consent (e.g. withdrawing marketing) from the profile page. */
export async function changeConsent(
  { db, generateId }: { db: Database; generateId: IdGenerator },
  input: {
    brandId: string;
    memberId: string;
    kind: ConsentKind;
    granted: boolean;
    textVersion: string;
    locale: Locale;
    now: Date;
  },
) {
  if (input.granted && input.textVersion !== CONSENT_TEXTS[input.kind].version) {
    throw createConsentTextOutdatedError({
      details: { kind: input.kind, current: CONSENT_TEXTS[input.kind].version },
    });
  }
  return db.transaction(async (tx) => {
    const consent = await recordConsent(tx, { generateId, ...input, source: 'liff', at: input.now });
    await tx.insert(auditLog).values({
      id: generateId('auditEntry'),
      brandId: input.brandId,
      actorType: 'member',
      actorId: input.memberId,
      action: input.granted ? 'consent.granted' : 'consent.withdrawn',
      targetType: 'member',
      targetId: input.memberId,
      data: { kind: input.kind, textVersion: input.textVersion },
      createdAt: input.now,
    });
    return consent;
  });
}
