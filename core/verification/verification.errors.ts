import { createErrorFactory } from '../shared/errors.js';

/** The platform did not answer usefully after every retry (5xx, network, time-out, garbage). */
export const createEInvoicePlatformUnavailableError = createErrorFactory({
  message: 'The e-invoice platform is unavailable; try again later',
  code: 'einvoice_platform.unavailable',
  statusCode: 503,
});

/** The platform refused our parameters (code 903/904 or an HTTP 4xx): a bug on our side, not retried. */
export const createEInvoicePlatformBadRequestError = createErrorFactory({
  message: 'The e-invoice platform rejected the request parameters',
  code: 'einvoice_platform.bad_request',
  statusCode: 502,
  isInternal: true,
});

/** The platform refused who we are (app ID, UUID, signature): configuration to fix, not retried. */
export const createEInvoicePlatformRejectedError = createErrorFactory({
  message: 'The e-invoice platform rejected the application credentials',
  code: 'einvoice_platform.rejected',
  statusCode: 502,
  isInternal: true,
});

/** Code 950: the detail query cap for this invoice is used up. */
export const createEInvoicePlatformQueryLimitError = createErrorFactory({
  message: 'The e-invoice platform query limit for this invoice is reached',
  code: 'einvoice_platform.query_limit_reached',
  statusCode: 429,
});

/** A query the adapter refuses to send (malformed number, date, period…): a caller bug. */
export const createEInvoicePlatformInvalidQueryError = createErrorFactory({
  message: 'Invalid e-invoice platform query',
  code: 'einvoice_platform.invalid_query',
  statusCode: 400,
});

/** The adapter was built with unusable options (base URL, versions, limits). */
export const createEInvoicePlatformInvalidOptionsError = createErrorFactory({
  message: 'Invalid e-invoice platform options',
  code: 'einvoice_platform.invalid_options',
  statusCode: 500,
  isInternal: true,
});
