/** What replaces a personal value wherever it was found. */
export const ERASED_MARK = '[erased]';

/**
 * How the erasure's sweep treats one text or JSON column of a brand table (docs/decisions/017):
 * - `text`: free text — what a person wrote (a member, a console user) or what was read from a member's
 *   photos or invoices: every occurrence of an identifying string is replaced by `[erased]`;
 * - `identifier`: a column holding one of the person's external identifiers (a LINE user id, an e-mail):
 *   replaced when the whole value IS one of the unique identifiers, never for a part of it;
 * - `json`: a JSON document: its string values are swept like `text`, except values under a machine key
 *   (see {@link isMachineKey}: ids, keys, states, kinds, codes, timestamps), which are replaced only when the
 *   whole value is one of the unique identifiers (a LINE user id in `source.userId`); object keys never;
 * - `fixed`: ids, foreign keys, states, enums, codes, hashes, tokens, machine configuration: never touched.
 */
export type SweepClass = 'text' | 'identifier' | 'json' | 'fixed';

type Columns = Readonly<Record<string, SweepClass>>;

const t = 'text' as const;
const x = 'identifier' as const;
const j = 'json' as const;
const f = 'fixed' as const;

const SURVEY_ANSWER_COLUMNS: Columns = {
  id: f,
  brand_id: f,
  survey_id: f,
  member_id: f,
  submission_id: f,
  answer_scope: f,
  answers: f,
};

/**
 * Every text and JSON column of every table with a `brand_id` or a member's or LINE user's id, classified
 * for the erasure's sweep. The `members` row itself is cleared field by field, not swept; a table without a
 * `brand_id` may hold fixed columns only (the sweep goes brand by brand). A table or column missing here is
 * not swept, and test/members/erasure-sweep.test.ts fails until it is classified: a new table or column
 * needs a deliberate decision, not a default.
 */
export const ERASURE_COLUMNS: Readonly<Record<string, Columns>> = {
  analytics_cohort_days: { brand_id: f, scope: f },
  analytics_daily: { brand_id: f, campaign_id: f },
  analytics_first_days: { brand_id: f, scope: f },
  analytics_line_items: {
    submission_id: f,
    brand_id: f,
    campaign_id: f,
    member_id: f,
    invoice_id: f,
    store_key: f,
    store_name: t,
    seller_id: f,
    branch: t,
    store_address: t,
    region_code: f,
    item_name: t,
    normalized_name: t,
    item_group: f,
    product_key: f,
    currency: f,
  },
  analytics_member_days: { brand_id: f, campaign_id: f, member_id: f },
  analytics_members: { brand_id: f, scope: f, member_id: f },
  analytics_pair_days: { brand_id: f, campaign_id: f, product_a: f, product_b: f },
  analytics_place_members: { brand_id: f, campaign_key: f, kind: f, place_key: f, member_key: f },
  analytics_place_totals: { brand_id: f, campaign_key: f, kind: f, place_key: f },
  analytics_product_days: { brand_id: f, campaign_id: f, product: f },
  analytics_product_mappings: { brand_id: f, normalized_name: t, product_key: f, mapped_by: f },
  analytics_products: { brand_id: f, key: f, name: t },
  analytics_proof_days: { brand_id: f, campaign_id: f, state: f, reason: f },
  analytics_return_days: { brand_id: f, scope: f },
  analytics_store_days: { brand_id: f, campaign_id: f, store_key: f, region_key: f, member_key: f },
  analytics_stores: {
    brand_id: f,
    store_key: f,
    seller_id: f,
    branch: t,
    name: t,
    address: t,
    region_code: f,
  },
  // Member ids only (the outbox's records of what to refold), no brand_id: ids stay after an erasure.
  fact_outbox_members: { member_ids: f, purchase_ids: f },
  audit_log: {
    id: f,
    brand_id: f,
    actor_type: f,
    actor_id: f,
    action: f,
    target_type: f,
    target_id: f,
    data: j,
  },
  broadcast_chunks: {
    id: f,
    brand_id: f,
    broadcast_id: f,
    line_user_ids: j,
    messages: j,
    retry_key: f,
    state: f,
    last_error: t,
  },
  broadcast_links: { token: f, brand_id: f, broadcast_id: f, member_id: f, url: t },
  broadcast_recipients: {
    brand_id: f,
    broadcast_id: f,
    member_id: f,
    line_user_id: x,
    group_key: f,
    status: f,
    skip_reason: f,
  },
  broadcasts: {
    id: f,
    brand_id: f,
    channel_id: f,
    segment_id: f,
    condition: j,
    messages: j,
    variants: j,
    quiet_hours_mid_send: f,
    method: f,
    demographic_filter: f,
    line_request_id: f,
    narrowcast_phase: f,
    narrowcast_error: t,
    state: f,
    wait_reason: f,
    skipped: f,
    created_by: f,
  },
  campaign_replays: {
    id: f,
    brand_id: f,
    campaign_id: f,
    rules: f,
    rewards: f,
    state: f,
    result: f,
    last_error: t,
    requested_by: f,
  },
  campaign_versions: { id: f, brand_id: f, campaign_id: f, definition: j, created_by: f },
  campaigns: {
    id: f,
    brand_id: f,
    slug: f,
    name: j,
    description: j,
    status: f,
    timezone: f,
    currency: f,
    proof_kinds: f,
    verification_mode: f,
    rules: f,
    rewards: f,
  },
  consents: { id: f, brand_id: f, member_id: f, kind: f, text_version: f, locale: f, source: f },
  console_invitations: {
    id: f,
    brand_id: f,
    email: x,
    role: f,
    token_hash: f,
    invited_by: f,
    accepted_user_id: f,
  },
  console_line_links: { user_id: f, brand_id: f, line_user_id: x, code_hash: f },
  console_memberships: { user_id: f, brand_id: f, role: f },
  coupon_codes: { id: f, brand_id: f, reward_id: f, code: f, redemption_id: f },
  draw_winners: {
    id: f,
    brand_id: f,
    draw_id: f,
    member_id: f,
    entry_id: f,
    prize_key: f,
    status: f,
    awarded_prize_key: f,
    replaces_id: f,
    // Sealed (AES-GCM: v, alg, iv, tag, ct): never holds a readable name, and a swept byte would make the
    // winner's tax record, kept for the tax authority, impossible to open.
    tax_info: f,
    forfeit_reason: f,
  },
  draws: {
    id: f,
    brand_id: f,
    campaign_id: f,
    name: j,
    prizes: j,
    seed_hash: f,
    seed: f,
    pseudonym_key: f,
    entries_digest: f,
    algorithm_version: f,
    status: f,
    schedule_key: f,
    permit_number: f,
    permit_province: f,
  },
  export_jobs: {
    id: f,
    brand_id: f,
    kind: f,
    format: f,
    params: j,
    state: f,
    storage_key: f,
    requested_by: f,
    last_error: t,
    download_token: f,
  },
  // Holds only ids, states and flags; its fold must count a proof under its real state and member.
  fact_outbox_proofs: { submission_id: f, brand_id: f, campaign_id: f, member_id: f, state: f, reason: f },
  // Holds the rollups' keys as they stand (fixed there too); its fold must take back what it added.
  fact_outbox_line_items: {
    submission_id: f,
    brand_id: f,
    campaign_id: f,
    member_key: f,
    store_key: f,
    region_key: f,
    product: f,
  },
  instant_plays: { id: f, brand_id: f, campaign_id: f, member_id: f, submission_id: f, prize_id: f },
  instant_prizes: { id: f, brand_id: f, campaign_id: f, name: j, schedule: f },
  invoice_items: { id: f, brand_id: f, invoice_id: f, name: t, normalized_name: t },
  invoices: {
    id: f,
    brand_id: f,
    kind: f,
    invoice_number: f,
    random_code: f,
    seller_tax_id: f,
    seller_name: t,
    seller_branch: t,
    seller_address: t,
    buyer_tax_id: f,
    currency: f,
    status: f,
    source: f,
    platform_answer: j,
  },
  line_channels: {
    id: f,
    brand_id: f,
    line_channel_id: f,
    name: t,
    channel_secret: f,
    channel_access_token: f,
    liff_id: f,
    login_channel_id: f,
    bot_user_id: f,
  },
  lottery_entries: { id: f, brand_id: f, campaign_id: f, member_id: f, submission_id: f },
  member_purchases: {
    submission_id: f,
    brand_id: f,
    member_id: f,
    invoice_id: f,
    seller_tax_id: f,
    seller_name: t,
    seller_address: t,
    seller_regions: f,
    item_names: t,
  },
  member_tags: { id: f, brand_id: f, member_id: f, tag: f, source: f, details: j },
  outbound_messages: {
    id: f,
    brand_id: f,
    channel_id: f,
    member_id: f,
    kind: f,
    to_user_id: x,
    dedupe_key: f,
    retry_key: f,
    reply_token: f,
    messages: j,
    state: f,
    last_error: t,
    delivered_as: f,
  },
  // `reason`: a console user's words for a manual adjustment (or `expired`, shown as is).
  points_ledger: {
    id: f,
    brand_id: f,
    member_id: f,
    campaign_id: f,
    kind: f,
    submission_id: f,
    redemption_id: f,
    reverses_id: f,
    reason: t,
    actor: f,
    idempotency_key: f,
  },
  proof_questions: { id: f, brand_id: f, member_id: f, partial: j, state: f, asked_by: f, closed_by: f },
  receipt_blob_deletions: {
    id: f,
    brand_id: f,
    storage_key: f,
    reason: f,
    state: f,
    outcome: f,
    last_error: t,
  },
  receipt_images: {
    id: f,
    brand_id: f,
    member_id: f,
    sha256: f,
    perceptual_hash: f,
    mime_type: f,
    storage_key: f,
    source: f,
    source_ref: f,
    reading: j,
    reading_kind: f,
    content_key: f,
    duplicate_of_id: f,
    flags: f,
  },
  receipt_known_sellers: { brand_id: f, tax_id: f, name: t },
  redemptions: {
    id: f,
    brand_id: f,
    member_id: f,
    reward_id: f,
    state: f,
    coupon_code_id: f,
    idempotency_key: f,
    closed_by: f,
    cancel_reason: t,
  },
  review_leases: { submission_id: f, brand_id: f, reviewer_id: f, reviewer_name: t },
  rewards: { id: f, brand_id: f, campaign_id: f, kind: f, name: j, description: j, image_url: f },
  segments: { id: f, brand_id: f, name: t, filter: j, created_by: f },
  submissions: {
    id: f,
    brand_id: f,
    campaign_id: f,
    member_id: f,
    kind: f,
    channel: f,
    source_ref: f,
    raw_input: j,
    state: f,
    proof_key: f,
    invoice_id: f,
    receipt_image_id: f,
    decision: j,
    reason_code: f,
    reviewed_by: f,
  },
  // Choice keys only: the member's free-text answers are dropped by the erasure before the sweep, and the
  // chat's progress holds single-choice answers only.
  survey_answers: SURVEY_ANSWER_COLUMNS,
  survey_progress: SURVEY_ANSWER_COLUMNS,
  surveys: { id: f, brand_id: f, campaign_id: f, title: j, questions: j, frequency: f },
  webhook_events: {
    id: f,
    brand_id: f,
    channel_id: f,
    webhook_event_id: f,
    event_type: f,
    line_user_id: x,
    payload: j,
    raw_json: t,
    request_id: f,
    state: f,
    last_error: t,
  },
};

const MACHINE_KEYS = new Set([
  'id',
  'key',
  'type',
  'kind',
  'state',
  'status',
  'mode',
  'currency',
  'locale',
  'verdict',
  'channel',
  'source',
  'method',
  'role',
  'format',
  'action',
]);

/**
 * A JSON object key whose string value is a machine value (an id, a key, a state, a kind, a code, a hash, a
 * timestamp), never free text: `userId`, `proofKey`, `reasonCode`, `decidedAt`, `seller_id`, `type`.
 */
export function isMachineKey(key: string): boolean {
  return MACHINE_KEYS.has(key) || /(Id|Ids|Key|Code|Hash|At|_id|_key|_code|_at)$/.test(key);
}

/**
 * One regular expression (JavaScript and PostgreSQL alike) matching any of the values, longest first, so
 * that one pass replaces them all and never looks into a mark it has just written.
 */
export function alternation(values: readonly string[]): string {
  return [...values]
    .sort((a, b) => b.length - a.length)
    .map((v) => v.replace(/[\\^$.|?*+()[\]{}]/g, '\\$&'))
    .join('|');
}

/**
 * {@link alternation} of the values as whole words (JavaScript and PostgreSQL alike): a value's edge that is
 * an ASCII letter, digit or `_` must not run on into another one (`at` is not found in `date`, a member
 * number `1024` not in `10245`); an edge that is not (`.b*`, `+886…`) needs no such guard.
 */
export function wholeWordAlternation(values: readonly string[]): string {
  return [...values]
    .sort((a, b) => b.length - a.length)
    .map((value) => {
      const before = WORD_CHAR.test(value.charAt(0)) ? '(?<![A-Za-z0-9_])' : '';
      const after = WORD_CHAR.test(value.charAt(value.length - 1)) ? '(?![A-Za-z0-9_])' : '';
      return `${before}${alternation([value])}${after}`;
    })
    .join('|');
}

/**
 * The values to take out of one JSON document: `anywhere` wherever they occur inside a free-text string
 * value as a whole word (not inside a longer run of ASCII letters, digits or `_`: a name `at` never bends
 * `purchase_date` or `registration`, codes under keys {@link isMachineKey} does not know), `whole` only as a
 * machine value's entire value.
 */
export type JsonSweep = { anywhere: readonly string[]; whole: readonly string[] };

const WORD_CHAR = /^[A-Za-z0-9_]$/;

type CompiledSweep = { pattern: RegExp | null; whole: readonly string[] };

function compile(sweep: JsonSweep): CompiledSweep {
  // A value's edge that is a word character must not run on into one (`at` in `date`); an edge that is
  // not (`.b*`, `+886…`) needs no such guard.
  const pattern = sweep.anywhere.length ? new RegExp(wholeWordAlternation(sweep.anywhere), 'gu') : null;
  return { pattern, whole: sweep.whole };
}

function sweepString(value: string, sweep: CompiledSweep, key: string | null): string {
  if (key !== null && isMachineKey(key)) return sweep.whole.includes(value) ? ERASED_MARK : value;
  return sweep.pattern ? value.replace(sweep.pattern, ERASED_MARK) : value;
}

const JSON_TOKEN = /"(?:[^"\\]|\\.)*"|[{}[\]:]|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/g;

/**
 * A document's JSON text with the values taken out, rewriting only its string values' tokens: numbers, keys,
 * spacing and order stay exactly as stored (a parse and re-serialisation would round `12345678901234567890`
 * and `0.12345678901234567890123`). Returns the same string when nothing changed.
 */
export function sweepJsonText(text: string, sweep: JsonSweep): string {
  const compiled = compile(sweep);
  return rewriteJsonValues(text, (value, key) => sweepString(value, compiled, key));
}

/**
 * A member's own document's JSON text (a webhook event they sent) with all of its free text gone: every
 * string value not under a machine key is the mark, whatever it says (an address typed in a chat is no
 * identifier the sweep could look for); machine values (ids, types, timestamps) stay, but for a unique
 * identifier of `whole` (`source.userId`). Numbers, keys and spacing stay as {@link sweepJsonText} keeps them.
 */
export function eraseJsonFreeText(text: string, whole: readonly string[]): string {
  return rewriteJsonValues(
    text,
    (value, key) => {
      if (key !== null && isMachineKey(key)) return whole.includes(value) ? ERASED_MARK : value;
      return value === '' ? value : ERASED_MARK;
    },
    // A place the member shared (a LINE location message: often their home) is numbers, not text.
    (number, key) => (key !== null && PLACE_NUMBER_KEY.test(key) ? 'null' : number),
  );
}

/** The keys of a place's coordinates: LINE's `latitude` / `longitude`, and their usual short forms. */
const PLACE_NUMBER_KEY = /^(lat|latitude|lng|lon|long|longitude)$/i;

/**
 * The JSON text with each string value (never a key) replaced by `rewrite(value, its key)`, and, with
 * `rewriteNumber`, each number's text by `rewriteNumber(its text, its key)` (JSON text: `null` is allowed).
 */
function rewriteJsonValues(
  text: string,
  rewrite: (value: string, key: string | null) => string,
  rewriteNumber?: (number: string, key: string | null) => string,
): string {
  // Per open container: an object's key of the value being read (a key, then `:`, then its value), or an
  // array, whose items take the key of the object that holds it.
  const stack: { array: boolean; key: string | null }[] = [];
  let out = '';
  let last = 0;
  let pendingKey: string | null = null;
  for (const match of text.matchAll(JSON_TOKEN)) {
    const token = match[0];
    const top = stack[stack.length - 1];
    if (token === '{' || token === '[') {
      stack.push({ array: token === '[', key: token === '[' ? (top?.key ?? null) : null });
      continue;
    }
    if (token === '}' || token === ']') {
      stack.pop();
      continue;
    }
    if (token === ':') {
      if (top && !top.array) top.key = pendingKey;
      continue;
    }
    if (token[0] !== '"') {
      // A number: never a key; kept as stored unless `rewriteNumber` rewrites it.
      const rewritten = rewriteNumber?.(token, top?.key ?? null) ?? token;
      if (rewritten !== token) {
        out += text.slice(last, match.index) + rewritten;
        last = match.index + token.length;
      }
      continue;
    }
    let next = match.index + token.length;
    while (next < text.length && ' \t\n\r'.includes(text[next]!)) next++;
    if (top && !top.array && text[next] === ':') {
      pendingKey = JSON.parse(token) as string;
      continue;
    }
    const value = JSON.parse(token) as string;
    const swept = rewrite(value, top?.key ?? null);
    if (swept === value) continue;
    out += text.slice(last, match.index) + JSON.stringify(swept);
    last = match.index + token.length;
  }
  return last === 0 ? text : out + text.slice(last);
}
