export {
  loadVisionRecordings,
  startVisionReplayServer,
  type VisionRecording,
  type VisionReplayServer,
} from './vision-sim.server.js';
export { buildVisionAnswer, type LayoutWord, type VisionLayout } from './vision-answer.js';
