export { createMetrics, type Metrics } from './metrics.registry.js';
export { QUEUE_NAMES, readQueueStats, type QueueName, type QueueStats } from './metrics.queries.js';
export {
  instrumentEInvoicePlatform,
  instrumentLineMessenger,
  instrumentOcrEngine,
} from './metrics.instruments.js';
