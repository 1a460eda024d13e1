export { surveyAnswers, surveyProgress, surveys, type SurveyQuestion } from './surveys.table.js';
export {
  CHAT_SURVEY_MAX_OPTIONS,
  isChatQuestion,
  nextChatQuestion,
  planChatSurvey,
  SURVEY_TEXT_MAX_LENGTH,
  validateSurveyAnswers,
  type ChatSurveyPlan,
  type SurveyAnswerIssue,
  type SurveyAnswers,
  type SurveyAnswerValue,
} from './surveys.models.js';
export {
  answerScopeFor,
  answerSurvey,
  answerSurveyInChat,
  findChatSurveyInvitation,
  findDueSurvey,
  type ChatSurveyAnswerResult,
  type ChatSurveyInvitation,
  type ChatSurveyQuestion,
  type Survey,
  type SurveyAnswerRow,
} from './surveys.usecases.js';
export * from './surveys.errors.js';
export {
  getCampaignSurvey,
  listSurveyAnswers,
  saveCampaignSurvey,
  surveyDefinitionSchema,
  surveyQuestionSchema,
  surveyVersionPart,
} from './surveys.console.js';
