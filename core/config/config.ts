import { z } from 'zod';
import {
  decideOutsideSystems,
  parseSimulate,
  type OutsideSystemMode,
  type OutsideSystemName,
} from './outside-systems.js';

export type { OutsideSystemMode, OutsideSystemName } from './outside-systems.js';
export { describeOutsideSystemModes, OUTSIDE_SYSTEMS, simulationWarning } from './outside-systems.js';

/**
 * Every environment variable Proofline reads, parsed once here. Each key carries its documentation
 * (`.describe`) and default, from which `.env.example` is generated (`npx proofline config env-example`);
 * a test keeps the two in sync. Nothing below the entry points reads `process.env`.
 */

const booleanFromEnv = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'must be true or false' })
  .transform((value) => value === 'true' || value === '1' || value === 'yes');

const optionalString = z
  .string()
  .trim()
  .transform((value) => (value === '' ? undefined : value))
  .optional();

const optionalUrl = z
  .string()
  .trim()
  .transform((value) => (value === '' ? undefined : value))
  .pipe(z.url({ message: 'must be a URL such as http://127.0.0.1:3000' }).optional())
  .optional();

const cronExpression = z.string().regex(/^(\S+\s+){4,5}\S+$/, { message: 'must be a cron expression' });

const postgresUrl = z
  .string()
  .trim()
  .transform((value) => (value === '' ? undefined : value))
  .pipe(
    z
      .string()
      .regex(/^postgres(ql)?:\/\/[^\s]+$/, {
        message: 'must be a postgres:// URL, e.g. postgres://user:pass@127.0.0.1:5432/proofline',
      })
      .refine(isParsableUrl, { message: 'is not a valid URL' })
      .optional(),
  )
  .optional();

function isParsableUrl(value: string) {
  try {
    new URL(value);
    return true;
  } catch {
    return false;
  }
}

export const envSchema = z.object({
  PORT: z.coerce
    .number({ message: 'must be a port number' })
    .int()
    .min(0)
    .max(65535)
    .default(3000)
    .describe('Port of the web server (webhook, APIs, LIFF app, console).'),
  HOST: optionalString.describe(
    'Interface the web server listens on. Default: 127.0.0.1 in local mode (it trusts local-only shortcuts), 0.0.0.0 otherwise.',
  ),
  PUBLIC_BASE_URL: optionalUrl.describe(
    'Public URL of this installation (for LINE webhooks, LIFF and image links). Default: http://localhost:PORT.',
  ),
  LOG_LEVEL: z
    .enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'])
    .default('info')
    .describe('Log level.'),
  LOG_FORMAT: z
    .enum(['pretty', 'json'])
    .optional()
    .describe('pretty (one line per event) or json (pino). Default: pretty in local mode, json otherwise.'),

  DATABASE_URL: postgresUrl.describe(
    'PostgreSQL server URL. Unset: embedded PGlite persisted under PGLITE_DATA_DIR.',
  ),
  ANALYTICS_DATABASE_URL: postgresUrl.describe(
    'PostgreSQL URL for the analytics queries (a read replica). Unset: the main database.',
  ),
  DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(200).default(10).describe('Connections per process.'),
  PGLITE_DATA_DIR: z
    .string()
    .default('./data/pglite')
    .describe(
      'Where the embedded PGlite database lives when DATABASE_URL is unset; "memory://" keeps it in memory.',
    ),
  PGLITE_THREAD: z
    .enum(['main', 'worker'])
    .default('worker')
    .describe(
      'Where the embedded PGlite runs: "worker" (a worker thread of its own: its statements run beside the server, not on it) or "main" (the serving thread: ~25 MB less idle memory, slower under a burst).',
    ),

  DATA_DIR: z.string().default('./data').describe('Directory for local files (receipt images, exports).'),

  LINE_CHANNEL_ID: optionalString.describe(
    'LINE Messaging API channel ID of the default brand. With the secret and token set, Proofline talks to LINE.',
  ),
  LINE_CHANNEL_SECRET: optionalString.describe('Channel secret (webhook signatures).'),
  LINE_CHANNEL_ACCESS_TOKEN: optionalString.describe('Long-lived channel access token.'),
  LIFF_ID: optionalString.describe('LIFF app ID of the default brand (e.g. 1234567890-AbcdEfgh).'),
  LIFF_APP_DIR: optionalString.describe(
    'Folder of the built LIFF app that /liff/ serves (npm run build writes it). Default: liff-app/dist.',
  ),
  LINE_LOGIN_CHANNEL_ID: optionalString.describe(
    'LINE Login channel ID that owns the LIFF app (the audience of LIFF ID tokens). Default: LINE_CHANNEL_ID.',
  ),
  LINE_API_BASE_URL: optionalUrl.describe(
    'Override of https://api.line.me (a proxy or the simulator). Default: the simulator in local mode.',
  ),
  LINE_DATA_API_BASE_URL: optionalUrl.describe(
    'Override of https://api-data.line.me (message content). Default: the simulator in local mode.',
  ),

  MEMBERSHIP_API_BASE_URL: optionalUrl.describe(
    "Base URL of the brand's membership system (member linking by number + phone). Default: the simulator in local mode.",
  ),
  MEMBERSHIP_API_KEY: optionalString.describe('Bearer key for the membership system.'),

  MOF_APP_ID: optionalString.describe(
    'Ministry of Finance e-invoice platform App ID. With the API key set, invoices are verified for real.',
  ),
  MOF_API_KEY: optionalString.describe(
    'MoF e-invoice platform API key (signs requests where the spec asks).',
  ),
  MOF_API_BASE_URL: optionalUrl.describe(
    'Override of the MoF platform base URL (https://api.einvoice.nat.gov.tw). Default: the simulator in local mode.',
  ),
  MOF_HEADER_API_VERSION: z
    .string()
    .regex(/^\d+\.\d+$/, { message: 'must be a version such as 0.5' })
    .default('0.5')
    .describe('MoF API version of the invoice header query (qryInvHeader).'),
  MOF_DETAIL_API_VERSION: z
    .string()
    .regex(/^\d+\.\d+$/, { message: 'must be a version such as 0.6' })
    .default('0.6')
    .describe('MoF API version of the invoice detail query (qryInvDetail; 0.6 in spec v1.9).'),
  MOF_CARRIER_API_VERSION: z
    .string()
    .regex(/^\d+\.\d+$/, { message: 'must be a version such as 0.6' })
    .default('0.6')
    .describe(
      'MoF API version of the carrier invoice list and detail (carrierInvChk 0.6 pages its answers).',
    ),
  MOF_TIMEOUT_MS: z.coerce
    .number({ message: 'must be a number of milliseconds' })
    .int()
    .min(100)
    .max(120_000)
    .default(10_000)
    .describe('Time-out of one MoF platform request (each retry gets its own).'),
  MOF_MAX_RETRIES: z.coerce
    .number({ message: 'must be a whole number' })
    .int()
    .min(0)
    .max(10)
    .default(3)
    .describe('Retries (exponential back-off with jitter) after a 5xx, network error or time-out.'),
  MOF_RATE_LIMIT_PER_SECOND: z.coerce
    .number({ message: 'must be a number' })
    .positive({ message: 'must be > 0' })
    .max(1000)
    .default(5)
    .describe(
      'Ceiling of MoF platform requests per second for the whole deployment: every process takes its permits from one budget in the database (instant checks before batch work).',
    ),
  MOF_ANSWER_AT_ONCE_AFTER_MS: z.coerce
    .number({ message: 'must be a number of milliseconds' })
    .int()
    .min(0)
    .max(60_000)
    .default(1_500)
    .describe(
      'The longest a member waits in the chat for an instant MoF check: a proof that would wait longer (MoF budget backlog, checks queued ahead) is answered at once by reply ("received, checking", with its place in the queue) and its decision pushed when checked.',
    ),

  OCR_PROVIDER: z
    .enum(['tesseract', 'google-vision', 'paddle'])
    .optional()
    .describe(
      'paddle (offline PaddleOCR for Latin and Chinese, tesseract for Thai and a second look at doubtful fields; the most accurate offline reader, decision 008), tesseract (offline, tesseract alone) or google-vision. Default: google-vision when its credentials are set, else paddle.',
    ),
  OCR_IDLE_STOP_MS: z.coerce
    .number({ message: 'must be a number of milliseconds' })
    .int()
    .min(0)
    .default(180_000)
    .describe(
      'OCR workers start on the first photo and stop after this long (ms) without one, giving their memory back; 0 keeps them running.',
    ),
  OCR_PADDLE_WORKERS: z.coerce
    .number({ message: 'must be a whole number of workers' })
    .int()
    .min(1)
    .max(16)
    .default(2)
    .describe(
      'PaddleOCR worker threads (each with its own ONNX sessions, ~300 MB, one page at a time): photos read at once (WORKER_CONCURRENCY) are read side by side. Each gets cores ÷ workers ONNX threads.',
    ),
  GOOGLE_APPLICATION_CREDENTIALS: optionalString.describe(
    'Path to a Google Cloud service-account key file for Cloud Vision.',
  ),
  GOOGLE_VISION_API_ENDPOINT: optionalUrl.describe(
    'Override of the Cloud Vision endpoint (a replay server).',
  ),

  BLOB_STORE: z
    .enum(['local', 's3'])
    .optional()
    .describe('Where receipt images are kept: s3, or local (a directory under DATA_DIR). Default: local.'),
  S3_ENDPOINT: optionalUrl.describe('S3-compatible endpoint, with BLOB_STORE=s3.'),
  S3_BUCKET: optionalString.describe('S3 bucket, with BLOB_STORE=s3.'),
  S3_ACCESS_KEY_ID: optionalString.describe('S3 access key, with BLOB_STORE=s3.'),
  S3_SECRET_ACCESS_KEY: optionalString.describe('S3 secret key, with BLOB_STORE=s3.'),
  S3_REGION: z
    .string()
    .trim()
    .regex(/^[a-z0-9-]+$/, 'must be a region name such as ap-southeast-1')
    .default('us-east-1')
    .describe("The bucket's region, signed into every S3 request (MinIO and R2 accept us-east-1)."),

  METRICS_TOKEN: optionalString.describe(
    'Bearer token for GET /metrics (Prometheus). Outside local mode /metrics is served only when it is set.',
  ),
  READY_MAX_QUEUE_AGE_SECONDS: z.coerce
    .number({ message: 'must be a number of seconds' })
    .int()
    .min(1)
    .default(900)
    .describe('/readyz fails when the oldest due item of a work queue has waited longer than this.'),
  WORKER_METRICS_PORT: z.coerce
    .number({ message: 'must be a port number' })
    .int()
    .min(0)
    .max(65535)
    .optional()
    .describe(
      'A `start --worker-only` process serves /healthz, /readyz and /metrics (its own MoF, LINE and OCR counts) on this port, on HOST. Unset: it serves nothing.',
    ),

  SESSION_SECRET: optionalString.describe(
    'Secret for console session cookies (32+ chars). Required outside local mode; random per start otherwise.',
  ),
  TAX_DATA_KEY: optionalString.describe(
    "AES-256-GCM key for winners' tax data (name, ID number, address): 32 random bytes as base64, e.g. `openssl rand -base64 32`. Required to collect winner paperwork outside local mode; local mode generates one in DATA_DIR/tax-data.key.",
  ),
  CONSOLE_SESSION_HOURS: z.coerce
    .number({ message: 'must be a number of hours' })
    .int()
    .min(1)
    .max(720)
    .default(12)
    .describe('How long a console sign-in lasts before the reviewer must sign in again.'),

  JOBS_ENABLED: booleanFromEnv
    .default(true)
    .describe('Run the worker and the schedules in this process (false for web-only processes).'),
  WORKER_POLL_MS: z.coerce
    .number()
    .int()
    .min(10)
    .default(500)
    .describe(
      'How often an idle worker looks for work on its own: the fallback, since new work wakes the workers at once (LISTEN/NOTIFY).',
    ),
  VERIFY_LEASE_MS: z.coerce
    .number({ message: 'must be a number of milliseconds' })
    .int()
    .min(1_000)
    .max(3_600_000)
    .default(300_000)
    .describe(
      'How long an instant MoF verification holds its submission; after a crash the retry worker takes it over then.',
    ),
  WORKER_LEASE_MS: z.coerce
    .number({ message: 'must be a number of milliseconds' })
    .int()
    .min(1_000)
    .max(3_600_000)
    .optional()
    .describe(
      'How long a worker holds a claimed webhook event or outbound message; after a crash another worker takes it over then. Default: 60000 for events, 30000 for messages.',
    ),
  WORKER_CONCURRENCY: z.coerce
    .number()
    .int()
    .min(1)
    .max(64)
    .default(2)
    .describe(
      'Webhook events processed at once per worker (lanes that take any event, claimed as they free).',
    ),
  WORKER_ANSWER_LANES: z.coerce
    .number()
    .int()
    .min(0)
    .max(16)
    .default(16)
    .describe(
      'More webhook-event lanes per worker that only take events answered without reading media (text, postbacks, follows), so members are answered while photos are being read.',
    ),
  VERIFY_INVOICES_CRON: cronExpression
    .default('0 */4 * * *')
    .describe('When batch verification of pending e-invoices runs (every 4 hours by default).'),
  EXPIRE_POINTS_CRON: cronExpression.default('15 0 * * *').describe('When points expiry runs.'),
  DRAWS_CRON: cronExpression
    .default('*/5 * * * *')
    .describe(
      "When campaigns' scheduled lottery draws are opened and run (every 5 minutes by default; a draw opens up to an hour before its period and runs after it closes).",
    ),

  SIMULATE: z
    .string()
    .optional()
    .transform((value, ctx) => {
      try {
        return parseSimulate(value);
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: (error as Error).message });
        return z.NEVER;
      }
    })
    .describe(
      'Outside systems to simulate outside local mode, e.g. mof,membership (line, mof, membership, ocr, s3; all = every system without credentials). Unset in local mode.',
    ),

  DEMO_SEED: booleanFromEnv
    .optional()
    .describe(
      'Seed the demo brand and campaign at start if the database is empty. Default: true in local mode.',
    ),
});

export type Env = z.input<typeof envSchema>;
type ParsedEnv = z.output<typeof envSchema>;

export type Config = {
  server: { port: number; host: string; publicBaseUrl: string | undefined };
  log: { level: string; format: 'pretty' | 'json' };
  database: {
    url: string | undefined;
    poolMax: number;
    pgliteDataDir: string;
    /** PGlite on the serving thread or in a worker thread (`core/db/pglite-thread.ts`). */
    pgliteThread: 'main' | 'worker';
    /** Where the analytics queries go (a read replica). @default the main database */
    analyticsUrl: string | undefined;
  };
  dataDir: string;
  /** True when no outside credentials are set (and no SIMULATE): simulators, PGlite and the demo seed. */
  localMode: boolean;
  /** The outside systems running on a stand-in (simulator, offline engine, local directory). */
  simulated: OutsideSystemName[];
  line: {
    mode: OutsideSystemMode;
    channelId: string | undefined;
    channelSecret: string | undefined;
    channelAccessToken: string | undefined;
    liffId: string | undefined;
    /** The built LIFF app's folder; undefined: liff-app/dist of this checkout. */
    liffAppDir: string | undefined;
    loginChannelId: string | undefined;
    apiBaseUrl: string | undefined;
    dataApiBaseUrl: string | undefined;
  };
  /** The brand's existing membership system (member linking). */
  membership: { mode: OutsideSystemMode; apiBaseUrl: string | undefined; apiKey: string | undefined };
  mof: {
    mode: OutsideSystemMode;
    appId: string | undefined;
    apiKey: string | undefined;
    apiBaseUrl: string | undefined;
    versions: { header: string; detail: string; carrier: string };
    timeoutMs: number;
    maxRetries: number;
    rateLimitPerSecond: number;
    /** A chat proof whose instant check would keep the member waiting longer is answered at once. @default 1500 */
    answerAtOnceAfterMs: number;
  };
  ocr: {
    /** `simulator`: the offline engine stands in for Cloud Vision because nothing was chosen. */
    mode: OutsideSystemMode;
    provider: 'tesseract' | 'google-vision' | 'paddle';
    googleCredentialsFile: string | undefined;
    googleApiEndpoint: string | undefined;
    /** OCR workers stop after this long without a photo (0: never). @default 180000 */
    idleStopMs: number;
    /** PaddleOCR worker threads reading pages side by side. @default 2 */
    paddleWorkers: number;
  };
  blobStore: {
    /** `simulator`: a local directory stands in for S3 because nothing was chosen. */
    mode: OutsideSystemMode;
    driver: 'local' | 's3';
    s3: {
      endpoint?: string;
      bucket?: string;
      accessKeyId?: string;
      secretAccessKey?: string;
      region: string;
    };
  };
  sessionSecret: string | undefined;
  /** Key of winners' tax data at rest (base64/hex, 32 bytes). @default unset: local mode generates one */
  taxDataKey: string | undefined;
  operations: {
    /** Bearer token of GET /metrics; outside local mode, unset means /metrics is not served. */
    metricsToken: string | undefined;
    /** /readyz fails when a queue's oldest due item waited longer. @default 900 */
    readyMaxQueueAgeSeconds: number;
    /** Where a `--worker-only` process serves its health and metrics; unset: nowhere. */
    workerMetricsPort: number | undefined;
  };
  console: {
    /** Lifetime of a console session. @default 12 */
    sessionHours: number;
  };
  jobs: {
    enabled: boolean;
    workerPollMs: number;
    workerConcurrency: number;
    workerAnswerLanes: number;
    verifyLeaseMs: number;
    /** Lease of a claimed webhook event / outbound message; unset: each queue's own default. */
    workerLeaseMs: number | undefined;
    verifyInvoicesCron: string;
    expirePointsCron: string;
    drawsCron: string;
  };
  demoSeed: boolean;
};

export class ConfigError extends Error {
  readonly issues: { key: string; message: string }[];
  constructor(issues: { key: string; message: string }[]) {
    super(issues.map((issue) => `${issue.key}: ${issue.message}`).join('; '));
    this.name = 'ConfigError';
    this.issues = issues;
  }
}

/** Parses the environment into a Config, or throws a ConfigError naming every bad key. */
export function parseConfig(env: Record<string, string | undefined> = process.env): Config {
  const known = Object.fromEntries(
    Object.keys(envSchema.shape)
      .filter((key) => env[key] !== undefined)
      .map((key) => [key, env[key]]),
  );
  const result = envSchema.safeParse(known);
  if (!result.success) {
    // One line per key: the first problem found is the one to fix.
    const byKey = new Map<string, string>();
    for (const issue of result.error.issues) {
      const key = String(issue.path[0] ?? '(config)');
      if (!byKey.has(key)) byKey.set(key, issue.message);
    }
    throw new ConfigError([...byKey].map(([key, message]) => ({ key, message })));
  }
  const outside = decideOutsideSystems(result.data);
  const config = toConfig(result.data, outside);
  const problems = [...checkCoherence(config), ...outside.problems];
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

function toConfig(env: ParsedEnv, outside: ReturnType<typeof decideOutsideSystems>): Config {
  const visionHasCredentials = Boolean(env.GOOGLE_APPLICATION_CREDENTIALS || env.GOOGLE_VISION_API_ENDPOINT);
  const { localMode, modes } = outside;

  return {
    // Local mode trusts local-only shortcuts (reviewer headers, /dev pages): only this machine may call.
    server: {
      port: env.PORT,
      host: env.HOST ?? (localMode ? '127.0.0.1' : '0.0.0.0'),
      publicBaseUrl: env.PUBLIC_BASE_URL,
    },
    log: { level: env.LOG_LEVEL, format: env.LOG_FORMAT ?? (localMode ? 'pretty' : 'json') },
    database: {
      url: env.DATABASE_URL,
      poolMax: env.DATABASE_POOL_MAX,
      pgliteDataDir: env.PGLITE_DATA_DIR,
      pgliteThread: env.PGLITE_THREAD,
      analyticsUrl: env.ANALYTICS_DATABASE_URL,
    },
    dataDir: env.DATA_DIR,
    localMode,
    simulated: outside.simulated,
    line: {
      mode: modes.line,
      channelId: env.LINE_CHANNEL_ID,
      channelSecret: env.LINE_CHANNEL_SECRET,
      channelAccessToken: env.LINE_CHANNEL_ACCESS_TOKEN,
      liffId: env.LIFF_ID,
      liffAppDir: env.LIFF_APP_DIR,
      loginChannelId: env.LINE_LOGIN_CHANNEL_ID ?? env.LINE_CHANNEL_ID,
      apiBaseUrl: env.LINE_API_BASE_URL,
      dataApiBaseUrl: env.LINE_DATA_API_BASE_URL,
    },
    membership: {
      mode: modes.membership,
      apiBaseUrl: env.MEMBERSHIP_API_BASE_URL,
      apiKey: env.MEMBERSHIP_API_KEY,
    },
    mof: {
      mode: modes.mof,
      appId: env.MOF_APP_ID,
      apiKey: env.MOF_API_KEY,
      apiBaseUrl: env.MOF_API_BASE_URL,
      versions: {
        header: env.MOF_HEADER_API_VERSION,
        detail: env.MOF_DETAIL_API_VERSION,
        carrier: env.MOF_CARRIER_API_VERSION,
      },
      timeoutMs: env.MOF_TIMEOUT_MS,
      maxRetries: env.MOF_MAX_RETRIES,
      rateLimitPerSecond: env.MOF_RATE_LIMIT_PER_SECOND,
      answerAtOnceAfterMs: env.MOF_ANSWER_AT_ONCE_AFTER_MS,
    },
    ocr: {
      mode: modes.ocr,
      provider: env.OCR_PROVIDER ?? (visionHasCredentials ? 'google-vision' : 'paddle'),
      googleCredentialsFile: env.GOOGLE_APPLICATION_CREDENTIALS,
      googleApiEndpoint: env.GOOGLE_VISION_API_ENDPOINT,
      idleStopMs: env.OCR_IDLE_STOP_MS,
      paddleWorkers: env.OCR_PADDLE_WORKERS,
    },
    blobStore: {
      mode: modes.s3,
      driver: env.BLOB_STORE ?? 'local',
      s3: {
        endpoint: env.S3_ENDPOINT,
        bucket: env.S3_BUCKET,
        accessKeyId: env.S3_ACCESS_KEY_ID,
        secretAccessKey: env.S3_SECRET_ACCESS_KEY,
        region: env.S3_REGION,
      },
    },
    sessionSecret: env.SESSION_SECRET,
    taxDataKey: env.TAX_DATA_KEY,
    operations: {
      metricsToken: env.METRICS_TOKEN,
      readyMaxQueueAgeSeconds: env.READY_MAX_QUEUE_AGE_SECONDS,
      workerMetricsPort: env.WORKER_METRICS_PORT,
    },
    console: { sessionHours: env.CONSOLE_SESSION_HOURS },
    jobs: {
      enabled: env.JOBS_ENABLED,
      workerPollMs: env.WORKER_POLL_MS,
      workerConcurrency: env.WORKER_CONCURRENCY,
      workerAnswerLanes: env.WORKER_ANSWER_LANES,
      verifyLeaseMs: env.VERIFY_LEASE_MS,
      workerLeaseMs: env.WORKER_LEASE_MS,
      verifyInvoicesCron: env.VERIFY_INVOICES_CRON,
      expirePointsCron: env.EXPIRE_POINTS_CRON,
      drawsCron: env.DRAWS_CRON,
    },
    demoSeed: env.DEMO_SEED ?? localMode,
  };
}

/** 32 bytes as 64 hex characters or as base64 (the format core/draws/winner-tax.crypto.ts reads). */
function isAes256Key(text: string): boolean {
  const trimmed = text.trim();
  return /^[0-9a-fA-F]{64}$/.test(trimmed) || Buffer.from(trimmed, 'base64').length === 32;
}

function checkCoherence(config: Config): { key: string; message: string }[] {
  const problems: { key: string; message: string }[] = [];
  const line = config.line;
  if (Boolean(line.channelSecret) !== Boolean(line.channelAccessToken)) {
    const missing = line.channelSecret ? 'LINE_CHANNEL_ACCESS_TOKEN' : 'LINE_CHANNEL_SECRET';
    problems.push({ key: missing, message: 'is required when the other LINE credential is set' });
  }
  if (line.mode === 'real' && !line.channelId) {
    problems.push({ key: 'LINE_CHANNEL_ID', message: 'is required with LINE credentials' });
  }
  if (Boolean(config.mof.appId) !== Boolean(config.mof.apiKey)) {
    const missing = config.mof.appId ? 'MOF_API_KEY' : 'MOF_APP_ID';
    problems.push({ key: missing, message: 'is required when the other MoF credential is set' });
  }
  if (config.blobStore.driver === 's3' && !config.blobStore.s3.bucket) {
    problems.push({ key: 'S3_BUCKET', message: 'is required with BLOB_STORE=s3' });
  }
  if (!config.localMode && config.sessionSecret === undefined) {
    problems.push({
      key: 'SESSION_SECRET',
      message: 'is required outside local mode (32+ random characters)',
    });
  }
  if (config.sessionSecret !== undefined && config.sessionSecret.length < 32) {
    problems.push({ key: 'SESSION_SECRET', message: 'must be at least 32 characters' });
  }
  if (config.taxDataKey !== undefined && !isAes256Key(config.taxDataKey)) {
    problems.push({
      key: 'TAX_DATA_KEY',
      message: 'must be 32 bytes as base64 (44 characters) or 64 hex characters',
    });
  }
  return problems;
}

/** For tests: a Config as local mode would build it, with the given overrides. */
export function overrideConfig(
  overrides: { [K in keyof Config]?: Config[K] extends object ? Partial<Config[K]> : Config[K] } = {},
): Config {
  const base = parseConfig({ LOG_LEVEL: 'silent', PGLITE_DATA_DIR: 'memory://', DEMO_SEED: 'false' });
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(overrides)) {
    const current = (base as Record<string, unknown>)[key];
    merged[key] =
      value && typeof value === 'object' && !Array.isArray(value) && current && typeof current === 'object'
        ? { ...current, ...value }
        : value;
  }
  return merged as Config;
}

/** The text of `.env.example`, generated from the schema so the two cannot drift apart. */
export function renderEnvExample(): string {
  const lines = [
    '# Proofline configuration. Every variable is optional in local mode: with no LINE, MoF or',
    '# database credentials, `npm start` runs against the simulators and an embedded PGlite database.',
    '# Generated from core/config/config.ts by `npx proofline config env-example`.',
    '',
  ];
  for (const [key, schema] of Object.entries(envSchema.shape)) {
    const description = (schema as z.ZodType).description ?? '';
    const defaultValue = defaultOf(schema as z.ZodType);
    lines.push(`# ${description}`);
    lines.push(defaultValue === undefined ? `# ${key}=` : `# ${key}=${defaultValue}`);
    lines.push('');
  }
  return lines.join('\n');
}

function defaultOf(schema: z.ZodType): string | undefined {
  const result = z.object({ value: schema }).safeParse({});
  if (!result.success) return undefined;
  const value = (result.data as { value: unknown }).value;
  return value === undefined ? undefined : String(value);
}
