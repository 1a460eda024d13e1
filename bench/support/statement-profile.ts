import { PglitePreparedQuery, PgliteSession } from 'drizzle-orm/pglite';
import { NodePgPreparedQuery, NodePgSession } from 'drizzle-orm/node-postgres';
import type { PGlite } from '@electric-sql/pglite';

type Entry = { count: number; ms: number };

/**
 * Counts the statements (and transactions) drizzle sends, and the wall time of each kind, while it is on:
 * a bench's own probe (`BENCH_PROFILE_STATEMENTS=1`), never used by the application. A statement is keyed
 * by its first words (the table it writes or reads), so the rows of one kind add up.
 */
export function startStatementProfile(pglite?: PGlite) {
  const byKey = new Map<string, Entry>();
  /** PGlite only: the CPU time inside its wasm (synchronous), by the statement it parsed. */
  const wasmByKey = new Map<string, Entry>();
  let transactions = 0;
  /** Transactions by the application's function that opened them (the first two frames in core/, jobs/, bot/). */
  const transactionsBy = new Map<string, number>();
  const record = (queryString: string, ms: number) => {
    const key = statementKey(queryString);
    const entry = byKey.get(key) ?? { count: 0, ms: 0 };
    entry.count++;
    entry.ms += ms;
    byKey.set(key, entry);
  };
  const restores: (() => void)[] = [];
  for (const Prepared of [PglitePreparedQuery, NodePgPreparedQuery] as unknown as {
    prototype: Record<string, (...args: unknown[]) => Promise<unknown>>;
  }[]) {
    for (const method of ['execute', 'all'] as const) {
      const original = Prepared.prototype[method]!;
      Prepared.prototype[method] = async function (this: { queryString: string }, ...args: unknown[]) {
        const start = performance.now();
        try {
          return await original.apply(this, args);
        } finally {
          record(this.queryString, performance.now() - start);
        }
      };
      restores.push(() => {
        Prepared.prototype[method] = original;
      });
    }
  }
  for (const Session of [PgliteSession, NodePgSession] as unknown as {
    prototype: Record<string, (...args: unknown[]) => Promise<unknown>>;
  }[]) {
    const original = Session.prototype.transaction!;
    Session.prototype.transaction = function (this: unknown, ...args: unknown[]) {
      transactions++;
      const opener = transactionOpener(new Error().stack ?? '');
      transactionsBy.set(opener, (transactionsBy.get(opener) ?? 0) + 1);
      return original.apply(this, args);
    };
    restores.push(() => {
      Session.prototype.transaction = original;
    });
  }
  if (pglite) {
    const target = pglite as unknown as { execProtocolRawSync: (message: Uint8Array) => Uint8Array };
    const original = target.execProtocolRawSync;
    let current = '';
    const decoder = new TextDecoder();
    target.execProtocolRawSync = function (this: unknown, message: Uint8Array) {
      // 'P' (parse): a name, then the statement's text; 'Q' (simple query): the text.
      if (message[0] === 0x50) {
        const nameEnd = message.indexOf(0, 5);
        current = decoder.decode(message.subarray(nameEnd + 1, message.indexOf(0, nameEnd + 1)));
      } else if (message[0] === 0x51) current = decoder.decode(message.subarray(5, message.indexOf(0, 5)));
      // CPU time: wall time inside the wasm counts the time the process waited for a core.
      const start = process.cpuUsage();
      try {
        return original.call(this, message);
      } finally {
        const key = statementKey(current);
        const entry = wasmByKey.get(key) ?? { count: 0, ms: 0 };
        if (message[0] === 0x50 || message[0] === 0x51) entry.count++;
        const used = process.cpuUsage(start);
        entry.ms += (used.user + used.system) / 1000;
        wasmByKey.set(key, entry);
      }
    };
    restores.push(() => {
      target.execProtocolRawSync = original;
    });
  }
  return {
    stop() {
      for (const restore of restores) restore();
      const wasm = [...wasmByKey].sort(([, a], [, b]) => b.ms - a.ms);
      const rows = [...byKey].sort(([, a], [, b]) => b.ms - a.ms);
      return {
        transactions,
        transactionsBy: [...transactionsBy].sort(([, a], [, b]) => b - a),
        statements: rows.reduce((sum, [, entry]) => sum + entry.count, 0),
        ms: rows.reduce((sum, [, entry]) => sum + entry.ms, 0),
        rows: rows.map(([key, entry]) => ({ key, ...entry })),
        wasmMs: wasm.reduce((sum, [, entry]) => sum + entry.ms, 0),
        wasm: wasm.map(([key, entry]) => ({ key, ...entry })),
      };
    },
  };
}

/** Who opened a transaction: the first two application frames of its stack (`function (file:line)`). */
function transactionOpener(stack: string): string {
  const frames = stack
    .split('\n')
    .filter((line) => /\/(core|jobs|bot)\//.test(line) && !/\/core\/db\//.test(line))
    .slice(0, 2)
    .map((line) =>
      line
        .trim()
        .replace(/^at (async )?/, '')
        .replace(/\(.*\/((core|jobs|bot)\/[^)]*)\)/, '($1)'),
    );
  return frames.join(' < ') || 'elsewhere';
}

/** A statement's key: its first words (the table it writes or reads) and the start of its text. */
export function statementKey(queryString: string): string {
  const text = queryString.replace(/\s+/g, ' ').trim();
  // A prepared statement's EXECUTE (the webhook's insert on PGlite) by its name, not its parameters.
  const executed = /^execute (\w+)/i.exec(text);
  if (executed) return `execute ${executed[1]}`;
  const head = /^(with .*?\) )?(select|insert into|update|delete from)\s+("?[\w.]+"?)?/i.exec(text);
  const from = /\bfrom ("?[\w.]+"?)/i.exec(text);
  if (!head) return text.slice(0, 60);
  if (/^(begin|commit|rollback)/i.test(text)) return text.toLowerCase();
  const verb = head[2]!.toLowerCase();
  const table = verb === 'select' ? (from?.[1] ?? '') : (head[3] ?? '');
  return `${head[1] ? 'with … ' : ''}${verb} ${table}`.trim() + ` · ${text.slice(0, 50)}`;
}

/**
 * A CPU profile (`.cpuprofile`, for Chrome DevTools or a script) of what runs until `stop`: a bench's own
 * probe (`BENCH_PROFILE_CPU=<file>`), so the profile holds the measured part only, not its setup.
 */
export async function startCpuProfile(file: string) {
  const { Session } = await import('node:inspector/promises');
  const { writeFileSync } = await import('node:fs');
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  return {
    async stop() {
      const { profile } = await session.post('Profiler.stop');
      writeFileSync(file, JSON.stringify(profile));
      session.disconnect();
    },
  };
}

/** Prints a statement profile (`startStatementProfile`): per 100 of the `count` `things` measured. */
export function printStatementProfile(
  profile: ReturnType<ReturnType<typeof startStatementProfile>['stop']>,
  count: number,
  things: string,
) {
  const printRows = (rows: { key: string; count: number; ms: number }[]) => {
    for (const row of rows.slice(0, 25))
      console.log(
        `    ${String(row.count).padStart(6)} × ${String(Math.round(row.ms)).padStart(6)} ms  ${row.key}`,
      );
  };
  const per100 = ((profile.statements / count) * 100).toFixed(1);
  console.log(
    `  statements: ${profile.statements} in ${profile.transactions} transactions (${per100} per 100 ${things}), ${Math.round(profile.ms)} ms of wall time in them`,
  );
  printRows(profile.rows);
  console.log('  transactions by who opened them:');
  for (const [opener, count] of profile.transactionsBy.slice(0, 10))
    console.log(`    ${String(count).padStart(6)} × ${opener}`);
  if (profile.wasm.length === 0) return;
  console.log(`  CPU time inside PGlite's wasm: ${Math.round(profile.wasmMs)} ms`);
  printRows(profile.wasm);
}
