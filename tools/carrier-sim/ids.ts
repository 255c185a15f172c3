import { randomBytes } from 'node:crypto';

/** A Twilio-style SID: two-letter prefix and 32 lowercase hex digits (CA… calls, CF… conferences, RE… recordings, SM… messages). */
export function newSid(prefix: 'CA' | 'CF' | 'RE' | 'SM' | 'QU' | 'PN'): string {
  return prefix + randomBytes(16).toString('hex');
}

/** Twilio's JSON date format (RFC 2822 with "+0000"), which the twilio client parses with dayjs. */
export function formatTwilioDate(ms: number | undefined): string | null {
  if (ms === undefined) return null;
  return new Date(ms).toUTCString().replace('GMT', '+0000');
}

/**
 * Writes a phone number the way Twilio reports it (E.164). Chinese mobiles (1xxxxxxxxxx) and landlines
 * (0xx…) get +86; short service numbers such as 12345 or 110 and `client:` ids stay as they are.
 */
export function toE164(n: string): string {
  const s = n.trim();
  if (s.startsWith('+') || s.startsWith('client:') || s.startsWith('sip:')) return s;
  const digits = s.replace(/[\s-]/g, '');
  if (/^1\d{10}$/.test(digits)) return '+86' + digits;
  if (/^0\d{9,11}$/.test(digits)) return '+86' + digits.slice(1);
  if (/^86\d{11}$/.test(digits)) return '+' + digits;
  return digits;
}
