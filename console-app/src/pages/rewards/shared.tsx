import type { ComponentChildren } from 'preact';
import { isApiError } from '../../api';
import './rewards.css';

/** Field path → message of a validation answer; the whole error otherwise. */
export function splitError(error: unknown): { fieldErrors: Record<string, string>; error: unknown } {
  if (isApiError(error) && error.issues.length > 0) return { fieldErrors: error.fieldErrors, error };
  return { fieldErrors: {}, error };
}

/** `datetime-local` value (the browser's clock) ↔ ISO string. */
export function toLocalInput(iso: string | null | undefined): string {
  if (!iso) return '';
  const date = new Date(iso);
  const offset = date.getTimezoneOffset() * 60_000;
  return new Date(date.getTime() - offset).toISOString().slice(0, 16);
}

export function fromLocalInput(value: string): string | null {
  return value ? new Date(value).toISOString() : null;
}

export function Badge({
  kind = 'info',
  children,
}: {
  kind?: 'info' | 'warn' | 'ok' | 'muted';
  children: ComponentChildren;
}) {
  return <span class={`badge badge-${kind}`}>{children}</span>;
}
