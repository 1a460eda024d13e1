import { assertSafeBlobKey, type BlobStore } from './blobs.types.js';

/** For tests: a map, with `keys()` to assert what was stored. */
export function buildMemoryBlobStore(): BlobStore & { keys: () => string[] } {
  const blobs = new Map<string, Buffer>();
  return {
    driver: 'memory',
    put: async (key, bytes) => {
      assertSafeBlobKey(key);
      blobs.set(key, Buffer.from(bytes));
    },
    // Checked like the real stores, so a test on the memory store catches an unsafe key too.
    get: async (key) => {
      assertSafeBlobKey(key);
      return blobs.get(key);
    },
    delete: async (key) => {
      assertSafeBlobKey(key);
      blobs.delete(key);
    },
    exists: async (key) => {
      assertSafeBlobKey(key);
      return blobs.has(key);
    },
    keys: () => [...blobs.keys()].sort(),
  };
}
