import { createErrorFactory } from '../shared/errors.js';

export const createUnknownRegionError = createErrorFactory({
  message: 'Unknown region code: use an ISO 3166-2 code of Taiwan or Thailand such as TW-TPE or TH-10',
  code: 'region.unknown',
  statusCode: 400,
});

export const createUnknownCountryError = createErrorFactory({
  message: 'Unknown country: regions exist for TW and TH',
  code: 'region.unknown_country',
  statusCode: 400,
});
