/**
 * The SMS reply document: TwiML's `<Response><Message>…</Message></Response>`. Written by hand because it is
 * one element; the text is XML-escaped (a citizen's or an entry's `<`, `&` must not break the document) and
 * characters XML 1.0 forbids are dropped.
 */
export function renderSmsReply(texts: string[]): string {
  const body = texts.filter((t) => t.trim() !== '').join('\n\n');
  if (!body) return '<?xml version="1.0" encoding="UTF-8"?><Response/>';
  return `<?xml version="1.0" encoding="UTF-8"?><Response><Message>${escapeXml(body)}</Message></Response>`;
}

function escapeXml(text: string): string {
  return text
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}
