/**
 * How a LINE message object looks in the chat: the ONE renderer of `/dev/chat` (bundled into the chat
 * page by the simulator, `chatRendererScript()`) and of the console's broadcast preview (imported by
 * console-app). Text, Flex (bubble and carousel; box, text with spans, image, button, separator, spacer,
 * icon, filler, video), image, sticker, template (buttons, confirm, carousel, image carousel), imagemap,
 * and quick replies.
 *
 * Pure on purpose: `renderMessage` turns a message into a small tree (`RenderNode`) and `toDom` builds
 * that tree with any `document`; nothing here imports anything or touches a global, so the server
 * typechecks it without the DOM library and esbuild can bundle it alone for the chat page. Only hex
 * colours and http(s)/data URLs are used from the message; everything is set as text or attributes,
 * never as HTML.
 */

/** An action as LINE defines it (buttons, quick replies, tappable areas). */
export type LineAction = {
  type?: string;
  label?: string;
  text?: string;
  data?: string;
  displayText?: string;
  uri?: string;
  mode?: string;
  initial?: string;
  min?: string;
  max?: string;
};

export type RenderNode = {
  tag: string;
  className?: string;
  text?: string;
  attrs?: Record<string, string>;
  style?: Record<string, string>;
  /** Tapping the element performs this action (the chat page sends it; the console preview ignores it). */
  action?: LineAction;
  children?: RenderNode[];
};

type Json = Record<string, unknown>;

const asObject = (value: unknown): Json =>
  value && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : {};
const asList = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const asText = (value: unknown): string =>
  typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '';
const HEX = /^#[0-9a-fA-F]{6}([0-9a-fA-F]{2})?$/;
const color = (value: unknown): string | undefined =>
  typeof value === 'string' && HEX.test(value) ? value : undefined;
const safeUrl = (value: unknown): string | undefined =>
  typeof value === 'string' && /^(https?:|data:image\/)/i.test(value) ? value : undefined;

/** LINE's keyword sizes in pixels (text and icons; `md` is the default). */
const TEXT_PX: Record<string, number> = {
  xxs: 11,
  xs: 13,
  sm: 14,
  md: 16,
  lg: 19,
  xl: 22,
  xxl: 29,
  '3xl': 35,
  '4xl': 48,
  '5xl': 74,
};
/** Spacing and margin keywords in pixels. */
const SPACE_PX: Record<string, number> = { none: 0, xs: 2, sm: 4, md: 8, lg: 12, xl: 16, xxl: 20 };
/** Image sizes (`full` fills the width). */
const IMAGE_PX: Record<string, string> = {
  xxs: '40px',
  xs: '60px',
  sm: '80px',
  md: '100px',
  lg: '120px',
  xl: '140px',
  xxl: '160px',
  '3xl': '180px',
  '4xl': '200px',
  '5xl': '220px',
  full: '100%',
};

const px = (table: Record<string, number>, value: unknown): string | undefined => {
  if (typeof value !== 'string') return undefined;
  if (/^\d+(\.\d+)?(px|%)$/.test(value)) return value;
  return table[value] === undefined ? undefined : `${table[value]}px`;
};

type NodeInput = Omit<RenderNode, 'tag' | 'className' | 'style' | 'attrs'> & {
  style?: Record<string, string | undefined>;
  attrs?: Record<string, string | undefined>;
};

/** A node; style and attributes left undefined are dropped. */
function node(tag: string, className: string, extra: NodeInput = {}): RenderNode {
  const out: RenderNode = { tag, className };
  for (const [key, value] of Object.entries(extra)) {
    if (value === undefined) continue;
    if (key === 'style' || key === 'attrs') {
      const defined = Object.entries(value as Record<string, string | undefined>).filter(
        (entry): entry is [string, string] => entry[1] !== undefined,
      );
      if (defined.length > 0) (out as Json)[key] = Object.fromEntries(defined);
    } else (out as Json)[key] = value;
  }
  return out;
}

const aspect = (value: unknown) =>
  typeof value === 'string' && /^\d+(\.\d+)?:\d+(\.\d+)?$/.test(value)
    ? value.replace(':', ' / ')
    : undefined;

/** Style shared by every component: flex grow, margin before it, position offsets are ignored. */
function commonStyle(component: Json): Record<string, string | undefined> {
  return {
    flex: typeof component.flex === 'number' ? `${component.flex} 1 0` : undefined,
    'margin-top': px(SPACE_PX, component.margin),
    'align-self':
      component.gravity === 'center' ? 'center' : component.gravity === 'bottom' ? 'flex-end' : undefined,
  };
}

function renderComponent(value: unknown): RenderNode {
  const component = asObject(value);
  const type = asText(component.type);
  switch (type) {
    case 'box': {
      const layout = ['horizontal', 'baseline'].includes(asText(component.layout))
        ? asText(component.layout)
        : 'vertical';
      return node('div', `lm-box lm-${layout}`, {
        style: {
          ...commonStyle(component),
          gap: px(SPACE_PX, component.spacing),
          padding: px(SPACE_PX, component.paddingAll),
          'background-color': color(component.backgroundColor),
          'border-color': color(component.borderColor),
          'border-style': color(component.borderColor) ? 'solid' : undefined,
          'border-width': color(component.borderColor) ? '1px' : undefined,
          'border-radius': px(SPACE_PX, component.cornerRadius),
          width: px({}, component.width),
          height: px({}, component.height),
        },
        action: component.action ? (asObject(component.action) as LineAction) : undefined,
        children: asList(component.contents).map(renderComponent),
      });
    }
    case 'text': {
      const spans = asList(component.contents);
      const classes = ['lm-t'];
      if (component.weight === 'bold') classes.push('lm-bold');
      if (component.wrap !== true) classes.push('lm-nowrap');
      return node('div', classes.join(' '), {
        text: spans.length === 0 ? asText(component.text) : undefined,
        style: {
          ...commonStyle(component),
          'font-size': px(TEXT_PX, component.size),
          color: color(component.color),
          'text-align':
            component.align === 'end' ? 'right' : component.align === 'center' ? 'center' : undefined,
          'font-style': component.style === 'italic' ? 'italic' : undefined,
          'text-decoration':
            component.decoration === 'underline' || component.decoration === 'line-through'
              ? asText(component.decoration)
              : undefined,
          '-webkit-line-clamp':
            typeof component.maxLines === 'number' ? String(component.maxLines) : undefined,
        },
        action: component.action ? (asObject(component.action) as LineAction) : undefined,
        children:
          spans.length === 0
            ? undefined
            : spans.map((inner) => {
                const span = asObject(inner);
                return node('span', 'lm-span' + (span.weight === 'bold' ? ' lm-bold' : ''), {
                  text: asText(span.text),
                  style: { 'font-size': px(TEXT_PX, span.size), color: color(span.color) },
                });
              }),
      });
    }
    case 'image':
      return node('img', 'lm-img', {
        attrs: { src: safeUrl(component.url) ?? '', alt: '' },
        style: {
          ...commonStyle(component),
          width: px({}, component.size) ?? IMAGE_PX[asText(component.size) || 'md'] ?? IMAGE_PX.md,
          'aspect-ratio': aspect(component.aspectRatio) ?? '1 / 1',
          'object-fit': component.aspectMode === 'cover' ? 'cover' : 'contain',
          'background-color': color(component.backgroundColor),
        },
        action: component.action ? (asObject(component.action) as LineAction) : undefined,
      });
    case 'video':
      return node('img', 'lm-img lm-video', {
        attrs: { src: safeUrl(component.previewUrl) ?? '', alt: '' },
        style: { 'aspect-ratio': aspect(component.aspectRatio) ?? '20 / 13' },
      });
    case 'icon':
      return node('img', 'lm-icon', {
        attrs: { src: safeUrl(component.url) ?? '', alt: '' },
        style: { ...commonStyle(component), height: px(TEXT_PX, component.size) ?? '16px' },
      });
    case 'button': {
      const action = asObject(component.action) as LineAction;
      const style =
        component.style === 'primary' || component.style === 'secondary' ? component.style : 'link';
      return node('button', `lm-button lm-${style}` + (component.height === 'sm' ? ' lm-sm' : ''), {
        text: asText(action.label),
        attrs: { type: 'button' },
        style: {
          ...commonStyle(component),
          [style === 'link' ? 'color' : 'background-color']: color(component.color),
        },
        action,
      });
    }
    case 'separator':
      return node('hr', 'lm-separator', {
        style: { 'margin-top': px(SPACE_PX, component.margin), 'border-top-color': color(component.color) },
      });
    case 'spacer':
      return node('div', 'lm-spacer', { style: { height: px(SPACE_PX, component.size) ?? '8px' } });
    case 'filler':
      return node('div', 'lm-filler', {
        style: { flex: `${typeof component.flex === 'number' ? component.flex : 1} 1 0` },
      });
    default:
      return node('div', 'lm-unknown', { text: type ? `[${type}]` : '' });
  }
}

const BUBBLE_PARTS = ['header', 'hero', 'body', 'footer'] as const;

function renderBubble(value: unknown): RenderNode {
  const bubble = asObject(value);
  const styles = asObject(bubble.styles);
  const size = ['nano', 'micro', 'deca', 'hecto', 'kilo', 'mega', 'giga'].includes(asText(bubble.size))
    ? asText(bubble.size)
    : 'mega';
  return node('div', `lm-card lm-${size}`, {
    attrs: bubble.direction === 'rtl' ? { dir: 'rtl' } : undefined,
    action: bubble.action ? (asObject(bubble.action) as LineAction) : undefined,
    children: BUBBLE_PARTS.filter((part) => bubble[part] !== undefined).map((part) => {
      const partStyle = asObject(styles[part]);
      return node('div', `lm-section lm-${part}`, {
        style: { 'background-color': color(partStyle.backgroundColor) },
        children: [
          ...(partStyle.separator === true ? [node('hr', 'lm-separator')] : []),
          renderComponent(bubble[part]),
        ],
      });
    }),
  });
}

function renderFlex(message: Json): RenderNode {
  const contents = asObject(message.contents);
  const bubbles = contents.type === 'carousel' ? asList(contents.contents) : [contents];
  return node('div', 'lm-flex' + (contents.type === 'carousel' ? ' lm-carousel' : ''), {
    attrs: { 'data-testid': 'flex', 'aria-label': asText(message.altText) },
    children: bubbles.map(renderBubble),
  });
}

function actionButton(value: unknown, className = 'lm-button lm-link'): RenderNode {
  const action = asObject(value) as LineAction;
  return node('button', className, { text: asText(action.label), attrs: { type: 'button' }, action });
}

function renderTemplate(message: Json): RenderNode {
  const template = asObject(message.template);
  const column = (value: unknown, withText = true): RenderNode => {
    const part = asObject(value);
    const image = safeUrl(part.thumbnailImageUrl) ?? safeUrl(part.imageUrl);
    return node('div', 'lm-card lm-template-column', {
      children: [
        ...(image ? [node('img', 'lm-img lm-template-image', { attrs: { src: image, alt: '' } })] : []),
        ...(withText && part.title ? [node('div', 'lm-t lm-bold lm-pad', { text: asText(part.title) })] : []),
        ...(withText && part.text ? [node('div', 'lm-t lm-pad', { text: asText(part.text) })] : []),
        ...(part.action && !part.actions ? [actionButton(part.action)] : []),
        ...asList(part.actions).map((action) => actionButton(action)),
      ],
    });
  };
  const type = asText(template.type);
  const columns =
    type === 'carousel' || type === 'image_carousel'
      ? asList(template.columns).map((item) => column(item, type === 'carousel'))
      : [column(template)];
  return node('div', 'lm-template' + (columns.length > 1 ? ' lm-carousel' : ''), {
    attrs: { 'data-testid': 'template', 'aria-label': asText(message.altText) },
    children: columns,
  });
}

/** One message as it shows in the chat. */
export function renderMessage(value: unknown): RenderNode {
  const message = asObject(value);
  switch (message.type) {
    case 'text':
      return node('div', 'lm-bubble', { text: asText(message.text) });
    case 'flex':
      return renderFlex(message);
    case 'image':
      return node('img', 'lm-image', {
        attrs: {
          src: safeUrl(message.previewImageUrl) ?? safeUrl(message.originalContentUrl) ?? '',
          alt: '',
        },
      });
    case 'sticker':
      return node('div', 'lm-sticker', {
        attrs: { role: 'img', 'aria-label': 'sticker' },
        text: `🧸 ${asText(message.packageId)}/${asText(message.stickerId)}`,
      });
    case 'location':
      return node('div', 'lm-bubble', {
        attrs: { 'aria-label': 'location' },
        text: `📍 ${[asText(message.title), asText(message.address)].filter(Boolean).join(', ')} (${asText(message.latitude)}, ${asText(message.longitude)})`,
      });
    case 'template':
      return renderTemplate(message);
    case 'imagemap':
      return node('div', 'lm-card lm-imagemap', {
        children: [
          node('img', 'lm-img', {
            attrs: { src: safeUrl(message.baseUrl) ? `${asText(message.baseUrl)}/700` : '', alt: '' },
          }),
          node('div', 'lm-t lm-pad', { text: asText(message.altText) }),
        ],
      });
    default:
      return node('div', 'lm-bubble', {
        text: `[${asText(message.type)}] ${asText(message.altText) || asText(message.title)}`.trim(),
      });
  }
}

/** The quick-reply buttons a message carries (LINE shows the last message's). */
export function renderQuickReplies(value: unknown): RenderNode[] {
  const items = asList(asObject(asObject(value).quickReply).items);
  return items.map((item) => actionButton(asObject(item).action, 'lm-quick-reply'));
}

/** What `toDom` needs of a document, of an element and of its style (a real `document` fits). */
export type DomElementLike = {
  className: string;
  textContent: string | null;
  setAttribute(name: string, value: string): void;
  appendChild(child: never): unknown;
  addEventListener(type: 'click', listener: (event: { stopPropagation(): void }) => void): void;
  style: { setProperty(name: string, value: string): void };
};
export type DomDocumentLike = { createElement(tag: string): DomElementLike };

/** Builds the tree with `doc`; a tap on an element with an action calls `onAction`. */
export function toDom(
  tree: RenderNode,
  doc: DomDocumentLike,
  onAction?: (action: LineAction) => void,
): DomElementLike {
  const element = doc.createElement(tree.tag);
  if (tree.className) element.className = tree.className;
  for (const [name, value] of Object.entries(tree.attrs ?? {})) element.setAttribute(name, value);
  for (const [name, value] of Object.entries(tree.style ?? {})) element.style.setProperty(name, value);
  if (tree.text !== undefined) element.textContent = tree.text;
  for (const child of tree.children ?? []) element.appendChild(toDom(child, doc, onAction) as never);
  const action = tree.action;
  if (action && onAction)
    element.addEventListener('click', (event) => {
      event.stopPropagation();
      onAction(action);
    });
  return element;
}

/** The look of the rendered messages; `installStyles` adds it to a page once. */
export const LINE_MESSAGE_CSS = `
.lm-bubble{background:#fff;border-radius:16px;border-top-left-radius:4px;padding:8px 11px;max-width:360px;font-size:14px;line-height:1.4;white-space:pre-wrap;word-break:break-word;color:#111}
.lm-flex,.lm-template{display:flex;gap:8px;max-width:100%;overflow-x:auto;font-size:14px;color:#111}
.lm-card{background:#fff;border-radius:14px;overflow:hidden;flex:0 0 auto;width:290px;max-width:100%;display:flex;flex-direction:column}
.lm-card.lm-nano{width:120px}.lm-card.lm-micro{width:160px}.lm-card.lm-deca{width:220px}.lm-card.lm-hecto{width:241px}.lm-card.lm-kilo{width:260px}.lm-card.lm-giga{width:386px}
.lm-section>.lm-box{padding:10px 12px}.lm-section.lm-hero>.lm-box{padding:0}
.lm-box{display:flex;flex-direction:column;gap:4px;min-width:0}
.lm-box.lm-horizontal,.lm-box.lm-baseline{flex-direction:row}.lm-box.lm-baseline{align-items:baseline}
.lm-box.lm-horizontal>*,.lm-box.lm-baseline>*{flex:1 1 0;min-width:0}
.lm-t{font-size:16px;line-height:1.35;word-break:break-word;white-space:pre-wrap}
.lm-t.lm-nowrap{white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
.lm-bold{font-weight:700}.lm-pad{padding:6px 12px}
.lm-img{display:block;max-width:100%;margin:0 auto;background:#dde3ea}
.lm-section.lm-hero>.lm-img{width:100%}
.lm-icon{display:inline-block;width:auto;vertical-align:baseline;flex:0 0 auto!important}
.lm-separator{border:0;border-top:1px solid #ddd;margin:4px 0;width:100%}
.lm-filler{min-height:0}
.lm-button{display:block;width:100%;margin-top:4px;padding:9px 7px;border-radius:8px;border:0;background:transparent;color:#42659a;font-size:15px;cursor:pointer}
.lm-button.lm-sm{padding:5px 7px}
.lm-button.lm-primary{background:#06c755;color:#fff}.lm-button.lm-secondary{background:#dcdfe5;color:#111}
.lm-image{max-width:180px;border-radius:10px;display:block}
.lm-sticker{font-size:40px;line-height:1.1}
.lm-quick-reply{border:1px solid #06c755;color:#06c755;background:#fff;border-radius:16px;padding:5px 12px;font-size:13px;cursor:pointer}
`;

/** Adds the renderer's style sheet to `doc` once. */
export function installStyles(doc: {
  getElementById(id: string): unknown;
  createElement(tag: string): { id: string; textContent: string | null };
  head: { appendChild(child: never): unknown };
}): void {
  if (doc.getElementById('lm-styles')) return;
  const style = doc.createElement('style');
  style.id = 'lm-styles';
  style.textContent = LINE_MESSAGE_CSS;
  doc.head.appendChild(style as never);
}
