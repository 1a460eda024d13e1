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

export const createCampaignSlugTakenError = createErrorFactory({
  code: 'campaign.slug_taken',
  message: 'Another campaign of this brand already uses this slug',
  statusCode: 409,
});

export const createCampaignStatusRefusedError = createErrorFactory({
  code: 'campaign.status_refused',
  message: 'This action does not apply to the campaign in its current status',
  statusCode: 409,
});

export const createCampaignVersionConflictError = createErrorFactory({
  code: 'campaign.version_conflict',
  message: 'The campaign was changed since you opened it; reload it and edit again',
  statusCode: 409,
});

export const createCampaignVersionNotFoundError = createErrorFactory({
  code: 'campaign.version_not_found',
  message: 'No such version of this campaign',
  statusCode: 404,
});
