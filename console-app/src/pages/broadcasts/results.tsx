import { formatNumber } from '../../format';
import { createTranslator } from '../../i18n';
import type { BroadcastResults } from './broadcasts-api';
import { messages } from './messages';

const t = createTranslator(messages);

const rate = (part: number, whole: number) =>
  whole > 0 ? formatNumber(part / whole, { style: 'percent', maximumFractionDigits: 1 }) : '—';

/** Clicks on tracked links and purchases (accepted proofs) per group, against the holdout. */
export function Results({ results }: { results: BroadcastResults }) {
  return (
    <div class="results">
      <table class="data">
        <caption>{t('results.title', { days: results.days })}</caption>
        <thead>
          <tr>
            <th>{t('results.group')}</th>
            <th class="num">{t('results.members')}</th>
            <th class="num">{t('results.clickers')}</th>
            <th class="num">{t('results.purchasers')}</th>
            <th class="num">{t('results.rate')}</th>
            <th class="num">{t('results.proofs')}</th>
          </tr>
        </thead>
        <tbody>
          {results.groups.map((group) => (
            <tr key={group.group}>
              <td>
                {group.group === 'holdout' ? t('report.holdout') : t('ab.variant', { key: group.group })}
              </td>
              <td class="num">{formatNumber(group.members)}</td>
              <td class="num">{group.group === 'holdout' ? '—' : formatNumber(group.clickers)}</td>
              <td class="num">{formatNumber(group.purchasers)}</td>
              <td class="num">{rate(group.purchasers, group.members)}</td>
              <td class="num">{formatNumber(group.proofs)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {results.links.length > 0 ? (
        <ul class="links">
          {results.links.map((link) => (
            <li key={link.no}>
              <span class="mono">{link.url}</span> —{' '}
              {t('results.linkClicks', { count: formatNumber(link.clickers) })}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
