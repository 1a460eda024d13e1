export { surveyAnswers, surveys, type SurveyQuestion } from './surveys.table.js';
export {
  SURVEY_TEXT_MAX_LENGTH,
  validateSurveyAnswers,
  type SurveyAnswerIssue,
  type SurveyAnswers,
  type SurveyAnswerValue,
} from './surveys.models.js';
export {
  answerScopeFor,
  answerSurvey,
  findDueSurvey,
  type Survey,
  type SurveyAnswerRow,
} from './surveys.usecases.js';
export * from './surveys.errors.js';
