import { XMLParser, XMLValidator } from 'fast-xml-parser';

/** One TwiML element: verb or noun, its attributes (as written) and its text or child elements. */
export interface TwimlNode {
  name: string;
  attrs: Record<string, string>;
  text: string;
  children: TwimlNode[];
}

/** Raised for a body that is not a TwiML document; Twilio answers that with error 12100 and hangs up. */
export class TwimlError extends Error {
  override name = 'TwimlError';
}

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  // Keep every value a string: "+8612345" must not become a number.
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
});

type RawNode = Record<string, unknown> & { ':@'?: Record<string, string> };

/** Parses a TwiML document and returns the verbs inside <Response>, in order. */
export function parseTwiml(xml: string): TwimlNode[] {
  const valid = XMLValidator.validate(xml);
  if (valid !== true) throw new TwimlError(`invalid XML: ${valid.err.msg} (line ${valid.err.line})`);
  const roots = (parser.parse(xml) as RawNode[]).map(toNode).filter((n): n is TwimlNode => n !== null);
  const response = roots.find((n) => n.name === 'Response');
  if (!response) throw new TwimlError('no <Response> element');
  return response.children;
}

function toNode(raw: RawNode): TwimlNode | null {
  const name = Object.keys(raw).find((k) => k !== ':@');
  if (name === undefined || name === '#text' || name.startsWith('?')) return null;
  const content = (raw[name] ?? []) as RawNode[];
  const text = content
    .filter((c) => '#text' in c)
    .map((c) => String(c['#text']))
    .join('')
    .trim();
  const children = content.map(toNode).filter((n): n is TwimlNode => n !== null);
  return { name, attrs: { ...(raw[':@'] ?? {}) }, text, children };
}

/** Reads a boolean TwiML attribute ("true"/"false"), with a default. */
export function boolAttr(node: TwimlNode, name: string, fallback: boolean): boolean {
  const v = node.attrs[name];
  if (v === undefined) return fallback;
  return v.toLowerCase() === 'true';
}

/** Reads a numeric TwiML attribute, with a default when absent or not a number. */
export function numAttr(node: TwimlNode, name: string, fallback: number): number {
  const v = node.attrs[name];
  if (v === undefined || v.trim() === '') return fallback;
  const n = Number(v);
  return Number.isFinite(n) ? n : fallback;
}

/** Builds a minimal TwiML document (used for the Twiml parameter's echo and for tests). */
export function escapeXml(s: string): string {
  return s.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c] ?? c);
}
