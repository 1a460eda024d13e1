import { createReadStream } from 'node:fs';
import { copyFile, mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { assertSafeBlobKey, type BlobStore } from './blobs.types.js';

/** Files under a directory (`DATA_DIR/blobs` by default). Writes go to a temp file then rename, so a
 * crash never leaves half a photo under its key. */
export function buildLocalBlobStore({ root }: { root: string }): BlobStore {
  const pathOf = (key: string) => {
    assertSafeBlobKey(key);
    return join(root, key);
  };
  return {
    driver: 'local',
    put: async (key, bytes) => {
      const path = pathOf(key);
      await mkdir(dirname(path), { recursive: true });
      const temp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
      await writeFile(temp, bytes);
      await rename(temp, path);
    },
    get: async (key) => {
      try {
        return await readFile(pathOf(key));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw error;
      }
    },
    putFile: async (key, source) => {
      const path = pathOf(key);
      await mkdir(dirname(path), { recursive: true });
      const temp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
      await copyFile(source, temp);
      await rename(temp, path);
    },
    getStream: async (key) => {
      const path = pathOf(key);
      try {
        await stat(path);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw error;
      }
      return createReadStream(path);
    },
    delete: async (key) => {
      await rm(pathOf(key), { force: true });
    },
    exists: async (key) => {
      const path = pathOf(key); // an unsafe key throws, it is not merely "absent"
      try {
        await stat(path);
        return true;
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'ENOENT' || code === 'ENOTDIR') return false;
        throw error;
      }
    },
  };
}
