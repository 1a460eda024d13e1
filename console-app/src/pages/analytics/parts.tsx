import type { ComponentChildren } from 'preact';
import { createTranslator } from '../../i18n';
import { ErrorBanner, Loading } from '../../ui/feedback';
import { messages } from './messages';

const t = createTranslator(messages);

/** One analysis on the page: a titled card, with the loading and error states of its data. */
export function Section({
  title,
  id,
  state,
  children,
}: {
  title: string;
  id: string;
  state?: { error: unknown; loading: boolean; data: unknown; retry: () => void };
  children?: ComponentChildren;
}) {
  return (
    <section class="card analysis" aria-labelledby={`${id}-title`} data-analysis={id}>
      <h2 id={`${id}-title`}>{title}</h2>
      {state?.error ? <ErrorBanner error={state.error} onRetry={state.retry} /> : null}
      {state && !state.data && state.loading ? <Loading /> : null}
      {!state || state.data ? children : null}
    </section>
  );
}

/** Headline figures above a chart. */
export function Stats({ items }: { items: { label: string; value: string; hint?: string }[] }) {
  return (
    <dl class="stats">
      {items.map((item) => (
        <div key={item.label} class="stat">
          <dt>{item.label}</dt>
          <dd>{item.value}</dd>
          {item.hint ? <p class="muted">{item.hint}</p> : null}
        </div>
      ))}
    </dl>
  );
}

/** A chart's numbers, folded away under it (every chart has its table and CSV). */
export function Numbers({ children, open = false }: { children: ComponentChildren; open?: boolean }) {
  return (
    <details class="numbers" open={open}>
      <summary>{t('numbers.show')}</summary>
      {children}
    </details>
  );
}
