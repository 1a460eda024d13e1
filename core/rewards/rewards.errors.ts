import { createErrorFactory } from '../shared/errors.js';

export const createRewardNotFoundError = createErrorFactory({
  code: 'reward.not_found',
  message: 'This reward does not exist',
  statusCode: 404,
});

export const createRewardNotAvailableError = createErrorFactory({
  code: 'reward.not_available',
  message: 'This reward cannot be redeemed now',
  statusCode: 409,
});

export const createRewardOutOfStockError = createErrorFactory({
  code: 'reward.out_of_stock',
  message: 'This reward is out of stock',
  statusCode: 409,
});

export const createRewardLimitReachedError = createErrorFactory({
  code: 'reward.member_limit_reached',
  message: 'You have already redeemed this reward as many times as allowed',
  statusCode: 409,
});

export const createInsufficientPointsError = createErrorFactory({
  code: 'points.insufficient',
  message: 'Not enough points',
  statusCode: 409,
});

export const createRedemptionNotFoundError = createErrorFactory({
  code: 'redemption.not_found',
  message: 'This redemption does not exist',
  statusCode: 404,
});

export const createRedemptionStateError = createErrorFactory({
  code: 'redemption.invalid_state',
  message: 'This redemption cannot change state that way',
  statusCode: 409,
});

export const createInvalidPointsAdjustmentError = createErrorFactory({
  code: 'points.invalid_adjustment',
  message: 'An adjustment needs a non-zero whole number of points, a reason and an actor',
  statusCode: 400,
});

export const createAdjustmentWouldGoNegativeError = createErrorFactory({
  code: 'points.adjustment_below_zero',
  message: 'This adjustment would take the balance below zero',
  statusCode: 409,
});

export const createInstantPlayNotFoundError = createErrorFactory({
  code: 'instant_play.not_found',
  message: 'This scratch card does not exist',
  statusCode: 404,
});

export const createInstantPlayVoidedError = createErrorFactory({
  code: 'instant_play.voided',
  message: 'This scratch card was withdrawn',
  statusCode: 409,
});

export const createInstantPlayNotPlayedError = createErrorFactory({
  code: 'instant_play.not_played',
  message: 'This scratch card has not been played yet',
  statusCode: 409,
});

export const createInvalidInstantPrizeError = createErrorFactory({
  code: 'instant_prize.invalid',
  message: 'Invalid instant-win prize',
  statusCode: 400,
});

export const createInvalidRewardError = createErrorFactory({
  code: 'reward.invalid',
  message: 'Invalid reward',
  statusCode: 400,
});

export const createInstantPrizeNotFoundError = createErrorFactory({
  code: 'instant_prize.not_found',
  message: 'This instant-win prize does not exist',
  statusCode: 404,
});

export const createRewardImageInvalidError = createErrorFactory({
  code: 'reward.image_invalid',
  message: 'The reward image must be a JPEG, PNG or WebP picture',
  statusCode: 415,
});

export const createRewardImageTooLargeError = createErrorFactory({
  code: 'reward.image_too_large',
  message: 'The reward image is too large',
  statusCode: 413,
});
