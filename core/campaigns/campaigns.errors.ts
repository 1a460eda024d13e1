import { createErrorFactory } from '../shared/errors.js';

export const createCampaignSettingsInvalidError = createErrorFactory({
  code: 'campaign.settings_invalid',
  message: 'The campaign rules or rewards are not valid',
  statusCode: 400,
});

export const createCampaignNotFoundError = createErrorFactory({
  code: 'campaign.not_found',
  message: 'Campaign not found',
  statusCode: 404,
});
