import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import sharp from 'sharp';
import request from 'supertest';
import type { ConsoleRole } from '../../core/console/index.js';
import { buildMemoryBlobStore } from '../../core/blobs/index.js';
import { BRAND_ID, memberId, rewardsSeed } from './fixtures.js';
import { createRewardsConsoleTestApp, signInConsoleRoles } from './session-fixtures.js';
import { buildTestServices, type TestServices } from '../support/services.js';

/** A camera-like JPEG: 2400×1600 with EXIF (GPS-bearing metadata must not reach members). */
function cameraPhoto(): Promise<Buffer> {
  return sharp({ create: { width: 2400, height: 1600, channels: 3, background: { r: 200, g: 80, b: 40 } } })
    .withExif({ IFD0: { Make: 'PhoneCam', Model: 'X1' } })
    .jpeg()
    .toBuffer();
}

describe('reward pictures: uploaded in the console, stored through the blob store, shown in LIFF', () => {
  let services: TestServices;
  let app: ReturnType<typeof createRewardsConsoleTestApp>;
  const cookies = new Map<ConsoleRole, string>();
  const blobStore = buildMemoryBlobStore();

  beforeAll(async () => {
    const seed = rewardsSeed({ memberCount: 1 });
    seed.brands!.push({
      id: 'brd_other',
      slug: 'other',
      name: 'Other',
      country: 'TW',
      defaultLocale: 'en',
      timezone: 'Asia/Taipei',
    });
    services = await buildTestServices({
      now: '2026-02-01T02:00:00Z',
      config: { localMode: false },
      seed,
      overrides: { blobStore },
    });
    app = createRewardsConsoleTestApp(services);
    for (const [role, cookie] of await signInConsoleRoles(app, services, ['marketer', 'viewer']))
      cookies.set(role, cookie);
  }, 60_000);
  afterAll(async () => {
    await services.database.close();
  });

  const as = (role: ConsoleRole, agent: request.Test) => agent.set('cookie', cookies.get(role) as string);
  const upload = (role: ConsoleRole, bytes: Buffer, name = 'prize.jpg') =>
    as(role, request(app).post('/api/console/reward-images'))
      .set('x-proofline-csrf', '1')
      .attach('image', bytes, name);

  test('when a marketer uploads a photo and saves the reward with it, then LIFF lists the reward with a picture anyone can load', async () => {
    const uploaded = await upload('marketer', await cameraPhoto());
    expect(uploaded.status).toBe(201);
    expect(uploaded.body).toMatchObject({ width: 1200, height: 800 });
    const imageUrl = uploaded.body.imageUrl as string;
    expect(imageUrl).toMatch(new RegExp(`^/reward-images/${BRAND_ID}/[0-9a-f]{64}\\.jpg$`));

    const created = await as('marketer', request(app).post('/api/console/rewards')).send({
      kind: 'item',
      name: { en: 'Tea tumbler' },
      pointsPrice: 50,
      stock: 2,
      imageUrl,
    });
    expect(created.status).toBe(201);
    const catalog = await request(app).get('/api/liff/rewards/catalog').set('x-test-member', memberId(1));
    expect(catalog.body.rewards).toEqual([expect.objectContaining({ id: created.body.reward.id, imageUrl })]);

    // No session, no LIFF token: an <img> in LIFF cannot send one.
    const image = await request(app).get(imageUrl).buffer(true);
    expect(image.status).toBe(200);
    expect(image.headers['content-type']).toBe('image/jpeg');
    expect(image.headers['cache-control']).toContain('immutable');
    const metadata = await sharp(image.body as Buffer).metadata();
    expect([metadata.width, metadata.height, metadata.exif]).toEqual([1200, 800, undefined]);
    // Stored once through the blob store, under its content hash: the same upload is the same address.
    expect((await upload('marketer', await cameraPhoto())).body.imageUrl).toBe(imageUrl);
    expect(blobStore.keys()).toEqual([imageUrl.slice(1)]);
  });

  test('when a PNG with transparency is uploaded, then it stays a PNG', async () => {
    const png = await sharp({
      create: { width: 300, height: 300, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } },
    })
      .png()
      .toBuffer();
    const uploaded = await upload('marketer', png, 'logo.png');
    expect(uploaded.status).toBe(201);
    expect(uploaded.body.imageUrl).toMatch(/\.png$/);
    expect((await request(app).get(uploaded.body.imageUrl)).headers['content-type']).toBe('image/png');
  });

  test.each([
    ['a text file named .jpg', Buffer.from('not a picture at all'), 415, 'reward.image_invalid'],
    [
      'an SVG',
      Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
      415,
      'reward.image_invalid',
    ],
    [
      'a cut-off JPEG',
      Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46]),
      415,
      'reward.image_invalid',
    ],
    [
      'a file over 5 MB',
      Buffer.concat([Buffer.from([0xff, 0xd8, 0xff]), Buffer.alloc(5 * 1024 * 1024)]),
      413,
      'reward.image_too_large',
    ],
  ])('when the upload is %s, then it is refused with a clear error', async (_name, bytes, status, code) => {
    const answer = await upload('marketer', bytes);

    expect(answer.status).toBe(status);
    expect(answer.body.error.code).toBe(code);
  });

  test('when the body has no image or the caller may not write rewards, then nothing is stored', async () => {
    const before = blobStore.keys();
    const empty = await as('marketer', request(app).post('/api/console/reward-images'))
      .set('x-proofline-csrf', '1')
      .field('other', 'x');
    const photo = await sharp({
      create: { width: 50, height: 50, channels: 3, background: { r: 1, g: 2, b: 3 } },
    })
      .jpeg()
      .toBuffer();
    const viewer = await upload('viewer', photo);
    const nobody = await request(app)
      .post('/api/console/reward-images')
      .set('x-proofline-csrf', '1')
      .attach('image', photo, 'a.jpg');

    expect(empty.status).toBe(400);
    expect(empty.body.error.fieldErrors).toEqual({ image: 'Choose an image file' });
    expect([viewer.status, nobody.status]).toEqual([403, 401]);
    expect(blobStore.keys()).toEqual(before);
  });

  test('when a reward names a picture never uploaded or another brand’s, then the save is refused on imageUrl', async () => {
    const foreign = `/reward-images/brd_other/${'a'.repeat(64)}.jpg`;
    const created = await as('marketer', request(app).post('/api/console/rewards')).send({
      kind: 'item',
      name: { en: 'Mug' },
      pointsPrice: 10,
      imageUrl: foreign,
    });
    expect(created.status).toBe(400);
    expect(created.body.error.fieldErrors.imageUrl).toContain('Upload the image again');
    const badUrl = await as('marketer', request(app).post('/api/console/rewards')).send({
      kind: 'item',
      name: { en: 'Mug' },
      pointsPrice: 10,
      imageUrl: 'javascript:alert(1)',
    });
    expect(badUrl.status).toBe(400);
    expect(badUrl.body.error.fieldErrors.imageUrl).toBeDefined();
    // An http(s) address still works, as before uploads existed.
    const external = await as('marketer', request(app).post('/api/console/rewards')).send({
      kind: 'item',
      name: { en: 'Mug' },
      pointsPrice: 10,
      imageUrl: 'https://cdn.example.com/mug.jpg',
    });
    expect(external.status).toBe(201);
    expect((await request(app).get(foreign)).status).toBe(404);
  });
});
