export {
  loadVisionRecordings,
  startVisionReplayServer,
  type VisionRecording,
  type VisionReplayServer,
} from './vision-sim.server.js';
