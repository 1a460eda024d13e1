import { join } from 'node:path';
import type { Config } from '../config/config.js';
import { resolveFromCwd } from '../shared/paths.js';
import type { BlobStore } from './blobs.types.js';
import { buildLocalBlobStore } from './local.blob-store.js';
import { buildS3BlobStore } from './s3.blob-store.js';

/** The blob store the config names: `local` (DATA_DIR/blobs) or `s3`. */
export function buildBlobStore(config: Pick<Config, 'blobStore' | 'dataDir'>): BlobStore {
  const factories = {
    local: () => buildLocalBlobStore({ root: join(resolveFromCwd(config.dataDir), 'blobs') }),
    s3: () => {
      const { endpoint, bucket, accessKeyId, secretAccessKey, region } = config.blobStore.s3;
      if (!endpoint || !bucket || !accessKeyId || !secretAccessKey)
        throw new Error(
          'BLOB_STORE=s3 needs S3_ENDPOINT, S3_BUCKET, S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY',
        );
      return buildS3BlobStore({ endpoint, bucket, accessKeyId, secretAccessKey, region });
    },
  } satisfies Record<Config['blobStore']['driver'], () => BlobStore>;
  return factories[config.blobStore.driver]();
}
