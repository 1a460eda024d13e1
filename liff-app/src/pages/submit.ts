import { api, ApiError } from '../api.js';
import type { Page } from '../app.js';
import { t, type MessageKey } from '../i18n.js';
import { banner, busy, field, errorBanner, h } from '../ui.js';

type SubmitAnswer = {
  outcome: string;
  submission: { id: string; state: string; reason: string | null } | null;
  errors: { field: string; reason: string }[];
  rewards: { points: number; entries: number; instantPlayId: string | null } | null;
  /** Part of a proof was sent: what to ask for, and the proof text kept so far (`keep`). */
  question?:
    | {
        missing: 'invoice_date';
        invoiceNumber: string;
        min: string;
        max: string;
        days: string[];
        suggestedDate?: string;
        keep: string;
      }
    | { missing: 'left_qr'; keep: string }
    | null;
};

function newKey(): string {
  return crypto.randomUUID().replace(/-/g, '');
}

function localDateTime(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

export const submitPage: Page = async ({ refresh, go, scan }) => {
  const result = h('div', { class: 'status-slot', 'data-testid': 'submit-result' });
  const photoResult = h('div', {
    class: 'status-slot',
    'data-testid': 'photo-result',
    'aria-live': 'polite',
  });
  // One key per proof: a double tap or a resend after a network error is recognised by the server.
  let key = newKey();

  // The answer goes where the member is looking: above the forms for a typed or scanned invoice, right
  // under the button for a photo (far down the page), scrolled into view either way.
  const show = (answer: SubmitAnswer, slot: HTMLElement = result) => {
    if (answer.outcome === 'incomplete' && answer.question) {
      ask(answer.question, slot);
      return;
    }
    const kind =
      answer.outcome === 'accepted'
        ? 'ok'
        : ['rejected', 'invalid', 'duplicate_other'].includes(answer.outcome)
          ? 'error'
          : 'info';
    const title = t(`outcome.${answer.outcome}` as MessageKey) || answer.outcome;
    slot.replaceChildren(
      banner(
        kind,
        title,
        answer.rewards &&
          h('p', {}, t('outcome.earned', { points: answer.rewards.points, entries: answer.rewards.entries })),
        answer.submission?.reason && h('p', {}, answer.submission.reason),
        answer.outcome === 'accepted' &&
          h('button', { type: 'button', class: 'secondary', onclick: () => go('survey') }, t('survey.title')),
        answer.rewards?.instantPlayId &&
          h(
            'button',
            { type: 'button', class: 'secondary', onclick: () => go('prizes') },
            t('prizes.scratch'),
          ),
      ),
    );
    slot.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
    key = newKey();
    void refresh();
  };
  /** Sends the proof text kept, completed by the member's answer, as one proof. */
  const sendText = (text: string, slot: HTMLElement) =>
    api<SubmitAnswer>('/api/liff/submissions', {
      method: 'POST',
      headers: { 'idempotency-key': key },
      body: { text },
    })
      .then((answer) => show(answer, slot))
      .catch((error: unknown) => fail(error, slot));

  // Part of a proof (a barcode, a right QR code, a photo's printed number and code): keep it and ask for
  // the rest right there — a day of the invoice's period, or a scan of the left QR code.
  const ask = (question: NonNullable<SubmitAnswer['question']>, slot: HTMLElement) => {
    key = newKey();
    if (question.missing === 'left_qr') {
      const scanLeft = h(
        'button',
        { type: 'button', class: 'primary', disabled: !scan },
        t('submit.scanLeft'),
      );
      scanLeft.addEventListener('click', () => {
        if (!scan) return;
        void busy(scanLeft, t('submit.sending'), async () => {
          const left = await scan().catch(() => undefined);
          if (left) await sendText(`${left}\n${question.keep}`, slot);
        });
      });
      slot.replaceChildren(
        banner('info', t('outcome.incomplete'), h('p', {}, t('submit.askLeft')), scanLeft),
      );
    } else {
      const pick = (day: string, button: HTMLButtonElement) =>
        void busy(button, t('submit.sending'), () => sendText(`${question.keep} ${day}`, slot));
      const days = [question.suggestedDate, ...question.days]
        .filter((day, index, all): day is string => Boolean(day) && all.indexOf(day) === index)
        .map((day) => {
          const button = h('button', { type: 'button', class: 'secondary', 'data-day': day }, day);
          button.addEventListener('click', () => pick(day, button));
          return button;
        });
      const other = h('input', { type: 'date', min: question.min, max: question.max, value: question.max });
      const otherSend = h('button', { type: 'button', class: 'primary' }, t('submit.send'));
      otherSend.addEventListener('click', () => {
        if (other.value && other.value >= question.min && other.value <= question.max)
          pick(other.value, otherSend);
        else other.focus();
      });
      slot.replaceChildren(
        banner(
          'info',
          t('outcome.incomplete'),
          h('p', {}, t('submit.askDate', { number: question.invoiceNumber })),
          h('div', { class: 'day-choices' }, ...days),
          field(t('submit.otherDay'), other),
          otherSend,
        ),
      );
    }
    slot.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
  };

  const fail = (error: unknown, slot: HTMLElement = result) => {
    const unavailable = error instanceof ApiError && error.code === 'liff.proof_channel_unavailable';
    slot.replaceChildren(unavailable ? banner('error', t('submit.notAvailable')) : errorBanner(error, go));
    slot.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
  };

  const invoiceNumber = h('input', {
    name: 'invoiceNumber',
    required: true,
    autocomplete: 'off',
    autocapitalize: 'characters',
    maxlength: '11',
    pattern: '[A-Za-z]{2}-?[0-9]{8}',
    placeholder: 'AB12345678',
  });
  const date = h('input', {
    name: 'date',
    type: 'date',
    required: true,
    value: localDateTime(new Date()).slice(0, 10),
  });
  const randomCode = h('input', {
    name: 'randomCode',
    required: true,
    inputmode: 'numeric',
    maxlength: '4',
    pattern: '[0-9]{4}',
    placeholder: '1234',
  });
  const send = h('button', { class: 'primary', type: 'submit' }, t('submit.send'));
  const typed = h(
    'form',
    { 'aria-labelledby': 'typed-title' },
    h('h2', { id: 'typed-title' }, t('submit.typed')),
    field(t('submit.invoiceNumber'), invoiceNumber),
    field(t('submit.date'), date),
    field(t('submit.randomCode'), randomCode),
    send,
  );
  typed.addEventListener('submit', (event) => {
    event.preventDefault();
    if (!typed.reportValidity()) return;
    void busy(send, t('submit.sending'), async () => {
      try {
        show(
          await api<SubmitAnswer>('/api/liff/submissions', {
            method: 'POST',
            headers: { 'idempotency-key': key },
            body: {
              invoiceNumber: invoiceNumber.value.toUpperCase(),
              date: date.value,
              randomCode: randomCode.value,
            },
          }),
        );
      } catch (error) {
        fail(error);
      }
    });
  });

  const scanButton = h('button', { type: 'button', class: 'secondary', disabled: !scan }, t('submit.scan'));
  scanButton.addEventListener('click', () => {
    if (!scan) return;
    void busy(scanButton, t('submit.sending'), async () => {
      try {
        const text = await scan();
        if (!text) return;
        show(
          await api<SubmitAnswer>('/api/liff/submissions', {
            method: 'POST',
            headers: { 'idempotency-key': key },
            body: { text },
          }),
        );
      } catch (error) {
        fail(error);
      }
    });
  });

  const photo = h('input', {
    name: 'photo',
    type: 'file',
    accept: 'image/jpeg,image/png,image/webp,image/heic',
    capture: 'environment',
    required: true,
  });
  const capturedAt = h('input', {
    name: 'capturedAt',
    type: 'datetime-local',
    value: localDateTime(new Date()),
  });
  photo.addEventListener('change', () => {
    const file = photo.files?.[0];
    // The file's modification time is the best capture time a browser gives; the member can correct it.
    if (file?.lastModified) capturedAt.value = localDateTime(new Date(file.lastModified));
  });
  const withLocation = h('input', { type: 'checkbox', name: 'location' });
  const upload = h('button', { class: 'primary', type: 'submit' }, t('submit.sendPhoto'));
  const photoForm = h(
    'form',
    { 'aria-labelledby': 'photo-title' },
    h('h2', { id: 'photo-title' }, t('submit.photo')),
    field(t('submit.photoFile'), photo),
    field(t('submit.capturedAt'), capturedAt),
    h('label', { class: 'check' }, withLocation, ' ', t('submit.location')),
    upload,
    photoResult,
  );
  photoForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const file = photo.files?.[0];
    if (!file) {
      photo.focus();
      return;
    }
    void busy(upload, t('submit.sending'), async () => {
      // Reading a photo takes seconds: say so where the member looks, with a moving bar.
      photoResult.replaceChildren(
        banner(
          'info',
          t('submit.reading'),
          h('div', { class: 'progress', role: 'progressbar', 'aria-busy': 'true' }),
        ),
      );
      photoResult.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
      try {
        const headers: Record<string, string> = {
          'idempotency-key': key,
          'content-type': file.type || 'image/jpeg',
          'x-captured-at': new Date(capturedAt.value).toISOString(),
        };
        if (withLocation.checked && 'geolocation' in navigator) {
          const position = await new Promise<GeolocationPosition | null>((resolve) =>
            navigator.geolocation.getCurrentPosition(resolve, () => resolve(null), {
              timeout: 5000,
              maximumAge: 60_000,
            }),
          );
          if (position) {
            headers['x-latitude'] = String(position.coords.latitude);
            headers['x-longitude'] = String(position.coords.longitude);
          }
        }
        show(
          await api<SubmitAnswer>('/api/liff/receipts', { method: 'POST', headers, body: file }),
          photoResult,
        );
      } catch (error) {
        fail(error, photoResult);
      }
    });
  });

  return h(
    'section',
    { 'data-page': 'submit' },
    h('h1', {}, t('submit.title')),
    result,
    h('div', { class: 'card' }, scanButton, !scan && h('p', { class: 'hint' }, t('submit.scanUnavailable'))),
    h('div', { class: 'card' }, typed),
    h('div', { class: 'card' }, photoForm),
  );
};
