import type { HTMLAttributes, JSX } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { createTranslator } from '../i18n';

const t = createTranslator();

/** What a row's focus can be on (its slot is the position among these, so focus follows a moved row). */
const FOCUSABLE = 'input, select, textarea, button, [tabindex]';

/** `items` with the one at `from` taken out and put at `to` (the others keep their order). */
export function moveItem<T>(items: readonly T[], from: number, to: number): T[] {
  if (from === to || from < 0 || from >= items.length || to < 0 || to >= items.length) return [...items];
  const next = [...items];
  const [moved] = next.splice(from, 1);
  next.splice(to, 0, moved as T);
  return next;
}

type Sortable = {
  /** On the element holding the rows (rows are found under it by `data-sort-index`). */
  listRef: { current: HTMLDivElement | null };
  /** On each row: Alt+ArrowUp / Alt+ArrowDown anywhere in it, and where a dragged row is dropped. */
  rowProps: (index: number) => HTMLAttributes<HTMLDivElement> & Record<string, unknown>;
  /** The row's drag handle (a button: also moves with ArrowUp / ArrowDown alone). */
  handle: (index: number) => JSX.Element;
  /** Moves a row as the keyboard does (the focus follows `focused`, else the handle; it is announced). */
  move: (from: number, to: number, focused?: Element | null) => void;
  /** The polite live region that says each move in the console's language. */
  announcer: JSX.Element;
};

/**
 * Rows that reorder by drag and drop (the handle) and by keyboard: Alt+ArrowUp / Alt+ArrowDown moves the
 * row the focus is in, the focus stays on the same field of the moved row, and a live region announces
 * "<item> moved to position 2 of 3". `onMove` gets the indexes; the caller reorders its own list.
 */
export function useSortable({
  count,
  onMove,
  nameOf,
}: {
  count: number;
  onMove: (from: number, to: number) => void;
  /** How the announcement names the row (`tea`, the question's key). */
  nameOf: (index: number) => string;
}): Sortable {
  const listRef = useRef<HTMLDivElement | null>(null);
  const dragFrom = useRef<number | null>(null);
  const pendingFocus = useRef<{ index: number; slot: number | 'handle' } | null>(null);
  const [over, setOver] = useState<number | null>(null);
  const [announcement, setAnnouncement] = useState('');

  // The list's own rows only: a row may hold a sortable list of its own (a question's options).
  const rowAt = (index: number) =>
    listRef.current?.querySelector<HTMLElement>(`:scope > [data-sort-index="${index}"]`) ?? null;

  // After the re-render that shows the new order: focus the same field in the row's new place.
  useEffect(() => {
    const pending = pendingFocus.current;
    if (!pending) return;
    pendingFocus.current = null;
    const row = rowAt(pending.index);
    if (!row) return;
    const target =
      pending.slot === 'handle'
        ? row.querySelector<HTMLElement>('[data-sort-handle]')
        : row.querySelectorAll<HTMLElement>(FOCUSABLE)[pending.slot];
    (target ?? row.querySelector<HTMLElement>('[data-sort-handle]'))?.focus();
  });

  const moveTo = (from: number, to: number, slot: number | 'handle') => {
    if (from === to || to < 0 || to >= count) return;
    const name = nameOf(from);
    pendingFocus.current = { index: to, slot };
    onMove(from, to);
    setAnnouncement(t('sort.moved', { item: name, position: to + 1, count }));
  };

  const onKeyDown = (index: number) => (event: KeyboardEvent) => {
    if (event.key !== 'ArrowUp' && event.key !== 'ArrowDown') return;
    const target = event.target as HTMLElement;
    const onHandle = target.hasAttribute('data-sort-handle');
    if (!event.altKey && !onHandle) return;
    if (event.ctrlKey || event.metaKey || event.shiftKey) return;
    // A row inside this row's list that is itself sortable handles its own keys.
    if (target.closest('[data-sort-index]') !== event.currentTarget) return;
    if ((event.currentTarget as HTMLElement).closest('fieldset:disabled')) return;
    event.preventDefault();
    const row = event.currentTarget as HTMLElement;
    const slot = onHandle ? 'handle' : [...row.querySelectorAll(FOCUSABLE)].indexOf(target);
    moveTo(index, index + (event.key === 'ArrowUp' ? -1 : 1), slot === -1 ? 'handle' : slot);
  };

  return {
    listRef,
    rowProps: (index) => ({
      'data-sort-index': index,
      'data-drop-target': over === index && dragFrom.current !== index ? 'true' : undefined,
      onKeyDown: onKeyDown(index),
      onDragOver: (event: DragEvent) => {
        if (dragFrom.current === null) return;
        event.preventDefault();
        if (event.dataTransfer) event.dataTransfer.dropEffect = 'move';
        if (over !== index) setOver(index);
      },
      onDrop: (event: DragEvent) => {
        const from = dragFrom.current;
        if (from === null) return;
        event.preventDefault();
        dragFrom.current = null;
        setOver(null);
        moveTo(from, index, 'handle');
      },
    }),
    handle: (index) => (
      <button
        type="button"
        class="drag-handle"
        data-sort-handle=""
        draggable
        aria-label={t('sort.handle', { item: nameOf(index) })}
        title={t('sort.handle', { item: nameOf(index) })}
        aria-keyshortcuts="Alt+ArrowUp Alt+ArrowDown"
        onDragStart={(event) => {
          dragFrom.current = index;
          if (event.dataTransfer) {
            event.dataTransfer.effectAllowed = 'move';
            event.dataTransfer.setData('text/plain', nameOf(index));
            const row = rowAt(index);
            if (row) event.dataTransfer.setDragImage(row, 16, 16);
          }
        }}
        onDragEnd={() => {
          dragFrom.current = null;
          setOver(null);
        }}
      >
        <span aria-hidden="true">⠿</span>
      </button>
    ),
    move: (from, to, focused) => {
      const slot = focused ? [...(rowAt(from)?.querySelectorAll(FOCUSABLE) ?? [])].indexOf(focused) : -1;
      moveTo(from, to, slot === -1 ? 'handle' : slot);
    },
    announcer: (
      <p class="sr-only" aria-live="polite" data-testid="sort-announcer">
        {announcement}
      </p>
    ),
  };
}
