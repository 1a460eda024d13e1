/**
 * How long a test may wait before it is taken to hang: the same as jest's `testTimeout`
 * (jest.config.js). Tests wait for conditions (a line printed, a row written, a process gone), never
 * for a stretch of time, so this bound only stops a test that would otherwise wait forever; it is set
 * far beyond what a loaded shared machine needs (a PGlite cold start took 2–3 minutes at load 20 on 2
 * cores), because a tighter one turns a slow machine into failing tests.
 */
export const HANG_GUARD_MS = 10 * 60_000;
