import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as DatabaseModule from '../../core/db/database.js';
import type * as DrizzleModule from 'drizzle-orm';
import type * as KitModuleNamespace from '../../test/line/line-test-kit.js';

/**
 * One checkout's side of `answer-cpu` (bench/cases/answer-cpu.bench.ts), in a process of its own: the
 * checkout (argv[2]) is loaded alone, so neither checkout's code, heap or background work lands in the
 * other's CPU figure, and which one was loaded first no longer matters (in one process the first-loaded
 * read ~7–12 % cheaper, A/A). The parent sends `{ kind: 'round' }` for each round and `{ kind: 'close' }`
 * at the end; each round answers the CPU ms per answer of `help`, an accepted typed e-invoice and one
 * answered "received, checking".
 */
type KitModule = typeof KitModuleNamespace;
type Kit = Awaited<ReturnType<KitModule['createLineTestKit']>>;
export type SubjectRequest = { kind: 'round' } | { kind: 'close' };
export type SubjectReply =
  | { kind: 'ready' }
  | { kind: 'round'; help: number; proof: number; queued: number }
  | { kind: 'closed'; queuedShare: string }
  | { kind: 'failed'; message: string };

const PER_ROUND = Number(process.env.BENCH_ANSWER_CPU_N ?? 40);
const ROUNDS = Number(process.env.BENCH_ANSWER_CPU_ROUNDS ?? 3);
const invoiceNumberOf = (i: number) => `CP${String(10_000_000 + i)}`;
const userIdOf = (i: number) => `U${(0xc000_0000 + i).toString(16).padStart(32, '0')}`;

const root = process.argv[2];
if (!root || !process.send) throw new Error('answer-cpu-subject runs as a child of the answer-cpu bench');
const reply = (message: SubjectReply) => process.send?.(message);

const module = (await import(pathToFileURL(join(root, 'test/line/line-test-kit.ts')).href)) as KitModule;
const { queryRows } = (await import(
  pathToFileURL(join(root, 'core/db/database.ts')).href
)) as typeof DatabaseModule;
const { sql } = (await import(
  pathToFileURL(join(root, 'node_modules/drizzle-orm/index.js')).href
)) as typeof DrizzleModule;
const purchaseDate = module.taipeiDaysAgo(1);
const total = 2 * PER_ROUND * (ROUNDS + 1);
const kit = await module.createLineTestKit({
  mof: { rateLimitPerSecond: 100_000 },
  invoices: module.greenTeaInvoices(total, invoiceNumberOf, purchaseDate),
});
// The default budget (5/s, answer at once past 1.5 s): after the first few, every proof is queued.
const queuedKit = await module.createLineTestKit({});
let nextUser = 0;
const proofText = (i: number) => `${invoiceNumberOf(i)} ${module.rocDate(purchaseDate)} 1234`;

/**
 * PER_ROUND new members each send `text(i)` after a first `help` made them known (on `on`); CPU ms per
 * answer (`process.cpuUsage`: this process only, all its threads).
 */
async function cpuPerAnswer(text: (i: number) => string, on: Kit): Promise<number> {
  const first = nextUser;
  nextUser += PER_ROUND;
  const users = Array.from({ length: PER_ROUND }, (_, k) => first + k);
  for (const i of users) {
    await on.addUser(userIdOf(i), { displayName: `bench ${i}`, language: 'en' });
    await on.userSends(userIdOf(i), { type: 'text', text: 'help' });
  }
  await on.drain();
  for (const i of users) await on.userSends(userIdOf(i), { type: 'text', text: text(i) });
  const before = process.cpuUsage();
  const answered = await on.drain();
  const used = process.cpuUsage(before);
  if (answered !== PER_ROUND) throw new Error(`${root}: ${answered} of ${PER_ROUND} answered`);
  return (used.user + used.system) / 1000 / PER_ROUND;
}

process.on('message', (request: SubjectRequest) => {
  void (async () => {
    try {
      if (request.kind === 'round') {
        const help = await cpuPerAnswer(() => 'help', kit);
        const proof = await cpuPerAnswer(proofText, kit);
        const queued = await cpuPerAnswer(proofText, queuedKit);
        reply({ kind: 'round', help, proof, queued });
        return;
      }
      // How many of the queued kit's proofs were answered "received, checking" (the rest: checked at once).
      const [row] = await queryRows<{ queued: number; total: number }>(
        queuedKit.services.database.db,
        sql`select count(*) filter (where reason_code = 'verification.queued')::int as queued,
                   count(*)::int as total from submissions`,
      );
      await kit.close();
      await queuedKit.close();
      reply({ kind: 'closed', queuedShare: `${row?.queued} of ${row?.total} queued` });
      process.disconnect();
    } catch (error) {
      reply({ kind: 'failed', message: (error as Error).stack ?? String(error) });
    }
  })();
});
reply({ kind: 'ready' });
