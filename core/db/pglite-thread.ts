import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { messages, type QueryOptions, type Results } from '@electric-sql/pglite';
import { projectRoot } from '../shared/paths.js';
import { PGLITE_THREAD_WORKER_SOURCE } from './pglite-thread.worker-source.js';

/** Where PGlite runs in local mode: on the serving thread, or in a worker thread of its own. */
export type PgliteThreadMode = 'main' | 'worker';

export type PgliteThreadOptions = {
  /** A data directory (already locked by the caller); unset: in memory. */
  dataDir?: string;
  /** A file written by `dumpDataDir` (a migrated template) to load into a new in-memory database. */
  loadDataDir?: string;
  startParams: readonly string[];
};

/** What a statement may ask of the parsers: only types kept as text cross the thread. */
type StatementOptions = Pick<QueryOptions, 'rowMode' | 'parsers'>;

type Message = {
  op: 'query' | 'exec' | 'begin' | 'end' | 'listen' | 'unlisten' | 'close';
  txId?: number;
  sql?: string;
  params?: unknown[];
  rowMode?: QueryOptions['rowMode'];
  textTypes?: number[];
  commit?: boolean;
  channel?: string;
  listenId?: number;
};
type SerializedError = { message: string; name?: string; stack?: string; fields?: Record<string, unknown> };
type Answer = { id: number; result?: unknown; error?: SerializedError } | { notify: number; payload: string };
type Call = { resolve: (value: unknown) => void; reject: (error: Error) => void };

/** The statements of one transaction: what drizzle's pglite session calls on `pglite.transaction`'s `tx`. */
export type PgliteThreadTransaction = {
  query: <T>(sql: string, params?: unknown[], options?: StatementOptions) => Promise<Results<T>>;
  exec: (sql: string, options?: StatementOptions) => Promise<Results[]>;
  rollback: () => Promise<void>;
  readonly closed: boolean;
};

/**
 * The thread's young generation (where new objects live; V8 lets a worker's grow to 32 MB): the thread
 * parses statements' rows and sends them on, short-lived objects that 8 MB holds; an idle local-mode
 * process kept 16 MB of it empty (docs/decisions/012, 2026-12-07). Larger objects (a big result's
 * strings) are outside it.
 */
export const PGLITE_THREAD_YOUNG_GENERATION_MB = 8;

const WORKER_URL = new URL(`data:text/javascript,${encodeURIComponent(PGLITE_THREAD_WORKER_SOURCE)}`);

/** PGlite's ES module as a file URL, the same package the main thread loads. */
const pgliteModuleUrl = () => {
  const entry = createRequire(join(projectRoot, 'package.json')).resolve('@electric-sql/pglite');
  const esm = entry.replace(/\.cjs$/, '.js');
  return pathToFileURL(existsSync(esm) ? esm : entry).href;
};

/**
 * Type parsers are functions and cannot cross to the worker. drizzle's pglite session passes parsers that
 * keep a type's text as it is (dates, timestamps, intervals and their arrays); those are sent as type
 * OIDs and the worker gives them the same identity parser. Any other parser is refused loudly rather
 * than silently dropped.
 */
function textTypesOf(parsers: StatementOptions['parsers']): number[] | undefined {
  if (!parsers) return undefined;
  const oids: number[] = [];
  for (const [key, parser] of Object.entries(parsers)) {
    const probe = '2026-01-02 03:04:05';
    if (parser(probe, Number(key)) !== probe)
      throw new Error(`PGlite in a worker thread keeps only text parsers (type ${key} has another)`);
    oids.push(Number(key));
  }
  return oids;
}

function reviveError(serialized: SerializedError): Error {
  // A database error as PGlite's own class (its `name` is the protocol message's, 'error'), with every
  // field it carried; anything else (a closed transaction) as a plain Error.
  const fields = serialized.fields ?? {};
  const error =
    'severity' in fields
      ? new messages.DatabaseError(serialized.message, 0, 'error')
      : new Error(serialized.message);
  Object.assign(error, fields);
  if (!('severity' in fields) && serialized.name)
    Object.defineProperty(error, 'name', { value: serialized.name });
  // The caller's stack (where the statement was sent from), then the worker's, its data: URL shortened.
  if (serialized.stack) {
    const workerStack = serialized.stack.replace(/data:text\/javascript,[^\s)]*/g, 'pglite-thread-worker');
    error.stack = `${error.stack ?? ''}\n    --- in the PGlite thread ---\n${workerStack}`;
  }
  return error;
}

/**
 * A PGlite living in a `worker_threads` Worker, so its wasm and parsing run beside the serving thread
 * instead of on it. It offers what drizzle's pglite driver and the database handle call on a PGlite:
 * `query(sql, params, { rowMode, parsers })`, `exec`, `transaction(fn)`, `listen`, `closed`, `close`.
 * Each call is one message (id, sql, params) answered by one message. A transaction holds PGlite's one
 * connection in the worker until `fn` settles on this thread (its statements carry the transaction's id;
 * every other statement waits in PGlite's queue, as in-thread) and is rolled back when `fn` throws.
 * The thread keeps the process alive only while a call is waiting for its answer (an idle in-thread
 * PGlite keeps nothing alive either). If the thread dies, every waiting call fails and the client is
 * closed.
 */
export class PgliteThread {
  #worker: Worker;
  #calls = new Map<number, Call>();
  #listeners = new Map<number, (payload: string) => void>();
  #nextId = 1;
  #closed = false;
  #exited: Promise<void>;

  private constructor(worker: Worker) {
    this.#worker = worker;
    this.#exited = new Promise((resolve) => worker.once('exit', () => resolve()));
    worker.on('message', (answer: Answer) => this.#receive(answer));
    worker.on('error', (error) => this.#fail(error));
    worker.on('exit', (code) => this.#fail(new Error(`The PGlite thread stopped (exit code ${code})`)));
  }

  /** Starts the thread and resolves once its PGlite is open (rejects with PGlite's own error). */
  static async create(options: PgliteThreadOptions): Promise<PgliteThread> {
    const worker = new Worker(WORKER_URL, {
      resourceLimits: { maxYoungGenerationSizeMb: PGLITE_THREAD_YOUNG_GENERATION_MB },
      workerData: {
        pgliteUrl: pgliteModuleUrl(),
        dataDir: options.dataDir,
        loadDataDir: options.loadDataDir,
        startParams: [...options.startParams],
      },
    });
    const client = new PgliteThread(worker);
    // Id 0 is the thread's first answer: its PGlite is open, or why not.
    const opened = new Promise<unknown>((resolve, reject) => client.#calls.set(0, { resolve, reject }));
    worker.ref();
    try {
      await opened;
    } catch (error) {
      client.#closed = true;
      await worker.terminate();
      throw error;
    }
    client.#settled();
    return client;
  }

  get closed(): boolean {
    return this.#closed;
  }

  query<T>(sql: string, params?: unknown[], options?: StatementOptions): Promise<Results<T>> {
    return this.#statement<Results<T>>('query', undefined, sql, params, options);
  }

  exec(sql: string, options?: StatementOptions): Promise<Results[]> {
    return this.#statement<Results[]>('exec', undefined, sql, undefined, options);
  }

  async transaction<T>(fn: (tx: PgliteThreadTransaction) => Promise<T>): Promise<T> {
    const txId = this.#nextId++;
    await this.#call({ op: 'begin', txId });
    let closed = false;
    const tx: PgliteThreadTransaction = {
      query: <R>(sql: string, params?: unknown[], options?: StatementOptions) => {
        if (closed) return Promise.reject(new Error('Transaction is closed'));
        return this.#statement<Results<R>>('query', txId, sql, params, options);
      },
      exec: (sql: string, options?: StatementOptions) => {
        if (closed) return Promise.reject(new Error('Transaction is closed'));
        return this.#statement<Results[]>('exec', txId, sql, undefined, options);
      },
      rollback: async () => {
        if (closed) throw new Error('Transaction is closed');
        closed = true;
        await this.#call({ op: 'end', txId, commit: false });
      },
      get closed() {
        return closed;
      },
    };
    let result: T;
    try {
      result = await fn(tx);
    } catch (error) {
      if (!closed) {
        closed = true;
        await this.#call({ op: 'end', txId, commit: false }).catch(() => {});
      }
      throw error;
    }
    if (!closed) {
      closed = true;
      await this.#call({ op: 'end', txId, commit: true });
    }
    return result;
  }

  /** PGlite's `listen`: resolves once listening, with the unlisten. */
  async listen(channel: string, onNotification: (payload: string) => void): Promise<() => Promise<void>> {
    const listenId = this.#nextId++;
    this.#listeners.set(listenId, onNotification);
    try {
      await this.#call({ op: 'listen', channel, listenId });
    } catch (error) {
      this.#listeners.delete(listenId);
      throw error;
    }
    return async () => {
      if (!this.#listeners.delete(listenId) || this.#closed) return;
      await this.#call({ op: 'unlisten', listenId });
    };
  }

  /** Closes the PGlite (writing its data directory) and ends the thread. */
  async close(): Promise<void> {
    if (this.#closed) return;
    try {
      await this.#call({ op: 'close' });
    } finally {
      this.#closed = true;
      this.#listeners.clear();
      await this.#worker.terminate();
      await this.#exited;
    }
  }

  #statement<T>(
    op: 'query' | 'exec',
    txId: number | undefined,
    sql: string,
    params: unknown[] | undefined,
    options: StatementOptions | undefined,
  ): Promise<T> {
    let textTypes: number[] | undefined;
    try {
      textTypes = textTypesOf(options?.parsers);
    } catch (error) {
      return Promise.reject(error as Error);
    }
    return this.#call({ op, txId, sql, params, rowMode: options?.rowMode, textTypes }) as Promise<T>;
  }

  #call(message: Message): Promise<unknown> {
    if (this.#closed) return Promise.reject(new Error('PGlite is closed'));
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#calls.set(id, { resolve, reject });
      if (this.#calls.size === 1) this.#worker.ref();
      try {
        this.#worker.postMessage({ ...message, id });
      } catch (error) {
        // A parameter that cannot be cloned (a function, a symbol): fails here, as PGlite would refuse it.
        this.#calls.delete(id);
        this.#settled();
        reject(error as Error);
      }
    });
  }

  #receive(answer: Answer): void {
    if ('notify' in answer) {
      this.#listeners.get(answer.notify)?.(answer.payload);
      return;
    }
    const call = this.#calls.get(answer.id);
    if (!call) return;
    this.#calls.delete(answer.id);
    this.#settled();
    if (answer.error) call.reject(reviveError(answer.error));
    else call.resolve(answer.result);
  }

  /** Keeps the process alive only while an answer is awaited. */
  #settled(): void {
    if (this.#calls.size === 0) this.#worker.unref();
  }

  #fail(error: Error): void {
    this.#closed = true;
    const calls = [...this.#calls.values()];
    this.#calls.clear();
    this.#listeners.clear();
    for (const call of calls) call.reject(error);
  }
}
