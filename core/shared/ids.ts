import { randomBytes } from 'node:crypto';

/**
 * Every id carries the prefix of its type (`mbr_…`, `cmp_…`), so an id in a log, a URL or a support
 * ticket says what it is, and an id of the wrong type is caught at the boundary.
 */
export const ID_PREFIXES = {
  brand: 'brd',
  channel: 'chn',
  member: 'mbr',
  consent: 'cns',
  memberTag: 'tag',
  campaign: 'cmp',
  campaignVersion: 'cvr',
  campaignReplay: 'rpl',
  submission: 'sub',
  invoice: 'inv',
  invoiceItem: 'itm',
  receiptImage: 'img',
  receiptBlobDeletion: 'bld',
  pointsEntry: 'pts',
  reward: 'rwd',
  couponCode: 'cpn',
  redemption: 'rdm',
  lotteryEntry: 'ent',
  draw: 'drw',
  drawWinner: 'win',
  instantPrize: 'ipz',
  instantPlay: 'ply',
  survey: 'srv',
  surveyAnswer: 'ans',
  surveyProgress: 'svp',
  webhookEvent: 'evt',
  outboundMessage: 'msg',
  segment: 'seg',
  broadcast: 'bct',
  broadcastChunk: 'bch',
  consoleUser: 'usr',
  consoleSession: 'ses',
  consoleInvitation: 'ivt',
  auditEntry: 'aud',
  exportJob: 'exp',
  proofQuestion: 'prq',
} as const;

export type IdKind = keyof typeof ID_PREFIXES;
export type IdGenerator = (kind: IdKind) => string;

// Crockford base32, lower case: no ambiguous letters, safe in URLs and LINE postback data.
const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';

/** Time-ordered ids: 10 chars of milliseconds then 16 random chars, so ids sort by creation time. */
export function createIdGenerator({ now = () => Date.now() }: { now?: () => number } = {}): IdGenerator {
  return (kind) => {
    let time = now();
    let timePart = '';
    for (let i = 0; i < 10; i++) {
      timePart = ALPHABET[time % 32] + timePart;
      time = Math.floor(time / 32);
    }
    const bytes = randomBytes(16);
    let randomPart = '';
    for (const byte of bytes) randomPart += ALPHABET[byte % 32];
    return `${ID_PREFIXES[kind]}_${timePart}${randomPart}`;
  };
}

export const generateId: IdGenerator = createIdGenerator();

/** Deterministic ids for tests: `mbr_test0001`, `mbr_test0002`, … per kind. */
export function createSequentialIdGenerator(): IdGenerator {
  const counters = new Map<IdKind, number>();
  return (kind) => {
    const next = (counters.get(kind) ?? 0) + 1;
    counters.set(kind, next);
    return `${ID_PREFIXES[kind]}_test${String(next).padStart(4, '0')}`;
  };
}

export function hasIdPrefix(id: string, kind: IdKind): boolean {
  return id.startsWith(`${ID_PREFIXES[kind]}_`);
}
