/** Where receipt photos (and later exports) live. Keys are opaque paths like `brd_x/ab/abcdef….jpg`. */
export type BlobStore = {
  driver: 'local' | 's3' | 'memory';
  /** Stores the bytes under `key`; storing the same key again with the same bytes is a no-op. */
  put: (key: string, bytes: Buffer, options: { contentType: string }) => Promise<void>;
  /** The bytes, or undefined when nothing is stored under `key`. */
  get: (key: string) => Promise<Buffer | undefined>;
  delete: (key: string) => Promise<void>;
  exists: (key: string) => Promise<boolean>;
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
