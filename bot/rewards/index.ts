export {
  createPublicDrawsRouter,
  createRewardsAdminRouter,
  createRewardsMemberRouter,
  IDEMPOTENCY_KEY_HEADER,
  type ResolveActor,
  type ResolveMember,
  type RewardsRouterDeps,
} from './rewards.routes.js';
export {
  buildRewardsAdminRouter,
  buildRewardsMemberRouter,
  createRewardsPublicModule,
} from './rewards.module.js';
