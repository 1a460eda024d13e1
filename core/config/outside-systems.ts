/**
 * The outside systems Proofline talks to, and how the environment decides, for each, between the real
 * system and its local stand-in (a simulator over HTTP, the offline OCR engine, a local directory).
 *
 * Local mode is the environment with no outside credentials at all (and no SIMULATE): everything is
 * simulated, which is what `npm start` on a laptop wants. Anywhere else a stand-in must be asked for by
 * name (`SIMULATE=mof,membership`, or `SIMULATE=all` for every system without credentials), so a
 * deployment with real LINE credentials can never verify invoices against the simulator's demo data by
 * accident.
 */

export const OUTSIDE_SYSTEMS = ['line', 'mof', 'membership', 'ocr', 's3'] as const;
export type OutsideSystemName = (typeof OUTSIDE_SYSTEMS)[number];
export type OutsideSystemMode = 'real' | 'simulator';

/** What each system is, what its stand-in is, and what configures it for real (named in errors). */
export const OUTSIDE_SYSTEM_INFO: Record<
  OutsideSystemName,
  { label: string; standIn: string; configureWith: string }
> = {
  line: {
    label: 'LINE Messaging API',
    standIn: 'LINE simulator',
    configureWith: 'LINE_CHANNEL_ID, LINE_CHANNEL_SECRET, LINE_CHANNEL_ACCESS_TOKEN',
  },
  mof: {
    label: 'MoF e-invoice platform',
    standIn: 'MoF simulator with demo invoices',
    configureWith: 'MOF_APP_ID, MOF_API_KEY',
  },
  membership: {
    label: 'brand membership system',
    standIn: 'membership simulator with demo members',
    configureWith: 'MEMBERSHIP_API_BASE_URL',
  },
  ocr: {
    label: 'OCR',
    standIn: 'offline PaddleOCR (tesseract for Thai) in place of Cloud Vision',
    configureWith: 'OCR_PROVIDER (google-vision with GOOGLE_APPLICATION_CREDENTIALS, tesseract or paddle)',
  },
  s3: {
    label: 'receipt photo storage',
    standIn: 'a local directory in place of S3',
    configureWith:
      'BLOB_STORE (s3 with S3_ENDPOINT, S3_BUCKET, S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY, or local)',
  },
};

/** The variables this decision reads (a subset of the parsed environment). */
export type OutsideSystemsEnv = {
  LINE_CHANNEL_SECRET?: string;
  LINE_CHANNEL_ACCESS_TOKEN?: string;
  MOF_APP_ID?: string;
  MOF_API_KEY?: string;
  MEMBERSHIP_API_BASE_URL?: string;
  MEMBERSHIP_API_KEY?: string;
  OCR_PROVIDER?: string;
  GOOGLE_APPLICATION_CREDENTIALS?: string;
  GOOGLE_VISION_API_ENDPOINT?: string;
  BLOB_STORE?: string;
  S3_ACCESS_KEY_ID?: string;
  S3_SECRET_ACCESS_KEY?: string;
  SIMULATE?: SimulateRequest;
};

/** `SIMULATE` as parsed: the names listed, `all`, or nothing. */
export type SimulateRequest = { all: boolean; names: OutsideSystemName[] } | undefined;

export type OutsideSystemsDecision = {
  localMode: boolean;
  modes: Record<OutsideSystemName, OutsideSystemMode>;
  /** The systems running on a stand-in, in OUTSIDE_SYSTEMS order. */
  simulated: OutsideSystemName[];
  problems: { key: string; message: string }[];
};

/** Each system is configured for real when its own variables say so. */
function configuredForReal(env: OutsideSystemsEnv): Record<OutsideSystemName, boolean> {
  return {
    line: Boolean(env.LINE_CHANNEL_SECRET && env.LINE_CHANNEL_ACCESS_TOKEN),
    mof: Boolean(env.MOF_APP_ID && env.MOF_API_KEY),
    membership: Boolean(env.MEMBERSHIP_API_BASE_URL),
    // Choosing an engine is a decision; tesseract runs in-process, Cloud Vision needs its credentials.
    ocr: Boolean(env.OCR_PROVIDER || env.GOOGLE_APPLICATION_CREDENTIALS || env.GOOGLE_VISION_API_ENDPOINT),
    s3: Boolean(env.BLOB_STORE),
  };
}

/**
 * Any credential of an outside system (or SIMULATE itself) means this is not a laptop: OCR_PROVIDER=
 * tesseract and BLOB_STORE=local are local choices and do not count.
 */
function hasOutsideCredentials(env: OutsideSystemsEnv): boolean {
  return [
    env.LINE_CHANNEL_SECRET,
    env.LINE_CHANNEL_ACCESS_TOKEN,
    env.MOF_APP_ID,
    env.MOF_API_KEY,
    env.MEMBERSHIP_API_BASE_URL,
    env.MEMBERSHIP_API_KEY,
    env.GOOGLE_APPLICATION_CREDENTIALS,
    env.OCR_PROVIDER === 'google-vision' ? 'yes' : undefined,
    env.BLOB_STORE === 's3' ? 'yes' : undefined,
    env.S3_ACCESS_KEY_ID,
    env.S3_SECRET_ACCESS_KEY,
  ].some(Boolean);
}

/** Decides local mode and each system's mode; `problems` explains what a deployment still has to say. */
export function decideOutsideSystems(env: OutsideSystemsEnv): OutsideSystemsDecision {
  const configured = configuredForReal(env);
  const simulate = env.SIMULATE;
  const localMode = !simulate && !hasOutsideCredentials(env);
  const problems: OutsideSystemsDecision['problems'] = [];

  const clashing = (simulate?.names ?? []).filter((name) => configured[name]);
  if (clashing.length > 0) {
    problems.push({
      key: 'SIMULATE',
      message: `names ${clashing.join(', ')}, which ${clashing.length === 1 ? 'is' : 'are'} configured for real: remove ${clashing.length === 1 ? 'it' : 'them'} from SIMULATE or unset ${clashing.map((name) => OUTSIDE_SYSTEM_INFO[name].configureWith).join('; ')}`,
    });
  }

  const modes = {} as Record<OutsideSystemName, OutsideSystemMode>;
  const missing: OutsideSystemName[] = [];
  for (const name of OUTSIDE_SYSTEMS) {
    if (configured[name]) modes[name] = 'real';
    else {
      modes[name] = 'simulator';
      const asked = localMode || simulate?.all || simulate?.names.includes(name);
      if (!asked) missing.push(name);
    }
  }
  if (missing.length > 0) {
    problems.push({
      key: 'SIMULATE',
      message: `outside local mode every outside system must be real or simulated on purpose: set ${missing.map((name) => OUTSIDE_SYSTEM_INFO[name].configureWith).join('; ')} — or SIMULATE=${missing.join(',')}`,
    });
  }
  return {
    localMode,
    modes,
    simulated: OUTSIDE_SYSTEMS.filter((name) => modes[name] === 'simulator'),
    problems,
  };
}

/** Parses `SIMULATE` (comma list of system names, or `all`); throws with the unknown names. */
export function parseSimulate(value: string | undefined): SimulateRequest {
  const names = (value ?? '')
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter(Boolean);
  if (names.length === 0) return undefined;
  const unknown = names.filter(
    (name) => name !== 'all' && !(OUTSIDE_SYSTEMS as readonly string[]).includes(name),
  );
  if (unknown.length > 0)
    throw new Error(`unknown system ${unknown.join(', ')} (known: all, ${OUTSIDE_SYSTEMS.join(', ')})`);
  return {
    all: names.includes('all'),
    names: OUTSIDE_SYSTEMS.filter((name) => names.includes(name)),
  };
}

/**
 * One line per outside system for the start banner and `proofline config check`: real, or which
 * stand-in runs. Outside local mode a stand-in is shouted, since its answers come from demo data.
 */
export function describeOutsideSystemModes({
  localMode,
  modes,
}: {
  localMode: boolean;
  modes: Record<OutsideSystemName, OutsideSystemMode>;
}): string[] {
  return OUTSIDE_SYSTEMS.map((name) => {
    const { label, standIn } = OUTSIDE_SYSTEM_INFO[name];
    if (modes[name] === 'real') return `${label}: real`;
    return localMode ? `${label}: simulated (${standIn})` : `${label}: SIMULATED — ${standIn} (SIMULATE)`;
  });
}

/** The loud warning of a deployment that simulates something, or undefined (local mode, all real). */
export function simulationWarning({
  localMode,
  simulated,
}: {
  localMode: boolean;
  simulated: readonly OutsideSystemName[];
}): string | undefined {
  if (localMode || simulated.length === 0) return undefined;
  const names = simulated.map((name) => OUTSIDE_SYSTEM_INFO[name].label).join(', ');
  return `WARNING: SIMULATED, NOT REAL: ${names} (SIMULATE=${simulated.join(',')}). Do not run real campaigns on this.`;
}
