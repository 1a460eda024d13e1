import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from './cli.js';
import { createPgliteDataDir } from './database.js';
import { oncePerRun } from './once-per-run.js';

/** The local-mode folders `proofline seed-demo` filled: PGLITE_DATA_DIR=<dir>/pglite, DATA_DIR=<dir>. */
export type SeededDemoDir = { PGLITE_DATA_DIR: string; DATA_DIR: string };

const layout = (dir: string): SeededDemoDir => ({ PGLITE_DATA_DIR: join(dir, 'pglite'), DATA_DIR: dir });

/**
 * Fills `dir` with what `proofline seed-demo` leaves in a fresh local-mode checkout (the PGlite folder
 * at <dir>/pglite, the demo's photos under <dir>/blobs) and returns the two variables the CLI reads.
 * The CLI seeds once per test run, into the run's temporary folder, and every file that asks gets a
 * copy of that folder: a cold PGlite start, the migrations and the seed cost seconds of CPU each time
 * (test/foundation/cli.test.ts proves the seed-demo command itself on a folder of its own). The seed
 * starts from the run's migrated template written out (createPgliteDataDir), not from an empty folder:
 * PGlite's initdb and the migrations in the child were 6–8 s of its 9–13 s of CPU (decision 002).
 */
export async function copySeededDemoDir(dir: string): Promise<SeededDemoDir> {
  const template = await oncePerRun('seeded-demo', seedDemoInto);
  if (template) cpSync(template, dir, { recursive: true });
  // Outside jest's global setup: seed this folder itself.
  else await seedDemoInto(dir);
  return layout(dir);
}

async function seedDemoInto(dir: string): Promise<void> {
  await createPgliteDataDir(layout(dir).PGLITE_DATA_DIR);
  const result = await runCli(['seed-demo'], { ...layout(dir), DEMO_SEED: 'false' });
  if (result.code !== 0) throw new Error(`proofline seed-demo failed (${result.code}):\n${result.stderr}`);
}
