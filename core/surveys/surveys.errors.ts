import { createErrorFactory } from '../shared/errors.js';

export const createSurveyNotFoundError = createErrorFactory({
  message: 'Survey not found',
  code: 'survey.not_found',
  statusCode: 404,
});

export const createSurveyNotDueError = createErrorFactory({
  message: 'This survey is not open to you for this proof',
  code: 'survey.not_due',
  statusCode: 409,
});

export const createSurveyAlreadyAnsweredError = createErrorFactory({
  message: 'You already answered this survey',
  code: 'survey.already_answered',
  statusCode: 409,
});

export const createSurveyAnswersInvalidError = createErrorFactory({
  message: 'Some answers are missing or invalid',
  code: 'survey.answers_invalid',
  statusCode: 400,
});
