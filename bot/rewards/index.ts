export {
  createPublicDrawsRouter,
  createRewardsMemberRouter,
  IDEMPOTENCY_KEY_HEADER,
  type ResolveMember,
  type RewardsRouterDeps,
} from './rewards.routes.js';
export { createRewardsConsoleRouter, publicDrawLinks } from './rewards.console.routes.js';
export {
  buildRewardsMemberRouter,
  createRewardsConsoleModule,
  createRewardsPublicModule,
} from './rewards.module.js';
