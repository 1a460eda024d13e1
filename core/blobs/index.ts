export { assertSafeBlobKey, type BlobStore } from './blobs.types.js';
export { buildLocalBlobStore } from './local.blob-store.js';
export { buildMemoryBlobStore } from './memory.blob-store.js';
export { buildS3BlobStore, type S3BlobStoreOptions } from './s3.blob-store.js';
export { buildBlobStore } from './blobs.registry.js';
