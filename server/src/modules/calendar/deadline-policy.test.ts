import { expect } from 'chai';
import {
  computeAssignmentDeadlines,
  createWorkingCalendar,
  deadlineStatus,
  DeadlinePolicySchema,
  defaultDeadlinePolicy,
  extendByWorkingDays,
  maxExtension,
  ticketTypes,
  validateExtensionRequest,
  type DeadlinePolicy,
} from './index.ts';
import { beijing, hours, inBeijing, minutes } from './test-helpers.ts';

const calendar = createWorkingCalendar();

describe('deadline policy: the default table', () => {
  it('is DOMAIN.md’s table', () => {
    for (const type of ticketTypes) {
      const row = defaultDeadlinePolicy.windows[type];
      const quick = type === 'consult' || type === 'suggestion' || type === 'praise';
      expect(row.normal.handle, type).to.deep.equal(quick ? { amount: 1, unit: 'working_days' } : { amount: 5, unit: 'working_days' });
      expect(row.urgent.handle, type).to.deep.equal(quick ? { amount: 4, unit: 'hours' } : { amount: 24, unit: 'hours' });
      expect(row.critical.handle, type).to.deep.equal({ amount: 2, unit: 'hours' });
      expect(row.normal.sign, type).to.deep.equal({ amount: 2, unit: 'working_hours' });
      expect(row.urgent.sign, type).to.deep.equal({ amount: 0.5, unit: 'hours' });
      expect(row.critical.sign, type).to.deep.equal({ amount: 0.5, unit: 'hours' });
      expect(row.normal.return, type).to.deep.equal({ amount: 2, unit: 'working_days' });
    }
    expect(defaultDeadlinePolicy.complexHandle).to.deep.equal({ amount: 15, unit: 'working_days' });
    expect(defaultDeadlinePolicy.maxExtension).to.deep.equal({ amount: 10, unit: 'working_days' });
    expect(defaultDeadlinePolicy.warnAtFraction).to.equal(0.8);
  });

  it('passes its own schema, and the schema refuses bad edits', () => {
    expect(DeadlinePolicySchema.parse(defaultDeadlinePolicy)).to.deep.equal(defaultDeadlinePolicy);
    const halfDay = structuredClone(defaultDeadlinePolicy);
    halfDay.windows.consult.normal.handle = { amount: 1.5, unit: 'working_days' };
    expect(DeadlinePolicySchema.safeParse(halfDay).success).to.equal(false);
    const always = structuredClone(defaultDeadlinePolicy);
    always.warnAtFraction = 1;
    expect(DeadlinePolicySchema.safeParse(always).success).to.equal(false);
    const { praise: _praise, ...missingPraise } = defaultDeadlinePolicy.windows;
    expect(DeadlinePolicySchema.safeParse({ ...defaultDeadlinePolicy, windows: missingPraise }).success).to.equal(false);
    const weeks = structuredClone(defaultDeadlinePolicy) as unknown as { windows: { help: { normal: { handle: unknown } } } };
    weeks.windows.help.normal.handle = { amount: 2, unit: 'weeks' };
    expect(DeadlinePolicySchema.safeParse(weeks).success).to.equal(false);
  });

  it('is frozen, so nobody edits the defaults in place', () => {
    expect(() => {
      (defaultDeadlinePolicy.windows.consult.normal.handle as { amount: number }).amount = 3;
    }).to.throw(TypeError);
    // Each type owns its rows: editing a copy of one does not touch another.
    const copy = structuredClone(defaultDeadlinePolicy);
    copy.windows.consult.normal.handle.amount = 3;
    expect(copy.windows.suggestion.normal.handle.amount).to.equal(1);
  });

  it('an edited table drives the deadlines', () => {
    const edited: DeadlinePolicy = DeadlinePolicySchema.parse(structuredClone(defaultDeadlinePolicy));
    edited.windows.complaint.normal.handle = { amount: 3, unit: 'working_days' };
    const deadlines = computeAssignmentDeadlines(calendar, edited, {
      type: 'complaint',
      urgency: 'normal',
      dispatchedAt: beijing('2025-09-30 10:00'),
    });
    expect(inBeijing(deadlines.handleBy)).to.equal('2025-10-11 17:30');
  });
});

describe('deadline policy: computeAssignmentDeadlines', () => {
  it('a complaint dispatched on the eve of National Day 2025', () => {
    const deadlines = computeAssignmentDeadlines(calendar, defaultDeadlinePolicy, {
      type: 'complaint',
      urgency: 'normal',
      dispatchedAt: beijing('2025-09-30 10:00'),
    });
    expect(inBeijing(deadlines.signBy)).to.equal('2025-09-30 12:00');
    expect(inBeijing(deadlines.handleBy)).to.equal('2025-10-14 17:30');
    expect(inBeijing(deadlines.returnBy)).to.equal('2025-10-10 17:30');
    // 41 working hours in the window (6 on 09-30, 7 on each of 5 days); 80% = 32 h 48 min of office time.
    expect(calendar.workingMillisBetween(deadlines.handleFrom, deadlines.handleBy)).to.equal(hours(41));
    expect(inBeijing(deadlines.warnAt)).to.equal('2025-10-13 16:18');
    expect(deadlines.measure).to.equal('working');
    expect(deadlines.nationalDataAvailable).to.equal(true);
  });

  it('the handling clock starts at sign by default, at dispatch when the policy says so', () => {
    const input = {
      type: 'complaint',
      urgency: 'normal',
      dispatchedAt: beijing('2025-09-30 10:00'),
      signedAt: beijing('2025-10-09 09:10'),
    } as const;
    const fromSign = computeAssignmentDeadlines(calendar, defaultDeadlinePolicy, input);
    expect(inBeijing(fromSign.handleBy)).to.equal('2025-10-15 17:30');
    expect(inBeijing(fromSign.warnAt)).to.equal('2025-10-14 16:08');
    expect(inBeijing(fromSign.returnBy)).to.equal('2025-10-10 17:30'); // return still counts from dispatch
    const fromDispatch = computeAssignmentDeadlines(calendar, { ...defaultDeadlinePolicy, handleClockStartsAt: 'dispatch' }, input);
    expect(inBeijing(fromDispatch.handleBy)).to.equal('2025-10-14 17:30');
  });

  it('a consult dispatched 17:00 on a Friday: sign by Monday 10:30, handle by Monday close', () => {
    const deadlines = computeAssignmentDeadlines(calendar, defaultDeadlinePolicy, {
      type: 'consult',
      urgency: 'normal',
      dispatchedAt: beijing('2025-11-14 17:00'),
    });
    expect(inBeijing(deadlines.signBy)).to.equal('2025-11-17 10:30');
    expect(inBeijing(deadlines.handleBy)).to.equal('2025-11-17 17:30');
    expect(inBeijing(deadlines.returnBy)).to.equal('2025-11-18 17:30');
    // 7.5 working hours; 80% = 6 h: 30 min on Friday, 5.5 h on Monday.
    expect(inBeijing(deadlines.warnAt)).to.equal('2025-11-17 16:00');
  });

  it('urgent: 24 clock hours straight through the weekend, signed within 30 minutes', () => {
    const deadlines = computeAssignmentDeadlines(calendar, defaultDeadlinePolicy, {
      type: 'complaint',
      urgency: 'urgent',
      dispatchedAt: beijing('2025-11-14 18:00'),
    });
    expect(inBeijing(deadlines.signBy)).to.equal('2025-11-14 18:30');
    expect(inBeijing(deadlines.handleBy)).to.equal('2025-11-15 18:00');
    expect(inBeijing(deadlines.returnBy)).to.equal('2025-11-14 20:00');
    expect(inBeijing(deadlines.warnAt)).to.equal('2025-11-15 13:12');
    expect(deadlines.measure).to.equal('clock');
  });

  it('critical: 2 clock hours even on a national holiday', () => {
    const deadlines = computeAssignmentDeadlines(calendar, defaultDeadlinePolicy, {
      type: 'help',
      urgency: 'critical',
      dispatchedAt: beijing('2025-10-01 09:00'),
    });
    expect(inBeijing(deadlines.signBy)).to.equal('2025-10-01 09:30');
    expect(inBeijing(deadlines.handleBy)).to.equal('2025-10-01 11:00');
    expect(inBeijing(deadlines.warnAt)).to.equal('2025-10-01 10:36');
  });

  it('a complex matter gets 15 working days', () => {
    const deadlines = computeAssignmentDeadlines(calendar, defaultDeadlinePolicy, {
      type: 'complaint',
      urgency: 'normal',
      dispatchedAt: beijing('2025-09-30 10:00'),
      complex: true,
    });
    expect(inBeijing(deadlines.handleBy)).to.equal('2025-10-28 17:30');
    expect(deadlines.handleWindow).to.deep.equal({ amount: 15, unit: 'working_days' });
  });

  it('a local typhoon day moves the deadline', () => {
    const typhoon = createWorkingCalendar({ overrides: [{ date: '2025-10-13', kind: 'holiday', note: '台风停工' }] });
    const deadlines = computeAssignmentDeadlines(typhoon, defaultDeadlinePolicy, {
      type: 'report',
      urgency: 'normal',
      dispatchedAt: beijing('2025-09-30 10:00'),
    });
    expect(inBeijing(deadlines.handleBy)).to.equal('2025-10-15 17:30');
  });

  it('flags deadlines that reach into a year without national data', () => {
    const input = { type: 'complaint', urgency: 'normal' } as const;
    const late = computeAssignmentDeadlines(calendar, defaultDeadlinePolicy, { ...input, dispatchedAt: beijing('2026-12-28 10:00') });
    expect(inBeijing(late.handleBy)).to.equal('2027-01-04 17:30');
    expect(late.nationalDataAvailable).to.equal(false);
    const early = computeAssignmentDeadlines(calendar, defaultDeadlinePolicy, { ...input, dispatchedAt: beijing('2026-12-01 10:00') });
    expect(early.nationalDataAvailable).to.equal(true);
  });
});

describe('deadline policy: deadlineStatus', () => {
  const deadlines = computeAssignmentDeadlines(calendar, defaultDeadlinePolicy, {
    type: 'complaint',
    urgency: 'normal',
    dispatchedAt: beijing('2025-09-30 10:00'),
  });
  const at = (now: Date) =>
    deadlineStatus(calendar, { start: deadlines.handleFrom, due: deadlines.handleBy, now, measure: deadlines.measure });

  it('turns yellow exactly at warnAt and red just after the deadline', () => {
    expect(at(new Date(deadlines.warnAt.getTime() - 1)).status).to.equal('normal');
    expect(at(deadlines.warnAt).status).to.equal('warning');
    expect(at(deadlines.warnAt).fractionUsed).to.be.closeTo(0.8, 1e-9);
    expect(at(deadlines.warnAt).remainingMillis).to.equal(minutes(8 * 60 + 12)); // 41 h − 32 h 48 min
    expect(at(deadlines.handleBy)).to.deep.equal({ status: 'warning', fractionUsed: 1, remainingMillis: 0 });
    const late = at(new Date(deadlines.handleBy.getTime() + 1));
    expect(late.status).to.equal('overdue');
    expect(at(beijing('2025-10-15 10:00')).fractionUsed).to.be.closeTo((41 + 1) / 41, 1e-9);
  });

  it('does not use up working time over the holiday', () => {
    const eve = at(beijing('2025-09-30 17:30'));
    const holiday = at(beijing('2025-10-05 12:00'));
    expect(eve.fractionUsed).to.be.closeTo(6 / 41, 1e-9);
    expect(holiday).to.deep.equal(eve);
    expect(at(beijing('2025-09-30 08:00'))).to.include({ status: 'normal', fractionUsed: 0 });
  });

  it('measures urgent windows in clock time', () => {
    const start = beijing('2025-11-14 18:00');
    const due = beijing('2025-11-15 18:00');
    expect(deadlineStatus(calendar, { start, due, now: beijing('2025-11-15 13:00'), measure: 'clock' }).status).to.equal('normal');
    const warned = deadlineStatus(calendar, { start, due, now: beijing('2025-11-15 13:12'), measure: 'clock' });
    expect(warned.status).to.equal('warning');
    expect(warned.fractionUsed).to.be.closeTo(0.8, 1e-9);
    // Measured in office time instead, a Saturday without office hours would not count at all.
    expect(deadlineStatus(calendar, { start, due, now: beijing('2025-11-15 13:12') }).fractionUsed).to.equal(0);
  });

  it('honours another warning threshold', () => {
    const status = deadlineStatus(calendar, {
      start: deadlines.handleFrom,
      due: deadlines.handleBy,
      now: beijing('2025-10-11 12:00'), // 6 + 7 + 7 + 3 = 23 of 41 working hours
      warnAtFraction: 0.5,
    });
    expect(status.status).to.equal('warning');
    expect(status.fractionUsed).to.be.closeTo(23 / 41, 1e-9);
  });
});

describe('deadline policy: extensions', () => {
  const currentDue = beijing('2025-09-30 17:30');

  it('may add at most 10 working days, skipping the holiday and counting Saturday 10-11', () => {
    expect(inBeijing(maxExtension(calendar, currentDue))).to.equal('2025-10-21 17:30');
    expect(inBeijing(extendByWorkingDays(calendar, currentDue, 3))).to.equal('2025-10-11 17:30');
  });

  it('accepts a request made in time and within the limit', () => {
    const check = validateExtensionRequest(calendar, {
      currentDue,
      requestedDue: beijing('2025-10-17 17:30'),
      requestedAt: beijing('2025-09-29 10:00'),
    });
    expect(check).to.deep.include({ ok: true, extraWorkingMillis: hours(8 * 7) });
    const atLimit = validateExtensionRequest(calendar, {
      currentDue,
      requestedDue: beijing('2025-10-21 17:30'),
      requestedAt: beijing('2025-09-30 17:29'),
    });
    expect(atLimit.ok).to.equal(true);
  });

  it('refuses one asked at or after the deadline', () => {
    const check = validateExtensionRequest(calendar, {
      currentDue,
      requestedDue: beijing('2025-10-10 17:30'),
      requestedAt: currentDue,
    });
    expect(check.ok).to.equal(false);
    if (check.ok) return;
    expect(check.reason).to.equal('deadline_passed');
    expect(check.message['zh-CN']).to.contain('期限届满前');
  });

  it('refuses one that does not move the deadline later', () => {
    const check = validateExtensionRequest(calendar, {
      currentDue,
      requestedDue: beijing('2025-09-30 12:00'),
      requestedAt: beijing('2025-09-29 10:00'),
    });
    expect(check).to.deep.include({ ok: false, reason: 'not_later' });
  });

  it('refuses one longer than 10 working days and says how far it may go', () => {
    const check = validateExtensionRequest(calendar, {
      currentDue,
      requestedDue: beijing('2025-10-22 09:00'),
      requestedAt: beijing('2025-09-29 10:00'),
    });
    expect(check.ok).to.equal(false);
    if (check.ok) return;
    expect(check.reason).to.equal('too_long');
    expect(inBeijing(check.maxDue)).to.equal('2025-10-21 17:30');
    expect(check.message['zh-CN']).to.equal('延期最长 10 个工作日，最晚至 2025-10-21 17:30');
    expect(check.message.en).to.contain('10 working days');
  });

  it('follows an edited limit', () => {
    const strict = { ...defaultDeadlinePolicy, maxExtension: { amount: 5, unit: 'working_days' } } as const;
    const check = validateExtensionRequest(
      calendar,
      { currentDue, requestedDue: beijing('2025-10-17 17:30'), requestedAt: beijing('2025-09-29 10:00') },
      strict,
    );
    expect(check).to.deep.include({ ok: false, reason: 'too_long' });
    expect(inBeijing(check.maxDue)).to.equal('2025-10-14 17:30');
  });
});
