import { createErrorFactory } from '../shared/errors.js';

export const createMemberNotFoundError = createErrorFactory({
  message: 'Member not found',
  code: 'member.not_found',
  statusCode: 404,
});

export const createMemberNotRegisteredError = createErrorFactory({
  message: 'Register first',
  code: 'member.not_registered',
  statusCode: 409,
});

export const createMemberErasedError = createErrorFactory({
  message: 'This member was erased',
  code: 'member.erased',
  statusCode: 410,
});

export const createDataProcessingConsentRequiredError = createErrorFactory({
  message: 'Consent to data processing is required to register',
  code: 'consent.data_processing_required',
  statusCode: 400,
});

export const createConsentTextOutdatedError = createErrorFactory({
  message: 'The consent text changed; please read it again',
  code: 'consent.text_outdated',
  statusCode: 409,
});

export const createMembershipAlreadyLinkedError = createErrorFactory({
  message: 'This membership is already linked to another LINE account',
  code: 'membership.already_linked',
  statusCode: 409,
});

export const createMembershipNotFoundError = createErrorFactory({
  message: 'No membership matches this member number and phone',
  code: 'membership.not_found',
  statusCode: 404,
});

export const createErasureNotConfirmedError = createErrorFactory({
  message: 'Erasure must be confirmed',
  code: 'member.erasure_not_confirmed',
  statusCode: 400,
});
