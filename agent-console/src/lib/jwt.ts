/**
 * Reads the timing claims of a JWT without verifying it. The console never trusts these for
 * authorisation (the server does that); it only needs them to refresh the token before it runs out.
 */

/** The claims the console uses to schedule a silent refresh, in seconds since the epoch. */
export type TokenTimes = { exp: number; iat: number | null };

/** Decodes `exp` (and `iat` when present) from a JWT's payload; null when the token is not readable. */
export function readTokenTimes(token: string): TokenTimes | null {
  const payload = token.split('.')[1];
  if (!payload) return null;
  try {
    const json = JSON.parse(decodeBase64Url(payload)) as { exp?: unknown; iat?: unknown };
    if (typeof json.exp !== 'number' || !Number.isFinite(json.exp)) return null;
    return { exp: json.exp, iat: typeof json.iat === 'number' && Number.isFinite(json.iat) ? json.iat : null };
  } catch {
    return null;
  }
}

/**
 * Milliseconds to wait before refreshing a token received at `receivedAt`: a minute before it expires,
 * or halfway through its life when it lives less than two minutes. The lifetime is taken from
 * `exp - iat` when the token carries `iat`, so a browser clock that is off does not cause a refresh storm.
 */
export function millisUntilRefresh(times: TokenTimes, receivedAt: number, leadMs = 60_000): number {
  const lifetimeMs = times.iat === null ? times.exp * 1000 - receivedAt : (times.exp - times.iat) * 1000;
  const delay = lifetimeMs > 2 * leadMs ? lifetimeMs - leadMs : lifetimeMs / 2;
  return Math.max(5_000, Math.floor(delay));
}

function decodeBase64Url(text: string): string {
  const base64 = text.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(text.length / 4) * 4, '=');
  const binary = atob(base64);
  const bytes = Uint8Array.from(binary, (char) => char.charCodeAt(0));
  return new TextDecoder().decode(bytes);
}
