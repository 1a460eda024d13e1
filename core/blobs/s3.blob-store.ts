import { createHash, createHmac } from 'node:crypto';
import { assertSafeBlobKey, type BlobStore } from './blobs.types.js';

export type S3BlobStoreOptions = {
  /** e.g. `https://s3.ap-southeast-1.amazonaws.com`, or a MinIO/R2 endpoint. */
  endpoint: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** @default 'us-east-1' (what MinIO and R2 expect when unsure) */
  region?: string;
  /** @default globalThis.fetch */
  fetch?: typeof fetch;
  /** @default () => new Date() */
  now?: () => Date;
};

const sha256Hex = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');
const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data).digest();

/**
 * Any S3-compatible store, path-style (`endpoint/bucket/key`), signed with AWS Signature V4 by hand:
 * four operations do not justify the AWS SDK's weight.
 */
export function buildS3BlobStore(options: S3BlobStoreOptions): BlobStore {
  for (const key of ['endpoint', 'bucket', 'accessKeyId', 'secretAccessKey'] as const) {
    if (!options[key]) throw new Error(`S3 blob store: ${key} is required`);
  }
  const region = options.region ?? 'us-east-1';
  const doFetch = options.fetch ?? globalThis.fetch;
  const now = options.now ?? (() => new Date());
  const base = new URL(options.endpoint);

  async function send(
    method: 'PUT' | 'GET' | 'DELETE' | 'HEAD',
    key: string,
    body?: Buffer,
    contentType?: string,
  ) {
    assertSafeBlobKey(key);
    const path = `${base.pathname.replace(/\/$/, '')}/${encodeURIComponent(options.bucket)}/${key
      .split('/')
      .map(encodeURIComponent)
      .join('/')}`;
    const url = new URL(path, base);
    const amzDate = now()
      .toISOString()
      .replace(/[-:]/g, '')
      .replace(/\.\d{3}/, '');
    const day = amzDate.slice(0, 8);
    const payloadHash = sha256Hex(body ?? '');
    const headers: Record<string, string> = {
      host: url.host,
      'x-amz-content-sha256': payloadHash,
      'x-amz-date': amzDate,
      ...(contentType ? { 'content-type': contentType } : {}),
    };
    const signedHeaders = Object.keys(headers).sort();
    const canonicalRequest = [
      method,
      url.pathname,
      '',
      ...signedHeaders.map((name) => `${name}:${headers[name]}`),
      '',
      signedHeaders.join(';'),
      payloadHash,
    ].join('\n');
    const scope = `${day}/${region}/s3/aws4_request`;
    const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256Hex(canonicalRequest)].join('\n');
    const signingKey = hmac(
      hmac(hmac(hmac(`AWS4${options.secretAccessKey}`, day), region), 's3'),
      'aws4_request',
    );
    const signature = createHmac('sha256', signingKey).update(stringToSign).digest('hex');
    const { host: _host, ...sent } = headers;
    const response = await doFetch(url, {
      method,
      headers: {
        ...sent,
        authorization: `AWS4-HMAC-SHA256 Credential=${options.accessKeyId}/${scope}, SignedHeaders=${signedHeaders.join(';')}, Signature=${signature}`,
      },
      body: body ? new Uint8Array(body) : undefined,
    });
    return response;
  }

  /**
   * A clear error from a failed answer: S3's error code and message from its XML body (a HEAD answer has
   * none), and what to check when the store refused the credentials.
   */
  async function errorOf(response: Response) {
    const body = await response.text().catch(() => '');
    return {
      code: /<Code>([^<]*)<\/Code>/.exec(body)?.[1],
      message: /<Message>([^<]*)<\/Message>/.exec(body)?.[1],
    };
  }
  async function failure(
    method: string,
    key: string,
    response: Response,
    known?: { code?: string; message?: string },
  ) {
    const { code, message } = known ?? (method === 'HEAD' ? {} : await errorOf(response));
    const hint =
      response.status === 403 || code === 'AuthorizationHeaderMalformed'
        ? ` (check S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY and the bucket's region, ${region})`
        : '';
    return new Error(
      `S3 ${method} ${options.bucket}/${key} failed: ${response.status}${code ? ` ${code}` : ''}${message ? `: ${message}` : ''}${hint}`,
    );
  }

  return {
    driver: 's3',
    put: async (key, bytes, { contentType }) => {
      const response = await send('PUT', key, bytes, contentType);
      if (!response.ok) throw await failure('PUT', key, response);
    },
    get: async (key) => {
      const response = await send('GET', key);
      if (response.status === 404) {
        // A missing key is "nothing stored"; a missing bucket is a configuration error, not an absence.
        const error = await errorOf(response);
        if (error.code === 'NoSuchKey' || error.code === undefined) return undefined;
        throw await failure('GET', key, response, error);
      }
      if (!response.ok) throw await failure('GET', key, response);
      return Buffer.from(await response.arrayBuffer());
    },
    delete: async (key) => {
      const response = await send('DELETE', key);
      if (response.ok) return;
      // S3 answers 204 for a missing key; some compatible stores answer 404 NoSuchKey: both are done.
      const error = await errorOf(response);
      if (response.status === 404 && (error.code === 'NoSuchKey' || error.code === undefined)) return;
      throw await failure('DELETE', key, response, error);
    },
    exists: async (key) => {
      const response = await send('HEAD', key);
      if (response.status === 404) return false;
      if (!response.ok) throw await failure('HEAD', key, response);
      return true;
    },
  };
}
