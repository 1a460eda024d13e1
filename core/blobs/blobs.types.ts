import type { Readable } from 'node:stream';
/** Where receipt photos (and later exports) live. Keys are opaque paths like `brd_x/ab/abcdef….jpg`. */
export type BlobStore = {
  driver: 'local' | 's3' | 'memory';
  /** Stores the bytes under `key`; storing the same key again with the same bytes is a no-op. */
  put: (key: string, bytes: Buffer, options: { contentType: string }) => Promise<void>;
  /** The bytes, or undefined when nothing is stored under `key`. */
  get: (key: string) => Promise<Buffer | undefined>;
  delete: (key: string) => Promise<void>;
  exists: (key: string) => Promise<boolean>;
  /**
   * Stores a file's bytes under `key` without reading them into memory (large exports); stores without
   * it are given `put(readFile(path))`.
   */
  putFile?: (key: string, path: string, options: { contentType: string }) => Promise<void>;
  /** The bytes as a stream, or undefined when nothing is stored; stores without it are read with `get`. */
  getStream?: (key: string) => Promise<Readable | undefined>;
};

/** Keys are produced by Proofline, but a key never escapes the store's root. */
export function assertSafeBlobKey(key: string) {
  if (
    !/^[A-Za-z0-9_][A-Za-z0-9_./-]*$/.test(key) ||
    key.split('/').some((part) => part === '..' || part === '.')
  ) {
    throw new Error(`Unsafe blob key: ${key}`);
  }
}
