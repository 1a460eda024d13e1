import { and, asc, desc, eq } from 'drizzle-orm';
import { z } from 'zod';
import { localizedTextSchema } from '../campaigns/index.js';
import type { Database, Executor } from '../db/database.js';
import type { IdGenerator } from '../shared/ids.js';
import { surveyAnswers, surveys, type SurveyQuestion } from './surveys.table.js';

/**
 * The survey builder's side: a campaign's survey as the console edits it (single / multiple choice,
 * free text, rating; required or not), and its answers for export.
 */

const key = z.string().regex(/^[a-z0-9_-]{1,40}$/, { message: 'must be 1-40 chars of a-z 0-9 _ -' });

export const surveyQuestionSchema = z
  .object({
    key,
    type: z.enum(['single', 'multiple', 'scale', 'text']),
    label: localizedTextSchema,
    required: z.boolean().default(false),
    options: z.array(z.object({ key, label: localizedTextSchema })).optional(),
    /** A rating from `min` to `max`. @default 1–5 */
    scale: z
      .object({ min: z.number().int().min(0).max(10), max: z.number().int().min(1).max(10) })
      .optional(),
  })
  .superRefine((question, ctx) => {
    const choice = question.type === 'single' || question.type === 'multiple';
    if (choice && (question.options?.length ?? 0) < 2)
      ctx.addIssue({ code: 'custom', path: ['options'], message: 'a choice needs at least 2 options' });
    const keys = (question.options ?? []).map((option) => option.key);
    keys.forEach((optionKey, index) => {
      if (keys.indexOf(optionKey) !== index)
        ctx.addIssue({ code: 'custom', path: ['options', index, 'key'], message: 'must be unique' });
    });
    if (question.scale && question.scale.min >= question.scale.max)
      ctx.addIssue({ code: 'custom', path: ['scale', 'max'], message: 'must be above min' });
  });

export const surveyDefinitionSchema = z
  .object({
    title: localizedTextSchema,
    /** Ask after every accepted proof, or once per member. @default 'per_member' */
    frequency: z.enum(['per_proof', 'per_member']).default('per_member'),
    active: z.boolean().default(true),
    questions: z.array(surveyQuestionSchema).min(1).max(20),
  })
  .superRefine((survey, ctx) => {
    const keys = survey.questions.map((question) => question.key);
    keys.forEach((questionKey, index) => {
      if (keys.indexOf(questionKey) !== index)
        ctx.addIssue({ code: 'custom', path: ['questions', index, 'key'], message: 'must be unique' });
    });
  });

export type Survey = typeof surveys.$inferSelect;

/** The campaign's survey (the newest, when several were made). */
export async function getCampaignSurvey(
  db: Executor,
  { brandId, campaignId }: { brandId: string; campaignId: string },
): Promise<Survey | undefined> {
  const [row] = await db
    .select()
    .from(surveys)
    .where(and(eq(surveys.brandId, brandId), eq(surveys.campaignId, campaignId)))
    .orderBy(desc(surveys.createdAt), desc(surveys.id))
    .limit(1);
  return row;
}

/** Creates the campaign's survey, or changes it (answers already given stay as they were). */
export async function saveCampaignSurvey(
  deps: { db: Executor; generateId: IdGenerator },
  { brandId, campaignId, input }: { brandId: string; campaignId: string; input: unknown },
): Promise<{ survey: Survey; created: boolean }> {
  const definition = surveyDefinitionSchema.parse(input);
  const values = {
    title: definition.title,
    frequency: definition.frequency,
    active: definition.active,
    questions: definition.questions as SurveyQuestion[],
  };
  const existing = await getCampaignSurvey(deps.db, { brandId, campaignId });
  if (existing) {
    const [survey] = await deps.db.update(surveys).set(values).where(eq(surveys.id, existing.id)).returning();
    return { survey: survey as Survey, created: false };
  }
  const [survey] = await deps.db
    .insert(surveys)
    .values({ id: deps.generateId('survey'), brandId, campaignId, ...values })
    .returning();
  return { survey: survey as Survey, created: true };
}

/** The survey as a campaign version keeps it (what the builder edits), for the history and diffs. */
export function surveyVersionPart(survey: Survey): Record<string, unknown> {
  return {
    title: survey.title,
    frequency: survey.frequency,
    active: survey.active,
    questions: survey.questions,
  };
}

/** Every answer to a survey, oldest first. */
export async function listSurveyAnswers(db: Database, { surveyId }: { surveyId: string }) {
  return db
    .select({
      memberId: surveyAnswers.memberId,
      submissionId: surveyAnswers.submissionId,
      answers: surveyAnswers.answers,
      createdAt: surveyAnswers.createdAt,
    })
    .from(surveyAnswers)
    .where(eq(surveyAnswers.surveyId, surveyId))
    .orderBy(asc(surveyAnswers.createdAt), asc(surveyAnswers.id));
}
