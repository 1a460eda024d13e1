export {
  couponCodes,
  instantPlays,
  instantPrizes,
  pointsLedger,
  redemptions,
  rewards,
} from './rewards.table.js';
export {
  earnIdempotencyKey,
  grantRewardsForSubmission,
  reverseRewardsForSubmission,
  reverseIdempotencyKey,
  type GrantRewardsResult,
  type ReverseRewardsResult,
  type SubmissionRewardQuantities,
} from './grants.usecases.js';
export {
  getPointsBalance,
  listLedgerHistory,
  lockMemberPoints,
  memberPointsLocked,
  settleExpiredPoints,
  type LedgerRow,
} from './points.ledger.js';
export { grantRewardsForSubmissions, type SubmissionToReward } from './grants.batch.js';
export * from './rewards.errors.js';
export {
  parseRewardImagePath,
  REWARD_IMAGE_MAX_BYTES,
  REWARD_IMAGE_PATH_PREFIX,
  storeRewardImage,
  type StoredRewardImage,
} from './reward-images.usecases.js';
export {
  addCouponCodes,
  countFreeCouponCodes,
  createReward,
  generateCouponCodeValues,
  getRewardOrThrow,
  listCatalog,
  parseCouponCodeList,
  type NewReward,
  type Reward,
} from './catalog.usecases.js';
export {
  cancelRedemption,
  fulfillRedemption,
  listMemberRedemptions,
  redeemReward,
  type MemberRedemption,
  type RedeemResult,
  type Redemption,
} from './redemptions.usecases.js';
export { adjustPoints, expireDuePoints, getPointsSummary, type PointsSummary } from './points.usecases.js';
export {
  buildDrawWinMessages,
  buildInstantWinMessages,
  type RewardsNotifier,
} from './rewards.notifications.js';
export {
  createInstantPrize,
  listMemberInstantPlays,
  playInstantWin,
  rescheduleInstantPrize,
  revealInstantPlay,
  type InstantPlay,
  type InstantPlayOutcome,
  type InstantPrize,
  type RandomInt,
} from './instant-win.usecases.js';
export {
  instantPrizeScheduleSchema,
  pickInstantPrize,
  releasedStock,
  type InstantPrizeSchedule,
} from './instant-win.models.js';
export { replayLedger, type LedgerReplay, type PointsLot } from './points.models.js';
export { createMessagingRewardsNotifier } from './rewards.line-notifier.js';
export {
  DEFAULT_LOW_STOCK_AT,
  getConsoleRewardOrThrow,
  listConsoleInstantPrizes,
  listConsoleRedemptions,
  listConsoleRewards,
  updateInstantPrize,
  updateReward,
  type ConsoleInstantPrize,
  type ConsoleRedemption,
  type ConsoleReward,
  type RewardPatch,
} from './catalog-admin.usecases.js';
export { type RewardsAudit } from './rewards.audit.js';
