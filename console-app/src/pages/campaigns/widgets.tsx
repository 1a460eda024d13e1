import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { Field } from '../../ui/field';
import { linesOf, toInt, toMajor, toMinor } from './model';

/** A whole number (or empty: `undefined`). */
export function IntField({
  label,
  name,
  value,
  onChange,
  error,
  min = 0,
  hint,
}: {
  label: string;
  name: string;
  value: number | undefined;
  onChange: (next: number | undefined) => void;
  error?: string | undefined;
  min?: number;
  hint?: string;
}) {
  return (
    <Field label={label} error={error} {...(hint ? { hint } : {})}>
      {(props) => (
        <input
          {...props}
          name={name}
          type="number"
          inputMode="numeric"
          min={min}
          step={1}
          value={value === undefined ? '' : String(value)}
          onInput={(event) => onChange(toInt(event.currentTarget.value))}
        />
      )}
    </Field>
  );
}

/** An amount typed in the currency's units, kept in minor units (×100) as the server wants. */
export function MoneyField({
  label,
  name,
  value,
  onChange,
  error,
  currency,
}: {
  label: string;
  name: string;
  value: number | undefined;
  onChange: (next: number | undefined) => void;
  error?: string | undefined;
  currency: string;
}) {
  // The typed text is kept while typing ("12." must stay "12."), the number is what is sent.
  const [text, setText] = useState(toMajor(value));
  useEffect(() => {
    if (toMinor(text) !== value) setText(toMajor(value));
  }, [value]);
  return (
    <Field label={`${label} (${currency})`} error={error}>
      {(props) => (
        <input
          {...props}
          name={name}
          type="number"
          inputMode="decimal"
          min={0}
          step="0.01"
          value={text}
          onInput={(event) => {
            setText(event.currentTarget.value);
            onChange(toMinor(event.currentTarget.value));
          }}
        />
      )}
    </Field>
  );
}

/** Words, one per line (keywords, store names, business IDs). */
export function WordList({
  label,
  name,
  value,
  onChange,
  error,
  hint,
}: {
  label: string;
  name: string;
  value: string[] | undefined;
  onChange: (next: string[]) => void;
  error?: string | undefined;
  hint?: string;
}) {
  const [text, setText] = useState((value ?? []).join('\n'));
  useEffect(() => {
    if (linesOf(text).join('\n') !== (value ?? []).join('\n')) setText((value ?? []).join('\n'));
  }, [value]);
  return (
    <Field label={label} error={error} {...(hint ? { hint } : {})}>
      {(props) => (
        <textarea
          {...props}
          name={name}
          rows={3}
          value={text}
          onInput={(event) => {
            setText(event.currentTarget.value);
            onChange(linesOf(event.currentTarget.value));
          }}
        />
      )}
    </Field>
  );
}

export function Check({
  label,
  name,
  checked,
  onChange,
  error,
}: {
  label: string;
  name: string;
  checked: boolean;
  onChange: (next: boolean) => void;
  error?: string | undefined;
}) {
  return (
    <div class={`check${error ? ' field-invalid' : ''}`}>
      <label>
        <input
          type="checkbox"
          name={name}
          checked={checked}
          aria-invalid={error ? true : undefined}
          onChange={(event) => onChange(event.currentTarget.checked)}
        />{' '}
        {label}
      </label>
      {error ? <p class="field-error">{error}</p> : null}
    </div>
  );
}

export function SelectField<V extends string>({
  label,
  name,
  value,
  options,
  onChange,
  error,
}: {
  label: string;
  name: string;
  value: V;
  options: { value: V; label: string }[];
  onChange: (next: V) => void;
  error?: string | undefined;
}) {
  return (
    <Field label={label} error={error}>
      {(props) => (
        <select
          {...props}
          name={name}
          value={value}
          onChange={(event) => onChange(event.currentTarget.value as V)}
        >
          {options.map((option) => (
            <option key={option.value} value={option.value}>
              {option.label}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}

/** A titled group of fields; `aside` is a hint line under the title. */
export function Section({
  title,
  aside,
  children,
  actions,
}: {
  title: string;
  aside?: string;
  children: ComponentChildren;
  actions?: ComponentChildren;
}) {
  return (
    <fieldset class="editor-section">
      <legend>{title}</legend>
      {aside ? <p class="field-hint">{aside}</p> : null}
      {children}
      {actions ? <div class="section-actions">{actions}</div> : null}
    </fieldset>
  );
}

/** A fieldset that is only there when switched on (an optional rule or reward). */
export function Optional({
  title,
  name,
  enabled,
  onToggle,
  children,
  error,
}: {
  title: string;
  name: string;
  enabled: boolean;
  onToggle: (on: boolean) => void;
  children: ComponentChildren;
  error?: string | undefined;
}) {
  return (
    <fieldset class={`editor-section${enabled ? '' : ' off'}`}>
      <legend>
        <label>
          <input
            type="checkbox"
            name={name}
            checked={enabled}
            onChange={(event) => onToggle(event.currentTarget.checked)}
          />{' '}
          {title}
        </label>
      </legend>
      {error ? <p class="field-error">{error}</p> : null}
      {enabled ? children : null}
    </fieldset>
  );
}
