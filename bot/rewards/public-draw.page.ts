import { createHash } from 'node:crypto';
import type { LocalizedText } from '../../core/campaigns/index.js';
import type { PublicDrawPick, PublicDrawRecord } from '../../core/draws/index.js';
import { LOCALES, type Locale } from '../../core/i18n/index.js';
import { translatePublicDraw, type PublicDrawMessageKey } from './public-draw.messages.js';

const STYLE = `
body{font:15px/1.5 system-ui,-apple-system,"Noto Sans TC","Noto Sans Thai",sans-serif;margin:0;color:#1b1f24;background:#f6f7f9}
main{max-width:880px;margin:0 auto;padding:24px 20px 48px}
header{display:flex;justify-content:space-between;align-items:baseline;gap:16px;flex-wrap:wrap}
h1{font-size:24px;margin:0 0 4px}h2{font-size:17px;margin:0 0 8px}
section{background:#fff;border:1px solid #dde1e6;border-radius:8px;padding:16px 18px;margin-top:16px}
dl{display:grid;grid-template-columns:max-content 1fr;gap:4px 16px;margin:0}dt{color:#57606a}dd{margin:0}
code,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:13px;word-break:break-all}
pre{background:#f0f2f5;padding:10px 12px;border-radius:6px;overflow-x:auto}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:6px 8px;border-bottom:1px solid #eceff2}
th{color:#57606a;font-weight:600}.muted{color:#57606a}.pill{background:#fde2e1;color:#8a1c16;border-radius:10px;padding:0 8px;font-size:13px}
nav a{margin-left:8px}nav a[aria-current]{font-weight:700;color:#1b1f24;text-decoration:none}
`;

/** No script at all; the only style is the page's own, allowed by its hash. */
export const PUBLIC_DRAW_CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  `style-src 'sha256-${createHash('sha256').update(STYLE).digest('base64')}'`,
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const LANGUAGE_NAMES: Record<Locale, string> = { 'zh-TW': '繁體中文', th: 'ไทย', en: 'English' };

function escapeHtml(value: string): string {
  return value.replace(
    /[&<>"']/g,
    (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char] ?? char,
  );
}

function pick(text: LocalizedText | null | undefined, locale: Locale): string {
  if (!text) return '';
  return text[locale] ?? text.en ?? Object.values(text).find(Boolean) ?? '';
}

function layout(locale: Locale, title: string, body: string, languageLinks: string): string {
  return `<!doctype html>
<html lang="${locale}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style></head>
<body><main>${languageLinks}${body}</main></body></html>
`;
}

function languageNav(locale: Locale, basePath: string): string {
  const t = (key: PublicDrawMessageKey) => translatePublicDraw(locale, key);
  const links = LOCALES.map((code) => {
    const current = code === locale ? ' aria-current="true"' : '';
    return `<a href="${escapeHtml(basePath)}?lang=${code}" hreflang="${code}" lang="${code}"${current}>${LANGUAGE_NAMES[code]}</a>`;
  }).join('');
  return `<nav aria-label="${escapeHtml(t('lang.label'))}" class="muted">${escapeHtml(t('lang.label'))}:${links}</nav>`;
}

/** The public verification page of one draw (`/draws/:id`), in one language, for anyone, without a session. */
export function renderPublicDrawPage(
  record: PublicDrawRecord,
  {
    locale,
    origin,
  }: { locale: Locale; /** Where the page was opened, for the command to copy. */ origin: string },
): string {
  const { draw } = record;
  const t = (key: PublicDrawMessageKey, values?: Record<string, string | number>) =>
    escapeHtml(translatePublicDraw(locale, key, values));
  const dateTime = new Intl.DateTimeFormat(locale, {
    timeZone: record.brand.timezone,
    dateStyle: 'medium',
    timeStyle: 'short',
  });
  const when = (date: Date | string | null | undefined) =>
    date ? escapeHtml(dateTime.format(new Date(date))) : '';
  const numbers = new Intl.NumberFormat(locale);
  const drawName = pick(draw.name, locale);
  const basePath = `/draws/${encodeURIComponent(draw.id)}`;
  const exportPath = `/api/public/draws/${encodeURIComponent(draw.id)}/export`;

  const permit = draw.permitNumber
    ? `<dt>${t('field.permit')}</dt><dd>${escapeHtml(draw.permitNumber)}${
        draw.permitProvince ? ` (${t('field.permitProvince', { province: draw.permitProvince })})` : ''
      }</dd>`
    : '';
  const summary = `<section><dl>
<dt>${t('field.brand')}</dt><dd>${escapeHtml(record.brand.name)}</dd>
<dt>${t('field.campaign')}</dt><dd>${escapeHtml(pick(record.campaign.name, locale))}</dd>
<dt>${t('field.period')}</dt><dd>${when(draw.periodFrom)} – ${when(draw.periodTo)}</dd>
<dt>${t('field.status')}</dt><dd>${
    draw.status === 'drawn'
      ? t('status.drawn', { date: dateTime.format(draw.drawnAt ?? new Date()) })
      : t('status.open')
  }</dd>${permit}
</dl></section>`;

  const commitment = `<section><h2>${t('commit.title')}</h2><dl>
<dt>${t('commit.hash')}</dt><dd><code data-testid="seed-hash">${escapeHtml(draw.seedHash)}</code></dd>
<dt>${t('commit.publishedAt')}</dt><dd>${when(draw.createdAt)}</dd>
</dl><p class="muted">${t('commit.explain')}</p></section>`;

  const reveal = draw.seed
    ? `<dl><dt>${t('reveal.seed')}</dt><dd><code data-testid="seed">${escapeHtml(draw.seed)}</code></dd>
<dt>${t('reveal.revealedAt')}</dt><dd>${when(draw.seedRevealedAt ?? draw.drawnAt)}</dd></dl>`
    : `<p class="muted">${t('reveal.pending')}</p>`;

  const entries = record.entries
    ? `<p data-testid="entry-count">${t('entries.count', {
        count: numbers.format(record.entries.count),
        chances: numbers.format(record.entries.chances),
      })}</p><dl><dt>${t('entries.digest')}</dt><dd><code>${escapeHtml(draw.entriesDigest ?? '')}</code></dd></dl>`
    : `<p class="muted">${t('entries.pending')}</p>`;

  const winners =
    draw.status !== 'drawn'
      ? `<p class="muted">${t('winners.pending')}</p>`
      : record.picks.length === 0
        ? `<p>${t('winners.none')}</p>`
        : winnersTable(record.picks, locale, t);

  const steps = translatePublicDraw(locale, 'verify.steps', {
    format: record.exportFormat,
    algorithm: draw.algorithmVersion,
  })
    .split('|')
    .map((step) => `<li>${escapeHtml(step)}</li>`)
    .join('');
  const verify = `<section><h2>${t('verify.title')}</h2><ol>${steps}</ol>
${draw.status === 'drawn' ? `<p><a href="${exportPath}" download="${escapeHtml(draw.id)}.json">${t('verify.download')}</a></p>` : ''}
<p>${t('verify.command')}</p>
<pre><code>curl -s ${escapeHtml(origin + exportPath)} &gt; ${escapeHtml(draw.id)}.json
npx proofline draw verify ${escapeHtml(draw.id)}.json</code></pre>
<p class="muted">${t('verify.algorithm')} · <a href="/api/public/draws/${encodeURIComponent(draw.id)}">${t('verify.json')}</a></p></section>`;

  const body = `<header><div><h1>${t('page.title', { draw: drawName })}</h1><p class="muted">${t('page.lead')}</p></div></header>
${summary}${commitment}
<section><h2>${t('reveal.title')}</h2>${reveal}</section>
<section><h2>${t('entries.title')}</h2>${entries}</section>
<section><h2>${t('winners.title')}</h2>${winners}</section>
${verify}`;
  return layout(
    locale,
    translatePublicDraw(locale, 'page.title', { draw: drawName }),
    body,
    languageNav(locale, basePath),
  );
}

function winnersTable(
  picks: PublicDrawPick[],
  locale: Locale,
  t: (key: PublicDrawMessageKey, values?: Record<string, string | number>) => string,
): string {
  let reserveNumber = 0;
  const rows = picks
    .map((place) => {
      const prize = place.isReserve
        ? t('winners.reserve', { number: ++reserveNumber })
        : escapeHtml(pick(place.prizeName, locale) || place.prizeKey);
      const notes = [
        place.forfeited
          ? `<span class="pill">${t(
              place.forfeitReason === 'invoice_voided' ? 'winners.forfeitedVoided' : 'winners.forfeited',
            )}</span>`
          : '',
        place.steppedUpFor
          ? t('winners.steppedUp', {
              prize: pick(place.steppedUpFor.prizeName, locale) || place.steppedUpFor.prizeKey,
              rank: place.steppedUpFor.rank ?? '?',
            })
          : '',
      ]
        .filter(Boolean)
        .join(' ');
      return `<tr data-testid="pick"><td>${place.rank}</td><td>${prize}${notes ? ` ${notes}` : ''}</td><td class="mono">${escapeHtml(
        place.member,
      )}</td><td class="mono">${escapeHtml(place.entryId)}</td></tr>`;
    })
    .join('\n');
  return `<table><thead><tr><th>${t('winners.rank')}</th><th>${t('winners.prize')}</th><th>${t(
    'winners.member',
  )}</th><th>${t('winners.entry')}</th></tr></thead><tbody>
${rows}</tbody></table>`;
}

/** The page for an unknown draw id: a 404 in the visitor's language. */
export function renderPublicDrawNotFound(locale: Locale): string {
  const t = (key: PublicDrawMessageKey) => escapeHtml(translatePublicDraw(locale, key));
  return layout(
    locale,
    translatePublicDraw(locale, 'notFound.title'),
    `<section><h1>${t('notFound.title')}</h1><p>${t('notFound.body')}</p></section>`,
    '',
  );
}
