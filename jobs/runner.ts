import cron from 'node-cron';
import type { WorkQueue, WorkSignal } from '../core/db/work-signal.js';
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

/**
 * A queue worker: claims and processes a batch; an empty batch (0) makes it wait `pollMs`, or less when
 * the work signal says work of one of its `wakeOn` queues was committed.
 */
export type QueueWorker = {
  name: string;
  /** The idle wait between polls: the fallback when no wake-up comes. */
  pollMs: number;
  /** Queues whose new work wakes this worker at once (with a work signal). @default [] */
  wakeOn?: readonly WorkQueue[];
  /**
   * Claims and processes work; resolves with how much it took (0: the loop waits for a wake-up or the
   * poll). The runner passes `wake`, for a worker that keeps work running after it returns (lanes) to
   * say it can take more; called without it (tests, one-off runs), it waits for what it claimed.
   */
  runOnce: (context?: { wake: () => void }) => Promise<number>;
  /** Resolves when the work still running after `runOnce` returned is done (awaited by `stop`). */
  drain?: () => Promise<void>;
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
  signal,
}: {
  jobs: ScheduledJob[];
  workers: QueueWorker[];
  logger: Logger;
  /** Wakes workers when work arrives; without it they only poll. */
  signal?: WorkSignal;
}): JobsHandle {
  let stopping = false;
  const inFlight = new Set<Promise<unknown>>();
  const wakers = new Set<Waker>();
  const unsubscribes: (() => void)[] = [];

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

  const loops = workers.map((worker) => {
    const waker = createWaker();
    wakers.add(waker);
    if (signal && worker.wakeOn && worker.wakeOn.length > 0)
      unsubscribes.push(signal.subscribe(worker.wakeOn, waker.wake));
    return track(
      (async () => {
        while (!stopping) {
          let processed = 0;
          // A wake-up that came before this claim is answered by it; one that comes during it is kept.
          waker.clear();
          try {
            processed = await worker.runOnce({ wake: waker.wake });
          } catch (error) {
            logger.error({ worker: worker.name, err: error }, `worker ${worker.name} failed a batch`);
          }
          if (processed === 0 && !stopping) await waker.sleep(worker.pollMs);
        }
      })(),
    );
  });

  return {
    stop: async () => {
      stopping = true;
      for (const unsubscribe of unsubscribes) unsubscribe();
      await Promise.all(tasks.map((task) => task.stop()));
      for (const waker of wakers) waker.wake();
      await Promise.allSettled([...loops, ...inFlight]);
      await Promise.allSettled(workers.map((worker) => worker.drain?.()));
      await Promise.all(tasks.map((task) => task.destroy()));
    },
    wake: () => {
      for (const waker of wakers) waker.wake();
    },
  };
}

type Waker = { wake: () => void; clear: () => void; sleep: (ms: number) => Promise<void> };

/**
 * One worker's idle wait: `wake` ends it early, and a wake-up that arrives while the worker is busy is
 * remembered, so work committed just after a claim looked is not left for the next poll.
 */
function createWaker(): Waker {
  let pending = false;
  let endSleep: (() => void) | undefined;
  return {
    wake: () => {
      if (endSleep) endSleep();
      else pending = true;
    },
    clear: () => {
      pending = false;
    },
    sleep: (ms) => {
      if (pending) {
        pending = false;
        return Promise.resolve();
      }
      return new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          endSleep = undefined;
          resolve();
        };
        const timer = setTimeout(done, ms);
        endSleep = done;
      });
    },
  };
}
