import { explainError } from './errors.js';
import { t } from './i18n.js';

type Child = Node | string | number | false | null | undefined;
type Attrs = Record<string, string | number | boolean | EventListener | undefined>;

/** A tiny element builder: attributes, `on…` listeners, children (falsy children are skipped). */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') element.addEventListener(name.slice(2), value);
    else if (value === true) element.setAttribute(name, '');
    else element.setAttribute(name, String(value));
  }
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : String(child));
  }
  return element;
}

let fieldCounter = 0;

/** A labelled form field; the hint and error are tied to the input for screen readers. */
export function field(
  label: string,
  input: HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement,
  hint?: string,
): HTMLDivElement {
  fieldCounter += 1;
  const id = input.id || `f${fieldCounter}`;
  input.id = id;
  const errorId = `${id}-error`;
  input.setAttribute('aria-describedby', hint ? `${id}-hint ${errorId}` : errorId);
  return h(
    'div',
    { class: 'field' },
    h('label', { for: id }, label),
    input,
    hint ? h('small', { id: `${id}-hint`, class: 'hint' }, hint) : null,
    h('small', { id: errorId, class: 'error', role: 'alert' }),
  );
}

export function setFieldError(input: HTMLElement, message: string | undefined) {
  const error = document.getElementById(`${input.id}-error`);
  if (error) error.textContent = message ?? '';
  if (message) input.setAttribute('aria-invalid', 'true');
  else input.removeAttribute('aria-invalid');
}

/** A status banner (success / error / info) announced politely. */
export function banner(kind: 'ok' | 'error' | 'info', text: string, ...extra: Child[]) {
  return h(
    'div',
    { class: `banner ${kind}`, role: kind === 'error' ? 'alert' : 'status', 'data-testid': `banner-${kind}` },
    text,
    ...extra,
  );
}

/**
 * An error in the member's language with what to do about it: the sentence for its code (never the
 * server's developer message) and, where there is one, a button that goes there (register, open again…).
 */
export function errorBanner(error: unknown, go?: (route: string) => void, ...extra: Child[]) {
  const { message, action } = explainError(error);
  const onclick = action === 'reload' ? () => location.reload() : action && go ? () => go(action) : undefined;
  const button =
    action &&
    onclick &&
    h(
      'button',
      { type: 'button', class: 'secondary', 'data-testid': `error-action-${action}`, onclick },
      t(`error.action.${action}`),
    );
  return banner('error', t(message), ...(button ? [' ', button] : []), ...extra);
}

export function empty(text: string) {
  return h('p', { class: 'empty' }, text);
}

/** Disables a button while `work` runs and shows the busy label in its place (fixed width: no layout shift). */
export async function busy<T>(button: HTMLButtonElement, label: string, work: () => Promise<T>): Promise<T> {
  const original = button.textContent ?? '';
  button.disabled = true;
  button.setAttribute('aria-busy', 'true');
  button.textContent = label;
  try {
    return await work();
  } finally {
    button.disabled = false;
    button.removeAttribute('aria-busy');
    button.textContent = original;
  }
}
