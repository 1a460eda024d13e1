import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { isApiError } from '../api';
import { t } from '../i18n';

/** The words for an error the user can act on: the server's message for a refused action, else ours. */
export function errorText(error: unknown): string {
  if (!isApiError(error)) return t('error.generic');
  if (error.status === 0) return t('error.network');
  if (error.status === 403) return `${t('error.forbidden')} ${error.message}`;
  if (error.code === 'validation.failed' && error.issues.length > 0) return t('error.validation');
  if (error.status >= 500) return t('error.generic');
  return error.message || t('error.generic');
}

export function Banner({
  kind = 'info',
  children,
}: {
  kind?: 'info' | 'error' | 'success' | 'warning';
  children: ComponentChildren;
}) {
  return (
    <div class={`banner banner-${kind}`} role={kind === 'error' ? 'alert' : 'status'}>
      {children}
    </div>
  );
}

export function ErrorBanner({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  if (!error) return null;
  return (
    <Banner kind="error">
      {errorText(error)}
      {onRetry ? (
        <button type="button" class="link" onClick={onRetry}>
          {t('common.retry')}
        </button>
      ) : null}
    </Banner>
  );
}

export function Loading() {
  return (
    <p class="loading" aria-busy="true">
      {t('common.loading')}
    </p>
  );
}

/** An action's state in a panel: running (buttons disabled), what it did, or why it failed. */
export type ActionStatus = { busy?: boolean; error?: unknown; done?: string };

/** Runs one action at a time and keeps its status; the action returns the words to show when it is done. */
export function useActionStatus() {
  const [status, setStatus] = useState<ActionStatus>({});
  const run = async (action: () => Promise<string | undefined>) => {
    setStatus({ busy: true });
    try {
      setStatus({ done: await action() });
    } catch (error) {
      setStatus({ error });
    }
  };
  return { status, run };
}

/** What the last action did (announced to screen readers) or its error. */
export function ActionStatusLine({ status }: { status: ActionStatus }) {
  return (
    <>
      {status.done ? (
        <p class="muted" role="status">
          {status.done}
        </p>
      ) : null}
      {status.error ? <p class="field-error">{errorText(status.error)}</p> : null}
    </>
  );
}
