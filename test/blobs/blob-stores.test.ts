import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from '@jest/globals';
import {
  buildLocalBlobStore,
  buildMemoryBlobStore,
  buildS3BlobStore,
  type BlobStore,
} from '../../core/blobs/index.js';
import { startS3Simulator, type RunningS3Simulator } from '../../sim/s3/index.js';
import { runBlobStoreContractSuite } from './blob-store.contract.js';

let root: string;
let sim: RunningS3Simulator;
let local: BlobStore;
let s3: BlobStore;
const memory = buildMemoryBlobStore();

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'proofline-blob-contract-'));
  local = buildLocalBlobStore({ root });
  sim = await startS3Simulator({ buckets: ['contract'], credentials: { AKIACONTRACT: 'contract-secret' } });
  s3 = buildS3BlobStore({
    endpoint: sim.url,
    bucket: 'contract',
    accessKeyId: 'AKIACONTRACT',
    secretAccessKey: 'contract-secret',
  });
});
afterAll(async () => {
  await sim.close();
  await rm(root, { recursive: true, force: true });
});

runBlobStoreContractSuite('memory', () => memory);
runBlobStoreContractSuite('local', () => local);
runBlobStoreContractSuite('s3', () => s3);
