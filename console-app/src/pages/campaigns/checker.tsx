import { useEffect, useRef, useState } from 'preact/hooks';
import { api, isApiError } from '../../api';
import { formatNumber } from '../../format';
import { createTranslator, locale } from '../../i18n';
import { ErrorBanner } from '../../ui/feedback';
import { Field } from '../../ui/field';
import { messages } from './messages';
import { RULE_KEYS, type ProofCheck, type Rewards, type Rules } from './model';

const t = createTranslator(messages);

/** One proof per line; a line that is a JSON object is an invoice object. */
export function parseProofLines(text: string): { proofs: unknown[]; bad: number[] } {
  const proofs: unknown[] = [];
  const bad: number[] = [];
  text.split('\n').forEach((raw, index) => {
    const line = raw.trim();
    if (!line) return;
    if (!line.startsWith('{')) return void proofs.push(line);
    try {
      proofs.push(JSON.parse(line) as unknown);
    } catch {
      bad.push(index + 1);
    }
  });
  return { proofs, bad };
}

/**
 * The rule checker: paste proofs (or pick photos), see each rule's tick or cross under the draft rules
 * of the editor; the table follows the draft as it changes. Nothing is stored, no reward is given.
 */
export function Checker({ slug, rules, rewards }: { slug: string; rules: Rules; rewards: Rewards }) {
  const [text, setText] = useState('');
  const [photos, setPhotos] = useState<File[]>([]);
  const [results, setResults] = useState<ProofCheck[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [draftInvalid, setDraftInvalid] = useState(false);
  const [running, setRunning] = useState(false);
  const [badLines, setBadLines] = useState<number[]>([]);
  const latest = useRef(0);

  const run = async () => {
    const { proofs, bad } = parseProofLines(text);
    setBadLines(bad);
    if (proofs.length === 0 && photos.length === 0) return;
    const ticket = ++latest.current;
    const body = { proofs, rules, rewards };
    setRunning(true);
    try {
      let answer: { results: ProofCheck[] };
      if (photos.length > 0) {
        const form = new FormData();
        form.set('body', JSON.stringify(body));
        for (const photo of photos) form.append('photo', photo);
        answer = await api.upload(`/campaigns/${slug}/check`, form);
      } else answer = await api.post(`/campaigns/${slug}/check`, body);
      if (ticket !== latest.current) return;
      setResults(answer.results);
      setError(null);
      setDraftInvalid(false);
    } catch (caught) {
      if (ticket !== latest.current) return;
      const aboutDraft =
        isApiError(caught, 400) && caught.issues.some((issue) => /^(rules|rewards)(\.|$)/.test(issue.path));
      setDraftInvalid(aboutDraft);
      if (!aboutDraft) setError(caught);
    } finally {
      if (ticket === latest.current) setRunning(false);
    }
  };

  // The table follows the draft rules as they are edited, and the console's language (the server words
  // each rule's detail in it), once there is a table to update.
  useEffect(() => {
    if (!results) return;
    const timer = setTimeout(() => void run(), 500);
    return () => clearTimeout(timer);
  }, [JSON.stringify(rules), JSON.stringify(rewards), locale.value]);

  const rows = (results ?? []).flatMap((result) =>
    result.invoices && result.invoices.length > 0
      ? result.invoices.map((invoice) => ({ ...invoice, proof: `${result.proof} → ${invoice.proof}` }))
      : [result],
  );

  return (
    <section class="card rule-checker" aria-labelledby="checker-title">
      <h2 id="checker-title">{t('check.title')}</h2>
      <p class="field-hint">{t('check.about')}</p>
      <div class="checker-input">
        <Field label={t('check.proofs')} hint={t('check.hint')}>
          {(props) => (
            <textarea
              {...props}
              name="proofs"
              rows={5}
              class="mono"
              value={text}
              onInput={(event) => setText(event.currentTarget.value)}
              onKeyDown={(event) => {
                if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
                  event.preventDefault();
                  void run();
                }
              }}
            />
          )}
        </Field>
        <Field label={t('check.photos')}>
          {(props) => (
            <input
              {...props}
              name="photos"
              type="file"
              accept="image/*"
              multiple
              onChange={(event) => setPhotos([...(event.currentTarget.files ?? [])])}
            />
          )}
        </Field>
      </div>
      {badLines.length > 0 ? (
        <p class="field-error">{t('check.badLines', { lines: badLines.join(', ') })}</p>
      ) : null}
      <div class="form-actions">
        <button type="button" class="primary" onClick={() => void run()} disabled={running}>
          {t('check.run')}
        </button>
        <span class="muted">
          <kbd>Ctrl</kbd>+<kbd>Enter</kbd>
        </span>
        {running ? (
          <span class="muted" aria-live="polite">
            {t('check.running')}
          </span>
        ) : null}
      </div>
      {draftInvalid ? <p class="banner banner-warning">{t('check.draftInvalid')}</p> : null}
      <ErrorBanner error={error} />
      {results ? (
        <>
          <div class="table-scroll">
            <table class="data check-results">
              <caption class="sr-only">{t('check.title')}</caption>
              <thead>
                <tr>
                  <th scope="col">#</th>
                  <th scope="col">{t('check.proof')}</th>
                  <th scope="col">{t('check.verdict')}</th>
                  {RULE_KEYS.map((key) => (
                    <th scope="col" key={key} class="rule-col">
                      {t(`rule.${key}`)}
                    </th>
                  ))}
                  <th scope="col" class="num">
                    {t('check.points')}
                  </th>
                  <th scope="col" class="num">
                    {t('check.entries')}
                  </th>
                </tr>
              </thead>
              <tbody>
                {rows.map((result, index) => (
                  <tr key={index} data-verdict={result.verdict}>
                    <td>{index + 1}</td>
                    <td>
                      <code title={result.proof}>{result.proof.slice(0, 32)}</code>
                    </td>
                    <td>
                      <span class={`verdict verdict-${result.verdict}`}>
                        {t(`verdict.${result.verdict}`)}
                      </span>
                      {result.reason ? <small class="muted"> {result.reason}</small> : null}
                    </td>
                    {RULE_KEYS.map((key) => {
                      const rule = result.rules.find((r) => r.rule === key);
                      const mark = rule ? (rule.passed ? '✓' : '✗') : '–';
                      const words = rule
                        ? t(rule.passed ? 'check.passed' : 'check.failed')
                        : t('check.notRun');
                      return (
                        <td
                          key={key}
                          data-rule={key}
                          class={rule ? (rule.passed ? 'pass' : 'fail') : 'skip'}
                          title={rule?.detail ?? words}
                        >
                          <span aria-hidden="true">{mark}</span>
                          <span class="sr-only">{words}</span>
                        </td>
                      );
                    })}
                    <td class="num">{formatNumber(result.rewards.points)}</td>
                    <td class="num">{formatNumber(result.rewards.entries)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <ol class="check-details">
            {rows.map((result, index) =>
              result.rules
                .filter((rule) => !rule.passed)
                .map((rule) => (
                  <li key={`${index}-${rule.rule}`} value={index + 1}>
                    <strong>{t(`rule.${rule.rule}`)}</strong>: {rule.detail}
                  </li>
                )),
            )}
          </ol>
        </>
      ) : null}
    </section>
  );
}
