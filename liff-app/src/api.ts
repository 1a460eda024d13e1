import { getLocale } from './i18n.js';

/** An error answer from the Proofline API: `{ error: { code, message, details } }`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

type Session = { liffId: string; idToken: string };
let session: Session | undefined;

/** Every API call carries the LIFF ID token; the server verifies it with LINE and never trusts a user id. */
export function setSession(next: Session) {
  session = next;
}

export async function api<T>(
  path: string,
  {
    method = 'GET',
    body,
    headers = {},
  }: { method?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<T> {
  const init: RequestInit = {
    method,
    headers: {
      accept: 'application/json',
      'accept-language': getLocale(),
      ...(session ? { authorization: `Bearer ${session.idToken}`, 'x-liff-id': session.liffId } : {}),
      ...headers,
    },
  };
  if (body instanceof Blob) init.body = body;
  else if (body !== undefined) {
    init.body = JSON.stringify(body);
    (init.headers as Record<string, string>)['content-type'] = 'application/json';
  }
  const response = await fetch(path, init);
  const text = await response.text();
  const data = text ? (JSON.parse(text) as unknown) : undefined;
  if (!response.ok) {
    const error = (data as { error?: { code?: string; message?: string; details?: unknown } } | undefined)
      ?.error;
    throw new ApiError(
      response.status,
      error?.code ?? 'http.' + response.status,
      error?.message ?? response.statusText,
      error?.details,
    );
  }
  return data as T;
}

export type LocalizedText = Partial<Record<'zh-TW' | 'th' | 'en', string>>;
export type ConsentState = {
  granted: boolean;
  textVersion: string;
  recordedAt: string;
  /** False for a consent refused from the start (shown as "not given", not "withdrawn"). */
  everGranted: boolean;
};

export type Me = {
  member: {
    id: string;
    displayName: string | null;
    locale: 'zh-TW' | 'th' | 'en';
    registered: boolean;
    profile: {
      name: string;
      phone: string;
      email: string;
      gender: string;
      birthday: string;
      region: string;
      /** The region's names when `region` is a known ISO code (older profiles hold free text). */
      regionNames: Record<string, string> | null;
    } | null;
    membership: { memberNo: string; linkedAt: string } | null;
    consents: Partial<Record<'data_processing' | 'marketing', ConsentState>>;
  };
  brand: { name: string; country: 'TW' | 'TH'; defaultLocale: string };
  balance: number;
  entries: number;
  campaign: {
    id: string;
    name: LocalizedText;
    description: LocalizedText | null;
    registerTo: string;
    registrationRequired: boolean;
  } | null;
  /** Rewards of accepted proofs the campaign holds until the member registers. */
  held: { proofs: number; points: number; entries: number };
  draw: { id: string; name: LocalizedText; seedHash: string; periodTo: string } | null;
};

/** `GET /api/liff/registration-options`: the brand country's regions and how a phone is written there. */
export type RegistrationOptions = {
  country: 'TW' | 'TH';
  phoneExample: string;
  regions: { code: string; names: Record<string, string> }[];
};

export type ConsentTexts = Record<
  'data_processing' | 'marketing',
  { version: string; text: Record<string, string> }
>;

/** One proof in the member's history, in words (the server translates kinds, states and reasons). */
export type SubmissionItem = {
  id: string;
  kind: string;
  kindLabel: string;
  state: string;
  stateLabel: string;
  reason: string | null;
  createdAt: string;
  invoiceNumber: string | null;
  store: string | null;
  /** The purchase date printed on the proof (YYYY-MM-DD). */
  purchasedOn: string | null;
  amountMinor: number | null;
  currency: string | null;
};

export type SurveyQuestion = {
  key: string;
  type: 'single' | 'multiple' | 'scale' | 'text';
  label: LocalizedText;
  required: boolean;
  options?: { key: string; label: LocalizedText }[];
  scale?: { min: number; max: number };
};
export type DueSurvey = {
  id: string;
  submissionId: string;
  title: LocalizedText;
  questions: SurveyQuestion[];
};
