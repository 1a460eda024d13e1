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
import {
  nextChatQuestion,
  planChatSurvey,
  validateSurveyAnswers,
  type ChatSurveyPlan,
} from './surveys.models.js';
import { surveyAnswers, surveyProgress, surveys, type SurveyQuestion } from './surveys.table.js';

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
  // The brand's active surveys first: most brands run none, and then one statement decides.
  const activeInBrand = await db
    .select()
    .from(surveys)
    .where(and(eq(surveys.brandId, brandId), eq(surveys.active, true)));
  if (activeInBrand.length === 0) return undefined;
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
  const campaignIds = new Set(accepted.map((s) => s.campaignId));
  const active = activeInBrand.filter((survey) => campaignIds.has(survey.campaignId));
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

/** A survey with the member's proof an answer is for, and the answer's uniqueness scope. */
type Answerable = { survey: Survey; submissionId: string; scope: string };

/**
 * The survey and the member's proof an answer is for: the survey active in the brand, the proof the
 * member's own, accepted and in the survey's campaign. Forged or stale references fail here.
 */
async function loadAnswerable(
  db: Executor,
  input: { brandId: string; memberId: string; surveyId: string; submissionId: string },
): Promise<Answerable> {
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
  return { survey, submissionId: submission.id, scope: answerScopeFor(survey, submission.id) };
}

/** The answer row of a survey's complete set of answers, checked like the app's (invalid: thrown). */
function answerRowOf(
  generateId: IdGenerator,
  input: { brandId: string; memberId: string; now: Date },
  { survey, submissionId, scope }: Answerable,
  answers: Record<string, unknown>,
): typeof surveyAnswers.$inferInsert {
  const validated = validateSurveyAnswers(survey.questions, answers);
  if (!validated.ok) throw createSurveyAnswersInvalidError({ details: { issues: validated.issues } });
  return {
    id: generateId('surveyAnswer'),
    brandId: input.brandId,
    surveyId: survey.id,
    memberId: input.memberId,
    submissionId,
    answerScope: scope,
    answers: validated.answers,
    createdAt: input.now,
  };
}

function progressOf(input: { surveyId: string; memberId: string }, scope: string) {
  return and(
    eq(surveyProgress.surveyId, input.surveyId),
    eq(surveyProgress.memberId, input.memberId),
    eq(surveyProgress.answerScope, scope),
  );
}

/**
 * Stores a member's answers to a survey for one accepted proof of theirs. The proof must be the member's,
 * accepted, and in the survey's campaign; the unique scope makes a second answer a 409, whatever the race.
 * Answers given so far in the chat for the same scope are dropped: the complete set replaces them.
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
  const answerable = await loadAnswerable(db, input);
  const { survey, scope } = answerable;
  const values = answerRowOf(generateId, input, answerable, input.answers);
  let row: SurveyAnswerRow;
  try {
    [row] = (await db.insert(surveyAnswers).values(values).returning()) as [SurveyAnswerRow];
  } catch (error) {
    if (getPostgresErrorCode(error) === '23505') throw createSurveyAlreadyAnsweredError();
    throw error;
  }
  await db.delete(surveyProgress).where(progressOf({ surveyId: survey.id, memberId: input.memberId }, scope));
  return row;
}

/** The next question of a survey answered in the chat, with where it stands. */
export type ChatSurveyQuestion = {
  survey: Survey;
  submissionId: string;
  question: SurveyQuestion;
  /** 1-based position among the questions the chat asks, and how many it asks. */
  number: number;
  count: number;
  /** The survey has (optional) questions only the LIFF app takes. */
  moreInApp: boolean;
};

export type ChatSurveyInvitation =
  | ({ kind: 'question' } & ChatSurveyQuestion)
  /** A required question only the app can take: the member is sent to the app. */
  | { kind: 'app'; survey: Survey; submissionId: string };

async function readProgress(
  db: Executor,
  input: { surveyId: string; memberId: string },
  scope: string,
): Promise<Record<string, string | null>> {
  const [row] = await db
    .select({ answers: surveyProgress.answers })
    .from(surveyProgress)
    .where(progressOf(input, scope));
  return row?.answers ?? {};
}

function chatQuestion(
  survey: Survey,
  plan: ChatSurveyPlan,
  submissionId: string,
  progress: Record<string, string | null>,
): ChatSurveyQuestion | undefined {
  const question = nextChatQuestion(plan, progress);
  if (!question) return undefined;
  return {
    survey,
    submissionId,
    question,
    number: plan.asked.indexOf(question) + 1,
    count: plan.asked.length,
    moreInApp: plan.moreInApp,
  };
}

/**
 * What the chat offers right after a proof is accepted: the survey due for that very proof (or once per
 * member, first asked after this proof), as its next chat question, or as a link to the app when the
 * chat cannot take it. Nothing when no survey is due for this proof.
 */
export async function findChatSurveyInvitation(
  db: Executor,
  input: { brandId: string; memberId: string; submissionId: string },
): Promise<ChatSurveyInvitation | undefined> {
  const due = await findDueSurvey(db, input);
  if (!due || due.submissionId !== input.submissionId) return undefined;
  const { survey, submissionId } = due;
  const plan = planChatSurvey(survey.questions);
  if (!plan.inChat) return { kind: 'app', survey, submissionId };
  const progress = await readProgress(
    db,
    { surveyId: survey.id, memberId: input.memberId },
    answerScopeFor(survey, submissionId),
  );
  const next = chatQuestion(survey, plan, submissionId, progress);
  return next ? { kind: 'question', ...next } : undefined;
}

export type ChatSurveyAnswerResult =
  /** The choice was kept (`recorded`), or the question was answered before; here is the next one. */
  | { status: 'next'; recorded: boolean; next: ChatSurveyQuestion }
  /** That was the last chat question: the survey's answer is stored. */
  | { status: 'completed'; answer: SurveyAnswerRow }
  /** The survey is answered already in this scope (in the chat or the app): nothing changes. */
  | { status: 'already_answered' };

/**
 * One tap on a chat survey question: `option` is the choice's key, or `null` to skip an optional
 * question. Run it in the transaction that records the bot's answer. The member's progress row is
 * locked while it is read and changed, so the same tap twice (or a race of two workers) keeps one
 * choice; the first choice of a question stands. After the last chat question the whole set is checked
 * like the app's and stored as the survey's answer (once per proof or per member, by the unique scope).
 * Throws not-found / not-due / invalid for references that are not the member's or not in the survey.
 */
export async function answerSurveyInChat(
  { db, generateId }: { db: Executor; generateId: IdGenerator },
  input: {
    brandId: string;
    memberId: string;
    surveyId: string;
    submissionId: string;
    question: string;
    option: string | null;
    now: Date;
  },
): Promise<ChatSurveyAnswerResult> {
  const answerable = await loadAnswerable(db, input);
  const { survey, submissionId, scope } = answerable;
  const plan = planChatSurvey(survey.questions);
  const question = plan.asked.find((candidate) => candidate.key === input.question);
  const valid =
    question &&
    (input.option === null
      ? !question.required
      : (question.options ?? []).some((option) => option.key === input.option));
  if (!valid) {
    throw createSurveyAnswersInvalidError({
      details: {
        issues: [{ question: input.question, code: question ? 'not_an_option' : 'unknown_question' }],
      },
    });
  }
  const where = progressOf({ surveyId: survey.id, memberId: input.memberId }, scope);
  const [answered] = await db
    .select({ id: surveyAnswers.id })
    .from(surveyAnswers)
    .where(
      and(
        eq(surveyAnswers.surveyId, survey.id),
        eq(surveyAnswers.memberId, input.memberId),
        eq(surveyAnswers.answerScope, scope),
      ),
    );
  if (answered) return { status: 'already_answered' };

  await db
    .insert(surveyProgress)
    .values({
      id: generateId('surveyProgress'),
      brandId: input.brandId,
      surveyId: survey.id,
      memberId: input.memberId,
      submissionId,
      answerScope: scope,
      answers: {},
      createdAt: input.now,
      updatedAt: input.now,
    })
    .onConflictDoNothing();
  const [locked] = await db.select().from(surveyProgress).where(where).for('update');
  const progress = { ...(locked?.answers ?? {}) };
  const recorded = !(input.question in progress);
  if (recorded) {
    progress[input.question] = input.option;
    await db
      .update(surveyProgress)
      .set({ answers: progress, submissionId, updatedAt: input.now })
      .where(where);
  }
  const next = chatQuestion(survey, plan, submissionId, progress);
  if (next) return { status: 'next', recorded, next };

  const chosen = Object.fromEntries(Object.entries(progress).filter(([, value]) => value !== null));
  const [row] = await db
    .insert(surveyAnswers)
    .values(answerRowOf(generateId, input, answerable, chosen))
    .onConflictDoNothing()
    .returning();
  await db.delete(surveyProgress).where(where);
  return row ? { status: 'completed', answer: row } : { status: 'already_answered' };
}
