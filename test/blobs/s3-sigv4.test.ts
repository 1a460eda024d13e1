import { createHash } from 'node:crypto';
import { describe, expect, test } from '@jest/globals';
import { canonicalQuery, canonicalUri, verifySigV4, type SignedRequest } from '../../sim/s3/index.js';

// The worked examples of AWS's "Signature Calculations for the Authorization Header: Transferring Payload
// in a Single Chunk" (S3 API reference): virtual-hosted requests to `examplebucket`, signed on
// 2013-05-24 with the documentation's example key. The simulator must accept each exactly as S3 would.
const ACCESS_KEY = 'AKIAIOSFODNN7EXAMPLE';
const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const EMPTY = createHash('sha256').update('').digest('hex');
const now = new Date('2013-05-24T00:05:00Z');

function request(
  method: string,
  target: string,
  headers: Record<string, string>,
  signedHeaders: string,
  signature: string,
): SignedRequest {
  const [rawPath = '', rawQuery = ''] = target.split('?');
  const map = new Map(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), [value]]));
  map.set('authorization', [
    `AWS4-HMAC-SHA256 Credential=${ACCESS_KEY}/20130524/us-east-1/s3/aws4_request,SignedHeaders=${signedHeaders},Signature=${signature}`,
  ]);
  return { method, rawPath, rawQuery, headers: map };
}

const awsExamples = {
  'GET Object (with a Range header)': request(
    'GET',
    '/test.txt',
    {
      Host: 'examplebucket.s3.amazonaws.com',
      Range: 'bytes=0-9 ',
      'x-amz-content-sha256': EMPTY,
      'x-amz-date': '20130524T000000Z',
    },
    'host;range;x-amz-content-sha256;x-amz-date',
    'f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41',
  ),
  'PUT Object (a $ in the key, a signed Date header)': request(
    'PUT',
    '/test$file.text',
    {
      Host: 'examplebucket.s3.amazonaws.com',
      Date: 'Fri, 24 May 2013 00:00:00 GMT',
      'x-amz-date': '20130524T000000Z',
      'x-amz-storage-class': 'REDUCED_REDUNDANCY',
      'x-amz-content-sha256': createHash('sha256').update('Welcome to Amazon S3.').digest('hex'),
    },
    'date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class',
    '98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd',
  ),
  'GET Bucket Lifecycle (a bare query parameter)': request(
    'GET',
    '/?lifecycle',
    {
      Host: 'examplebucket.s3.amazonaws.com',
      'x-amz-date': '20130524T000000Z',
      'x-amz-content-sha256': EMPTY,
    },
    'host;x-amz-content-sha256;x-amz-date',
    'fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543',
  ),
  'GET Bucket (sorted query parameters)': request(
    'GET',
    '/?prefix=J&max-keys=2',
    {
      Host: 'examplebucket.s3.amazonaws.com',
      'x-amz-date': '20130524T000000Z',
      'x-amz-content-sha256': EMPTY,
    },
    'host;x-amz-content-sha256;x-amz-date',
    '34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7',
  ),
};

const verify = (req: SignedRequest, secret = SECRET, at = now) =>
  verifySigV4(req, {
    region: 'us-east-1',
    secretFor: (id) => (id === ACCESS_KEY ? secret : undefined),
    now: at,
  });

describe('S3 simulator — SigV4 verification against the AWS documentation examples', () => {
  test.each(Object.entries(awsExamples))(
    'when the request is AWS’s example %s, then it is accepted',
    (_name, req) => {
      expect(verify(req)).toMatchObject({ ok: true, accessKeyId: ACCESS_KEY });
    },
  );

  test.each(Object.entries(awsExamples))(
    'when %s is checked against another secret, then 403 SignatureDoesNotMatch',
    (_name, req) => {
      expect(verify(req, 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEx')).toMatchObject({
        ok: false,
        status: 403,
        code: 'SignatureDoesNotMatch',
      });
    },
  );

  test('when a signed header or the path is changed after signing, then the signature no longer matches', () => {
    const original = awsExamples['GET Object (with a Range header)'];
    const otherRange = { ...original, headers: new Map(original.headers).set('range', ['bytes=0-99']) };
    const otherPath = { ...original, rawPath: '/test2.txt' };
    expect(verify(otherRange)).toMatchObject({ ok: false, code: 'SignatureDoesNotMatch' });
    expect(verify(otherPath)).toMatchObject({ ok: false, code: 'SignatureDoesNotMatch' });
  });

  test('when the access key is unknown, the clock is off, or an x-amz header is unsigned, then S3’s errors', () => {
    const req = awsExamples['GET Object (with a Range header)'];
    expect(verifySigV4(req, { region: 'us-east-1', secretFor: () => undefined, now })).toMatchObject({
      ok: false,
      status: 403,
      code: 'InvalidAccessKeyId',
    });
    expect(verify(req, SECRET, new Date('2013-05-24T00:16:00Z'))).toMatchObject({
      status: 403,
      code: 'RequestTimeTooSkewed',
    });
    expect(verifySigV4(req, { region: 'eu-west-1', secretFor: () => SECRET, now })).toMatchObject({
      status: 400,
      code: 'AuthorizationHeaderMalformed',
    });
    const extra = { ...req, headers: new Map(req.headers).set('x-amz-meta-owner', ['mallory']) };
    expect(verify(extra)).toMatchObject({ status: 403, code: 'AccessDenied' });
    const anonymous = {
      ...req,
      headers: new Map([...req.headers].filter(([name]) => name !== 'authorization')),
    };
    expect(verify(anonymous)).toMatchObject({ status: 403, code: 'AccessDenied' });
  });

  test('canonical URI and query encode as SigV4 specifies (RFC 3986 unreserved kept, upper-case hex)', () => {
    expect(canonicalUri('/test$file.text')).toBe('/test%24file.text');
    expect(canonicalUri('/bucket/a%20b/%E5%90%8D.jpg')).toBe('/bucket/a%20b/%E5%90%8D.jpg');
    expect(canonicalUri("/bucket/it's(1)*!")).toBe('/bucket/it%27s%281%29%2A%21');
    expect(canonicalQuery('prefix=J&max-keys=2&lifecycle')).toBe('lifecycle=&max-keys=2&prefix=J');
  });
});
