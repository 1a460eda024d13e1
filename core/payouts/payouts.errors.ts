import { createErrorFactory } from '../shared/errors.js';

/** The MoF platform could not be asked whether the invoices behind the points still stand: try later. */
export const createPayoutRecheckUnavailableError = createErrorFactory({
  message:
    'We could not confirm your recent e-invoices with the Ministry of Finance platform just now. Nothing was spent: please try again in a few minutes.',
  code: 'payouts.recheck_unavailable',
  statusCode: 503,
});
