import { expect } from 'chai';
import { millisUntilRefresh, readTokenTimes } from './jwt.ts';

const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('console jwt reading', () => {
  it('reads exp and iat from a base64url payload with non-ASCII claims', () => {
    const token = `${encode({ alg: 'HS256' })}.${encode({ name: '李晓梅?>>', iat: 100, exp: 1000 })}.sig`;
    expect(readTokenTimes(token)).to.deep.equal({ exp: 1000, iat: 100 });
  });

  it('returns null for tokens it cannot read', () => {
    expect(readTokenTimes('not-a-token')).to.equal(null);
    expect(readTokenTimes(`${encode({})}.${encode({ iat: 1 })}.sig`)).to.equal(null);
    expect(readTokenTimes('a.%%%.c')).to.equal(null);
  });

  it('refreshes a minute early, halfway for short tokens, never sooner than 5 s', () => {
    expect(millisUntilRefresh({ iat: 0, exp: 900 }, 0)).to.equal(840_000);
    expect(millisUntilRefresh({ iat: 0, exp: 100 }, 0)).to.equal(50_000);
    expect(millisUntilRefresh({ iat: 0, exp: 4 }, 0)).to.equal(5_000);
  });

  it('uses the token lifetime rather than the browser clock when iat is present', () => {
    // The browser clock is an hour ahead of the server's: the delay must not collapse to the minimum.
    const serverNow = 1_700_000_000;
    const skewedBrowserNow = (serverNow + 3600) * 1000;
    expect(millisUntilRefresh({ iat: serverNow, exp: serverNow + 900 }, skewedBrowserNow)).to.equal(840_000);
    expect(millisUntilRefresh({ iat: null, exp: serverNow + 900 }, serverNow * 1000)).to.equal(840_000);
  });
});
