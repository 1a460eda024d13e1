/**
 * How long a test may wait before it is taken to hang: the same as jest's `testTimeout`
 * (jest.config.js). Tests wait for conditions (a line printed, a row written, a process gone), never
 * for a stretch of time, so this bound only stops a test that would otherwise wait forever; it is set
 * far beyond what a loaded shared machine needs (a PGlite cold start took 2–3 minutes at load 20 on 2
 * cores), because a tighter one turns a slow machine into failing tests.
 */
export const HANG_GUARD_MS = 10 * 60_000;

/**
 * How long one browser wait (a locator, a download) may take before it is taken to hang: a third of the
 * test's own hang guard, so a page that never shows what the test waits for fails naming that locator,
 * not as a bare test time-out that says nothing of where it stopped.
 */
export const UI_HANG_MS = HANG_GUARD_MS / 3;
