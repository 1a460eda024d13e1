import { readFileSync } from 'node:fs';

/**
 * Where a `.cpuprofile`'s time went (`BENCH_LATENCY_CPU_PROFILE`): each sample goes to the first of these
 * kinds found from its leaf up (PGlite's wasm and JavaScript, drizzle, i18next, pino, prom-client, GC…),
 * else to the innermost frame's Node module (node:http, undici…), package or this project's code, and is told beside the first of this
 * project's folders (core/…, bot/…, jobs, sim, bench) or @line/bot-sdk above it — "?" when the stack
 * crossed an await and lost its caller (most of PGlite's: its statements run from the microtask queue).
 *
 *   npx tsx bench/support/cpu-profile-report.ts <file.cpuprofile>
 */
type CallFrame = { functionName: string; url: string };
type ProfileNode = { id: number; callFrame: CallFrame; children?: number[] };
type Profile = { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] };

const LIBRARIES: [kind: string, test: (frame: CallFrame) => boolean][] = [
  ['GC', (f) => f.functionName === '(garbage collector)'],
  ['idle', (f) => f.functionName === '(idle)'],
  ['profiler', (f) => f.url.includes('inspector') || f.url.includes('cpu-profile')],
  // undici's llhttp is wasm too: only PGlite's module is PGlite.
  ['PGlite', (f) => f.url.includes('@electric-sql/pglite') || f.url.includes('pglite-text-types')],
  ['PGlite', (f) => f.url.startsWith('wasm://') && f.functionName !== 'wasm-function[20]'],
  ['drizzle', (f) => f.url.includes('drizzle-orm')],
  ['i18next', (f) => f.url.includes('i18next')],
  ['pino', (f) => f.url.includes('/pino')],
  ['prom-client', (f) => f.url.includes('prom-client')],
  ['zod', (f) => f.url.includes('/zod/')],
];

function ownerOf(frame: CallFrame): string | undefined {
  const ours = /\/(core|bot)\/([^/]+)\/|\/(jobs|sim|bench)\//.exec(frame.url);
  if (ours) return ours[3] ?? `${ours[1]}/${ours[2]}`;
  if (frame.url.includes('@line/bot-sdk')) return '@line/bot-sdk';
  return undefined;
}

function moduleOf(frame: CallFrame): string {
  const node = /node:(?:internal\/)?(?:deps\/)?([^/:]+)/.exec(frame.url);
  if (node) return `node:${node[1]}`;
  const dependency = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(frame.url);
  if (dependency) return dependency[1] as string;
  return frame.url ? 'this project' : 'native';
}

/**
 * Whose a sample is: the bot's (our code, @line/bot-sdk, PGlite and drizzle — only the bot has a database),
 * the LINE simulator's, the bench's (its members' sends and polls) or the profiler's; GC and idle as they are;
 * the rest ran from the event loop with no caller left on the stack (HTTP, streams: either side).
 */
function sideOf(kind: string | undefined, owner: string | undefined): string {
  if (kind === 'profiler' || kind === 'GC' || kind === 'idle') return kind;
  if (owner === 'sim') return 'LINE simulator';
  if (owner === 'bench') return 'bench (members)';
  if (owner || kind === 'PGlite' || kind === 'drizzle') return 'bot';
  return 'no caller (either side)';
}

export function reportCpuProfile(profile: Profile): string[] {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parentOf = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);
  const kinds = new Map<string, number>();
  const pairs = new Map<string, number>();
  const sides = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((sample, i) => {
    const micros = profile.timeDeltas[i] ?? 0;
    total += micros;
    let kind: string | undefined;
    let owner: string | undefined;
    let leaf: CallFrame | undefined;
    for (let id: number | undefined = sample; id !== undefined; id = parentOf.get(id)) {
      const frame = (byId.get(id) as ProfileNode).callFrame;
      leaf ??= frame;
      kind ??= LIBRARIES.find(([, test]) => test(frame))?.[0];
      owner ??= ownerOf(frame);
      if (kind && owner) break;
    }
    const name = kind ?? moduleOf(leaf as CallFrame);
    kinds.set(name, (kinds.get(name) ?? 0) + micros);
    const pair = `${name} ← ${owner ?? '?'}`;
    pairs.set(pair, (pairs.get(pair) ?? 0) + micros);
    const side = sideOf(kind, owner);
    sides.set(side, (sides.get(side) ?? 0) + micros);
  });
  const rows = (map: Map<string, number>, limit: number) =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, limit)
      .map(([name, micros]) => {
        const ms = (micros / 1000).toFixed(0).padStart(6);
        return `${ms} ms ${((100 * micros) / total).toFixed(1).padStart(5)} %  ${name}`;
      });
  return [
    `sampled: ${(total / 1000).toFixed(0)} ms`,
    ...rows(kinds, 20),
    'by side (the bot, or what a LINE platform and its members would run elsewhere):',
    ...rows(sides, 10),
    'by kind and caller:',
    ...rows(pairs, 40),
  ];
}

if (process.argv[2]) {
  const profile = JSON.parse(readFileSync(process.argv[2], 'utf8')) as Profile;
  console.log(reportCpuProfile(profile).join('\n'));
}
