import { DRIZZLE_TEXT_TYPE_OIDS } from './pglite-text-types.js';

/**
 * The PGlite worker thread's code, as plain JavaScript (loaded as a data: URL, so the sources under tsx or
 * jest and the build load it the same way, as the PaddleOCR worker is; see `pglite-thread.ts`). It owns
 * one PGlite and answers the main thread's messages:
 * - `query` / `exec` run on the PGlite, or on the open transaction `txId` names;
 * - `begin` opens `pglite.transaction`, whose callback stays open (holding PGlite's one connection: loose
 *   statements wait in PGlite's own queue, as they do in-thread) until `end` commits it or rolls it back;
 *   the answer to `end` is the transaction's outcome (a failed COMMIT is an error);
 * - `listen` / `unlisten`: notifications are posted back as `{ notify, payload }`;
 * - `close` closes the PGlite; the main thread then ends the thread.
 * Type parsers are functions, which cannot cross threads: a query names the type OIDs whose text is kept
 * as it is (drizzle keeps dates, timestamps, intervals and their arrays as text). The worker's PGlite keeps
 * drizzle's text types as text itself, as in-thread (`keepDrizzleTextTypes`), so those need no parsers
 * of the statement's own; any other type named gets the identity parser for that statement.
 * Errors cross as their own fields (code, constraint, detail…) without `queryOptions` (functions).
 * The PGlite module comes as a file URL (a data: URL module has no folder to resolve a package from).
 */
export const PGLITE_THREAD_WORKER_SOURCE = String.raw`
import { readFileSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';

const { PGlite } = await import(workerData.pgliteUrl);

const keepText = (value) => value;
// The types drizzle keeps as text, kept as text by the PGlite itself (see pglite-text-types.ts: a
// statement that brings parsers makes PGlite copy its whole parser map).
const keptTextTypes = new Set(${JSON.stringify(DRIZZLE_TEXT_TYPE_OIDS)});
const parserSets = new Map();
const queryOptions = (message) => {
  const options = {};
  if (message.rowMode) options.rowMode = message.rowMode;
  if (message.textTypes && message.textTypes.some((oid) => !keptTextTypes.has(oid))) {
    const key = message.textTypes.join(',');
    let parsers = parserSets.get(key);
    if (!parsers) {
      parsers = {};
      for (const oid of message.textTypes) parsers[oid] = keepText;
      parserSets.set(key, parsers);
    }
    options.parsers = parsers;
  }
  return options;
};

const serializeError = (error) => {
  if (!(error instanceof Error)) return { message: String(error) };
  const fields = {};
  for (const key of Object.keys(error)) {
    if (key === 'queryOptions') continue;
    const value = error[key];
    if (typeof value === 'function') continue;
    fields[key] = value;
  }
  return { message: error.message, name: error.name, stack: error.stack, fields };
};
const reply = (id, result) => parentPort.postMessage({ id, result });
const replyError = (id, error) => {
  try {
    parentPort.postMessage({ id, error: serializeError(error) });
  } catch {
    // A field that cannot be cloned (e.g. a parameter): the message and code still cross.
    parentPort.postMessage({
      id,
      error: { message: error?.message ?? String(error), name: error?.name, fields: { code: error?.code } },
    });
  }
};

let pglite;
try {
  const options = { startParams: workerData.startParams };
  if (workerData.dataDir) options.dataDir = workerData.dataDir;
  if (workerData.loadDataDir) options.loadDataDir = new Blob([readFileSync(workerData.loadDataDir)]);
  pglite = await PGlite.create(options);
  for (const oid of keptTextTypes) pglite.parsers[oid] = keepText;
} catch (error) {
  replyError(0, error);
  await new Promise(() => {});
}
reply(0, null);

const ROLLBACK = Symbol('rollback');
const transactions = new Map();
const listeners = new Map();

const target = (txId) => {
  if (txId === undefined) return pglite;
  const transaction = transactions.get(txId);
  if (!transaction || transaction.ending) throw new Error('Transaction is closed');
  return transaction.tx;
};

const handlers = {
  query: (message) => target(message.txId).query(message.sql, message.params, queryOptions(message)),
  exec: (message) => target(message.txId).exec(message.sql, queryOptions(message)),
  begin: (message) =>
    new Promise((resolve, reject) => {
      let started = false;
      const transaction = {};
      pglite
        .transaction(
          (tx) =>
            new Promise((commit, rollback) => {
              started = true;
              Object.assign(transaction, { tx, commit, rollback });
              transactions.set(message.txId, transaction);
              resolve(null);
            }),
        )
        .then(
          () => transaction.settle?.(null),
          (error) => {
            if (!started) reject(error);
            else transaction.settle?.(error === ROLLBACK ? null : error);
          },
        )
        .finally(() => transactions.delete(message.txId));
    }),
  end: (message) =>
    new Promise((resolve, reject) => {
      const transaction = transactions.get(message.txId);
      if (!transaction || transaction.ending) throw new Error('Transaction is closed');
      transaction.ending = true;
      transaction.settle = (error) => (error ? reject(error) : resolve(null));
      if (message.commit) transaction.commit();
      else transaction.rollback(ROLLBACK);
    }),
  listen: async (message) => {
    const unlisten = await pglite.listen(message.channel, (payload) =>
      parentPort.postMessage({ notify: message.listenId, payload }),
    );
    listeners.set(message.listenId, unlisten);
    return null;
  },
  unlisten: async (message) => {
    const unlisten = listeners.get(message.listenId);
    listeners.delete(message.listenId);
    if (unlisten && !pglite.closed) await unlisten();
    return null;
  },
  close: async () => {
    if (!pglite.closed) await pglite.close();
    return null;
  },
};

parentPort.on('message', (message) => {
  let answer;
  try {
    answer = handlers[message.op](message);
  } catch (error) {
    replyError(message.id, error);
    return;
  }
  Promise.resolve(answer).then(
    (result) => {
      try {
        reply(message.id, result);
      } catch (error) {
        replyError(message.id, error);
      }
    },
    (error) => replyError(message.id, error),
  );
});
`;
