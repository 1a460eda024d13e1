import type { Services } from '../core/app/build-services.js';
import { buildJobs } from './registry.js';
import { startJobs, type JobsHandle } from './runner.js';

/** The worker process: queue workers and scheduled jobs. Any number may run side by side. */
export function startWorker(services: Services): JobsHandle {
  const { jobs, workers } = buildJobs(services);
  return startJobs({ jobs, workers, logger: services.logger, signal: services.workSignal });
}
