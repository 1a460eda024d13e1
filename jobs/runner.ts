import cron from 'node-cron';
import type { Logger } from '../core/shared/logger.js';

/** A scheduled job: thin, calls one core use case, logs a one-line summary of what it did. */
export type ScheduledJob = {
  name: string;
  /** Cron expression (from config). */
  cron: string;
  /** Zone the expression is read in. @default 'Asia/Taipei' */
  timezone?: string;
  /** Also run once when the process starts. @default false */
  runOnStartup?: boolean;
  run: () => Promise<Record<string, unknown>>;
};

/** A queue worker: claims and processes a batch; an empty batch (0) makes it wait `pollMs`. */
export type QueueWorker = {
  name: string;
  pollMs: number;
  runOnce: () => Promise<number>;
};

export type JobsHandle = {
  /** Stops taking new work and resolves when the work in flight has finished. */
  stop: () => Promise<void>;
  /** Wakes idle workers now (e.g. right after the webhook stored an event). */
  wake: () => void;
};

export function startJobs({
  jobs,
  workers,
  logger,
}: {
  jobs: ScheduledJob[];
  workers: QueueWorker[];
  logger: Logger;
}): JobsHandle {
  let stopping = false;
  const inFlight = new Set<Promise<unknown>>();
  const wakers = new Set<() => void>();

  const track = <T>(promise: Promise<T>) => {
    inFlight.add(promise);
    void promise.finally(() => inFlight.delete(promise)).catch(() => {});
    return promise;
  };

  const runJob = async (job: ScheduledJob) => {
    if (stopping) return;
    const startedAt = Date.now();
    try {
      const summary = await track(job.run());
      logger.info({ job: job.name, ms: Date.now() - startedAt, ...summary }, `job ${job.name} done`);
    } catch (error) {
      logger.error({ job: job.name, err: error }, `job ${job.name} failed`);
    }
  };

  const tasks = jobs.map((job) => {
    let running: Promise<void> | undefined;
    const task = cron.schedule(
      job.cron,
      async () => {
        // No overlap: a run still going when the next tick comes makes that tick a no-op.
        if (running) return;
        running = runJob(job).finally(() => {
          running = undefined;
        });
        await running;
      },
      { timezone: job.timezone ?? 'Asia/Taipei', name: job.name },
    );
    if (job.runOnStartup) void runJob(job);
    return task;
  });

  const loops = workers.map((worker) =>
    track(
      (async () => {
        while (!stopping) {
          let processed = 0;
          try {
            processed = await worker.runOnce();
          } catch (error) {
            logger.error({ worker: worker.name, err: error }, `worker ${worker.name} failed a batch`);
          }
          if (processed === 0 && !stopping) await sleep(worker.pollMs, wakers);
        }
      })(),
    ),
  );

  return {
    stop: async () => {
      stopping = true;
      await Promise.all(tasks.map((task) => task.stop()));
      for (const wake of wakers) wake();
      await Promise.allSettled([...loops, ...inFlight]);
      await Promise.all(tasks.map((task) => task.destroy()));
    },
    wake: () => {
      for (const wake of wakers) wake();
    },
  };
}

function sleep(ms: number, wakers: Set<() => void>): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      wakers.delete(done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    wakers.add(done);
  });
}
