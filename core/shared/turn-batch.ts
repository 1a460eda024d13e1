/**
 * Gathers calls that come close together into one batch: a batch starts with its first call and closes
 * once no new call has come for `quietMs` (so work started together — a group of events whose database
 * reads resolve one after the other — lands in one batch), or `maxWaitMs` after its first call,
 * whichever comes first. A call that comes alone waits `quietMs`. `run` gets the batch's inputs in order
 * and settles each call: it must resolve or reject every one (a rejection of `run` rejects them all).
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
      const now = Date.now();
      if (pending.length === 1) firstAt = now;
      if (timer) clearTimeout(timer);
      timer = setTimeout(flush, Math.max(0, Math.min(quietMs, firstAt + maxWaitMs - now)));
    });
}
