import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * The request (or queued work item) the current code runs for: the HTTP layer opens it per request,
 * the webhook worker re-opens it with the id of the request that stored the event, and the logger adds
 * `reqId` to every line written inside it.
 */
const storage = new AsyncLocalStorage<{ requestId: string }>();

export function runWithRequestId<T>(requestId: string | null | undefined, fn: () => T): T {
  return requestId ? storage.run({ requestId }, fn) : fn();
}

export function currentRequestId(): string | undefined {
  return storage.getStore()?.requestId;
}
