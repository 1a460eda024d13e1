import { useEffect, useState } from 'preact/hooks';
import { api } from '../../api';
import { formatMoney } from '../../format';
import { createTranslator } from '../../i18n';
import { can } from '../../session';
import { downloadCsv, toCsv } from '../../ui/csv';
import { Banner, ErrorBanner, Loading } from '../../ui/feedback';
import { Field } from '../../ui/field';
import { localized, type Localized } from '../../ui/localized';
import { splitError } from '../rewards/shared';
import { messages } from './messages';
import { paperworkMessages } from './paperwork.messages';

const t = createTranslator(paperworkMessages);
const tDraws = createTranslator(messages);

type TaxRow = {
  winnerId: string;
  rank: number;
  prizeKey: string;
  prizeName: Localized;
  valueMinor: number;
  memberId: string;
  memberName: string | null;
  data: { name: string; idNumber: string; address: string; resident: boolean } | null;
  submittedAt: string | null;
  tax: {
    withholdingBp: number;
    withholdingMinor: number;
    healthPremiumBp: number;
    healthPremiumMinor: number;
    netMinor: number;
  } | null;
};
type TaxReport = {
  currency: string;
  rows: TaxRow[];
  totals: { withholdingMinor: number; healthPremiumMinor: number };
};

const percent = (bp: number) => `${bp / 100}%`;
/** Whole NT dollars for the accountant's file (the statements are filed in whole dollars). */
const dollars = (minor: number | undefined) => (minor === undefined ? '' : Math.round(minor / 100));

/**
 * The tax paperwork of a drawn Taiwan draw, for owners (`winners.tax`): each prize above NT$1,000, the
 * winner's data as they gave it in LIFF, the withholding and the supplementary premium, and the CSV the
 * accountant files. Loading it is audited on the server.
 */
export function TaxPaperwork({ drawId }: { drawId: string }) {
  const [report, setReport] = useState<TaxReport>();
  const [error, setError] = useState<unknown>();
  const load = () =>
    api
      .get<TaxReport>(`/draws/${encodeURIComponent(drawId)}/tax`)
      .then((answer) => {
        setReport(answer);
        setError(undefined);
      })
      .catch(setError);
  useEffect(() => {
    void load();
  }, [drawId]);

  const money = (minor: number | undefined) =>
    minor === undefined ? '—' : minor === 0 ? '—' : formatMoney(minor, report?.currency);
  const exportCsv = (rows: TaxRow[]) =>
    downloadCsv(
      `${drawId}-tax.csv`,
      toCsv(
        [
          'rank',
          'prize',
          'value_ntd',
          'name',
          'id_number',
          'address',
          'resident',
          'withholding_rate',
          'withholding_ntd',
          'health_premium_ntd',
          'net_ntd',
        ],
        rows.map((row) => [
          row.rank,
          localized(row.prizeName) || row.prizeKey,
          dollars(row.valueMinor),
          row.data?.name,
          row.data?.idNumber,
          row.data?.address,
          row.data ? (row.data.resident ? 'yes' : 'no') : '',
          row.tax ? percent(row.tax.withholdingBp) : '',
          dollars(row.tax?.withholdingMinor),
          dollars(row.tax?.healthPremiumMinor),
          dollars(row.tax?.netMinor),
        ]),
      ),
    );

  return (
    <section class="card stack tax-paperwork">
      <h2>{t('tax.title')}</h2>
      <p class="muted">{t('tax.explain')}</p>
      {error ? <ErrorBanner error={error} onRetry={() => void load()} /> : null}
      {!report && !error ? <Loading /> : null}
      {report && report.rows.length === 0 ? <p class="muted">{t('tax.none')}</p> : null}
      {report && report.rows.length > 0 ? (
        <>
          <table class="data">
            <thead>
              <tr>
                <th class="num">{tDraws('col.rank')}</th>
                <th>{tDraws('col.prize')}</th>
                <th class="num">{t('tax.col.value')}</th>
                <th>{t('tax.col.winner')}</th>
                <th>{t('tax.col.data')}</th>
                <th>{t('tax.col.resident')}</th>
                <th class="num">{t('tax.col.withholding')}</th>
                <th class="num">{t('tax.col.premium')}</th>
                <th class="num">{t('tax.col.net')}</th>
              </tr>
            </thead>
            <tbody>
              {report.rows.map((row) => (
                <tr key={row.winnerId} data-winner={row.winnerId}>
                  <td class="num">{row.rank}</td>
                  <td>{localized(row.prizeName) || row.prizeKey}</td>
                  <td class="num">{formatMoney(row.valueMinor, report.currency)}</td>
                  <td>
                    {row.memberName ?? '—'}
                    <div class="muted mono">{row.memberId}</div>
                  </td>
                  <td>
                    {row.data ? (
                      <>
                        {row.data.name} · <span class="mono">{row.data.idNumber}</span>
                        <div class="muted">{row.data.address}</div>
                      </>
                    ) : (
                      <span class="badge badge-warn">{t('tax.missing')}</span>
                    )}
                  </td>
                  <td>{row.data ? (row.data.resident ? t('common.yes') : t('common.no')) : '—'}</td>
                  <td class="num">
                    {money(row.tax?.withholdingMinor)}
                    {row.tax?.withholdingBp ? (
                      <div class="muted">{percent(row.tax.withholdingBp)}</div>
                    ) : null}
                  </td>
                  <td class="num">{money(row.tax?.healthPremiumMinor)}</td>
                  <td class="num">{row.tax ? formatMoney(row.tax.netMinor, report.currency) : '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <div class="actions">
            <span>
              {t('tax.total')}: <strong>{money(report.totals.withholdingMinor)}</strong> ·{' '}
              {t('tax.col.premium')}: <strong>{money(report.totals.healthPremiumMinor)}</strong>
            </span>
            <button type="button" onClick={() => exportCsv(report.rows)}>
              {t('tax.csv')}
            </button>
          </div>
        </>
      ) : null}
    </section>
  );
}

/** A Thai draw's lucky-draw permit: shown to all, edited by who runs draws; printed on the public record. */
export function DrawPermit({
  drawId,
  permitNumber,
  permitProvince,
  onSaved,
}: {
  drawId: string;
  permitNumber: string | null;
  permitProvince: string | null;
  onSaved: () => void;
}) {
  const [number, setNumber] = useState(permitNumber ?? '');
  const [province, setProvince] = useState(permitProvince ?? '');
  const [error, setError] = useState<unknown>();
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);
  const editable = can('draws.run');

  const save = async () => {
    setBusy(true);
    setSaved(false);
    setError(undefined);
    setFieldErrors({});
    try {
      await api.put(`/draws/${encodeURIComponent(drawId)}/permit`, {
        permitNumber: number.trim() || null,
        permitProvince: province.trim() || null,
      });
      setSaved(true);
      onSaved();
    } catch (caught) {
      const split = splitError(caught);
      setFieldErrors(split.fieldErrors);
      setError(split.error);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="card stack draw-permit">
      <h2>{t('permit.title')}</h2>
      <p class="muted">{t('permit.explain')}</p>
      {editable ? (
        <form
          onSubmit={(event) => {
            event.preventDefault();
            void save();
          }}
        >
          <div class="form-grid">
            <Field label={t('permit.number')} error={fieldErrors.permitNumber}>
              {(props) => (
                <input
                  {...props}
                  name="permitNumber"
                  value={number}
                  onInput={(event) => setNumber(event.currentTarget.value)}
                />
              )}
            </Field>
            <Field label={t('permit.province')} error={fieldErrors.permitProvince}>
              {(props) => (
                <input
                  {...props}
                  name="permitProvince"
                  value={province}
                  onInput={(event) => setProvince(event.currentTarget.value)}
                />
              )}
            </Field>
          </div>
          <div class="form-actions">
            <button type="submit" class="primary" disabled={busy}>
              {busy ? t('common.saving') : t('common.save')}
            </button>
          </div>
        </form>
      ) : permitNumber ? (
        <p>
          {t('permit.number')}: <strong>{permitNumber}</strong> · {t('permit.province')}:{' '}
          <strong>{permitProvince}</strong>
        </p>
      ) : (
        <p class="muted">{t('permit.none')}</p>
      )}
      {saved ? <Banner kind="success">{t('permit.saved')}</Banner> : null}
      <ErrorBanner error={error} />
    </section>
  );
}
