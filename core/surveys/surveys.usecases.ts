import { and, desc, eq, inArray } from 'drizzle-orm';
import type { Database, Executor } from '../db/database.js';
import { getPostgresErrorCode } from '../db/database.js';
import type { IdGenerator } from '../shared/ids.js';
import { submissions } from '../submissions/submissions.table.js';
import {
  createSurveyAlreadyAnsweredError,
  createSurveyAnswersInvalidError,
  createSurveyNotDueError,
  createSurveyNotFoundError,
} from './surveys.errors.js';
import { validateSurveyAnswers } from './surveys.models.js';
import { surveyAnswers, surveys } from './surveys.table.js';

export type Survey = typeof surveys.$inferSelect;
export type SurveyAnswerRow = typeof surveyAnswers.$inferSelect;

/** Submissions in these states were accepted: they earn the right (and the invitation) to answer. */
const ACCEPTED_STATES = ['accepted', 'rewarded'] as const;

/** The answer's uniqueness scope: the proof for `per_proof` surveys, the member for `per_member` ones. */
export function answerScopeFor(survey: Pick<Survey, 'frequency'>, submissionId: string): string {
  return survey.frequency === 'per_proof' ? submissionId : 'member';
}

/**
 * The survey a member should see now, if any: for each of their accepted proofs (newest first), the
 * campaign's active survey not yet answered in its scope (that proof, or the member once).
 */
export async function findDueSurvey(
  db: Executor,
  { brandId, memberId }: { brandId: string; memberId: string },
): Promise<{ survey: Survey; submissionId: string } | undefined> {
  const accepted = await db
    .select({ id: submissions.id, campaignId: submissions.campaignId })
    .from(submissions)
    .where(
      and(
        eq(submissions.brandId, brandId),
        eq(submissions.memberId, memberId),
        inArray(submissions.state, [...ACCEPTED_STATES]),
      ),
    )
    .orderBy(desc(submissions.createdAt))
    .limit(50);
  if (accepted.length === 0) return undefined;
  const campaignIds = [...new Set(accepted.map((s) => s.campaignId))];
  const active = await db
    .select()
    .from(surveys)
    .where(
      and(eq(surveys.brandId, brandId), eq(surveys.active, true), inArray(surveys.campaignId, campaignIds)),
    );
  if (active.length === 0) return undefined;
  const answered = await db
    .select({ surveyId: surveyAnswers.surveyId, scope: surveyAnswers.answerScope })
    .from(surveyAnswers)
    .where(and(eq(surveyAnswers.brandId, brandId), eq(surveyAnswers.memberId, memberId)));
  const done = new Set(answered.map((a) => `${a.surveyId}|${a.scope}`));
  for (const submission of accepted) {
    for (const survey of active.filter((s) => s.campaignId === submission.campaignId)) {
      if (!done.has(`${survey.id}|${answerScopeFor(survey, submission.id)}`)) {
        return { survey, submissionId: submission.id };
      }
    }
  }
  return undefined;
}

/**
 * Stores a member's answers to a survey for one accepted proof of theirs. The proof must be the member's,
 * accepted, and in the survey's campaign; the unique scope makes a second answer a 409, whatever the race.
 */
export async function answerSurvey(
  { db, generateId }: { db: Database; generateId: IdGenerator },
  input: {
    brandId: string;
    memberId: string;
    surveyId: string;
    submissionId: string;
    answers: Record<string, unknown>;
    now: Date;
  },
): Promise<SurveyAnswerRow> {
  const [survey] = await db
    .select()
    .from(surveys)
    .where(and(eq(surveys.brandId, input.brandId), eq(surveys.id, input.surveyId)));
  if (!survey || !survey.active) throw createSurveyNotFoundError();
  const [submission] = await db
    .select()
    .from(submissions)
    .where(
      and(
        eq(submissions.brandId, input.brandId),
        eq(submissions.id, input.submissionId),
        eq(submissions.memberId, input.memberId),
      ),
    );
  if (
    !submission ||
    submission.campaignId !== survey.campaignId ||
    !(ACCEPTED_STATES as readonly string[]).includes(submission.state)
  ) {
    throw createSurveyNotDueError();
  }
  const validated = validateSurveyAnswers(survey.questions, input.answers);
  if (!validated.ok) throw createSurveyAnswersInvalidError({ details: { issues: validated.issues } });
  try {
    const [row] = await db
      .insert(surveyAnswers)
      .values({
        id: generateId('surveyAnswer'),
        brandId: input.brandId,
        surveyId: survey.id,
        memberId: input.memberId,
        submissionId: submission.id,
        answerScope: answerScopeFor(survey, submission.id),
        answers: validated.answers,
        createdAt: input.now,
      })
      .returning();
    return row!;
  } catch (error) {
    if (getPostgresErrorCode(error) === '23505') throw createSurveyAlreadyAnsweredError();
    throw error;
  }
}
