import { computed, signal } from '@preact/signals';
import { api, configureApi, isApiError } from './api';
import { locale } from './i18n';
import type { ConsolePermission } from './permissions';

export type ConsoleRole = 'owner' | 'marketer' | 'reviewer' | 'viewer';

/** A brand the signed-in user works for, as `/api/console/me` describes it. */
export type SessionBrand = {
  id: string;
  slug: string;
  name: string;
  country: 'TW' | 'TH';
  timezone: string;
  currency: 'TWD' | 'THB';
  defaultLocale: 'zh-TW' | 'th' | 'en';
  role: ConsoleRole;
  permissions: ConsolePermission[];
};

export type Me = {
  user: { id: string; email: string; name: string };
  brands: SessionBrand[];
  expiresAt: string;
};

/** undefined while the first `/me` is in flight, null when nobody is signed in. */
export const me = signal<Me | null | undefined>(undefined);

const BRAND_KEY = 'proofline.console.brand';
function storedBrand(): string | undefined {
  try {
    return localStorage.getItem(BRAND_KEY) ?? undefined;
  } catch {
    return undefined;
  }
}

/** The brand the user chose (slug), remembered across visits. */
export const selectedBrandSlug = signal<string | undefined>(storedBrand());

/** The brand every page works on: the chosen one when the user still belongs to it, else their first. */
export const currentBrand = computed<SessionBrand | undefined>(() => {
  const brands = me.value?.brands ?? [];
  return brands.find((b) => b.slug === selectedBrandSlug.value) ?? brands[0];
});

export function selectBrand(slug: string) {
  selectedBrandSlug.value = slug;
  try {
    localStorage.setItem(BRAND_KEY, slug);
  } catch {
    // Without storage the choice lasts until the page is closed.
  }
}

/** Whether the user's role on the current brand allows `permission` (the server checks again). */
export function can(permission: ConsolePermission): boolean {
  return currentBrand.value?.permissions.includes(permission) ?? false;
}

/**
 * The sign-in overlay after a session ended mid-work: open while requests wait for the user to sign in
 * again. The page beneath stays mounted, so a half-filled form keeps its values.
 */
export const reauthentication = signal<{ waiting: number } | null>(null);
let waiters: { resolve: () => void; reject: (error: Error) => void }[] = [];

function reauthenticate(): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    waiters.push({ resolve, reject });
    reauthentication.value = { waiting: waiters.length };
  });
}

configureApi({ brand: () => currentBrand.value?.slug, locale: () => locale.value, reauthenticate });

export async function loadMe(): Promise<void> {
  try {
    me.value = await api.get<Me>('/me', { reauthenticate: false, brand: null });
  } catch (error) {
    if (isApiError(error, 401)) me.value = null;
    else throw error;
  }
}

export type SignInOutcome = 'signed-in' | 'other-user';

/**
 * Email + password → a session cookie. Through the overlay, the same user resumes the waiting requests;
 * another user gets a fresh page (the waiting requests were made for someone else).
 */
export async function signIn(email: string, password: string): Promise<SignInOutcome> {
  const previous = me.value?.user.id;
  const signedIn = await api.post<Me>(
    '/session',
    { email, password },
    { reauthenticate: false, brand: null },
  );
  const resuming = reauthentication.value !== null;
  if (resuming && previous && previous !== signedIn.user.id) {
    const pending = waiters;
    waiters = [];
    for (const waiter of pending) waiter.reject(new Error('signed in as another user'));
    return 'other-user';
  }
  me.value = signedIn;
  const pending = waiters;
  waiters = [];
  reauthentication.value = null;
  for (const waiter of pending) waiter.resolve();
  return 'signed-in';
}

export async function signOut(): Promise<void> {
  try {
    await api.delete('/session', undefined, { reauthenticate: false, brand: null });
  } finally {
    me.value = null;
  }
}
