/**
 * The SMS survey link's token: `<link id>.<expiry>.<signature>`, short enough for a text message. The HMAC
 * (keyed from the platform's signing secret) covers the id and the expiry, so a forged or altered token is
 * refused before any database read, and an expired one even if its row were tampered with. The database
 * keeps only a SHA-256 of the token and whether it has been used: one answer per link.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export type LinkToken = { linkId: string; expiresAt: Date };

function keyOf(secret: string): Buffer {
  return createHmac('sha256', secret).update('surveys.sms-link.v1').digest();
}

function uuidToB64(id: string): string {
  return Buffer.from(id.replace(/-/g, ''), 'hex').toString('base64url');
}

function b64ToUuid(text: string): string | undefined {
  const hex = Buffer.from(text, 'base64url').toString('hex');
  if (hex.length !== 32) return undefined;
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function sign(secret: string, body: string): string {
  return createHmac('sha256', keyOf(secret)).update(body).digest().subarray(0, 16).toString('base64url');
}

/** Makes the token of a link. */
export function signLinkToken(secret: string, link: LinkToken): string {
  const body = `${uuidToB64(link.linkId)}.${Math.floor(link.expiresAt.getTime() / 1000).toString(36)}`;
  return `${body}.${sign(secret, body)}`;
}

/** What the token says, when its signature holds; `expired` when its own expiry has passed. */
export function readLinkToken(secret: string, token: string, now: Date): { ok: true; link: LinkToken } | { ok: false; reason: 'invalid' | 'expired'; link?: LinkToken } {
  const parts = token.split('.');
  if (parts.length !== 3) return { ok: false, reason: 'invalid' };
  const [id, exp, signature] = parts as [string, string, string];
  const expected = Buffer.from(sign(secret, `${id}.${exp}`));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return { ok: false, reason: 'invalid' };
  const linkId = b64ToUuid(id);
  const seconds = parseInt(exp, 36);
  if (!linkId || !Number.isFinite(seconds)) return { ok: false, reason: 'invalid' };
  const link = { linkId, expiresAt: new Date(seconds * 1000) };
  if (now >= link.expiresAt) return { ok: false, reason: 'expired', link };
  return { ok: true, link };
}

/** What the database stores instead of the token. */
export function hashLinkToken(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}
