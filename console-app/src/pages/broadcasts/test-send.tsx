import { useEffect, useState } from 'preact/hooks';
import { createTranslator, locale } from '../../i18n';
import { ActionStatusLine, Loading, useActionStatus } from '../../ui/feedback';
import { broadcastsApi, type LineLink, type LineMessage, type Locale } from './broadcasts-api';
import { InlineField } from './segment-fields';
import { messages } from './messages';

const t = createTranslator(messages);

/**
 * "Send a test to me": the composed messages to the sender's own LINE account, in the version for their
 * language. The account is linked here once, proved by a one-time code LINE delivers to it.
 */
export function TestSend({
  composed,
}: {
  /** The messages as they would be sent (the version per language); undefined while nothing is written. */
  composed: () => { messages: LineMessage[]; languages?: Partial<Record<Locale, LineMessage[]>> };
}) {
  // undefined while the link is being read: neither form is shown, so nobody types into one that then vanishes.
  const [link, setLink] = useState<LineLink | null>();
  const [lineUserId, setLineUserId] = useState('');
  const [code, setCode] = useState('');
  const { status, run } = useActionStatus();

  useEffect(() => {
    broadcastsApi.lineLink().then(setLink, () => setLink(null));
  }, []);

  const sendTest = () =>
    run(async () => {
      const { messages: written, languages } = composed();
      const sent = await broadcastsApi.sendTest({
        messages: written,
        ...(languages ? { languages } : {}),
        locale: locale.value,
      });
      return t('test.sent', { left: String(sent.limit - sent.sentThisHour) });
    });

  return (
    <div class="test-send" role="group" aria-label={t('test.title')}>
      <strong>{t('test.title')}</strong>
      {link === undefined ? (
        <Loading />
      ) : link?.verified ? (
        <div class="toolbar">
          <span class="muted" data-testid="test-line-user">
            {t('test.linked', { id: `…${link.lineUserId?.slice(-6) ?? ''}` })}
          </span>
          <button type="button" disabled={status.busy} onClick={sendTest}>
            {t('test.send')}
          </button>
          <button
            type="button"
            class="ghost"
            disabled={status.busy}
            onClick={() =>
              run(async () => {
                setLink(await broadcastsApi.unlinkLine());
                return undefined;
              })
            }
          >
            {t('test.unlink')}
          </button>
        </div>
      ) : (
        <div class="toolbar">
          <InlineField label={t('test.lineUserId')}>
            {(id) => (
              <input
                id={id}
                value={lineUserId}
                placeholder="U0123…"
                spellcheck={false}
                onInput={(event) => setLineUserId(event.currentTarget.value)}
              />
            )}
          </InlineField>
          <button
            type="button"
            disabled={status.busy || lineUserId.trim() === ''}
            onClick={() =>
              run(async () => {
                setLink(await broadcastsApi.startLineLink(lineUserId.trim(), locale.value));
                return t('test.codeSent');
              })
            }
          >
            {t('test.sendCode')}
          </button>
          {link?.codePending ? (
            <>
              <InlineField label={t('test.code')}>
                {(id) => (
                  <input
                    id={id}
                    value={code}
                    inputMode="numeric"
                    autocomplete="one-time-code"
                    maxLength={6}
                    onInput={(event) => setCode(event.currentTarget.value)}
                  />
                )}
              </InlineField>
              <button
                type="button"
                disabled={status.busy || code.trim().length !== 6}
                onClick={() =>
                  run(async () => {
                    setLink(await broadcastsApi.verifyLine(code.trim()));
                    setCode('');
                    return t('test.verified');
                  })
                }
              >
                {t('test.verify')}
              </button>
            </>
          ) : null}
        </div>
      )}
      <ActionStatusLine status={status} />
      {link === undefined || link?.verified ? null : <p class="muted">{t('test.hint')}</p>}
    </div>
  );
}
