import { boolean, index, jsonb, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { brands } from '../brands/brands.table.js';
import type { LocalizedText } from '../campaigns/campaigns.table.js';
import { campaigns } from '../campaigns/campaigns.table.js';
import { createdAt, idColumn, updatedAt } from '../db/columns.js';
import { members } from '../members/members.table.js';
import { submissions } from '../submissions/submissions.table.js';

export type SurveyQuestion = {
  key: string;
  type: 'single' | 'multiple' | 'scale' | 'text';
  label: LocalizedText;
  required: boolean;
  options?: { key: string; label: LocalizedText }[];
  scale?: { min: number; max: number };
};

export const surveys = pgTable('surveys', {
  id: idColumn(),
  brandId: text('brand_id')
    .notNull()
    .references(() => brands.id),
  campaignId: text('campaign_id')
    .notNull()
    .references(() => campaigns.id),
  title: jsonb('title').notNull().$type<LocalizedText>(),
  questions: jsonb('questions').notNull().$type<SurveyQuestion[]>(),
  /** Ask after every accepted proof, or once per member. */
  frequency: text('frequency').notNull().default('per_member').$type<'per_proof' | 'per_member'>(),
  active: boolean('active').notNull().default(true),
  createdAt: createdAt(),
});

export const surveyAnswers = pgTable(
  'survey_answers',
  {
    id: idColumn(),
    brandId: text('brand_id')
      .notNull()
      .references(() => brands.id),
    surveyId: text('survey_id')
      .notNull()
      .references(() => surveys.id),
    memberId: text('member_id')
      .notNull()
      .references(() => members.id),
    submissionId: text('submission_id').references(() => submissions.id),
    /** Which answer this is: the submission id (per proof) or `member` (once per member). */
    answerScope: text('answer_scope').notNull(),
    answers: jsonb('answers').notNull().$type<Record<string, string | string[] | number>>(),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('survey_answers_scope_uq').on(t.surveyId, t.memberId, t.answerScope),
    index('survey_answers_survey_idx').on(t.surveyId),
    index('survey_answers_member_idx').on(t.memberId),
  ],
);

/**
 * A survey answered question by question in the chat: the choices so far (`null`: an optional question
 * skipped), kept until the last chat question is answered and the whole set goes to `survey_answers`.
 */
export const surveyProgress = pgTable(
  'survey_progress',
  {
    id: idColumn(),
    brandId: text('brand_id')
      .notNull()
      .references(() => brands.id),
    surveyId: text('survey_id')
      .notNull()
      .references(() => surveys.id),
    memberId: text('member_id')
      .notNull()
      .references(() => members.id),
    submissionId: text('submission_id')
      .notNull()
      .references(() => submissions.id),
    /** The same scope as the answer it becomes: the submission id (per proof) or `member`. */
    answerScope: text('answer_scope').notNull(),
    answers: jsonb('answers').notNull().$type<Record<string, string | null>>(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex('survey_progress_scope_uq').on(t.surveyId, t.memberId, t.answerScope)],
);
