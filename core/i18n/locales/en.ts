/**
 * English messages. The catalogs of the other languages have the same shape (checked by the type of
 * `Catalog`); a key missing in one falls back to English at run time.
 */
export const en = {
  language: { name: 'English' },
  keywords: {
    points: ['points', 'point', 'balance', 'my points'],
    submissions: ['my submissions', 'submissions', 'history', 'my invoices', 'records'],
    help: ['help', '?', 'how', 'menu'],
    language: ['language', 'lang'],
  },
  quick: {
    openLiff: 'Open member page',
    points: 'My points',
    submissions: 'My submissions',
    help: 'Help',
  },
  greeting: {
    title: 'Welcome, {{name}}!',
    titleNoName: 'Welcome!',
    body: 'Send us your purchase proof to take part in {{campaign}}:',
    bodyNoCampaign: 'Send us your purchase proof to take part in our campaigns:',
    steps: [
      'Type the e-invoice number, date and random code, e.g. AB12345678 1131105 1234',
      'or paste the text of the invoice QR code',
      'or send a photo of the receipt',
    ],
  },
  /** How to send each kind of proof (the greeting lists the kinds its campaign accepts). */
  howTo: {
    einvoice_text: 'E-invoice: type "AB12345678 1131105 1234" (number, date, random code)',
    einvoice_qr: 'QR code: paste the text of the left QR code',
    einvoice_carrier: 'Mobile barcode carrier: type "/ABC1234 code"',
    receipt: 'Receipt: send a photo of the whole receipt',
  },
  help: {
    title: 'How to take part',
    steps: [
      'E-invoice: type "AB12345678 1131105 1234" (number, date, random code)',
      'QR code: paste the text of the left QR code',
      'Mobile barcode carrier: type "/ABC1234 code"',
      'Receipt: send a photo of the whole receipt',
    ],
    commands: 'Commands: "points", "my submissions", "language", "help".',
  },
  points: {
    title: 'My points',
    balance: '{{count}} points',
    balance_one: '{{count}} point',
    none: 'No points yet: send a purchase proof to earn some.',
  },
  submissions: {
    title: 'My submissions',
    empty: 'You have not sent any proof yet.',
    item: '{{date}} · {{proof}} · {{state}}',
  },
  proofKinds: {
    einvoice_qr: 'e-invoice (QR code)',
    einvoice_text: 'e-invoice (typed)',
    einvoice_carrier: 'e-invoice (mobile barcode)',
    paper_invoice: 'paper invoice',
    receipt: 'receipt photo',
  },
  states: {
    received: 'received',
    parsed: 'reading',
    awaiting_upload: 'waiting for the e-invoice platform',
    in_review: 'in review',
    accepted: 'accepted',
    rejected: 'not accepted',
    rewarded: 'rewarded',
    reversed: 'taken back (the invoice was voided)',
  },
  languageMenu: {
    title: 'Choose your language',
    set: 'Done: I will talk to you in English.',
  },
  image: {
    reading: 'Photo received, reading it…',
    failed: 'I could not read this photo. Please send a sharper photo of the whole receipt.',
  },
  unsupported: 'I can read text and photos. Type "help" to see how to take part.',
  /** Questions about part of a proof (a barcode without its date, a right QR code alone). */
  question: {
    dateTitle: 'When did you buy it?',
    dateBody: 'I have invoice {{number}}. Pick the purchase date below, or type it (e.g. 2024-11-05).',
    datePeriod: 'Invoice period: {{from}} – {{to}}',
    dateSuggested: 'The photo seems to say {{date}}: tap it if that is right.',
    pickDate: 'Pick a date',
    leftTitle: 'Please send the left QR code',
    leftBody:
      'I have the right-hand QR code of an e-invoice. It only lists items: please also send the left QR code (a photo or its text), or type the invoice number, date and random code.',
    camera: 'Take a photo',
    cameraRoll: 'Choose a photo',
    reminder: 'I am still waiting for this:',
    keptFor: 'I keep what you sent for one hour.',
    cancelled: 'I stopped waiting for the date of invoice {{number}}: here is your new proof.',
    cancelledLeft: 'I stopped waiting for the left QR code: here is your new proof.',
    expiredTitle: 'This question has expired',
    expired: 'I waited too long for this answer. Please send the invoice again.',
    goneTitle: 'Nothing is waiting for this answer',
    gone: 'This question is closed. Send a new proof whenever you like.',
  },
  survey: {
    invite: 'Tell us about this purchase in a short survey.',
    answer: 'Answer the survey',
    question: 'Question {{number}} of {{count}}',
    tapBelow: 'Tap your answer below.',
    skip: 'Skip',
    openApp: 'Answer in the app',
    thanksTitle: 'Thank you!',
    thanksBody: 'Your answers are saved. Thank you for telling us.',
    answeredTitle: 'Already answered',
    answered: 'You have already answered this survey.',
    unavailableTitle: 'Survey',
    unavailable: 'This survey question is not open to you any more.',
  },
  result: {
    accepted: {
      held: 'Accepted: {{count}} points are waiting for you',
      held_one: 'Accepted: {{count}} point is waiting for you',
      heldRewards: 'Accepted: your rewards are waiting for you',
      registerFirst: 'Register in the member page to receive them; nothing is lost until then.',
      register: 'Register now',
      scratch: 'You won a scratch card!',
      scratchNow: 'Scratch it now',
      title: 'Accepted!',
      earned: 'You earned {{count}} points',
      earned_one: 'You earned {{count}} point',
      earnedNothing: 'Your proof is registered.',
      entries: '{{count}} lottery entries',
      entries_one: '{{count}} lottery entry',
      balance: 'Balance: {{count}} points',
      balance_one: 'Balance: {{count}} point',
    },
    queued: {
      title: 'Received, checking',
      body: 'We are checking your proof with the e-invoice platform and will tell you the result in about {{minutes}} min.',
      position: 'Your place in the queue: {{position}}',
    },
    being_checked: {
      title: 'Being checked',
      body: 'We are checking this proof with the e-invoice platform. We will tell you the result.',
      nextCheck: 'Next check: {{when}}',
    },
    awaiting_upload: {
      title: 'Waiting for the e-invoice platform',
      body: 'The store has not uploaded this invoice yet (stores have 2 days). We will check again and tell you.',
      nextCheck: 'Next check: {{when}}',
    },
    in_review: {
      title: 'Sent to review',
      body: 'A person will check your proof, usually within 1 working day. We will tell you the result.',
    },
    rejected: {
      title: 'Not accepted',
      body: 'This proof does not qualify:',
      reasonUnknown: 'it does not meet the campaign rules.',
    },
    duplicate_self: {
      title: 'Already registered',
      body: 'You have already registered this proof; it counts once.',
    },
    duplicate_other: {
      title: 'Already registered',
      body: 'This proof has already been registered by someone else.',
    },
    invalid: {
      title: 'Please check what you typed',
      body: 'Something is not right:',
      example: 'Example: AB12345678 1131105 1234',
    },
    no_active_campaign: {
      title: 'No campaign right now',
      body: 'There is no running campaign to register this proof for.',
    },
    later: {
      accepted: 'Update on your proof: accepted!',
      rejected: 'Update on your proof: not accepted.',
    },
  },
  rules: {
    failed: 'it does not meet the campaign rules',
    currency: { mismatch: 'the currency is not the campaign’s' },
    purchase_date: {
      too_early: 'it was bought before the campaign started',
      too_late: 'it was bought after the campaign ended',
    },
    registration_window: {
      not_open: 'registration has not opened yet',
      closed: 'registration has closed',
    },
    register_within_days: { too_late: 'it must be registered within {{days}} days of purchase' },
    voided: { voided: 'the invoice was voided or returned' },
    buyer_ban: { b2b: 'invoices with a company tax ID do not qualify' },
    stores: {
      denied: 'this store does not take part in the campaign',
      not_allowed: 'this store does not take part in the campaign',
      unknown: 'the store could not be identified',
    },
    item_groups: { failed: 'no campaign product was found on it' },
    min_amount: {
      below_minimum: 'the amount of campaign products is below the minimum',
      unknown: 'the amount could not be read',
    },
    cap_per_day: { reached: 'you reached today’s limit ({{limit}} proofs)' },
    cap_per_campaign: { reached: 'you reached the campaign’s limit ({{limit}} proofs)' },
  },
  verification: {
    carrier_rejected: 'the mobile barcode or its verification code is wrong',
    carrier_no_invoices: 'no invoices on this carrier in the campaign period',
    carrier_all_registered: 'every invoice on this carrier is already registered',
    carrier_none_qualified: 'no invoice on this carrier qualifies',
    carrier_pending: 'the platform is busy; the remaining invoices will be checked later',
    not_uploaded: 'the e-invoice platform does not have this invoice (after waiting for the store’s upload)',
    not_uploaded_yet: 'the store has not uploaded this invoice yet',
    random_code_mismatch: 'the random code does not match the invoice',
    unreadable: 'the proof could not be read',
    platform_unavailable: 'the e-invoice platform is not answering; we will try again',
    queued: 'received; waiting for its turn with the e-invoice platform',
  },
  /** A reviewer's reason for refusing a photo (stored as `review.<reason>`). */
  review: {
    not_a_receipt: 'the photo is not a receipt or an invoice',
    unreadable: 'the photo cannot be read; please send a sharper photo of the whole receipt',
    duplicate: 'this receipt has already been sent',
    outside_campaign_period: 'it was bought outside the campaign period',
    store_not_eligible: 'this store does not take part in the campaign',
    products_not_eligible: 'no campaign product is on it',
    suspected_fraud: 'the photo looks altered or does not match a real purchase',
    other: 'our reviewer could not accept it',
  },
  einvoice_platform: {
    rejected: 'the e-invoice platform refused this invoice',
    invalid_query: 'the invoice details are not valid for the e-invoice platform',
    bad_request: 'the invoice details are not valid for the e-invoice platform',
  },
  /** Flat reason codes (`rules.min_amount.below_minimum`, `verification.not_uploaded`), filled from the sections above. */
  reasons: {} as Record<string, string>,
  issues: {
    invoice_number: {
      missing: 'the invoice number is missing (2 letters + 8 digits)',
      invalid: 'the invoice number looks wrong (2 letters + 8 digits)',
      ambiguous: 'there is more than one invoice number',
    },
    invoice_date: {
      missing: 'the date is missing (e.g. 1131105 or 2024-11-05)',
      invalid: 'the date is not a valid date',
      ambiguous: 'the date is unclear; write it like 2024-11-05',
      outside_period: 'the date does not match the invoice period',
    },
    random_code: {
      missing: 'the random code is missing (4 digits)',
      invalid: 'the random code must be 4 digits',
      ambiguous: 'there is more than one random code',
    },
    carrier_barcode: { invalid: 'the mobile barcode must be / + 7 characters' },
    carrier: {
      not_supported: 'this kind of carrier is not supported',
      rejected: 'the mobile barcode or its verification code is wrong',
    },
    verification_code: {
      missing: 'the carrier verification code is missing',
      invalid: 'the carrier verification code is not valid',
    },
    date_range: {
      incomplete: 'the date range is incomplete',
      invalid: 'the date range is not valid',
      reversed: 'the date range is reversed',
    },
    submission: { retry: 'please send it again in a moment' },
  },
  fields: {
    invoiceNumber: 'invoice number (2 letters + 8 digits)',
    date: 'date (e.g. 1131105 or 2024-11-05)',
    randomCode: 'random code (4 digits)',
    carrier: 'mobile barcode (/ + 7 characters)',
    verificationCode: 'verification code',
    qr: 'QR code text',
    image: 'photo',
  },
  errors: {
    generic: 'Something went wrong on our side. Please try again in a moment.',
  },
};

/**
 * English's singular forms (`earned_one`, i18next's plural suffix for a count of 1) are optional in the
 * other catalogs: Chinese and Thai have one form, the key without a suffix.
 */
type Widen<T> = T extends string
  ? string
  : T extends readonly (infer U)[]
    ? readonly Widen<U>[]
    : { [K in keyof T as K extends `${string}_one` ? never : K]: Widen<T[K]> } & {
        [K in keyof T as K extends `${string}_one` ? K : never]?: Widen<T[K]>;
      };

/** The shape every catalog has. */
export type Catalog = Widen<typeof en>;
