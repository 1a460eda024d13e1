import { createErrorFactory } from '../shared/errors.js';

export const createChannelNotFoundError = createErrorFactory({
  message: 'No such LINE channel on this brand',
  code: 'settings.channel_not_found',
  statusCode: 404,
});

export const createChannelTakenError = createErrorFactory({
  message: 'This LINE channel is already connected to Proofline',
  code: 'settings.channel_exists',
  statusCode: 409,
});

/** The channel comes from LINE_CHANNEL_* environment variables: the next start would overwrite an edit. */
export const createChannelManagedByEnvError = createErrorFactory({
  message: 'This channel is set by the LINE_CHANNEL_* environment variables: change them and restart instead',
  code: 'settings.channel_managed_by_env',
  statusCode: 409,
});

export const createUnknownTimeZoneError = createErrorFactory({
  message: 'Unknown time zone: give an IANA name such as Asia/Taipei',
  code: 'settings.unknown_time_zone',
  statusCode: 400,
});

/** LINE refused a call made from the settings page (its status and message are the useful part). */
export const createLineRefusedError = createErrorFactory({
  message: 'LINE refused the request',
  code: 'settings.line_refused',
  statusCode: 502,
});

/** A LINE plan of another country than the brand's (plans and prices are per country). */
export const createPlanOfAnotherCountryError = createErrorFactory({
  message: "This LINE plan is not one of the brand's country",
  code: 'settings.plan_of_another_country',
  statusCode: 400,
});
