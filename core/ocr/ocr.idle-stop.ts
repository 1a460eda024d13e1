import type { OcrEngine, OcrEngineName } from './ocr.types.js';

/**
 * An engine that exists only while photos come in: the real one is built on the first photo and closed
 * once no photo has been read for `idleMs` (its workers hold hundreds of MB); the next photo builds it
 * again. `idleMs` 0 keeps it until `close`. The idle timer never keeps the process alive.
 */
export function stopOcrEngineWhenIdle(
  name: OcrEngineName,
  build: () => OcrEngine,
  { idleMs }: { idleMs: number },
): OcrEngine & { readonly running: boolean } {
  let engine: OcrEngine | undefined;
  let inFlight = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  // Closing is awaited before the next build, so two engines never run side by side.
  let closing: Promise<void> = Promise.resolve();

  const stop = () => {
    timer = undefined;
    if (!engine || inFlight > 0) return;
    const stopped = engine;
    engine = undefined;
    closing = stopped.close().catch(() => {});
  };
  const armTimer = () => {
    if (idleMs <= 0 || inFlight > 0) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(stop, idleMs);
    timer.unref?.();
  };

  return {
    name,
    get running() {
      return engine !== undefined;
    },
    recognize: async (request) => {
      if (timer) clearTimeout(timer);
      timer = undefined;
      inFlight++;
      try {
        if (!engine) {
          await closing;
          engine ??= build();
        }
        return await engine.recognize(request);
      } finally {
        inFlight--;
        armTimer();
      }
    },
    close: async () => {
      if (timer) clearTimeout(timer);
      timer = undefined;
      const stopped = engine;
      engine = undefined;
      await closing;
      await stopped?.close();
    },
  };
}
