import {
  campaignRewardsSchema,
  campaignRulesSchema,
  createCampaign,
  evaluateCampaignRules,
  type CampaignForRules,
} from '../../core/campaigns/index.js';
import { PGlite } from '@electric-sql/pglite';
import { createDatabase, PGLITE_START_PARAMS } from '../../core/db/database.js';
import type { PgliteThreadMode } from '../../core/db/pglite-thread.js';
import { benchPgliteThreads, pgliteLabel } from '../support/pglite-threads.js';
import { parseEInvoiceQr } from '../../core/invoices/index.js';
import { foldDerivedFacts, foldPendingFacts } from '../../core/fact-outbox/index.js';
import { createTestClock } from '../../core/shared/clock.js';
import { createIdGenerator } from '../../core/shared/ids.js';
import { rulesInvoiceFromParsed, submitProof, verifyDueSubmissions } from '../../core/submissions/index.js';
import { createMofEInvoicePlatform } from '../../core/verification/index.js';
import { startMofSimulator } from '../../sim/mof/index.js';
import { compare, timeIt, type BenchCase, type BenchMeasurement } from '../bench.types.js';
import { generateEInvoicePayloads, type GeneratedEInvoice } from '../support/einvoice-payloads.js';
import { seedBenchBrand, seedBenchMembers } from '../support/bench-brand.js';
import {
  printStatementProfile,
  startCpuProfile,
  startStatementProfile,
} from '../support/statement-profile.js';
import { readThreadCpu, threadCpuSince, type ThreadCpu } from '../support/thread-cpu.js';

// A benchmark is an entry point: its sizes come from its environment.
const RULES_COUNT = Number(process.env.BENCH_SUBMISSIONS_RULES_N ?? 100_000);
const VERIFY_COUNT = Number(process.env.BENCH_SUBMISSIONS_VERIFY_N ?? 10_000);
const CONCURRENCY = Number(process.env.BENCH_SUBMISSIONS_CONCURRENCY ?? 8);
const BATCH = 500;
/** Answers a deciding transaction waits for (BENCH_SUBMISSIONS_DECIDE_BATCH; unset: the product's default). */
const DECIDE_BATCH = process.env.BENCH_SUBMISSIONS_DECIDE_BATCH
  ? Number(process.env.BENCH_SUBMISSIONS_DECIDE_BATCH)
  : undefined;
/** Bare calls made untimed before both measured parts (BENCH_SUBMISSIONS_WARM_UP, 500; 0: none). */
const WARM_UP = Number(process.env.BENCH_SUBMISSIONS_WARM_UP ?? 500);
/**
 * Proofs verified untimed before the measured verification (BENCH_SUBMISSIONS_PIPELINE_WARM_UP, 100; 0: a
 * cold pipeline): its code and PGlite's first statements warm, as the bare calls are warmed, so the figure
 * is the steady rate and not which part happens to be measured first (decision 016, 2026-12-06: measured
 * first, the same pipeline paid 0.6–1.2 s more CPU per 1,000 proofs).
 */
const PIPELINE_WARM_UP = Number(process.env.BENCH_SUBMISSIONS_PIPELINE_WARM_UP ?? 100);
const SERVER_URL = process.env.BENCH_DATABASE_URL;
/** Prints the statements of the verification (count and wall time of each kind): a probe, not a figure. */
const PROFILE_STATEMENTS = process.env.BENCH_PROFILE_STATEMENTS === '1';
/** Writes a CPU profile of the verification (not its setup) to this file: a probe, not a figure. */
const PROFILE_CPU = process.env.BENCH_PROFILE_CPU;
/**
 * `memory`: the verification is served the platform's answers from memory (each pending invoice asked once
 * through the adapter first, untimed), so its figures are the pipeline's own cost without the HTTP calls:
 * a probe, not a figure (the ratio to the bare calls then means nothing).
 */
const MEMORY_PLATFORM = process.env.BENCH_SUBMISSIONS_PLATFORM === 'memory';
/**
 * Writes `@@VERIFY START` / `@@VERIFY END` to stdout around the measured verification, so the log of a run
 * under `node --trace-opt --trace-deopt --import tsx bench/run.ts submissions` can be cut to it: a probe.
 */
const MARKERS = process.env.BENCH_SUBMISSIONS_MARKERS === '1';

const RULES = {
  itemGroups: [
    { key: 'tea', keywords: ['茶'] },
    { key: 'milk', keywords: ['鮮乳', '奶'], excludeKeywords: ['奶油'] },
  ],
  itemGroupsMatch: 'any' as const,
  minAmount: { basis: 'matched' as const, amountMinor: 5_000 },
  stores: { deny: { sellerBans: ['00000000'], namePatterns: ['*測試禁止*'] } },
};
const REWARDS = {
  points: { basis: 'matched' as const, stepAmountMinor: 1_000, perStep: 1, bonusPerGroup: { tea: 2 } },
  entries: { perProof: 1, perAmountStep: { basis: 'total' as const, stepAmountMinor: 50_000, perStep: 1 } },
};

/**
 * The rules engine's cost over parsing (parse + rules vs parse only, on the same QR pairs), and batch
 * verification end to end (claim, ask sim/mof over HTTP, store the answer and items, apply the rules,
 * grant the rewards) vs the bare detail calls of the same invoices through the same adapter.
 * Sizes: BENCH_SUBMISSIONS_RULES_N (100k), BENCH_SUBMISSIONS_VERIFY_N (10k), BENCH_SUBMISSIONS_PIPELINE_WARM_UP
 * (100 proofs verified untimed first), BENCH_SUBMISSIONS_DECIDE_BATCH (answers a deciding transaction waits
 * for; unset: the product's default); BENCH_DATABASE_URL runs the
 * verification on PostgreSQL instead of PGlite. Probes of the verification alone (printed or written, never
 * part of the figures): BENCH_PROFILE_STATEMENTS=1 (statements and transactions by kind, and on PGlite the
 * CPU time inside its wasm per statement), BENCH_PROFILE_CPU=<file> (CPU profiles of the verification and of
 * the bare calls, `<file>` and `<file>.bare`), BENCH_SUBMISSIONS_PLATFORM=memory (the pipeline without the HTTP
 * calls), BENCH_SUBMISSIONS_MARKERS=1 (stdout markers around the verification, for V8's trace flags). The
 * CPU line's note splits each part's CPU into the main thread and the process's other threads.
 */
const submissionsBench: BenchCase = {
  name: 'submissions: parse + rules, and batch verification against sim/mof',
  issue: 3,
  run: async () => {
    const out = await benchRules();
    // On PGlite once per BENCH_PGLITE_THREAD mode (PGlite on the serving thread or in a worker thread).
    for (const pgliteThread of SERVER_URL ? (['main'] as const) : benchPgliteThreads())
      out.push(...(await benchVerification(pgliteThread)));
    return out;
  },
};

async function benchRules(): Promise<BenchMeasurement[]> {
  const payloads = generateEInvoicePayloads(RULES_COUNT, 7);
  const campaign: CampaignForRules = {
    timezone: 'Asia/Taipei',
    currency: 'TWD',
    purchaseFrom: '2023-01-01',
    purchaseTo: '2025-12-31',
    registerFrom: new Date('2022-12-31T16:00:00Z'),
    registerTo: new Date('2027-01-01T00:00:00Z'),
    rules: campaignRulesSchema.parse({ ...RULES, caps: { perMemberPerDay: 5 } }),
    rewards: campaignRewardsSchema.parse(REWARDS),
  };
  const registeredAt = new Date('2026-01-01T00:00:00Z');
  const context = { memberAcceptedToday: 0, memberAcceptedInCampaign: 0 };

  let parsedCount = 0;
  const parseOnly = () => {
    parsedCount = 0;
    for (const payload of payloads) if (parseEInvoiceQr(payload.qrLeft, payload.qrRight).ok) parsedCount++;
  };
  let qualified = 0;
  const parseAndRules = () => {
    qualified = 0;
    for (const payload of payloads) {
      const parsed = parseEInvoiceQr(payload.qrLeft, payload.qrRight);
      if (!parsed.ok) continue;
      const decision = evaluateCampaignRules({
        campaign,
        invoice: rulesInvoiceFromParsed(parsed.invoice),
        registeredAt,
        context,
      });
      if (decision.qualifies) qualified++;
    }
  };
  parseOnly();
  parseAndRules();
  const baselineMs = await timeIt(parseOnly);
  const subjectMs = await timeIt(parseAndRules);
  if (parsedCount !== RULES_COUNT) throw new Error(`only ${parsedCount}/${RULES_COUNT} payloads parsed`);
  return [
    compare(
      `parse + rules, ${RULES_COUNT} QR pairs`,
      'ms',
      subjectMs,
      { name: 'parse only', value: baselineMs },
      `${qualified} qualified; ratio: how many times the parse alone`,
    ),
  ];
}

async function benchVerification(pgliteThread: PgliteThreadMode): Promise<BenchMeasurement[]> {
  const generated = uniqueByNumber(
    generateEInvoicePayloads(Math.ceil((VERIFY_COUNT + PIPELINE_WARM_UP) * 1.02), 11),
  );
  const warmPayloads = generated.slice(VERIFY_COUNT, VERIFY_COUNT + PIPELINE_WARM_UP);
  const payloads = generated.slice(0, VERIFY_COUNT);
  const sim = await startMofSimulator({ knobs: { detailQueryCap: 1_000_000 } });
  const pglite =
    SERVER_URL || pgliteThread === 'worker'
      ? undefined
      : await PGlite.create({ startParams: [...PGLITE_START_PARAMS] });
  const database = SERVER_URL
    ? await createDatabase({ url: SERVER_URL, poolMax: CONCURRENCY + 2 })
    : await createDatabase(pglite ? { pglite } : { pgliteThread, pgliteDataDir: 'memory://' });
  try {
    await database.migrate();
    sim.admin.addInvoices(
      [...payloads, ...warmPayloads].map(({ invoice }) => ({
        invoiceNumber: invoice.invoiceNumber,
        invoiceDate: invoice.invoiceDate,
        randomCode: invoice.randomCode as string,
        sellerBan: invoice.sellerBan as string,
        sellerName: '基準測試商店',
        buyerBan: invoice.buyerBan,
        totalAmount: invoice.totalAmount as number,
        items: invoice.items,
      })),
    );
    const platform = createMofEInvoicePlatform({
      baseUrl: sim.url,
      appId: 'BENCH',
      versions: { header: '0.5', detail: '0.6', carrier: '0.6' },
      timeoutMs: 10_000,
      maxRetries: 0,
      rateLimitPerSecond: 1_000_000,
    });
    const generateId = createIdGenerator();
    const clock = createTestClock({ now: '2026-01-01T00:00:00Z' });
    const run = generateId('brand');
    const brandId = run;
    // Ten proofs per member, as in a real campaign (a member's ledger stays short).
    const memberIds = Array.from({ length: Math.ceil(payloads.length / 10) }, () => generateId('member'));
    await seedBenchBrand(database.db, { brandId, slug: run });
    await seedBenchMembers(database.db, brandId, memberIds);
    const { campaign } = await createCampaign({
      db: database.db,
      generateId,
      campaign: {
        brandId,
        slug: 'bench',
        name: { en: 'Bench' },
        status: 'active',
        timezone: 'Asia/Taipei',
        currency: 'TWD',
        purchaseFrom: '2023-01-01',
        purchaseTo: '2025-12-31',
        registerFrom: new Date('2022-12-31T16:00:00Z'),
        registerTo: new Date('2027-01-01T00:00:00Z'),
        proofKinds: ['einvoice_qr', 'einvoice_text'],
        verificationMode: 'batch',
        rules: RULES,
        rewards: REWARDS,
      },
    });
    const deps = { db: database.db, platform, clock, generateId };
    /** The baseline: one bare detail call of the i-th invoice through the same adapter. */
    const bareQuery = (invoice: GeneratedEInvoice['invoice']) => ({
      invoiceNumber: invoice.invoiceNumber,
      invoiceDate: invoice.invoiceDate,
      randomCode: invoice.randomCode as string,
      period: invoice.period,
      type: 'Barcode' as const,
    });
    const bareCall = async (i: number) => {
      const { invoice } = payloads[i] as GeneratedEInvoice;
      const answer = await platform.getInvoiceDetail(bareQuery(invoice));
      if (answer.status !== 'found') throw new Error(`bare: ${answer.status}`);
    };

    // Setup (not the measured part): proofs submitted in batch mode, pending for the job.
    const submitAll = (set: GeneratedEInvoice[], tag: string) =>
      inParallel(set.length, async (i) => {
        const result = await submitProof(deps, {
          brandId,
          memberId: memberIds[i % memberIds.length] as string,
          campaignId: campaign.id,
          channel: 'cli',
          sourceRef: `bench-${tag}${i}`,
          input: { type: 'einvoice', invoice: (set[i] as GeneratedEInvoice).invoice },
        });
        if (result.outcome !== 'being_checked') throw new Error(`submit: ${result.outcome}`);
      });
    // The pipeline's warm-up: its own proofs, verified and folded untimed before the measured ones exist.
    if (warmPayloads.length > 0) {
      await submitAll(warmPayloads, 'warm-');
      const warm = await verifyDueSubmissions(deps, {
        limit: BATCH,
        concurrency: CONCURRENCY,
        maxClaims: Number.MAX_SAFE_INTEGER,
        ...(DECIDE_BATCH ? { decideBatchSize: DECIDE_BATCH } : {}),
      });
      if (warm.claimed !== warmPayloads.length) throw new Error(`warm-up verified ${warm.claimed}`);
      while ((await foldDerivedFacts(database.db)) > 0);
    }
    const submitMs = await timeIt(() => submitAll(payloads, ''));

    // The setup's own derived facts (the proofs received), folded before anything is measured.
    await foldPendingFacts(database.db);

    // Both measured parts go through the same HTTP client and simulator: warmed first, untimed, so the
    // part measured first does not pay their cold start (measured at ~1.2 s of CPU per 1,000 calls).
    await inParallel(Math.min(WARM_UP, payloads.length), (i) => bareCall(i));

    // The probe without HTTP: every pending invoice's answer, asked once through the adapter, untimed.
    const answers = new Map<string, Awaited<ReturnType<typeof platform.getInvoiceDetail>>>();
    if (MEMORY_PLATFORM)
      await inParallel(payloads.length, async (i) => {
        const { invoice } = payloads[i] as GeneratedEInvoice;
        answers.set(invoice.invoiceNumber, await platform.getInvoiceDetail(bareQuery(invoice)));
      });
    const verifyDeps = MEMORY_PLATFORM
      ? {
          ...deps,
          platform: {
            ...platform,
            getInvoiceDetail: async ({ invoiceNumber }: { invoiceNumber: string }) => {
              const answer = answers.get(invoiceNumber);
              if (!answer) throw new Error(`no answer in memory for ${invoiceNumber}`);
              return answer;
            },
          },
        }
      : deps;

    let verified = 0;
    const profile = PROFILE_STATEMENTS ? startStatementProfile(pglite) : undefined;
    const cpuProfile = PROFILE_CPU ? await startCpuProfile(PROFILE_CPU) : undefined;
    const cpuBefore = process.cpuUsage();
    const threadsBefore = readThreadCpu();
    if (MARKERS) process.stdout.write('@@VERIFY START\n');
    const verifyMs = await timeIt(async () => {
      // As the verify-invoices job runs it: claim after claim until one comes back short.
      const result = await verifyDueSubmissions(verifyDeps, {
        limit: BATCH,
        concurrency: CONCURRENCY,
        maxClaims: Number.MAX_SAFE_INTEGER,
        ...(DECIDE_BATCH ? { decideBatchSize: DECIDE_BATCH } : {}),
      });
      verified += result.claimed;
    });
    const verifyCpu = process.cpuUsage(cpuBefore);
    if (MARKERS) process.stdout.write('@@VERIFY END\n');
    const verifyThreads = threadCpuSince(threadsBefore);
    await cpuProfile?.stop();
    if (verified !== payloads.length) throw new Error(`verified ${verified}/${payloads.length}`);
    if (profile) printStatementProfile(profile.stop(), verified, 'proofs');

    const bareProfile = PROFILE_CPU
      ? await startCpuProfile(PROFILE_CPU.replace(/(\.cpuprofile)?$/, '.bare$1'))
      : undefined;
    const bareCpuBefore = process.cpuUsage();
    const bareThreadsBefore = readThreadCpu();
    const bareMs = await timeIt(() => inParallel(payloads.length, (i) => bareCall(i)));
    const bareCpu = process.cpuUsage(bareCpuBefore);
    const bareThreads = threadCpuSince(bareThreadsBefore);
    await bareProfile?.stop();
    // The decisions' derived facts (funnel rollups, member facts, purchases) were left in the outbox
    // (migration 0053): their fold, as the derived-facts worker runs it (batch after batch), timed apart.
    const foldCpuBefore = process.cpuUsage();
    let folded = 0;
    const foldMs = await timeIt(async () => {
      for (;;) {
        const n = await foldDerivedFacts(database.db);
        if (n === 0) break;
        folded += n;
      }
    });
    const foldCpu = process.cpuUsage(foldCpuBefore);
    const perSecond = (ms: number) => (payloads.length / ms) * 1000;
    const cpuMs = ({ user, system }: NodeJS.CpuUsage) => (user + system) / 1000;
    const driver = `${SERVER_URL ? 'postgresql' : pgliteLabel(pgliteThread)}${MEMORY_PLATFORM ? ', platform answers from memory' : ''}`;
    const split = (cpu: ThreadCpu | undefined) =>
      cpu ? `main thread ${cpu.mainMs} ms, other threads ${cpu.otherMs} ms` : 'no per-thread figures';
    return [
      compare(
        `batch verification (${driver}), ${payloads.length} pending submissions, concurrency ${CONCURRENCY}, after ${warmPayloads.length} verified untimed`,
        'submissions/s',
        perSecond(verifyMs),
        { name: 'bare detail calls to sim/mof through the adapter', value: perSecond(bareMs) },
        'ratio < 1: the share of the bare platform throughput the full pipeline keeps',
      ),
      compare(
        `CPU time of the batch verification (${driver}), all threads of this process`,
        'ms',
        cpuMs(verifyCpu),
        { name: 'CPU time of the bare detail calls', value: cpuMs(bareCpu) },
        `ratio: how many times the bare calls (sim/mof runs in this process too); verification: ${split(verifyThreads)}; bare calls: ${split(bareThreads)}`,
      ),
      compare(
        `fold of the decisions' derived facts after the batch (${driver}), ${folded} outbox records`,
        'submissions/s',
        perSecond(foldMs),
        { name: 'the batch verification that left them', value: perSecond(verifyMs) },
        `ratio > 1: a backlog drains faster than a batch run decides; CPU ${Math.round(cpuMs(foldCpu))} ms (${((cpuMs(foldCpu) / payloads.length) * 1000).toFixed(0)} µs a proof)`,
      ),
      {
        metric: `submitProof in batch mode (${driver}), setup of the above`,
        value: Math.round(perSecond(submitMs)),
        unit: 'submissions/s',
      },
    ];
  } finally {
    await sim.close();
    await database.close();
  }
}

function uniqueByNumber(payloads: GeneratedEInvoice[]): GeneratedEInvoice[] {
  const seen = new Set<string>();
  return payloads.filter((payload) => {
    if (seen.has(payload.invoice.invoiceNumber)) return false;
    seen.add(payload.invoice.invoiceNumber);
    return true;
  });
}

async function inParallel(count: number, task: (index: number) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < count) await task(next++);
    }),
  );
}

export default submissionsBench;
