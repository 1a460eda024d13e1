import liff from '@line/liff';
import { api, setSession, type Me } from './api.js';
import type { AppContext, Page } from './app.js';
import { getLocale, isLocale, setLocale, t, type MessageKey } from './i18n.js';
import { homePage } from './pages/home.js';
import { prizesPage } from './pages/prizes.js';
import { myDataPage, profilePage } from './pages/profile.js';
import { registerPage } from './pages/register.js';
import { rewardsPage } from './pages/rewards.js';
import { submissionsPage } from './pages/submissions.js';
import { submitPage } from './pages/submit.js';
import { surveyPage } from './pages/survey.js';
import { banner, errorBanner, h } from './ui.js';
import './styles.css';

const PAGES: Record<string, Page> = {
  home: homePage,
  register: registerPage,
  submit: submitPage,
  submissions: submissionsPage,
  survey: surveyPage,
  rewards: rewardsPage,
  prizes: prizesPage,
  profile: profilePage,
  data: myDataPage,
};
const TABS: [string, MessageKey, string][] = [
  ['home', 'nav.home', 'M3 11l9-7 9 7v9a1 1 0 0 1-1 1h-5v-6H9v6H4a1 1 0 0 1-1-1z'],
  ['submit', 'nav.submit', 'M6 2h9l5 5v15H6zM14 2v6h6M9 13h8M9 17h8'],
  ['submissions', 'nav.submissions', 'M4 5h16M4 12h16M4 19h16'],
  [
    'rewards',
    'nav.rewards',
    'M3 10h18v4H3zM5 14h14v7H5zM12 10v11M12 10c-2-4-6-4-6-1s6 1 6 1c2-4 6-4 6-1s-6 1-6 1',
  ],
  ['prizes', 'nav.prizes', 'M3 7h18v4a2 2 0 0 0 0 4v4H3v-4a2 2 0 0 0 0-4zM14 7v12'],
  ['profile', 'nav.profile', 'M12 12a4 4 0 1 0 0-8 4 4 0 0 0 0 8zM4 21c0-4 4-6 8-6s8 2 8 6'],
];

function icon(path: string): SVGSVGElement {
  const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('class', 'icon');
  const shape = document.createElementNS('http://www.w3.org/2000/svg', 'path');
  shape.setAttribute('d', path);
  svg.append(shape);
  return svg;
}

const main = document.getElementById('main')!;
const tabs = document.getElementById('tabs')!;
const langSelect = document.getElementById('lang-select') as HTMLSelectElement;
const params = new URLSearchParams(location.search);

/** A fake LINE user per browser in local mode (or the one a test names with ?mockUser=). */
function mockUserId(): string {
  const named = params.get('mockUser');
  if (named && /^U[0-9a-f]{32}$/.test(named)) return named;
  const stored = localStorage.getItem('proofline.mockUser');
  if (stored) return stored;
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  const id = 'U' + [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
  localStorage.setItem('proofline.mockUser', id);
  return id;
}

/** LIFF login: the real LIFF SDK in LINE; in a local-mode build, @line/liff-mock and a simulator-minted token. */
async function login(liffId: string): Promise<string | null> {
  if (import.meta.env.VITE_LIFF_MOCK === 'true') {
    const { LiffMockPlugin } = await import('@line/liff-mock');
    liff.use(new LiffMockPlugin());
    await liff.init({ liffId, mock: true } as Parameters<typeof liff.init>[0]);
    const userId = mockUserId();
    const name = params.get('mockName') ?? 'LIFF tester';
    const { idToken } = await api<{ idToken: string }>('/api/liff/dev/id-token', {
      method: 'POST',
      body: { liffId, userId, name },
    });
    (
      liff as unknown as {
        $mock: { set: (f: (p: Record<string, unknown>) => Record<string, unknown>) => void };
      }
    ).$mock.set((p) => ({
      ...p,
      getIDToken: idToken,
      getProfile: { userId, displayName: name },
    }));
    return liff.getIDToken();
  }
  await liff.init({ liffId });
  if (!liff.isLoggedIn()) {
    liff.login({ redirectUri: location.href });
    return null;
  }
  return liff.getIDToken();
}

function renderTabs(active: string) {
  tabs.replaceChildren(
    ...TABS.map(([route, key, path]) =>
      h(
        'a',
        {
          href: `#/${route}`,
          class: route === active ? 'tab active' : 'tab',
          'aria-current': route === active ? 'page' : undefined,
        },
        icon(path),
        h('span', {}, t(key)),
      ),
    ),
  );
}

async function boot() {
  const requested = params.get('lang');
  if (isLocale(requested)) setLocale(requested);
  const config = await api<{ liffId: string; brand: { name: string; defaultLocale: string } }>(
    '/api/liff/config' + (params.get('liffId') ? `?liffId=${encodeURIComponent(params.get('liffId')!)}` : ''),
  );
  if (!isLocale(requested) && isLocale(config.brand.defaultLocale)) setLocale(config.brand.defaultLocale);
  document.getElementById('brand-name')!.textContent = config.brand.name;
  const idToken = await login(config.liffId);
  if (!idToken) return;
  setSession({ liffId: config.liffId, idToken });

  let me = await api<Me>('/api/liff/me');
  if (isLocale(requested) && requested !== me.member.locale) {
    await api('/api/liff/me/locale', { method: 'PUT', body: { locale: requested } });
  } else if (!isLocale(requested)) setLocale(me.member.locale);
  langSelect.value = getLocale();

  let flash: HTMLElement | undefined;
  const scanAvailable = liff.isApiAvailable?.('scanCodeV2') === true;
  const context: AppContext = {
    get me() {
      return me;
    },
    refresh: async () => (me = await api<Me>('/api/liff/me')),
    go: (route) => {
      if (location.hash === `#/${route}`) void render();
      else location.hash = `#/${route}`;
    },
    notify: (kind, text) => {
      flash = banner(kind, text);
    },
    scan: scanAvailable ? async () => (await liff.scanCodeV2()).value ?? null : undefined,
  };

  langSelect.addEventListener('change', () => {
    if (!isLocale(langSelect.value)) return;
    setLocale(langSelect.value);
    void api('/api/liff/me/locale', { method: 'PUT', body: { locale: langSelect.value } })
      .then(() => context.refresh())
      .then(render);
  });
  window.addEventListener('hashchange', () => void render());

  let rendering = 0;
  async function render() {
    const route = location.hash.replace(/^#\/?/, '') || 'home';
    const page = PAGES[route] ?? homePage;
    const ticket = ++rendering;
    renderTabs(route);
    main.setAttribute('aria-busy', 'true');
    try {
      const element = await page(context);
      if (ticket !== rendering) return;
      main.replaceChildren(...(flash ? [flash] : []), element);
      flash = undefined;
    } catch (error) {
      if (ticket !== rendering) return;
      main.replaceChildren(
        errorBanner(
          error,
          context.go,
          h(
            'button',
            { type: 'button', class: 'secondary', onclick: () => void render() },
            t('common.retry'),
          ),
        ),
      );
    } finally {
      main.removeAttribute('aria-busy');
      document.body.dataset.ready = route;
    }
    main.focus({ preventScroll: true });
    window.scrollTo(0, 0);
  }
  // A LIFF URL with a path (the rich menu's https://liff.line.me/<id>/submit) lands on /liff/submit:
  // pages are routed by the hash, so carry the path over to it.
  const pathRoute = location.pathname.replace(/^\/liff\/?/, '').replace(/\/$/, '');
  if (!location.hash && pathRoute in PAGES)
    history.replaceState(null, '', `/liff/${location.search}#/${pathRoute}`);
  await render();
}

boot().catch((error: unknown) => {
  console.error(error);
  main.replaceChildren(errorBanner(error));
  document.body.dataset.ready = 'error';
});
