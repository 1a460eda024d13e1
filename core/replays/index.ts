export { campaignReplays, type ReplayState } from './replays.table.js';
export {
  createReplaysRepository,
  type CampaignReplay,
  type ReplaysRepository,
} from './replays.repository.js';
export {
  createReplayAccumulator,
  REPLAY_EXAMPLES_PER_BUCKET,
  type ReplayBucket,
  type ReplayDirection,
  type ReplayExample,
  type ReplayResult,
} from './replays.models.js';
export {
  getCampaignReplay,
  REPLAY_LEASE_MS,
  REPLAY_PAGE_SIZE,
  replayRequestSchema,
  replayView,
  requestCampaignReplay,
  runNextCampaignReplay,
  type ReplaysDeps,
} from './replays.usecases.js';
export * from './replays.errors.js';
