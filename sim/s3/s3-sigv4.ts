import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/**
 * AWS Signature Version 4 verification as S3 does it for header-signed requests (the `Authorization`
 * header; presigned URLs are not simulated). Pure: the caller hands in the request as received.
 * Reference: AWS docs "Signature Calculations for the Authorization Header" (the examples there are this
 * module's tests).
 */

export type SignedRequest = {
  method: string;
  /** The request target's path as sent, still percent-encoded (`/bucket/a%20b`). */
  rawPath: string;
  /** The raw query string without `?` ('' when none). */
  rawQuery: string;
  /** Header values by lower-case name, every occurrence in order (node's `rawHeaders` regrouped). */
  headers: Map<string, string[]>;
};

export type S3ErrorCode =
  | 'AccessDenied'
  | 'AuthorizationHeaderMalformed'
  | 'InvalidAccessKeyId'
  | 'SignatureDoesNotMatch'
  | 'RequestTimeTooSkewed'
  | 'InvalidRequest'
  | 'XAmzContentSHA256Mismatch'
  // Answers of the object operations (the simulator's server), in the same error shape:
  | 'NoSuchBucket'
  | 'NoSuchKey'
  | 'MethodNotAllowed'
  | 'MissingContentLength'
  | 'BadDigest'
  | 'EntityTooLarge';

export type SigV4Failure = {
  ok: false;
  status: number;
  code: S3ErrorCode;
  message: string;
  /** Extra elements S3 adds to the error XML (`StringToSign`, `CanonicalRequest`, `AWSAccessKeyId`…). */
  extra?: Record<string, string>;
};

export type SigV4Result =
  { ok: true; accessKeyId: string; payloadHash: string; canonicalRequest: string } | SigV4Failure;

const sha256Hex = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');
const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data).digest();

/** RFC 3986 encoding as SigV4 wants it: everything but A-Z a-z 0-9 - . _ ~ is %XX (upper-case hex). */
export function awsUriEncode(value: string, keepSlash = false): string {
  let out = '';
  for (const byte of Buffer.from(value, 'utf8')) {
    const char = String.fromCharCode(byte);
    if (/[A-Za-z0-9\-._~]/.test(char) || (keepSlash && char === '/')) out += char;
    else out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

const decode = (value: string) => {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
};

/** S3's canonical URI: the path decoded once and re-encoded (slashes kept, no dot-segment normalising). */
export function canonicalUri(rawPath: string): string {
  const path = rawPath === '' ? '/' : rawPath;
  return path
    .split('/')
    .map((segment) => awsUriEncode(decode(segment)))
    .join('/');
}

/** Query parameters encoded, sorted by name then value, `name=value` (a bare `name` becomes `name=`). */
export function canonicalQuery(rawQuery: string): string {
  if (!rawQuery) return '';
  return rawQuery
    .split('&')
    .filter((part) => part !== '')
    .map((part) => {
      const index = part.indexOf('=');
      const name = index === -1 ? part : part.slice(0, index);
      const value = index === -1 ? '' : part.slice(index + 1);
      return [
        awsUriEncode(decode(name.replace(/\+/g, '%20'))),
        awsUriEncode(decode(value.replace(/\+/g, '%20'))),
      ];
    })
    .sort(([a, x], [b, y]) => (a! < b! ? -1 : a! > b! ? 1 : x! < y! ? -1 : x! > y! ? 1 : 0))
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
}

/** A header's canonical value: each occurrence trimmed, inner runs of spaces collapsed, joined by commas. */
function canonicalHeaderValue(values: string[]): string {
  return values.map((value) => value.trim().replace(/\s+/g, ' ')).join(',');
}

export function buildCanonicalRequest(request: SignedRequest, signedHeaders: string[], payloadHash: string) {
  return [
    request.method.toUpperCase(),
    canonicalUri(request.rawPath),
    canonicalQuery(request.rawQuery),
    ...signedHeaders.map((name) => `${name}:${canonicalHeaderValue(request.headers.get(name) ?? [])}`),
    '',
    signedHeaders.join(';'),
    payloadHash,
  ].join('\n');
}

export function signingKey(secretAccessKey: string, day: string, region: string, service = 's3') {
  return hmac(hmac(hmac(hmac(`AWS4${secretAccessKey}`, day), region), service), 'aws4_request');
}

const AUTH_PATTERN =
  /^AWS4-HMAC-SHA256\s+Credential=([^,\s]+)\s*,\s*SignedHeaders=([^,\s]+)\s*,\s*Signature=([0-9a-f]{64})\s*$/;
const AMZ_DATE = /^(\d{8})T\d{6}Z$/;
const MAX_SKEW_MS = 15 * 60 * 1000;

function amzDateToDate(value: string) {
  const [, y, mo, d, h, mi, s] = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value) ?? [];
  return new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s)));
}

/**
 * Verifies a request's SigV4 `Authorization` header the way S3 does, in S3's order: header shape, the
 * credential scope, the access key, the date and clock skew, `x-amz-content-sha256`, unsigned `x-amz-*`
 * headers, then the signature. The body's hash against `x-amz-content-sha256` is checked by the caller
 * once the body has arrived (`checkPayloadHash`).
 */
export function verifySigV4(
  request: SignedRequest,
  {
    region,
    secretFor,
    now,
  }: { region: string; secretFor: (accessKeyId: string) => string | undefined; now: Date },
): SigV4Result {
  const first = (name: string) => request.headers.get(name)?.[0];
  const authorization = first('authorization');
  if (!authorization) return { ok: false, status: 403, code: 'AccessDenied', message: 'Access Denied' };
  const match = AUTH_PATTERN.exec(authorization.trim());
  if (!match) {
    return {
      ok: false,
      status: 400,
      code: 'AuthorizationHeaderMalformed',
      message:
        'The authorization header is malformed; it must be AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…',
    };
  }
  const [, credential, signedHeaderList, signature] = match as unknown as [string, string, string, string];
  const [accessKeyId, day, scopeRegion, service, terminator, ...rest] = credential.split('/');
  if (
    !accessKeyId ||
    !day ||
    !scopeRegion ||
    service !== 's3' ||
    terminator !== 'aws4_request' ||
    rest.length > 0
  ) {
    return {
      ok: false,
      status: 400,
      code: 'AuthorizationHeaderMalformed',
      message: `The authorization header is malformed; the Credential is mal-formed; expecting "<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".`,
    };
  }
  if (scopeRegion !== region) {
    return {
      ok: false,
      status: 400,
      code: 'AuthorizationHeaderMalformed',
      message: `The authorization header is malformed; the region '${scopeRegion}' is wrong; expecting '${region}'`,
      extra: { Region: region },
    };
  }
  const secret = secretFor(accessKeyId);
  if (secret === undefined) {
    return {
      ok: false,
      status: 403,
      code: 'InvalidAccessKeyId',
      message: 'The AWS Access Key Id you provided does not exist in our records.',
      extra: { AWSAccessKeyId: accessKeyId },
    };
  }
  const amzDate = first('x-amz-date');
  if (!amzDate || !AMZ_DATE.test(amzDate)) {
    return {
      ok: false,
      status: 403,
      code: 'AccessDenied',
      message: 'AWS authentication requires a valid Date or x-amz-date header',
    };
  }
  if (amzDate.slice(0, 8) !== day) {
    return {
      ok: false,
      status: 400,
      code: 'AuthorizationHeaderMalformed',
      message: `The authorization header is malformed; Invalid credential date "${day}". This date is not the same as X-Amz-Date: "${amzDate.slice(0, 8)}".`,
    };
  }
  const requestTime = amzDateToDate(amzDate);
  if (Math.abs(requestTime.getTime() - now.getTime()) > MAX_SKEW_MS) {
    return {
      ok: false,
      status: 403,
      code: 'RequestTimeTooSkewed',
      message: 'The difference between the request time and the current time is too large.',
      extra: { RequestTime: amzDate, ServerTime: now.toISOString(), MaxAllowedSkewMilliseconds: '900000' },
    };
  }
  const payloadHash = first('x-amz-content-sha256');
  if (!payloadHash) {
    return {
      ok: false,
      status: 400,
      code: 'InvalidRequest',
      message: 'Missing required header for this request: x-amz-content-sha256',
    };
  }
  if (payloadHash !== 'UNSIGNED-PAYLOAD' && !/^[0-9a-f]{64}$/.test(payloadHash)) {
    return {
      ok: false,
      status: 400,
      code: 'InvalidRequest',
      message:
        'x-amz-content-sha256 must be UNSIGNED-PAYLOAD or a valid sha256 value (streaming uploads are not simulated).',
    };
  }
  const signedHeaders = signedHeaderList.split(';');
  const sorted = [...signedHeaders].sort();
  if (
    !signedHeaders.includes('host') ||
    signedHeaders.some((name, index) => name !== sorted[index] || name !== name.toLowerCase())
  ) {
    return {
      ok: false,
      status: 400,
      code: 'AuthorizationHeaderMalformed',
      message:
        'The authorization header is malformed; SignedHeaders must be lower-case, sorted and include host.',
    };
  }
  const unsigned = [...request.headers.keys()].filter(
    (name) => name.startsWith('x-amz-') && !signedHeaders.includes(name),
  );
  if (unsigned.length > 0) {
    return {
      ok: false,
      status: 403,
      code: 'AccessDenied',
      message: 'There were headers present in the request which were not signed',
      extra: { HeadersNotSigned: unsigned.join(', ') },
    };
  }

  const canonicalRequest = buildCanonicalRequest(request, signedHeaders, payloadHash);
  const scope = `${day}/${region}/s3/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256Hex(canonicalRequest)].join('\n');
  const expected = createHmac('sha256', signingKey(secret, day, region))
    .update(stringToSign)
    .digest();
  if (!timingSafeEqual(expected, Buffer.from(signature, 'hex'))) {
    return {
      ok: false,
      status: 403,
      code: 'SignatureDoesNotMatch',
      message:
        'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
      extra: {
        AWSAccessKeyId: accessKeyId,
        StringToSign: stringToSign,
        SignatureProvided: signature,
        CanonicalRequest: canonicalRequest,
      },
    };
  }
  return { ok: true, accessKeyId, payloadHash, canonicalRequest };
}

/** The body against the signed `x-amz-content-sha256` (S3 checks it once the body has been read). */
export function checkPayloadHash(payloadHash: string, body: Buffer): SigV4Failure | undefined {
  if (payloadHash === 'UNSIGNED-PAYLOAD') return undefined;
  const actual = sha256Hex(body);
  if (actual === payloadHash) return undefined;
  return {
    ok: false,
    status: 400,
    code: 'XAmzContentSHA256Mismatch',
    message: "The provided 'x-amz-content-sha256' header does not match what was computed.",
    extra: { ClientComputedContentSHA256: payloadHash, S3ComputedContentSHA256: actual },
  };
}
