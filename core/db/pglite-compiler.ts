import { setFlagsFromString } from 'node:v8';

/**
 * Until the returned function is called, WebAssembly functions this process compiles stay on V8's baseline
 * compiler (Liftoff) and are never recompiled by the optimizing one (TurboFan); the returned function
 * turns optimizing back on for code compiled after it. `proofline start` on PGlite runs its start (opening
 * the database, the migrations check, the idempotent demo seeds) inside it (docs/decisions/012,
 * 2026-12-06): TurboFan recompiling PGlite's hot functions left ~60 MB of freed compiler memory in glibc's
 * per-thread arenas, which a process never gives back (idle 262–276 → ~205 MB), while PGlite's functions
 * on Liftoff cost the same CPU for the chat's short queries and ~1.2–1.3× for a scan of a million rows.
 * WebAssembly compiled later (tesseract's, OpenCV's in the OCR workers) is optimized as usual.
 */
export function compileWasmOnBaselineOnly(): () => void {
  setFlagsFromString('--liftoff-only');
  let restored = false;
  return () => {
    if (restored) return;
    restored = true;
    setFlagsFromString('--no-liftoff-only');
  };
}
