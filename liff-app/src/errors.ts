import type { MessageKey } from './messages.js';

/** Where a member can go to fix what an error says (a button beside the message). */
export type ErrorAction = 'register' | 'reload' | 'submit' | 'rewards';

export type ErrorExplanation = { message: MessageKey; action?: ErrorAction };

/**
 * Every error code the LIFF API can answer, in words a member can act on (the server's own `message` is
 * English, for developers). A test keeps this list complete against the server's error factories and
 * checks each sentence exists in zh-TW, th and en.
 */
export const LIFF_ERRORS: Readonly<Record<string, ErrorExplanation>> = {
  'member.not_registered': { message: 'error.notRegistered', action: 'register' },
  'member.not_found': { message: 'error.signInAgain', action: 'reload' },
  'member.erased': { message: 'error.erased', action: 'reload' },
  'member.erasure_not_confirmed': { message: 'error.eraseConfirm' },
  'winner_tax.not_needed': { message: 'error.taxNotNeeded' },
  'winner_tax.key_missing': { message: 'error.busy', action: 'reload' },
  'winner_tax.unreadable': { message: 'error.busy', action: 'reload' },
  'auth.unauthorized': { message: 'auth.failed', action: 'reload' },
  'auth.forbidden': { message: 'auth.failed', action: 'reload' },
  'liff.id_token_invalid': { message: 'auth.failed', action: 'reload' },
  'liff.id_token_verifier_unavailable': { message: 'error.busy', action: 'reload' },
  'liff.proof_channel_unavailable': { message: 'error.busy', action: 'reload' },
  'membership.directory_unavailable': { message: 'error.busy' },
  internal: { message: 'error.busy', action: 'reload' },
  'consent.text_outdated': { message: 'error.consentChanged', action: 'reload' },
  'consent.data_processing_required': { message: 'register.consentRequired' },
  'validation.failed': { message: 'register.invalid' },
  'phone.invalid': { message: 'error.phoneInvalid' },
  'region.unknown': { message: 'register.invalid' },
  'birthday.future': { message: 'register.invalid' },
  'birthday.too_old': { message: 'register.invalid' },
  'membership.not_found': { message: 'profile.linkFailed' },
  'membership.already_linked': { message: 'error.membershipTaken' },
  'points.insufficient': { message: 'error.notEnoughPoints', action: 'submit' },
  'reward.out_of_stock': { message: 'error.rewardGone', action: 'rewards' },
  'reward.not_available': { message: 'error.rewardUnavailable', action: 'rewards' },
  'reward.not_found': { message: 'error.rewardUnavailable', action: 'rewards' },
  'reward.member_limit_reached': { message: 'error.rewardLimit', action: 'rewards' },
  'redemption.invalid_state': { message: 'error.redemptionDone' },
  'redemption.not_found': { message: 'error.redemptionDone' },
  'instant_play.not_found': { message: 'error.playGone' },
  'instant_play.voided': { message: 'error.playGone' },
  'instant_play.not_played': { message: 'error.playFirst' },
  'survey.already_answered': { message: 'error.surveyAnswered' },
  'survey.not_due': { message: 'error.noSurvey' },
  'survey.not_found': { message: 'error.noSurvey' },
  'survey.answers_invalid': { message: 'register.invalid' },
  'receipt.too_large': { message: 'error.photoTooLarge' },
  'receipt.too_many_pixels': { message: 'error.photoTooLarge' },
  'request.too_large': { message: 'error.photoTooLarge' },
  'receipt.not_an_image': { message: 'error.notAPhoto' },
  'receipt.unsupported_format': { message: 'error.notAPhoto' },
  'receipt.corrupt': { message: 'error.notAPhoto' },
  'receipt.not_found': { message: 'error.photoGone', action: 'submit' },
  'receipt.erased': { message: 'error.photoGone', action: 'submit' },
  'submission.not_found': { message: 'error.photoGone', action: 'submit' },
  'campaign.not_found': { message: 'error.noCampaign' },
  'draw.not_found': { message: 'error.drawNotYet' },
  'draw.not_drawn': { message: 'error.drawNotYet' },
  'draw.period_not_closed': { message: 'error.drawNotYet' },
  'request.rate_limited': { message: 'error.tooManyTries' },
  'request.nul_character': { message: 'register.invalid' },
  not_found: { message: 'error.busy', action: 'reload' },
  'request.bad_json': { message: 'common.error', action: 'reload' },
  'request.json_required': { message: 'common.error', action: 'reload' },
  'request.idempotency_key_required': { message: 'common.error', action: 'reload' },
};

/** The words and the action for an error: by its code, else by its HTTP status, else "try again". */
export function explainError(error: unknown): ErrorExplanation {
  const { code, status } = (error ?? {}) as { code?: unknown; status?: unknown };
  if (typeof code === 'string' && LIFF_ERRORS[code]) return LIFF_ERRORS[code];
  if (status === 401) return { message: 'auth.failed', action: 'reload' };
  if (status === 429) return { message: 'error.tooManyTries' };
  if (typeof status === 'number' && status >= 500) return { message: 'error.busy', action: 'reload' };
  return { message: 'common.error' };
}
