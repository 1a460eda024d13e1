import { useEffect, useRef, useState } from 'preact/hooks';
import { formatDateTime } from '../../format';
import { createTranslator } from '../../i18n';
import { navigate, setQuery } from '../../router';
import { ErrorBanner, Loading } from '../../ui/feedback';
import { Link } from '../../ui/link';
import { membersApi, type MemberRow } from './members-api';
import { messages } from './messages';

const t = createTranslator(messages);
type Key = Parameters<typeof t>[0];

const SEARCH_DELAY_MS = 250;

export function isTyping(target: EventTarget | null) {
  const element = target as HTMLElement | null;
  return (
    !!element && (element.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(element.tagName))
  );
}

/** A member's page; the search rides along so "back" returns to the same results. */
export const memberPath = (id: string, q?: string) =>
  `/members/${encodeURIComponent(id)}${q ? `?${new URLSearchParams({ q }).toString()}` : ''}`;

/**
 * The member search, keyboard first: `/` focuses the box, typing searches (name, phone, LINE name, member
 * number, invoice number), ↓/J and ↑/K move through the results, Enter opens the selected member.
 */
export function MemberSearch({ initialQuery }: { initialQuery: string }) {
  const [text, setText] = useState(initialQuery);
  const [results, setResults] = useState<{ q: string; members: MemberRow[] }>();
  const [error, setError] = useState<unknown>();
  const [selected, setSelectedState] = useState(0);
  // Keys may come faster than renders: the key handler reads the selection from here, not a stale closure.
  const selectedNow = useRef(0);
  const setSelected = (index: number) => {
    selectedNow.current = index;
    setSelectedState(index);
  };
  const [focusFirst, setFocusFirst] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  const table = useRef<HTMLTableSectionElement>(null);
  // Only the answer to the latest search is shown (an earlier, slower answer is dropped).
  const latest = useRef(0);

  const run = (q: string) => {
    const ticket = ++latest.current;
    setError(undefined);
    return membersApi
      .search(q)
      .then((answer) => {
        if (ticket !== latest.current) return;
        setResults({ q, members: answer.members });
        setSelected(0);
      })
      .catch((failure: unknown) => {
        if (ticket === latest.current) setError(failure);
      });
  };

  const timer = useRef<ReturnType<typeof setTimeout>>(undefined);
  const searchNow = (q: string) => {
    clearTimeout(timer.current);
    setQuery({ q: q || undefined });
    return run(q);
  };
  useEffect(() => {
    timer.current = setTimeout(() => void searchNow(text.trim()), SEARCH_DELAY_MS);
    return () => clearTimeout(timer.current);
  }, [text]);

  useEffect(() => {
    input.current?.focus();
  }, []);

  const rows = results?.members ?? [];
  const open = (row: MemberRow | undefined) => {
    if (row) navigate(memberPath(row.id, results?.q));
  };
  const focusRow = (index: number) => {
    setSelected(index);
    table.current?.querySelectorAll<HTMLElement>('tr')[index]?.focus();
  };
  // After Enter in the box, the first result takes the focus once it is on the page.
  useEffect(() => {
    if (!focusFirst || !results) return;
    setFocusFirst(false);
    if (results.members.length > 0) focusRow(0);
  }, [focusFirst, results]);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.metaKey || event.ctrlKey || event.altKey) return;
      if (event.key === '/' && !isTyping(event.target)) {
        event.preventDefault();
        input.current?.focus();
        input.current?.select();
        return;
      }
      if (isTyping(event.target) && event.target !== input.current) return;
      const typing = event.target === input.current;
      const down = event.key === 'ArrowDown' || (!typing && event.key === 'j');
      const up = event.key === 'ArrowUp' || (!typing && event.key === 'k');
      if (down || up) {
        if (rows.length === 0) return;
        event.preventDefault();
        const from = typing && down ? -1 : selectedNow.current;
        focusRow(Math.min(rows.length - 1, Math.max(0, from + (down ? 1 : -1))));
      } else if (event.key === 'Enter' && !typing) {
        event.preventDefault();
        open(rows[selectedNow.current]);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [rows]);

  return (
    <section class="page members-page">
      <div class="page-head">
        <h1>{t('nav.members')}</h1>
      </div>
      <form
        class="member-search"
        role="search"
        onSubmit={(event) => {
          event.preventDefault();
          // Enter in the box searches now; the first result then has the focus, and Enter opens it.
          void searchNow(text.trim()).then(() => setFocusFirst(true));
        }}
      >
        <label for="member-search-input">{t('search.label')}</label>
        <input
          id="member-search-input"
          ref={input}
          type="search"
          autoComplete="off"
          value={text}
          placeholder={t('search.placeholder')}
          onInput={(event) => setText((event.target as HTMLInputElement).value)}
        />
        <p class="field-hint">{t('search.keys')}</p>
      </form>
      <ErrorBanner error={error} onRetry={() => void run(text.trim())} />
      {!results && !error ? <Loading /> : null}
      {results ? (
        rows.length === 0 ? (
          <p class="muted" data-testid="members-empty">
            {results.q ? t('search.none', { q: results.q }) : t('common.empty')}
          </p>
        ) : (
          <>
            <p class="muted" aria-live="polite">
              {results.q ? t('search.count', { count: rows.length }) : t('search.recent')}
            </p>
            <table class="data member-results" data-q={results.q}>
              <thead>
                <tr>
                  <th>{t('col.member')}</th>
                  <th>{t('col.phone')}</th>
                  <th>{t('col.memberNo')}</th>
                  <th>{t('col.lastActive')}</th>
                  <th>{t('col.matched')}</th>
                </tr>
              </thead>
              <tbody ref={table}>
                {rows.map((row, index) => (
                  <tr
                    key={row.id}
                    tabIndex={index === selected ? 0 : -1}
                    class={index === selected ? 'selected' : undefined}
                    aria-selected={index === selected}
                    data-member={row.id}
                    onClick={() => setSelected(index)}
                    onDblClick={() => open(row)}
                  >
                    <td>
                      <Link to={memberPath(row.id, results?.q)}>
                        {row.erased ? t('member.erased') : (row.name ?? row.displayName ?? row.id)}
                      </Link>
                      {row.displayName && row.displayName !== row.name ? (
                        <span class="muted"> · {row.displayName}</span>
                      ) : null}
                    </td>
                    <td>{row.phone ?? '—'}</td>
                    <td>{row.memberNo ?? '—'}</td>
                    <td>{formatDateTime(row.lastActiveAt)}</td>
                    <td>{row.matched ? t(`matched.${row.matched}` as Key) : ''}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </>
        )
      ) : null}
    </section>
  );
}
