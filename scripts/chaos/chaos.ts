/**
 * `npm run chaos [-- --proofs 300 --kills 6 --seed 1 --keep-database]`: the scripted crash test (see
 * chaos.run.ts). The PostgreSQL server is CHAOS_DATABASE_URL, else TEST_DATABASE_URL, else
 * postgres://postgres@127.0.0.1:5432/postgres; a fresh database is created on it and dropped afterwards.
 * Prints the counts; exits 1 on any loss or duplicate, 2 when the round could not run.
 */
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { runChaos } from './chaos.run.js';

const argsSchema = z.object({
  proofs: z.coerce.number().int().min(1).max(2_000).default(300),
  kills: z.coerce.number().int().min(0).max(50).default(6),
  seed: z.coerce.number().int().default(1),
  'keep-database': z.boolean().default(false),
});

const { values } = parseArgs({
  options: {
    proofs: { type: 'string' },
    kills: { type: 'string' },
    seed: { type: 'string' },
    'keep-database': { type: 'boolean' },
  },
});
const parsed = argsSchema.safeParse(values);
if (!parsed.success) {
  console.error(
    `chaos: ${parsed.error.issues.map((issue) => `--${issue.path.join('.')}: ${issue.message}`).join('; ')}`,
  );
  process.exit(2);
}
const serverUrl =
  process.env.CHAOS_DATABASE_URL ??
  process.env.TEST_DATABASE_URL ??
  'postgres://postgres@127.0.0.1:5432/postgres';
const host = new URL(serverUrl).hostname;
if (!['127.0.0.1', 'localhost', '::1'].includes(host)) {
  console.error(`chaos: the database must be on this machine (127.0.0.1), not ${host}`);
  process.exit(2);
}

// Stops by itself: the round's own deadline is 4.5 minutes, and this guard ends the process at 5.
const guard = setTimeout(() => {
  console.error('chaos: still running after 5 minutes; stopped');
  process.exit(2);
}, 5 * 60_000);
guard.unref();

try {
  const report = await runChaos({
    serverUrl,
    proofs: parsed.data.proofs,
    kills: parsed.data.kills,
    seed: parsed.data.seed,
    keepDatabase: parsed.data['keep-database'],
    deadlineMs: 4.5 * 60_000,
    log: (line) => console.log(`chaos: ${line}`),
  });
  const { counts } = report;
  console.log(
    [
      `proofs sent:        ${Object.entries(counts.proofs)
        .map(([kind, n]) => `${kind} ${n}`)
        .join(', ')}`,
      `kills (SIGKILL):    ${Object.entries(report.kills)
        .map(([name, n]) => `${name} ${n}`)
        .join(', ')}; LINE redeliveries ${report.redeliveries}`,
      `MoF:                ${report.mof.requests} requests, ${report.mof.injectedFailures} failed on purpose`,
      `events:             sent ${counts.events.sent}, stored ${counts.events.stored}, done ${counts.events.done}, parked ${counts.events.parked} (without a reason: ${counts.events.parkedWithoutReason})`,
      `proofs by state:    ${Object.entries(counts.submissions)
        .map(([state, n]) => `${state} ${n}`)
        .join(', ')}; receipt photos stored ${counts.receiptImages}`,
      `rewards:            ${counts.rewards.rewardedProofs} rewarded proofs, ${counts.rewards.earnRows} ledger earn rows, points granted ${counts.rewards.pointsGranted} = in ledger ${counts.rewards.pointsInLedger}`,
      `answers:            queued ${counts.answers.queued}, sent ${counts.answers.sent}, parked ${counts.answers.parked} (reply of unknown outcome ${counts.answers.replyUnknown}, without a reason ${counts.answers.parkedWithoutReason})`,
      `received at LINE:   ${counts.answers.receivedAtLine} (reply ${counts.answers.byReply}, push ${counts.answers.byPush})`,
      `time:               ${(report.elapsedMs / 1000).toFixed(1)} s`,
    ].join('\n'),
  );
  if (report.problems.length > 0) {
    console.log(`LOSS OR DUPLICATE:\n  ${report.problems.join('\n  ')}`);
    process.exitCode = 1;
  } else
    console.log(
      'OK: every event processed once, every accepted proof rewarded once, every answer delivered once',
    );
} catch (error) {
  console.error(`chaos: the round could not finish: ${(error as Error).message}`);
  process.exitCode = 2;
}
