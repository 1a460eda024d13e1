import { useEffect, useRef } from 'preact/hooks';
import {
  installStyles,
  renderMessage,
  renderQuickReplies,
  toDom,
  type DomDocumentLike,
} from '../../../../sim/line/message-renderer';
import type { LineMessage } from './broadcasts-api';

/**
 * The messages as LINE shows them, drawn by the renderer /dev/chat uses (sim/line/message-renderer.ts):
 * the same elements, classes and styles for the same message object. Taps do nothing here.
 */
export function LinePreview({
  messages,
  label,
  empty,
}: {
  messages: LineMessage[];
  label: string;
  empty: string;
}) {
  const drawn = useRef<HTMLDivElement>(null);
  const quick = useRef<HTMLDivElement>(null);
  const key = JSON.stringify(messages);
  useEffect(() => {
    const box = drawn.current;
    if (!box || !quick.current) return;
    installStyles(document);
    const doc = document as unknown as DomDocumentLike;
    box.replaceChildren(
      ...messages.map((message) => {
        const row = document.createElement('div');
        row.className = 'preview-row';
        row.dataset.testid = 'preview-message';
        row.appendChild(toDom(renderMessage(message), doc) as unknown as Node);
        return row;
      }),
    );
    quick.current.replaceChildren(
      ...renderQuickReplies(messages[messages.length - 1]).map((item) => toDom(item, doc) as unknown as Node),
    );
    // `key` stands for the messages: redrawn when their content changes, not on every render.
  }, [key]);
  return (
    <div class="chat-preview" role="region" aria-label={label}>
      {messages.length === 0 ? <p class="muted">{empty}</p> : null}
      <div class="preview-messages" ref={drawn} />
      <div class="preview-quick" ref={quick} />
    </div>
  );
}
