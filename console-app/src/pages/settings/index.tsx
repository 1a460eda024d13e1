import { useEffect, useRef, useState } from 'preact/hooks';
import { api, isApiError } from '../../api';
import { createTranslator, LOCALE_NAMES, LOCALES, type Locale } from '../../i18n';
import { can, loadMe } from '../../session';
import { Banner, ErrorBanner, Loading, errorText } from '../../ui/feedback';
import { Field } from '../../ui/field';
import '../../ui/admin.css';
import type { BroadcastSettingsView } from '../../../../core/settings/settings.usecases';
import { BroadcastSettingsForm } from './broadcast-settings';
import { messages } from './messages';

const t = createTranslator(messages);

type Profile = {
  id: string;
  slug: string;
  name: string;
  country: 'TW' | 'TH';
  timezone: string;
  currency: 'TWD' | 'THB';
  defaultLocale: Locale;
};
type Channel = {
  id: string;
  lineChannelId: string;
  name: string;
  liffId: string | null;
  loginChannelId: string | null;
  botUserId: string | null;
  managedByEnv: boolean;
  channelSecret: string;
  channelAccessToken: string;
  webhookUrl: string;
  liffUrl: string | null;
};
type Settings = { brand: Profile; channels: Channel[]; broadcasts: BroadcastSettingsView };
type Notice = { kind: 'success' | 'error'; text: string } | null;

const TIME_ZONES = ['Asia/Taipei', 'Asia/Bangkok'];

/** Settings: the brand's profile, broadcast settings and LINE channels (owners change them; others read). */
export default function SettingsPage() {
  const [settings, setSettings] = useState<Settings | null>(null);
  const [error, setError] = useState<unknown>(null);
  const load = () =>
    api
      .get<Settings>('/settings')
      .then((answer) => {
        setSettings(answer);
        setError(null);
      })
      .catch(setError);
  useEffect(() => {
    void load();
  }, []);

  if (error && !settings) return <ErrorBanner error={error} onRetry={load} />;
  if (!settings) return <Loading />;
  return (
    <section class="page">
      <div class="page-head">
        <h1>{t('nav.settings')}</h1>
      </div>
      {can('settings.write') ? null : <Banner>{t('readOnly')}</Banner>}
      <ProfileForm profile={settings.brand} onSaved={load} />
      <BroadcastSettingsForm key={settings.brand.country} settings={settings.broadcasts} onSaved={load} />
      <Channels channels={settings.channels} onChanged={load} />
    </section>
  );
}

function ProfileForm({ profile, onSaved }: { profile: Profile; onSaved: () => Promise<void> }) {
  const writable = can('settings.write');
  const [draft, setDraft] = useState(profile);
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState<Notice>(null);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const zones = TIME_ZONES.includes(profile.timezone) ? TIME_ZONES : [profile.timezone, ...TIME_ZONES];

  const save = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setNotice(null);
    setFieldErrors({});
    try {
      const { changed } = await api.patch<{ changed: string[] }>('/settings/brand', {
        name: draft.name,
        country: draft.country,
        timezone: draft.timezone,
        defaultLocale: draft.defaultLocale,
      });
      setNotice({ kind: 'success', text: t(changed.length ? 'profile.saved' : 'profile.unchanged') });
      // The shell shows the brand's name and formats dates in its time zone.
      await Promise.all([onSaved(), loadMe()]);
    } catch (error) {
      if (isApiError(error) && error.code === 'settings.unknown_time_zone')
        setFieldErrors({ timezone: error.message });
      else setFieldErrors(isApiError(error) ? error.fieldErrors : {});
      setNotice({ kind: 'error', text: errorText(error) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="admin-section card-block" aria-labelledby="settings-profile">
      <h2 id="settings-profile">{t('profile.title')}</h2>
      {notice ? <Banner kind={notice.kind}>{notice.text}</Banner> : null}
      <form class="admin-form" onSubmit={save} noValidate>
        <div class="form-row">
          <Field label={t('profile.name')} error={fieldErrors.name}>
            {(props) => (
              <input
                {...props}
                value={draft.name}
                disabled={!writable}
                onInput={(e) => setDraft({ ...draft, name: e.currentTarget.value })}
              />
            )}
          </Field>
          <Field label={t('profile.slug')}>
            {(props) => <input {...props} value={profile.slug} disabled class="mono" />}
          </Field>
          <Field label={t('profile.country')} error={fieldErrors.country}>
            {(props) => (
              <select
                {...props}
                value={draft.country}
                disabled={!writable}
                onChange={(e) => setDraft({ ...draft, country: e.currentTarget.value as Profile['country'] })}
              >
                <option value="TW">{t('country.TW')}</option>
                <option value="TH">{t('country.TH')}</option>
              </select>
            )}
          </Field>
          <Field label={t('profile.currency')} hint={t('profile.currencyHint')}>
            {(props) => <input {...props} value={draft.country === 'TH' ? 'THB' : 'TWD'} disabled />}
          </Field>
          <Field label={t('profile.timezone')} error={fieldErrors.timezone}>
            {(props) => (
              <select
                {...props}
                value={draft.timezone}
                disabled={!writable}
                onChange={(e) => setDraft({ ...draft, timezone: e.currentTarget.value })}
              >
                {zones.map((zone) => (
                  <option key={zone} value={zone}>
                    {zone}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label={t('profile.language')} error={fieldErrors.defaultLocale}>
            {(props) => (
              <select
                {...props}
                value={draft.defaultLocale}
                disabled={!writable}
                onChange={(e) => setDraft({ ...draft, defaultLocale: e.currentTarget.value as Locale })}
              >
                {LOCALES.map((code) => (
                  <option key={code} value={code}>
                    {LOCALE_NAMES[code]}
                  </option>
                ))}
              </select>
            )}
          </Field>
        </div>
        {writable ? (
          <div class="buttons">
            <button type="submit" class="primary" disabled={busy}>
              {busy ? t('common.saving') : t('common.save')}
            </button>
          </div>
        ) : null}
      </form>
    </section>
  );
}

function CopyButton({ text }: { text: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <button
      type="button"
      onClick={() => {
        navigator.clipboard
          ?.writeText(text)
          .catch(() => undefined)
          .finally(() => setCopied(true));
      }}
    >
      {copied ? t('channel.copied') : t('channel.copy')}
    </button>
  );
}

function Channels({ channels, onChanged }: { channels: Channel[]; onChanged: () => Promise<void> }) {
  const writable = can('settings.write');
  const [editing, setEditing] = useState<Channel | 'new' | null>(null);
  const [notice, setNotice] = useState<Record<string, Notice>>({});
  const [busy, setBusy] = useState<string | null>(null);

  const run = async (channel: Channel, kind: 'test' | 'rich-menu') => {
    setBusy(`${channel.id}:${kind}`);
    setNotice((all) => ({ ...all, [channel.id]: null }));
    try {
      if (kind === 'test') {
        const result = await api.post<
          | { ok: true; bot: { displayName: string | null; basicId: string | null; userId: string } }
          | { ok: false; status: number | null; message: string }
        >(`/settings/channels/${encodeURIComponent(channel.id)}/test`, {});
        setNotice((all) => ({
          ...all,
          [channel.id]: result.ok
            ? {
                kind: 'success',
                text: t('channel.testOk', {
                  bot:
                    [result.bot.displayName, result.bot.basicId].filter(Boolean).join(' ') ||
                    result.bot.userId,
                }),
              }
            : {
                kind: 'error',
                text: t('channel.testFailed', { status: result.status ?? '—', message: result.message }),
              },
        }));
        if (result.ok) await onChanged();
      } else {
        const { richMenuId } = await api.post<{ richMenuId: string }>(
          `/settings/channels/${encodeURIComponent(channel.id)}/rich-menu`,
          {},
        );
        setNotice((all) => ({
          ...all,
          [channel.id]: { kind: 'success', text: t('channel.richMenuDone', { id: richMenuId }) },
        }));
      }
    } catch (error) {
      setNotice((all) => ({ ...all, [channel.id]: { kind: 'error', text: errorText(error) } }));
    } finally {
      setBusy(null);
    }
  };

  return (
    <section class="admin-section" aria-labelledby="settings-channels">
      <div class="page-head">
        <h2 id="settings-channels">{t('channels.title')}</h2>
        {writable ? (
          <button type="button" class="primary" onClick={() => setEditing('new')}>
            {t('channels.add')}
          </button>
        ) : null}
      </div>
      {editing ? (
        <ChannelDialog
          channel={editing === 'new' ? null : editing}
          onClose={(saved) => {
            setEditing(null);
            if (saved) void onChanged();
          }}
        />
      ) : null}
      {channels.length === 0 ? <p class="muted">{t('channels.none')}</p> : null}
      {channels.map((channel) => (
        <article
          key={channel.id}
          class="card-block admin-section"
          data-testid="channel"
          aria-label={channel.name}
        >
          <div class="page-head">
            <h3>{channel.name}</h3>
            <span class="pill mono">{channel.lineChannelId}</span>
            {channel.managedByEnv ? <span class="pill pill-warn">{t('channel.env')}</span> : null}
          </div>
          {notice[channel.id] ? (
            <Banner kind={notice[channel.id]!.kind}>{notice[channel.id]!.text}</Banner>
          ) : null}
          <dl class="channel-facts">
            <dt>{t('channel.webhook')}</dt>
            <dd>
              <div class="copy-row">
                <input readOnly value={channel.webhookUrl} aria-label={t('channel.webhook')} />
                <CopyButton text={channel.webhookUrl} />
              </div>
              <p class="muted small">{t('channel.webhookHint')}</p>
            </dd>
            <dt>{t('channel.secret')}</dt>
            <dd class="mono">{channel.channelSecret}</dd>
            <dt>{t('channel.token')}</dt>
            <dd class="mono">{channel.channelAccessToken}</dd>
            <dt>{t('channel.liffId')}</dt>
            <dd class="mono">{channel.liffId ?? '—'}</dd>
            <dt>{t('channel.loginChannelId')}</dt>
            <dd class="mono">{channel.loginChannelId ?? '—'}</dd>
            <dt>{t('channel.bot')}</dt>
            <dd class="mono">{channel.botUserId ?? <span class="muted">{t('channel.unknownBot')}</span>}</dd>
          </dl>
          {writable ? (
            <div class="row-actions">
              <button type="button" disabled={busy !== null} onClick={() => void run(channel, 'test')}>
                {busy === `${channel.id}:test` ? t('channel.testing') : t('channel.test')}
              </button>
              <button type="button" disabled={busy !== null} onClick={() => void run(channel, 'rich-menu')}>
                {busy === `${channel.id}:rich-menu` ? t('channel.richMenuWorking') : t('channel.richMenu')}
              </button>
              {channel.managedByEnv ? null : (
                <button type="button" onClick={() => setEditing(channel)}>
                  {t('channel.edit')}
                </button>
              )}
            </div>
          ) : null}
        </article>
      ))}
    </section>
  );
}

type ChannelDraft = {
  lineChannelId: string;
  name: string;
  channelSecret: string;
  channelAccessToken: string;
  liffId: string;
  loginChannelId: string;
};

/** Add or edit a channel in a modal dialog; secrets are typed in, never shown back. */
function ChannelDialog({ channel, onClose }: { channel: Channel | null; onClose: (saved: boolean) => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [draft, setDraft] = useState<ChannelDraft>({
    lineChannelId: channel?.lineChannelId ?? '',
    name: channel?.name ?? '',
    channelSecret: '',
    channelAccessToken: '',
    liffId: channel?.liffId ?? '',
    loginChannelId: channel?.loginChannelId ?? '',
  });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    if (dialog.current && !dialog.current.open) dialog.current.showModal();
  }, []);
  const close = (saved: boolean) => {
    dialog.current?.close();
    onClose(saved);
  };
  const fieldErrors = isApiError(error) ? error.fieldErrors : {};
  const set = (key: keyof ChannelDraft) => (event: { currentTarget: HTMLInputElement }) =>
    setDraft({ ...draft, [key]: event.currentTarget.value });

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      if (channel)
        await api.patch(`/settings/channels/${encodeURIComponent(channel.id)}`, {
          name: draft.name,
          channelSecret: draft.channelSecret,
          channelAccessToken: draft.channelAccessToken,
          liffId: draft.liffId,
          loginChannelId: draft.loginChannelId,
        });
      else
        await api.post('/settings/channels', {
          ...draft,
          liffId: draft.liffId || null,
          loginChannelId: draft.loginChannelId || null,
        });
      close(true);
    } catch (caught) {
      setError(caught);
      setBusy(false);
    }
  };

  const input = (
    key: keyof ChannelDraft,
    label: string,
    options: { secret?: boolean; disabled?: boolean } = {},
  ) => (
    <Field
      label={label}
      error={fieldErrors[key]}
      hint={channel && options.secret ? t('channel.keepHint') : undefined}
    >
      {(props) =>
        options.secret ? (
          <input
            {...props}
            type="password"
            autocomplete="new-password"
            value={draft[key]}
            onInput={set(key)}
          />
        ) : (
          <input
            {...props}
            type="text"
            autocomplete="off"
            disabled={options.disabled}
            value={draft[key]}
            onInput={set(key)}
          />
        )
      }
    </Field>
  );

  return (
    <dialog
      ref={dialog}
      class="admin-dialog"
      aria-labelledby="channel-dialog-title"
      onCancel={(event) => {
        event.preventDefault();
        close(false);
      }}
    >
      <h2 id="channel-dialog-title">
        {channel ? t('dialog.edit', { name: channel.name }) : t('dialog.add')}
      </h2>
      <form class="admin-form" onSubmit={submit} noValidate>
        {error && Object.keys(fieldErrors).length === 0 ? (
          <Banner kind="error">{errorText(error)}</Banner>
        ) : null}
        <div class="form-row">
          {input('lineChannelId', t('channel.id'), { disabled: Boolean(channel) })}
          {input('name', t('channel.name'))}
        </div>
        {input('channelSecret', t('channel.secret'), { secret: true })}
        {input('channelAccessToken', t('channel.token'), { secret: true })}
        <div class="form-row">
          {input('liffId', t('channel.liffId'))}
          {input('loginChannelId', t('channel.loginChannelId'))}
        </div>
        <div class="buttons">
          <button type="button" onClick={() => close(false)}>
            {t('common.cancel')}
          </button>
          <button type="submit" class="primary" disabled={busy}>
            {busy ? t('common.saving') : channel ? t('channel.save') : t('channel.create')}
          </button>
        </div>
      </form>
    </dialog>
  );
}
