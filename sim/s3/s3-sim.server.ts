import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../../core/shared/logger.js';
import { checkPayloadHash, verifySigV4, type SigV4Failure, type SignedRequest } from './s3-sigv4.js';

export type S3SimObject = {
  bytes: Buffer;
  contentType: string;
  /** `"<md5 hex>"`, quotes included, as S3 returns it for a single-part upload. */
  etag: string;
  lastModified: Date;
};

export type S3SimRequest = {
  method: string;
  bucket?: string;
  key?: string;
  status: number;
  /** The S3 error code when the answer was an error. */
  error?: string;
};

export type RunningS3Simulator = {
  /** Base URL for path-style requests: `${url}/${bucket}/${key}`. */
  url: string;
  region: string;
  /** The objects of a bucket, by key (a live view for tests). */
  objects: (bucket: string) => Map<string, S3SimObject>;
  /** Every request answered, in order. */
  requests: S3SimRequest[];
  close: () => Promise<void>;
};

export type S3SimOptions = {
  /** Buckets that exist; any other is NoSuchBucket. */
  buckets: string[];
  /** Access key id → secret access key. */
  credentials: Record<string, string>;
  /** @default 'us-east-1' */
  region?: string;
  port?: number;
  host?: string;
  /** Largest object accepted by a PUT. @default 64 MB (S3's own limit, 5 GB, is not useful here) */
  maxObjectBytes?: number;
  /** @default () => new Date() — requests more than 15 minutes off are RequestTimeTooSkewed */
  now?: () => Date;
  logger?: Logger;
};

const xmlEscape = (value: string) =>
  value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Regroups node's `rawHeaders` by lower-case name, keeping every occurrence in order. */
function headerMap(req: IncomingMessage): Map<string, string[]> {
  const headers = new Map<string, string[]>();
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i]!.toLowerCase();
    headers.set(name, [...(headers.get(name) ?? []), req.rawHeaders[i + 1]!]);
  }
  return headers;
}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer | 'too-large'> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (part: Buffer) => {
      size += part.length;
      if (size > limit) tooLarge = true;
      else parts.push(part);
    });
    req.on('end', () => resolve(tooLarge ? 'too-large' : Buffer.concat(parts)));
    req.on('error', reject);
  });
}

/**
 * A minimal S3-compatible object store over real HTTP: PUT, GET, HEAD and DELETE of objects with
 * path-style URLs (`/bucket/key`), every request's AWS Signature V4 verified as S3 verifies it (see
 * s3-sigv4.ts), S3's XML error bodies (none on HEAD), `ETag` (MD5) and the stored `Content-Type` on reads.
 * Objects live in memory. Not simulated: virtual-host-style URLs, presigned URLs, multipart and chunked
 * (streaming) uploads, listings, versioning, ranges.
 */
export async function startS3Simulator(options: S3SimOptions): Promise<RunningS3Simulator> {
  const region = options.region ?? 'us-east-1';
  const now = options.now ?? (() => new Date());
  const maxObjectBytes = options.maxObjectBytes ?? 64 * 1024 * 1024;
  const buckets = new Map(options.buckets.map((bucket) => [bucket, new Map<string, S3SimObject>()]));
  const requests: S3SimRequest[] = [];

  function answer(
    req: IncomingMessage,
    res: ServerResponse,
    record: Omit<S3SimRequest, 'status'>,
    status: number,
    headers: Record<string, string> = {},
    body?: Buffer | string,
  ) {
    requests.push({ ...record, status });
    const requestId = randomBytes(8).toString('hex').toUpperCase();
    res.writeHead(status, {
      'x-amz-request-id': requestId,
      'x-amz-id-2': randomBytes(24).toString('base64'),
      server: 'AmazonS3',
      ...headers,
    });
    if (req.method === 'HEAD' || body === undefined) res.end();
    else res.end(body);
  }

  function fail(
    req: IncomingMessage,
    res: ServerResponse,
    record: Omit<S3SimRequest, 'status'>,
    failure: Omit<SigV4Failure, 'ok'>,
  ) {
    const extra = Object.entries(failure.extra ?? {})
      .map(([name, value]) => `<${name}>${xmlEscape(value)}</${name}>`)
      .join('');
    const xml =
      `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${failure.code}</Code>` +
      `<Message>${xmlEscape(failure.message)}</Message>${extra}` +
      `<RequestId>${randomBytes(8).toString('hex').toUpperCase()}</RequestId></Error>`;
    options.logger?.debug({ method: req.method, url: req.url, code: failure.code }, 'S3 simulator refused');
    answer(
      req,
      res,
      { ...record, error: failure.code },
      failure.status,
      { 'content-type': 'application/xml' },
      xml,
    );
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const target = req.url ?? '/';
    const queryAt = target.indexOf('?');
    const rawPath = queryAt === -1 ? target : target.slice(0, queryAt);
    const rawQuery = queryAt === -1 ? '' : target.slice(queryAt + 1);
    const method = (req.method ?? 'GET').toUpperCase();
    const slash = rawPath.indexOf('/', 1);
    const bucket = decodeURIComponent(slash === -1 ? rawPath.slice(1) : rawPath.slice(1, slash));
    const key = slash === -1 ? '' : decodeURIComponent(rawPath.slice(slash + 1));
    const record = { method, bucket: bucket || undefined, key: key || undefined };

    const request: SignedRequest = { method, rawPath, rawQuery, headers: headerMap(req) };
    const verified = verifySigV4(request, {
      region,
      secretFor: (accessKeyId) => options.credentials[accessKeyId],
      now: now(),
    });
    if (!verified.ok) {
      req.resume();
      return fail(req, res, record, verified);
    }
    const bodyOrLimit = await readBody(req, maxObjectBytes);
    if (bodyOrLimit === 'too-large') {
      return fail(req, res, record, {
        status: 400,
        code: 'EntityTooLarge',
        message: 'Your proposed upload exceeds the maximum allowed object size.',
      });
    }
    const body = bodyOrLimit;
    const payloadMismatch = checkPayloadHash(verified.payloadHash, body);
    if (payloadMismatch) return fail(req, res, record, payloadMismatch);

    const objects = buckets.get(bucket);
    if (!bucket || !key) {
      return fail(req, res, record, {
        status: 405,
        code: 'MethodNotAllowed',
        message: 'The simulator serves objects only (/bucket/key).',
      });
    }
    if (!objects) {
      return fail(req, res, record, {
        status: 404,
        code: 'NoSuchBucket',
        message: 'The specified bucket does not exist',
        extra: { BucketName: bucket },
      });
    }

    switch (method) {
      case 'PUT': {
        if (req.headers['content-length'] === undefined) {
          return fail(req, res, record, {
            status: 411,
            code: 'MissingContentLength',
            message: 'You must provide the Content-Length HTTP header.',
          });
        }
        const md5 = createHash('md5').update(body);
        const digest = md5.digest();
        const contentMd5 = request.headers.get('content-md5')?.[0];
        if (contentMd5 !== undefined && Buffer.from(contentMd5, 'base64').compare(digest) !== 0) {
          return fail(req, res, record, {
            status: 400,
            code: 'BadDigest',
            message: 'The Content-MD5 you specified did not match what we received.',
          });
        }
        const etag = `"${digest.toString('hex')}"`;
        objects.set(key, {
          bytes: body,
          contentType: req.headers['content-type'] ?? 'binary/octet-stream',
          etag,
          lastModified: new Date(Math.floor(now().getTime() / 1000) * 1000),
        });
        return answer(req, res, record, 200, { etag, 'content-length': '0' });
      }
      case 'GET':
      case 'HEAD': {
        const object = objects.get(key);
        if (!object) {
          return fail(req, res, record, {
            status: 404,
            code: 'NoSuchKey',
            message: 'The specified key does not exist.',
            extra: { Key: key },
          });
        }
        return answer(
          req,
          res,
          record,
          200,
          {
            'content-type': object.contentType,
            'content-length': String(object.bytes.length),
            etag: object.etag,
            'last-modified': object.lastModified.toUTCString(),
            'accept-ranges': 'bytes',
          },
          object.bytes,
        );
      }
      case 'DELETE':
        // S3 answers 204 whether or not the key existed.
        objects.delete(key);
        return answer(req, res, record, 204);
      default:
        return fail(req, res, record, {
          status: 405,
          code: 'MethodNotAllowed',
          message: 'The specified method is not allowed against this resource.',
          extra: { Method: method, ResourceType: 'OBJECT' },
        });
    }
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      options.logger?.error({ err: error }, 'S3 simulator failed');
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/xml' });
      res.end('<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>InternalError</Code></Error>');
    });
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}`,
    region,
    objects: (bucket) => buckets.get(bucket) ?? new Map(),
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
