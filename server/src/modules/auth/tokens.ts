/**
 * Access tokens are short-lived HS256 JWTs (jsonwebtoken) naming the user and the sign-in session.
 * Refresh tokens are 256 random bits, handed out once and stored only as their SHA-256.
 */
import { createHash, randomBytes } from 'node:crypto';
import jwt from 'jsonwebtoken';

const issuer = 'hotline-12345';
const audience = 'hotline-12345/api';

export type AccessClaims = { sub: string; sid: string; role: string };

export function signAccessToken(claims: AccessClaims, secret: string, ttlSeconds: number): string {
  return jwt.sign({ sid: claims.sid, role: claims.role }, secret, {
    algorithm: 'HS256',
    subject: claims.sub,
    expiresIn: ttlSeconds,
    issuer,
    audience,
  });
}

export type VerifyResult = { ok: true; claims: AccessClaims } | { ok: false; reason: 'expired' | 'invalid' };

export function verifyAccessToken(token: string, secret: string): VerifyResult {
  try {
    const payload = jwt.verify(token, secret, { algorithms: ['HS256'], issuer, audience });
    if (typeof payload === 'string' || typeof payload.sub !== 'string' || typeof payload.sid !== 'string') {
      return { ok: false, reason: 'invalid' };
    }
    return { ok: true, claims: { sub: payload.sub, sid: payload.sid, role: String(payload.role) } };
  } catch (error) {
    return { ok: false, reason: error instanceof jwt.TokenExpiredError ? 'expired' : 'invalid' };
  }
}

export function newRefreshToken(): { token: string; hash: Buffer } {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: hashRefreshToken(token) };
}

export function hashRefreshToken(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}
