import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import sharp from 'sharp';
import { buildBlobStore, buildS3BlobStore, type BlobStore } from '../../core/blobs/index.js';
import { ConfigError, parseConfig } from '../../core/config/config.js';
import { buildFakeOcrEngine } from '../../core/ocr/index.js';
import { ingestReceiptImage, receiptImages } from '../../core/receipts/index.js';
import { createTestClock } from '../../core/shared/clock.js';
import { createSequentialIdGenerator } from '../../core/shared/ids.js';
import { projectRoot } from '../../core/shared/paths.js';
import { startS3Simulator, type RunningS3Simulator } from '../../sim/s3/index.js';
import { createTestDatabase } from '../support/database.js';

const BUCKET = 'proofline-receipts';
const ACCESS_KEY_ID = 'AKIAPROOFLINETEST01';
const SECRET = 'proofline/s3/secret+key+for+tests+only0';
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const photo = readFileSync(join(projectRoot, 'test', 'fixtures', 'receipts', 'tw-einvoice-7-photo.jpg'));
const S3_BRAND = {
  id: 'brd_s3',
  slug: 's3',
  name: 'S3 brand',
  country: 'TW',
  defaultLocale: 'zh-TW',
  timezone: 'Asia/Taipei',
} as const;

let sim: RunningS3Simulator;
let store: BlobStore;

beforeAll(async () => {
  sim = await startS3Simulator({
    buckets: [BUCKET, 'other-bucket'],
    credentials: { [ACCESS_KEY_ID]: SECRET },
  });
  store = buildS3BlobStore({
    endpoint: sim.url,
    bucket: BUCKET,
    accessKeyId: ACCESS_KEY_ID,
    secretAccessKey: SECRET,
  });
});
afterAll(async () => {
  await sim.close();
});

describe('S3 blob store against the S3 simulator (real HTTP, SigV4 checked on every request)', () => {
  test('when a photo is stored, then it reads back byte for byte with its content type and an MD5 ETag', async () => {
    const key = `brd_s3/${sha256(photo).slice(0, 2)}/${sha256(photo)}.jpg`;

    await store.put(key, photo, { contentType: 'image/jpeg' });

    const back = await store.get(key);
    expect(back).toBeInstanceOf(Buffer);
    expect(back!.equals(photo)).toBe(true);
    expect(sha256(back!)).toBe(sha256(photo));
    expect(await store.exists(key)).toBe(true);
    const stored = sim.objects(BUCKET).get(key)!;
    expect(stored.contentType).toBe('image/jpeg');
    expect(stored.etag).toBe(`"${createHash('md5').update(photo).digest('hex')}"`);
    // Every request the adapter made was accepted (signed correctly).
    expect(sim.requests.filter((request) => request.error)).toEqual([]);
  });

  test('when the key was never stored, then get is undefined, exists is false and delete is a no-op', async () => {
    expect(await store.get('brd_s3/00/missing.jpg')).toBeUndefined();
    expect(await store.exists('brd_s3/00/missing.jpg')).toBe(false);
    await expect(store.delete('brd_s3/00/missing.jpg')).resolves.toBeUndefined();
    expect(sim.requests.at(-3)).toMatchObject({ method: 'GET', status: 404, error: 'NoSuchKey' });
  });

  test('when an object is deleted, then it is gone', async () => {
    const bytes = Buffer.from('a small export');
    await store.put('brd_s3/exports/one.csv', bytes, { contentType: 'text/csv' });
    expect(await store.exists('brd_s3/exports/one.csv')).toBe(true);

    await store.delete('brd_s3/exports/one.csv');

    expect(await store.exists('brd_s3/exports/one.csv')).toBe(false);
    expect(sim.objects(BUCKET).has('brd_s3/exports/one.csv')).toBe(false);
  });

  test('when the same content is stored twice under its content key, then there is one object', async () => {
    const bytes = await sharp({ create: { width: 40, height: 40, channels: 3, background: '#123456' } })
      .png()
      .toBuffer();
    const key = `brd_s3/${sha256(bytes).slice(0, 2)}/${sha256(bytes)}.png`;
    const before = sim.objects(BUCKET).size;

    await store.put(key, bytes, { contentType: 'image/png' });
    await store.put(key, bytes, { contentType: 'image/png' });

    expect(sim.objects(BUCKET).size).toBe(before + 1);
    expect((await store.get(key))!.equals(bytes)).toBe(true);
  });

  test('when the secret is wrong, then every operation fails with SignatureDoesNotMatch and nothing is stored', async () => {
    const wrong = buildS3BlobStore({
      endpoint: sim.url,
      bucket: BUCKET,
      accessKeyId: ACCESS_KEY_ID,
      secretAccessKey: `${SECRET}x`,
    });
    const before = sim.objects(BUCKET).size;

    await expect(wrong.put('brd_s3/aa/wrong.jpg', photo, { contentType: 'image/jpeg' })).rejects.toThrow(
      /S3 PUT proofline-receipts\/brd_s3\/aa\/wrong\.jpg failed: 403 SignatureDoesNotMatch: The request signature we calculated does not match.*check S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY/,
    );
    // An auth failure is never mistaken for "not stored".
    await expect(wrong.get('brd_s3/aa/wrong.jpg')).rejects.toThrow(/403 SignatureDoesNotMatch/);
    await expect(wrong.exists('brd_s3/aa/wrong.jpg')).rejects.toThrow(/S3 HEAD .* failed: 403/);
    await expect(wrong.delete('brd_s3/aa/wrong.jpg')).rejects.toThrow(/403 SignatureDoesNotMatch/);
    expect(sim.objects(BUCKET).size).toBe(before);
  });

  test('when the access key is unknown, the region or the clock is wrong, then the error names it', async () => {
    const unknownKey = buildS3BlobStore({
      endpoint: sim.url,
      bucket: BUCKET,
      accessKeyId: 'AKIANOBODY',
      secretAccessKey: SECRET,
    });
    await expect(unknownKey.get('brd_s3/aa/x.jpg')).rejects.toThrow(/403 InvalidAccessKeyId/);

    const otherRegion = buildS3BlobStore({
      endpoint: sim.url,
      bucket: BUCKET,
      accessKeyId: ACCESS_KEY_ID,
      secretAccessKey: SECRET,
      region: 'ap-southeast-1',
    });
    await expect(otherRegion.get('brd_s3/aa/x.jpg')).rejects.toThrow(
      /400 AuthorizationHeaderMalformed: .*the region 'ap-southeast-1' is wrong; expecting 'us-east-1'/,
    );

    const slowClock = buildS3BlobStore({
      endpoint: sim.url,
      bucket: BUCKET,
      accessKeyId: ACCESS_KEY_ID,
      secretAccessKey: SECRET,
      now: () => new Date(Date.now() - 20 * 60 * 1000),
    });
    await expect(slowClock.get('brd_s3/aa/x.jpg')).rejects.toThrow(/403 RequestTimeTooSkewed/);
  });

  test('when the bucket does not exist, then reads fail loudly instead of looking empty', async () => {
    const noBucket = buildS3BlobStore({
      endpoint: sim.url,
      bucket: 'no-such-bucket',
      accessKeyId: ACCESS_KEY_ID,
      secretAccessKey: SECRET,
    });
    await expect(noBucket.get('brd_s3/aa/x.jpg')).rejects.toThrow(/404 NoSuchBucket/);
    await expect(noBucket.put('brd_s3/aa/x.jpg', photo, { contentType: 'image/jpeg' })).rejects.toThrow(
      /404 NoSuchBucket/,
    );
  });

  test('when the options miss a credential, then the store refuses to be built', () => {
    expect(() =>
      buildS3BlobStore({
        endpoint: sim.url,
        bucket: BUCKET,
        accessKeyId: ACCESS_KEY_ID,
        secretAccessKey: '',
      }),
    ).toThrow('S3 blob store: secretAccessKey is required');
  });
});

describe('BLOB_STORE=s3 in the config', () => {
  const s3Env = () => ({
    BLOB_STORE: 's3',
    S3_ENDPOINT: sim.url,
    S3_BUCKET: 'other-bucket',
    S3_ACCESS_KEY_ID: ACCESS_KEY_ID,
    S3_SECRET_ACCESS_KEY: SECRET,
    // S3 credentials mean a deployment: the other outside systems must be named as simulated.
    SIMULATE: 'all',
    SESSION_SECRET: 'x'.repeat(32),
  });

  test('when the environment names the S3 store, then the registry builds the S3 adapter pointed at it', async () => {
    const blobs = buildBlobStore(parseConfig(s3Env()));
    expect(blobs.driver).toBe('s3');

    await blobs.put('brd_cfg/ab/from-config.png', photo, { contentType: 'image/png' });

    expect(sim.objects('other-bucket').get('brd_cfg/ab/from-config.png')?.bytes.equals(photo)).toBe(true);
    expect((await blobs.get('brd_cfg/ab/from-config.png'))!.equals(photo)).toBe(true);
  });

  test('when S3_REGION names the bucket region, then requests are signed for it', async () => {
    const tokyo = await startS3Simulator({
      buckets: ['other-bucket'],
      region: 'ap-northeast-1',
      credentials: { [ACCESS_KEY_ID]: SECRET },
    });
    try {
      const inRegion = buildBlobStore(
        parseConfig({ ...s3Env(), S3_ENDPOINT: tokyo.url, S3_REGION: 'ap-northeast-1' }),
      );
      await inRegion.put('brd_cfg/ab/tokyo.png', photo, { contentType: 'image/png' });
      expect((await inRegion.get('brd_cfg/ab/tokyo.png'))!.equals(photo)).toBe(true);

      const defaultRegion = buildBlobStore(parseConfig({ ...s3Env(), S3_ENDPOINT: tokyo.url }));
      await expect(defaultRegion.get('brd_cfg/ab/tokyo.png')).rejects.toThrow(/us-east-1/);
    } finally {
      await tokyo.close();
    }
  });

  test('when BLOB_STORE is not set, then the local store is used', () => {
    const { BLOB_STORE: _unset, ...rest } = s3Env();
    expect(buildBlobStore(parseConfig(rest)).driver).toBe('local');
  });

  test('when the bucket or a key is missing, then the config says which', () => {
    const { S3_BUCKET: _bucket, ...noBucket } = s3Env();
    expect(() => parseConfig(noBucket)).toThrow(ConfigError);
    expect(() => parseConfig(noBucket)).toThrow(/S3_BUCKET: is required with BLOB_STORE=s3/);

    const { S3_SECRET_ACCESS_KEY: _secret, ...noSecret } = s3Env();
    expect(() => buildBlobStore(parseConfig(noSecret))).toThrow(
      'BLOB_STORE=s3 needs S3_ENDPOINT, S3_BUCKET, S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY',
    );
  });
});

describe('receipt photos stored in S3', () => {
  test('when the same photo is uploaded twice, then one object is stored (one PUT) and both rows point at it', async () => {
    const database = await createTestDatabase({
      brands: [S3_BRAND],
      members: [{ id: 'mbr_s3', brandId: 'brd_s3', lineUserId: 'U_s3', locale: 'zh-TW' }],
    });
    try {
      const deps = {
        db: database.db,
        blobStore: store,
        ocrEngine: buildFakeOcrEngine(''),
        clock: createTestClock({ now: '2025-01-08T03:00:00Z' }),
        generateId: createSequentialIdGenerator(),
      };
      const bytes = await sharp({ create: { width: 320, height: 480, channels: 3, background: '#f4f1ea' } })
        .jpeg()
        .toBuffer();
      const putsBefore = sim.requests.filter((request) => request.method === 'PUT').length;
      const upload = () =>
        ingestReceiptImage(deps, { brandId: 'brd_s3', memberId: 'mbr_s3', bytes, source: 'liff' });

      const first = await upload();
      const second = await upload();

      expect(second.image.storageKey).toBe(first.image.storageKey);
      expect(first.image.storageKey).toBe(`brd_s3/${sha256(bytes).slice(0, 2)}/${sha256(bytes)}.jpg`);
      expect(sim.requests.filter((request) => request.method === 'PUT').length).toBe(putsBefore + 1);
      expect(sim.objects(BUCKET).get(first.image.storageKey!)).toMatchObject({ contentType: 'image/jpeg' });
      expect((await store.get(first.image.storageKey!))!.equals(bytes)).toBe(true);
      expect(await database.db.select().from(receiptImages)).toHaveLength(2);
    } finally {
      await database.close();
    }
  });

  test('when the store refuses the credentials, then the upload fails clearly and no row is written', async () => {
    const database = await createTestDatabase({
      brands: [S3_BRAND],
    });
    try {
      const wrong = buildS3BlobStore({
        endpoint: sim.url,
        bucket: BUCKET,
        accessKeyId: ACCESS_KEY_ID,
        secretAccessKey: 'not-the-secret',
      });
      const bytes = await sharp({ create: { width: 300, height: 300, channels: 3, background: '#abcdef' } })
        .jpeg()
        .toBuffer();
      const objectsBefore = sim.objects(BUCKET).size;

      const error = await ingestReceiptImage(
        {
          db: database.db,
          blobStore: wrong,
          ocrEngine: buildFakeOcrEngine(''),
          clock: createTestClock({ now: '2025-01-08T03:00:00Z' }),
          generateId: createSequentialIdGenerator(),
        },
        { brandId: 'brd_s3', memberId: null, bytes, source: 'cli' },
      ).catch((caught: unknown) => caught);

      expect(error).toBeInstanceOf(Error);
      expect((error as Error).message).toMatch(/S3 (HEAD|PUT) .* failed: 403/);
      expect(sim.objects(BUCKET).size).toBe(objectsBefore);
      expect(await database.db.select().from(receiptImages)).toHaveLength(0);
    } finally {
      await database.close();
    }
  });
});
