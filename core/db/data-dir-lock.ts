import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { createErrorFactory } from '../shared/errors.js';

export const DATA_DIR_LOCK_FILE = 'proofline.lock';

export const createDataDirLockedError = createErrorFactory({
  code: 'database.data_dir_locked',
  message: 'The PGlite data directory is in use by another process',
  statusCode: 503,
});

export type DataDirLock = { release: () => void };

/**
 * An exclusive lock on a PGlite data directory: a file created with O_EXCL holding our pid. A lock left
 * by a process that no longer runs (a crash, kill -9) is taken over; a live one is refused.
 */
export function acquireDataDirLock(dir: string): DataDirLock {
  const path = join(dir, DATA_DIR_LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      let released = false;
      return {
        release: () => {
          if (released) return;
          released = true;
          try {
            if (readFileSync(path, 'utf8').trim() === String(process.pid)) unlinkSync(path);
          } catch {
            // Already gone.
          }
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number.parseInt(readFileSync(path, 'utf8').trim(), 10);
      // Our own pid counts as alive: the same process opening the directory twice is refused too.
      if (Number.isInteger(holder) && isProcessAlive(holder)) {
        throw createDataDirLockedError({
          message: `The PGlite data directory ${dir} is in use by process ${holder}; stop it first, or set PGLITE_DATA_DIR or DATABASE_URL`,
          details: { dir, pid: holder },
        });
      }
      unlinkSync(path);
    }
  }
  throw createDataDirLockedError({ message: `Could not lock the PGlite data directory ${dir}` });
}

function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
