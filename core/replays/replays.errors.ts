import { createErrorFactory } from '../shared/errors.js';

export const createReplayNotFoundError = createErrorFactory({
  code: 'replay.not_found',
  message: 'No such what-if replay for this campaign',
  statusCode: 404,
});
