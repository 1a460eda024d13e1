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
    get: async (key) => blobs.get(key),
    delete: async (key) => {
      blobs.delete(key);
    },
    exists: async (key) => blobs.has(key),
    keys: () => [...blobs.keys()].sort(),
  };
}
