import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let collect: (() => void) | undefined;

/**
 * A full garbage collection now. V8 lets the heap of a process that allocates fast and keeps little (a
 * streamed export: every row's strings are garbage a moment later) grow far beyond what it holds before it
 * collects, and the process's RSS with it; a long job that knows when its garbage is done can ask. V8's own
 * `gc`, exposed for this call only when the process was not started with `--expose-gc` (as jest's leak
 * detector does), so no other code sees a global `gc`.
 */
export function collectGarbage(): void {
  if (!collect) {
    const exposed = (globalThis as { gc?: () => void }).gc;
    if (exposed) collect = exposed;
    else {
      setFlagsFromString('--expose-gc');
      collect = runInNewContext('gc') as () => void;
      setFlagsFromString('--no-expose-gc');
    }
  }
  collect();
}
