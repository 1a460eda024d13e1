import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { buildS3BlobStore } from '../../core/blobs/index.js';
import { startS3Simulator, type RunningS3Simulator } from '../../sim/s3/index.js';

// The simulator's answers on the wire, as S3 gives them. Requests are signed by the real adapter; a
// `fetch` wrapper captures the raw answer or tampers with the request after it was signed.
const BUCKET = 'wire';
const ACCESS_KEY_ID = 'AKIAWIRETEST';
const SECRET = 'wire-secret';

let sim: RunningS3Simulator;
let last: { status: number; headers: Headers; body: string } | undefined;

beforeAll(async () => {
  sim = await startS3Simulator({ buckets: [BUCKET], credentials: { [ACCESS_KEY_ID]: SECRET } });
});
afterAll(async () => {
  await sim.close();
});

function storeWith(
  tamper: (init: RequestInit & { headers: Record<string, string> }) => RequestInit = (init) => init,
  secretAccessKey = SECRET,
) {
  return buildS3BlobStore({
    endpoint: sim.url,
    bucket: BUCKET,
    accessKeyId: ACCESS_KEY_ID,
    secretAccessKey,
    fetch: async (input, init) => {
      const response = await fetch(input, tamper(init as RequestInit & { headers: Record<string, string> }));
      const body = await response.clone().text();
      last = { status: response.status, headers: response.headers, body };
      return response;
    },
  });
}

describe('S3 simulator on the wire', () => {
  test('when the signature is wrong, then 403 with S3’s SignatureDoesNotMatch XML and the string it signed', async () => {
    await storeWith(undefined, 'other-secret')
      .put('k/a.jpg', Buffer.from('x'), { contentType: 'image/jpeg' })
      .catch(() => undefined);

    expect(last?.status).toBe(403);
    expect(last?.headers.get('content-type')).toBe('application/xml');
    expect(last?.body).toMatch(
      /^<\?xml version="1.0" encoding="UTF-8"\?>\n<Error><Code>SignatureDoesNotMatch<\/Code>/,
    );
    expect(last?.body).toContain(`<AWSAccessKeyId>${ACCESS_KEY_ID}</AWSAccessKeyId>`);
    expect(last?.body).toMatch(
      /<StringToSign>AWS4-HMAC-SHA256\n\d{8}T\d{6}Z\n\d{8}\/us-east-1\/s3\/aws4_request\n[0-9a-f]{64}<\/StringToSign>/,
    );
    expect(last?.body).toMatch(/<RequestId>[0-9A-F]{16}<\/RequestId><\/Error>$/);
  });

  test('when a HEAD fails, then the status alone (no body), as S3 answers', async () => {
    await storeWith(undefined, 'other-secret')
      .exists('k/a.jpg')
      .catch(() => undefined);
    expect(last).toMatchObject({ status: 403, body: '' });
    await storeWith().exists('k/none.jpg');
    expect(last).toMatchObject({ status: 404, body: '' });
  });

  test('when the body is swapped after signing, then 400 XAmzContentSHA256Mismatch and nothing is stored', async () => {
    const swapped = storeWith((init) => ({ ...init, body: new TextEncoder().encode('evil') }));
    await expect(
      swapped.put('k/swapped.txt', Buffer.from('good'), { contentType: 'text/plain' }),
    ).rejects.toThrow(/400 XAmzContentSHA256Mismatch/);
    expect(sim.objects(BUCKET).has('k/swapped.txt')).toBe(false);
  });

  test('when a header is changed or an x-amz header added after signing, then S3 refuses it', async () => {
    const retyped = storeWith((init) => ({
      ...init,
      headers: { ...init.headers, 'content-type': 'text/html' },
    }));
    await expect(
      retyped.put('k/retyped.jpg', Buffer.from('x'), { contentType: 'image/jpeg' }),
    ).rejects.toThrow(/403 SignatureDoesNotMatch/);
    const extra = storeWith((init) => ({
      ...init,
      headers: { ...init.headers, 'x-amz-acl': 'public-read' },
    }));
    await expect(extra.put('k/public.jpg', Buffer.from('x'), { contentType: 'image/jpeg' })).rejects.toThrow(
      /403 AccessDenied: There were headers present in the request which were not signed/,
    );
    const unsigned = storeWith((init) => {
      const { authorization: _dropped, ...headers } = init.headers;
      return { ...init, headers };
    });
    await expect(unsigned.get('k/a.jpg')).rejects.toThrow(/403 AccessDenied: Access Denied/);
    expect(sim.objects(BUCKET).size).toBe(0);
  });

  test('when an object is read, then S3’s headers: stored Content-Type, Content-Length, ETag, Last-Modified', async () => {
    const store = storeWith();
    await store.put('k/report.csv', Buffer.from('a,b\n1,2\n'), { contentType: 'text/csv; charset=utf-8' });
    expect(last?.status).toBe(200);
    const etag = `"${createHash('md5').update('a,b\n1,2\n').digest('hex')}"`;
    expect(last?.headers.get('etag')).toBe(etag);

    await store.get('k/report.csv');

    expect(last?.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(last?.headers.get('content-length')).toBe('8');
    expect(last?.headers.get('etag')).toBe(etag);
    expect(new Date(last!.headers.get('last-modified')!).getTime()).toBeGreaterThan(Date.now() - 60_000);
    expect(last?.body).toBe('a,b\n1,2\n');
  });

  test('when a key does not exist, then GET is 404 NoSuchKey naming the key, DELETE is 204', async () => {
    const store = storeWith();
    expect(await store.get('k/nothing.jpg')).toBeUndefined();
    expect(last?.status).toBe(404);
    expect(last?.body).toContain('<Code>NoSuchKey</Code>');
    expect(last?.body).toContain('<Key>k/nothing.jpg</Key>');
    await store.delete('k/nothing.jpg');
    expect(last?.status).toBe(204);
  });
});
