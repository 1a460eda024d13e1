export {
  startS3Simulator,
  type RunningS3Simulator,
  type S3SimObject,
  type S3SimOptions,
  type S3SimRequest,
} from './s3-sim.server.js';
export {
  awsUriEncode,
  buildCanonicalRequest,
  canonicalQuery,
  canonicalUri,
  signingKey,
  verifySigV4,
  type SignedRequest,
  type SigV4Result,
} from './s3-sigv4.js';
