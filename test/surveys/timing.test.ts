/** Calling hours, next working day, spacing, sampling and the SMS link token: pure functions, no database. */
import { expect } from 'chai';
import { createWorkingCalendar } from '../../server/src/modules/calendar/index.ts';
import { hashLinkToken, readLinkToken, signLinkToken } from '../../server/src/modules/surveys/surveys.links.ts';
import { defaultSurveyPolicy } from '../../server/src/modules/surveys/surveys.schema.ts';
import { firstAttemptAt, isCallingTime, isSampled, nextAttemptAt, nextCallingInstant } from '../../server/src/modules/surveys/surveys.timing.ts';

const calendar = createWorkingCalendar({ timezone: 'Asia/Shanghai' });
const at = (iso: string) => new Date(iso);
const policy = defaultSurveyPolicy;

describe('surveys: calling hours and timing', () => {
  it('calls between 08:00 and 20:00 on working days only, by default', () => {
    expect(isCallingTime(calendar, at('2025-03-05T08:00:00+08:00'), policy)).to.equal(true);
    expect(isCallingTime(calendar, at('2025-03-05T19:59:00+08:00'), policy)).to.equal(true);
    expect(isCallingTime(calendar, at('2025-03-05T20:00:00+08:00'), policy)).to.equal(false);
    expect(isCallingTime(calendar, at('2025-03-05T07:59:00+08:00'), policy)).to.equal(false);
    // A Saturday.
    expect(isCallingTime(calendar, at('2025-03-08T10:00:00+08:00'), policy)).to.equal(false);
    expect(isCallingTime(calendar, at('2025-03-08T10:00:00+08:00'), { ...policy, callingDays: 'every' })).to.equal(true);
  });

  it('moves a call due at 21:00 to 08:00 of the next calling day (over weekends and the National Day holiday with its 调休)', () => {
    expect(nextCallingInstant(calendar, at('2025-03-05T21:00:00+08:00'), policy).toISOString()).to.equal(at('2025-03-06T08:00:00+08:00').toISOString());
    // Friday night → Monday morning.
    expect(nextCallingInstant(calendar, at('2025-03-07T21:00:00+08:00'), policy).toISOString()).to.equal(at('2025-03-10T08:00:00+08:00').toISOString());
    // 2025-10-01…08 are holidays; 2025-10-11 (a Saturday) is a make-up workday, but 10-09 comes first.
    expect(nextCallingInstant(calendar, at('2025-09-30T21:00:00+08:00'), policy).toISOString()).to.equal(at('2025-10-09T08:00:00+08:00').toISOString());
    // Early morning: the same day's opening; inside hours: unchanged.
    expect(nextCallingInstant(calendar, at('2025-03-05T06:30:00+08:00'), policy).toISOString()).to.equal(at('2025-03-05T08:00:00+08:00').toISOString());
    expect(nextCallingInstant(calendar, at('2025-03-05T10:17:00+08:00'), policy).toISOString()).to.equal(at('2025-03-05T10:17:00+08:00').toISOString());
  });

  it('schedules the first attempt the next working day after review, inside calling hours', () => {
    // Passed Friday 15:30 → Monday 15:30.
    expect(firstAttemptAt(calendar, at('2025-03-07T15:30:00+08:00'), policy).toISOString()).to.equal(at('2025-03-10T15:30:00+08:00').toISOString());
    // Passed at 21:10 → next working day, not later than an hour before closing.
    expect(firstAttemptAt(calendar, at('2025-03-05T21:10:00+08:00'), policy).toISOString()).to.equal(at('2025-03-06T19:00:00+08:00').toISOString());
    // Passed at 02:00 → next working day's opening.
    expect(firstAttemptAt(calendar, at('2025-03-05T02:00:00+08:00'), policy).toISOString()).to.equal(at('2025-03-06T08:00:00+08:00').toISOString());
    // No delay: as soon as calling hours allow.
    expect(firstAttemptAt(calendar, at('2025-03-05T21:10:00+08:00'), { ...policy, delayWorkingDays: 0 }).toISOString()).to.equal(at('2025-03-06T08:00:00+08:00').toISOString());
  });

  it('spaces attempts out and keeps them inside calling hours', () => {
    expect(nextAttemptAt(calendar, at('2025-03-05T10:00:00+08:00'), policy).toISOString()).to.equal(at('2025-03-05T12:00:00+08:00').toISOString());
    expect(nextAttemptAt(calendar, at('2025-03-05T19:00:00+08:00'), policy).toISOString()).to.equal(at('2025-03-06T08:00:00+08:00').toISOString());
  });

  it('samples consults by share, deterministically, and always picks complaints', () => {
    const ids = Array.from({ length: 2000 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`);
    const picked = ids.filter((id) => isSampled(id, 0.3)).length;
    expect(picked / ids.length).to.be.within(0.26, 0.34);
    expect(ids.every((id) => isSampled(id, 1))).to.equal(true);
    expect(ids.some((id) => isSampled(id, 0))).to.equal(false);
    expect(ids.map((id) => isSampled(id, 0.3))).to.deep.equal(ids.map((id) => isSampled(id, 0.3)));
  });
});

describe('surveys: the SMS link token', () => {
  const secret = 'test-secret-for-links';
  const link = { linkId: '3f2c7a4e-9b1d-4c3e-8f5a-1234567890ab', expiresAt: new Date('2030-01-02T03:04:05Z') };

  it('round-trips, is short enough for a text, and expires', () => {
    const token = signLinkToken(secret, link);
    expect(token.length).to.be.below(60);
    const read = readLinkToken(secret, token, new Date('2030-01-01T00:00:00Z'));
    expect(read).to.deep.equal({ ok: true, link });
    const late = readLinkToken(secret, token, new Date('2030-01-02T03:04:05Z'));
    expect(late.ok).to.equal(false);
    expect(late.ok === false && late.reason).to.equal('expired');
  });

  it('refuses a token with another key, a changed expiry or a changed id', () => {
    const token = signLinkToken(secret, link);
    const now = new Date('2030-01-01T00:00:00Z');
    expect(readLinkToken('another-secret', token, now).ok).to.equal(false);
    const [id, exp, sig] = token.split('.');
    const later = (parseInt(exp!, 36) + 86_400).toString(36);
    expect(readLinkToken(secret, `${id}.${later}.${sig}`, now)).to.deep.equal({ ok: false, reason: 'invalid' });
    const otherId = signLinkToken(secret, { ...link, linkId: '3f2c7a4e-9b1d-4c3e-8f5a-1234567890ac' }).split('.')[0];
    expect(readLinkToken(secret, `${otherId}.${exp}.${sig}`, now)).to.deep.equal({ ok: false, reason: 'invalid' });
    expect(readLinkToken(secret, 'garbage', now)).to.deep.equal({ ok: false, reason: 'invalid' });
    expect(hashLinkToken(token)).to.have.length(32);
  });
});
