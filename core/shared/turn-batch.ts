import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * How many calls may come to a batcher together with the current one: the work started alongside it
 * (the webhook lanes' events in flight, this one included). Unknown outside `runInCompany`.
 */
const company = new AsyncLocalStorage<() => number>();

/**
 * Runs `fn` as one of `count()` pieces of work started alongside each other (the webhook lanes' events in
 * flight): a batcher it calls runs its batch as soon as that many calls are waiting — at once for work
 * that runs alone — instead of waiting for more that cannot come.
 */
export function runInCompany<T>(count: () => number, fn: () => T): T {
  return company.run(count, fn);
}

/**
 * Whether `waiting` pieces of work are all the work started alongside the current one (`runInCompany`),
 * so waiting for more to join them would only delay them; false outside a company (unknown).
 */
export function noMoreCompany(waiting: number): boolean {
  const alongside = company.getStore()?.();
  return alongside !== undefined && waiting >= alongside;
}

/**
 * Gathers calls that come close together into one batch: a batch starts with its first call and closes
 * once no new call has come for `quietMs` (so work started together — a group of events whose database
 * reads resolve one after the other — lands in one batch), or `maxWaitMs` after its first call,
 * whichever comes first, or as soon as every piece of work started alongside (`runInCompany`) has called:
 * a call made alone runs at once; one made outside `runInCompany` waits `quietMs`. `run` gets the batch's
 * inputs in order and settles each call: it must resolve or reject every one (a rejection of `run`
 * rejects them all).
 */
export function createTurnBatcher<In, Out>(
  run: (
    batch: { input: In; resolve: (value: Out) => void; reject: (error: unknown) => void }[],
  ) => Promise<void>,
  { quietMs = 2, maxWaitMs = 25 }: { quietMs?: number; maxWaitMs?: number } = {},
): (input: In) => Promise<Out> {
  type Entry = { input: In; resolve: (value: Out) => void; reject: (error: unknown) => void };
  let pending: Entry[] = [];
  let firstAt = 0;
  let timer: NodeJS.Timeout | undefined;
  const flush = () => {
    clearTimeout(timer);
    timer = undefined;
    const batch = pending;
    pending = [];
    run(batch).catch((error: unknown) => {
      for (const entry of batch) entry.reject(error);
    });
  };
  return (input) =>
    new Promise<Out>((resolve, reject) => {
      pending.push({ input, resolve, reject });
      // Nobody else can come: waiting for company would only delay this batch.
      if (noMoreCompany(pending.length)) return flush();
      const now = Date.now();
      if (pending.length === 1) firstAt = now;
      if (timer) clearTimeout(timer);
      timer = setTimeout(flush, Math.max(0, Math.min(quietMs, firstAt + maxWaitMs - now)));
    });
}
