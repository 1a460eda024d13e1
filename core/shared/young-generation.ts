import { setFlagsFromString } from 'node:v8';

/** V8's own default for `--semi-space-growth-factor`. */
const DEFAULT_GROWTH_FACTOR = 2;

let held = false;

/** Whether the operator set the growth factor on node's command line (NODE_OPTIONS cannot): then it is theirs. */
function setByOperator(): boolean {
  return process.execArgv.some((flag) => /^--semi[-_]space[-_]growth[-_]factor/.test(flag));
}

/**
 * Until `releaseYoungGeneration`, V8's young generation (its semi-spaces, where new objects live) does not
 * grow. A server's start — loading the app's modules, opening the database, the idempotent seeds — keeps
 * enough objects alive for V8 to grow the main thread's young generation to its maximum (2 × 16 MB), and
 * V8 gives it back only after a collection at a very low allocation rate, which an idle server with its
 * polls does not reach: ~30 MB of an idle local-mode process were empty semi-spaces (docs/decisions/012,
 * 2026-12-07). Held during the start, it grows again once serving, as the work asks (V8's own growth
 * when objects survive). A start-time setting, like `compileWasmOnBaselineOnly`: no behaviour changes.
 *
 * Node 20 and 22's V8 sets the factor back to its default whenever a new isolate is made (a worker thread:
 * PGlite's, an OCR worker; Node 24's does not), so call this again after starting one inside the hold. Not done when the operator set the
 * factor themselves.
 */
export function holdYoungGenerationSmall(): void {
  if (setByOperator()) return;
  held = true;
  setFlagsFromString('--semi-space-growth-factor=1');
}

/** Lets the young generation grow again as V8 decides (idempotent). */
export function releaseYoungGeneration(): void {
  if (!held) return;
  held = false;
  setFlagsFromString(`--semi-space-growth-factor=${DEFAULT_GROWTH_FACTOR}`);
}
