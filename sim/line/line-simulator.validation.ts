/** LINE's validation of message objects, as the Messaging API answers it (400 with `details`). */

export function validateMessages(messages: unknown): { message: string; property: string }[] {
  if (!Array.isArray(messages) || messages.length === 0)
    return [{ message: 'must be specified', property: 'messages' }];
  if (messages.length > 5) return [{ message: 'Size must be between 1 and 5', property: 'messages' }];
  const problems: { message: string; property: string }[] = [];
  messages.forEach((message: Record<string, unknown>, index) => {
    if (!message || typeof message !== 'object') {
      problems.push({ message: 'must be an object', property: `messages[${index}]` });
      return;
    }
    if (message.type === 'text') {
      if (typeof message.text !== 'string' || message.text.length === 0 || message.text.length > 5000)
        problems.push({ message: 'Length must be between 1 and 5000', property: `messages[${index}].text` });
    } else if (message.type === 'flex') {
      if (
        typeof message.altText !== 'string' ||
        message.altText.length === 0 ||
        message.altText.length > 1500
      )
        problems.push({
          message: 'Length must be between 1 and 1500',
          property: `messages[${index}].altText`,
        });
      const contents = message.contents as { type?: string } | undefined;
      if (!contents || (contents.type !== 'bubble' && contents.type !== 'carousel'))
        problems.push({ message: 'must be a bubble or a carousel', property: `messages[${index}].contents` });
    } else if (
      !['image', 'sticker', 'template', 'imagemap', 'video', 'audio', 'location'].includes(
        String(message.type),
      )
    ) {
      problems.push({ message: 'Unknown message type', property: `messages[${index}].type` });
    }
    const quickReply = message.quickReply as { items?: unknown[] } | undefined;
    if (quickReply && (!Array.isArray(quickReply.items) || quickReply.items.length > 13))
      problems.push({
        message: 'Size must be between 1 and 13',
        property: `messages[${index}].quickReply.items`,
      });
    else if (quickReply)
      quickReply.items?.forEach((item, itemIndex) =>
        problems.push(
          ...quickReplyItemProblems(item, `messages[${index}].quickReply.items[${itemIndex}].action`),
        ),
      );
  });
  return problems;
}

/**
 * LINE's limits on a quick-reply action: label 1–20 characters, postback data and displayText ≤ 300; a
 * datetimepicker's data ≤ 300, a known mode, and initial/min/max in that mode's format with min ≤ max.
 */
function quickReplyItemProblems(item: unknown, property: string): { message: string; property: string }[] {
  const action = (item as { action?: Record<string, unknown> } | null)?.action;
  if (!action || typeof action !== 'object') return [{ message: 'must be specified', property }];
  const problems: { message: string; property: string }[] = [];
  const length = (value: unknown) => (typeof value === 'string' ? [...value].length : -1);
  const label = length(action.label);
  if (label < 1 || label > 20)
    problems.push({ message: 'Length must be between 1 and 20', property: `${property}.label` });
  if (action.type === 'postback') {
    const data = length(action.data);
    if (data < 1 || data > 300)
      problems.push({ message: 'Length must be between 1 and 300', property: `${property}.data` });
    if (
      action.displayText !== undefined &&
      (length(action.displayText) < 1 || length(action.displayText) > 300)
    )
      problems.push({ message: 'Length must be between 1 and 300', property: `${property}.displayText` });
  }
  if (action.type === 'datetimepicker') {
    const data = length(action.data);
    if (data < 1 || data > 300)
      problems.push({ message: 'Length must be between 1 and 300', property: `${property}.data` });
    const formats: Record<string, RegExp> = {
      date: /^\d{4}-\d{2}-\d{2}$/,
      time: /^\d{2}:\d{2}$/,
      datetime: /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/,
    };
    const format = formats[String(action.mode)];
    if (!format) problems.push({ message: 'must be date, time or datetime', property: `${property}.mode` });
    for (const key of ['initial', 'min', 'max'] as const) {
      const value = action[key];
      if (value !== undefined && (typeof value !== 'string' || (format && !format.test(value))))
        problems.push({ message: 'invalid format', property: `${property}.${key}` });
    }
    if (typeof action.min === 'string' && typeof action.max === 'string' && action.min > action.max)
      problems.push({ message: 'min must not be after max', property: `${property}.min` });
  }
  return problems;
}
