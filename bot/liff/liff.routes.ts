import { Router } from 'express';
import { z } from 'zod';
import type { Services } from '../../core/app/build-services.js';
import { LOCALES } from '../../core/i18n/index.js';
import { createMembersRepository } from '../../core/members/index.js';
import { CONSENT_TEXTS, getCurrentConsents } from '../../core/members/members.consents.js';
import { eraseMember, exportMemberData } from '../../core/members/members.erasure.js';
import { createMemberNotRegisteredError } from '../../core/members/members.errors.js';
import { getMemberHome, listMemberSubmissions } from '../../core/members/members.liff.js';
import {
  PHONE_EXAMPLES,
  changeConsent,
  registerMember,
  registrationSchema,
  validateRegistration,
} from '../../core/members/members.registration.js';
import { linkMembership, type MembershipDirectory } from '../../core/membership-link/index.js';
import { getRegion, listRegions } from '../../core/regions/index.js';
import { answerSurvey, findDueSurvey } from '../../core/surveys/index.js';
import { releaseRewardsHeldForRegistration } from '../../core/submissions/index.js';
import { createValidationError } from '../../core/shared/errors.js';
import { getLiffContext } from './liff.auth.js';

const localeSchema = z.object({ locale: z.enum(LOCALES) });
const consentChangeSchema = z.object({
  kind: z.literal('marketing'),
  granted: z.boolean(),
  textVersion: z.string().min(1).max(40),
});
const linkSchema = z.object({
  memberNo: z.string().trim().min(1).max(40),
  phone: z.string().trim().min(6).max(30),
});
const eraseSchema = z.object({ confirm: z.literal(true) });
const surveyAnswerSchema = z.object({
  submissionId: z.string().min(1).max(64),
  answers: z.record(z.string(), z.unknown()),
});

function todayIn(timezone: string, now: Date): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone: timezone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(now);
}

/** The member-facing LIFF API, behind the LIFF auth middleware (mounted by `createLiffModule`). */
export function createLiffMemberRouter(
  services: Pick<Services, 'database' | 'clock' | 'generateId'>,
  { membershipDirectory }: { membershipDirectory: MembershipDirectory },
): Router {
  const { database, clock, generateId } = services;
  const db = database.db;
  const router = Router();

  router.get('/me', async (_req, res) => {
    const { brand, member } = getLiffContext(res);
    const consents = await getCurrentConsents(db, { brandId: brand.id, memberId: member.id });
    const home = await getMemberHome(db, { brandId: brand.id, memberId: member.id, now: clock.now() });
    res.json({
      member: {
        id: member.id,
        displayName: member.displayName,
        pictureUrl: member.pictureUrl,
        locale: member.locale,
        registered: Boolean(member.registeredAt),
        profile: member.registeredAt
          ? {
              name: member.name,
              phone: member.phone,
              email: member.email,
              gender: member.gender,
              birthday: member.birthday,
              region: member.region,
              regionNames: (member.region && getRegion(member.region)?.names) || null,
            }
          : null,
        membership: member.externalMemberNo
          ? { memberNo: member.externalMemberNo, linkedAt: member.linkedAt }
          : null,
        consents,
      },
      brand: { name: brand.name, country: brand.country, defaultLocale: brand.defaultLocale },
      ...home,
    });
  });

  /**
   * What the registration form offers for the member's brand: the country's regions (ISO code and names
   * in the three languages, in the order people expect) and how a local phone number is written.
   */
  router.get('/registration-options', (_req, res) => {
    const { brand } = getLiffContext(res);
    res.json({
      country: brand.country,
      phoneExample: PHONE_EXAMPLES[brand.country],
      regions: listRegions(brand.country).map(({ code, names }) => ({ code, names })),
    });
  });

  router.get('/consent-texts', (_req, res) => {
    res.json(CONSENT_TEXTS);
  });

  router.put('/me/locale', async (req, res) => {
    const { brand, member } = getLiffContext(res);
    const { locale } = localeSchema.parse(req.body);
    await createMembersRepository({ db, generateId }).setLocale({
      brandId: brand.id,
      memberId: member.id,
      locale,
      now: clock.now(),
    });
    res.json({ locale });
  });

  router.post('/register', async (req, res) => {
    const { brand, member } = getLiffContext(res);
    const profile = registrationSchema.parse(req.body);
    const now = clock.now();
    const checked = validateRegistration(profile, {
      country: brand.country,
      today: todayIn(brand.timezone, now),
    });
    if (!checked.ok) throw createValidationError({ details: { issues: checked.issues } });
    const locale = z.enum(LOCALES).catch(member.locale).parse(req.body.locale);
    const result = await registerMember(
      {
        db,
        generateId,
        onRegistered: (tx, registered) =>
          releaseRewardsHeldForRegistration(tx, {
            generateId,
            clock,
            brandId: brand.id,
            memberId: registered.id,
          }),
      },
      { brandId: brand.id, memberId: member.id, profile, phone: checked.phone, locale, now },
    );
    res.status(result.firstRegistration ? 201 : 200).json({
      registered: true,
      memberId: result.member.id,
      released: result.released ?? { proofs: 0, points: 0, entries: 0, instantPlays: 0 },
    });
  });

  router.put('/consents', async (req, res) => {
    const { brand, member } = getLiffContext(res);
    if (!member.registeredAt) throw createMemberNotRegisteredError();
    const change = consentChangeSchema.parse(req.body);
    await changeConsent(
      { db, generateId },
      { brandId: brand.id, memberId: member.id, ...change, locale: member.locale, now: clock.now() },
    );
    res.json({ consents: await getCurrentConsents(db, { brandId: brand.id, memberId: member.id }) });
  });

  router.post('/membership/link', async (req, res) => {
    const { brand, member } = getLiffContext(res);
    const input = linkSchema.parse(req.body);
    const { membership } = await linkMembership(
      { db, generateId, directory: membershipDirectory },
      { brand, memberId: member.id, ...input, now: clock.now() },
    );
    res.json({ membership: { memberNo: membership.memberNo, tier: membership.tier ?? null } });
  });

  router.get('/me/export', async (_req, res) => {
    const { brand, member } = getLiffContext(res);
    const document = await exportMemberData(
      { db, generateId },
      { brandId: brand.id, memberId: member.id, now: clock.now() },
    );
    res
      .status(200)
      .set('content-disposition', `attachment; filename="my-data-${member.id}.json"`)
      .set('cache-control', 'no-store')
      .type('application/json')
      .send(JSON.stringify(document, null, 2));
  });

  router.post('/me/erase', async (req, res) => {
    const { brand, member } = getLiffContext(res);
    eraseSchema.parse(req.body);
    await eraseMember(
      { db, generateId },
      { brandId: brand.id, memberId: member.id, confirm: true, now: clock.now() },
    );
    res.json({ erased: true });
  });

  router.get('/submissions', async (_req, res) => {
    const { brand, member } = getLiffContext(res);
    res.json({
      submissions: await listMemberSubmissions(db, {
        brandId: brand.id,
        memberId: member.id,
        locale: member.locale,
      }),
    });
  });

  router.get('/surveys/due', async (_req, res) => {
    const { brand, member } = getLiffContext(res);
    const due = await findDueSurvey(db, { brandId: brand.id, memberId: member.id });
    res.json({
      survey: due
        ? {
            id: due.survey.id,
            submissionId: due.submissionId,
            title: due.survey.title,
            questions: due.survey.questions,
          }
        : null,
    });
  });

  router.post('/surveys/:surveyId/answers', async (req, res) => {
    const { brand, member } = getLiffContext(res);
    const input = surveyAnswerSchema.parse(req.body);
    const row = await answerSurvey(
      { db, generateId },
      {
        brandId: brand.id,
        memberId: member.id,
        surveyId: req.params.surveyId,
        submissionId: input.submissionId,
        answers: input.answers,
        now: clock.now(),
      },
    );
    res.status(201).json({ answerId: row.id });
  });

  return router;
}
