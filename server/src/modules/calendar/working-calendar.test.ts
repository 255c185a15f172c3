import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import chineseDaysData from 'chinese-days/dist/chinese-days.json' with { type: 'json' };
import { createWorkingCalendar, nationalCoverage } from './index.ts';
import { beijing, hours, inBeijing, minutes } from './test-helpers.ts';

const data = chineseDaysData as { holidays: Record<string, string>; workdays: Record<string, string> };

/** Every ISO date from `first` to `last` inclusive. */
function datesBetween(first: string, last: string): string[] {
  const dates: string[] = [];
  for (let ms = Date.parse(`${first}T00:00:00Z`); ms <= Date.parse(`${last}T00:00:00Z`); ms += 86_400_000) {
    dates.push(new Date(ms).toISOString().slice(0, 10));
  }
  return dates;
}

describe('calendar: the chinese-days data we rely on', () => {
  it('has National Day 2025 as 10-01..10-08 off, with Sunday 09-28 and Saturday 10-11 as 调休 workdays', () => {
    for (const date of datesBetween('2025-10-01', '2025-10-08')) expect(data.holidays, date).to.have.property(date);
    expect(data.holidays).not.to.have.property('2025-09-30');
    expect(data.holidays).not.to.have.property('2025-10-09');
    expect(data.workdays['2025-09-28']).to.match(/国庆节/);
    expect(data.workdays['2025-10-11']).to.match(/国庆节/);
    expect(new Date('2025-09-28T12:00:00Z').getUTCDay()).to.equal(0);
    expect(new Date('2025-10-11T12:00:00Z').getUTCDay()).to.equal(6);
  });

  it('has Spring Festival 2026 as 02-15..02-23 off, with Saturdays 02-14 and 02-28 as workdays', () => {
    for (const date of datesBetween('2026-02-15', '2026-02-23')) expect(data.holidays[date], date).to.match(/春节/);
    expect(data.workdays['2026-02-14']).to.match(/春节/);
    expect(data.workdays['2026-02-28']).to.match(/春节/);
    expect(data.holidays).not.to.have.property('2026-02-24');
  });

  it('covers 2004–2026 and not 2027', () => {
    expect(nationalCoverage()).to.deep.equal({ firstYear: 2004, lastYear: 2026 });
    expect(Object.keys(data.holidays).some((date) => date.startsWith('2027'))).to.equal(false);
  });

  it('agrees with chinese-days’ own isWorkday on every day it covers (asked in UTC+8, where that API is right)', () => {
    // The package's API parses dates in the process's zone, so we ask it from a child process pinned to UTC+8.
    const script = `
      import chineseDays from 'chinese-days';
      const days = [];
      for (let ms = Date.UTC(2004, 0, 1); ms <= Date.UTC(2026, 11, 31); ms += 86400000) {
        const date = new Date(ms).toISOString().slice(0, 10);
        if (chineseDays.isWorkday(date)) days.push(date);
      }
      process.stdout.write(JSON.stringify(days));`;
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      env: { ...process.env, TZ: 'Asia/Shanghai' },
      cwd: fileURLToPath(new URL('.', import.meta.url)),
      encoding: 'utf8',
    });
    expect(child.status, child.stderr).to.equal(0);
    const theirs = new Set(JSON.parse(child.stdout) as string[]);
    const calendar = createWorkingCalendar();
    const disagreements = datesBetween('2004-01-01', '2026-12-31').filter(
      (date) => calendar.isWorkday(date) !== theirs.has(date),
    );
    expect(theirs.size).to.be.greaterThan(5000);
    expect(disagreements).to.deep.equal([]);
  });
});

describe('calendar: which days are workdays', () => {
  const calendar = createWorkingCalendar();

  it('counts 调休 Saturdays and Sundays as workdays and holiday weekdays as days off', () => {
    expect(calendar.isWorkday('2025-09-28')).to.equal(true);
    expect(calendar.isWorkday('2025-10-11')).to.equal(true);
    expect(calendar.isWorkday('2025-10-08')).to.equal(false);
    expect(calendar.isWorkday('2025-10-18')).to.equal(false);
    expect(calendar.isWorkday('2025-10-09')).to.equal(true);
  });

  it('describes why, with the holiday name in both languages', () => {
    expect(calendar.describeDay('2025-10-11')).to.deep.equal({
      date: '2025-10-11',
      weekday: 6,
      workday: true,
      source: 'national',
      name: { zh: '国庆节', en: 'National Day' },
      nationalDataAvailable: true,
    });
    expect(calendar.describeDay('2025-10-18')).to.include({ workday: false, source: 'weekend' });
    expect(calendar.describeDay('2025-10-17')).to.include({ workday: true, source: 'weekday' });
  });

  it('reads an instant as its Beijing date, whatever the server’s zone', () => {
    // 2025-10-10 16:30 UTC is Saturday 2025-10-11 00:30 in Beijing: a 调休 workday.
    const instant = new Date('2025-10-10T16:30:00Z');
    expect(calendar.localDate(instant)).to.equal('2025-10-11');
    expect(calendar.isWorkday(instant)).to.equal(true);
    expect(calendar.isWorkday(new Date('2025-10-10T15:59:00Z'))).to.equal(true); // Friday 23:59
    expect(calendar.isWorkday(new Date('2025-10-11T16:00:00Z'))).to.equal(false); // Sunday 00:00
  });

  it('rejects what is not a date', () => {
    expect(() => calendar.isWorkday('2025-02-30')).to.throw(RangeError);
    expect(() => calendar.isWorkday('10/11/2025')).to.throw(RangeError);
    expect(() => calendar.isWorkday(new Date(Number.NaN))).to.throw(RangeError);
  });
});

describe('calendar: addWorkingDays (the dispatch day does not count; due at the close of the Nth workday)', () => {
  const calendar = createWorkingCalendar();

  it('dispatched on the eve of National Day 2025, 5 working days end after the holiday, counting Saturday 10-11', () => {
    const from = beijing('2025-09-30 10:00');
    expect(inBeijing(calendar.addWorkingDays(from, 1))).to.equal('2025-10-09 17:30');
    expect(inBeijing(calendar.addWorkingDays(from, 3))).to.equal('2025-10-11 17:30');
    expect(inBeijing(calendar.addWorkingDays(from, 5))).to.equal('2025-10-14 17:30');
    // Late at night changes nothing: the day of dispatch never counts.
    expect(inBeijing(calendar.addWorkingDays(beijing('2025-09-30 23:50'), 5))).to.equal('2025-10-14 17:30');
  });

  it('counts a 调休 Sunday before the holiday', () => {
    expect(inBeijing(calendar.addWorkingDays(beijing('2025-09-26 15:00'), 1))).to.equal('2025-09-28 17:30');
    expect(inBeijing(calendar.addWorkingDays(beijing('2025-09-26 15:00'), 3))).to.equal('2025-09-30 17:30');
    expect(inBeijing(calendar.addWorkingDays(beijing('2025-09-26 15:00'), 4))).to.equal('2025-10-09 17:30');
  });

  it('a deadline crossing Saturday 2025-10-11 is a day earlier than a weekends-only count would give', () => {
    const from = beijing('2025-10-09 11:00');
    expect(inBeijing(calendar.addWorkingDays(from, 2))).to.equal('2025-10-11 17:30');
    expect(inBeijing(calendar.addWorkingDays(from, 3))).to.equal('2025-10-13 17:30');
    const weekendsOnly = createWorkingCalendar({ overrides: [{ date: '2025-10-11', kind: 'holiday' }] });
    expect(inBeijing(weekendsOnly.addWorkingDays(from, 3))).to.equal('2025-10-14 17:30');
  });

  it('dispatched during the holiday, the first workday after it is day 1', () => {
    expect(inBeijing(calendar.addWorkingDays(beijing('2025-10-03 09:00'), 1))).to.equal('2025-10-09 17:30');
  });

  it('skips Spring Festival 2026 and counts its make-up Saturdays', () => {
    const from = beijing('2026-02-13 10:00'); // Friday
    expect(inBeijing(calendar.addWorkingDays(from, 1))).to.equal('2026-02-14 17:30'); // Saturday, 调休
    expect(inBeijing(calendar.addWorkingDays(from, 2))).to.equal('2026-02-24 17:30'); // after 02-15..02-23
    expect(inBeijing(calendar.addWorkingDays(from, 5))).to.equal('2026-02-27 17:30');
    expect(inBeijing(calendar.addWorkingDays(from, 6))).to.equal('2026-02-28 17:30'); // Saturday, 调休
  });

  it('n = 0 is the close of the current working day, or of the next one once it is over', () => {
    expect(inBeijing(calendar.addWorkingDays(beijing('2025-09-30 10:00'), 0))).to.equal('2025-09-30 17:30');
    expect(inBeijing(calendar.addWorkingDays(beijing('2025-09-30 18:00'), 0))).to.equal('2025-10-09 17:30');
    expect(() => calendar.addWorkingDays(beijing('2025-09-30 10:00'), 1.5)).to.throw(RangeError);
    expect(() => calendar.addWorkingDays(beijing('2025-09-30 10:00'), -1)).to.throw(RangeError);
  });
});

describe('calendar: local overrides win over the national calendar', () => {
  it('a typhoon day declared a holiday pushes the deadline back a day', () => {
    const calendar = createWorkingCalendar({
      overrides: [{ date: '2025-10-10', kind: 'holiday', note: '台风“麦德姆”停工' }],
    });
    expect(calendar.describeDay('2025-10-10')).to.include({ workday: false, source: 'override', note: '台风“麦德姆”停工' });
    expect(inBeijing(calendar.addWorkingDays(beijing('2025-09-30 10:00'), 5))).to.equal('2025-10-15 17:30');
  });

  it('a local workday on a Sunday counts; a national 调休 day can be cancelled locally', () => {
    const calendar = createWorkingCalendar({
      overrides: [
        { date: '2025-10-12', kind: 'workday', note: '本地补班' },
        { date: '2025-10-11', kind: 'holiday', note: '本地不补班' },
      ],
    });
    expect(calendar.isWorkday('2025-10-12')).to.equal(true);
    expect(calendar.describeDay('2025-10-11')).to.deep.include({ workday: false, source: 'override', name: { zh: '国庆节', en: 'National Day' } });
    expect(inBeijing(calendar.addWorkingDays(beijing('2025-10-10 10:00'), 1))).to.equal('2025-10-12 17:30');
  });

  it('refuses two overrides for one date and malformed hours', () => {
    expect(() =>
      createWorkingCalendar({
        overrides: [
          { date: '2026-10-09', kind: 'workday' },
          { date: '2026-10-09', kind: 'holiday' },
        ],
      }),
    ).to.throw(RangeError, /once/);
    expect(() => createWorkingCalendar({ workingHours: [{ start: '13:00', end: '12:00' }] })).to.throw(RangeError);
    expect(() =>
      createWorkingCalendar({ workingHours: [{ start: '09:00', end: '12:30' }, { start: '12:00', end: '17:00' }] }),
    ).to.throw(RangeError, /overlap/);
    expect(() => createWorkingCalendar({ workingHours: [] })).to.throw(RangeError);
    expect(() => createWorkingCalendar({ timezone: 'Mars/Olympus' })).to.throw(RangeError);
  });
});

describe('calendar: working hours', () => {
  const calendar = createWorkingCalendar();

  it('2 working hours from 17:00 on a Friday land Monday 10:30 (half an hour Friday, 90 minutes Monday)', () => {
    expect(inBeijing(calendar.addWorkingHours(beijing('2025-11-14 17:00'), 2))).to.equal('2025-11-17 10:30');
  });

  it('with office hours ending at 18:00 the same dispatch lands Monday 10:00', () => {
    const longDay = createWorkingCalendar({
      workingHours: [
        { start: '09:00', end: '12:00' },
        { start: '13:00', end: '18:00' },
      ],
    });
    expect(inBeijing(longDay.addWorkingHours(beijing('2025-11-14 17:00'), 2))).to.equal('2025-11-17 10:00');
  });

  it('17:00 on the eve of National Day lands on the first workday after it; a Friday before a 调休 Sunday lands on Sunday', () => {
    expect(inBeijing(calendar.addWorkingHours(beijing('2025-09-30 17:00'), 2))).to.equal('2025-10-09 10:30');
    expect(inBeijing(calendar.addWorkingHours(beijing('2025-09-26 17:00'), 2))).to.equal('2025-09-28 10:30');
  });

  it('skips the lunch break, and stops at the end of a span rather than jumping to the next', () => {
    expect(inBeijing(calendar.addWorkingHours(beijing('2025-11-17 11:00'), 2))).to.equal('2025-11-17 14:30');
    expect(inBeijing(calendar.addWorkingHours(beijing('2025-11-17 10:00'), 2))).to.equal('2025-11-17 12:00');
    expect(inBeijing(calendar.addWorkingHours(beijing('2025-11-17 07:00'), 0.5))).to.equal('2025-11-17 09:30');
    expect(inBeijing(calendar.addWorkingHours(beijing('2025-11-15 07:00'), 0))).to.equal('2025-11-15 07:00');
  });

  it('measures working time between instants, over lunch, nights and holidays', () => {
    expect(calendar.workingMillisBetween(beijing('2025-11-17 11:00'), beijing('2025-11-17 14:00'))).to.equal(hours(1.5));
    expect(calendar.workingMillisBetween(beijing('2025-09-30 17:00'), beijing('2025-10-09 10:00'))).to.equal(hours(1.5));
    expect(calendar.workingMillisBetween(beijing('2025-10-09 10:00'), beijing('2025-09-30 17:00'))).to.equal(-hours(1.5));
    expect(calendar.workingMillisBetween(beijing('2025-10-01 00:00'), beijing('2025-10-08 23:59'))).to.equal(0);
    // A full working week with the 调休 Saturday: 10-09, 10-10, 10-11 at 7 hours each.
    expect(calendar.workingMillisBetween(beijing('2025-10-09 00:00'), beijing('2025-10-12 00:00'))).to.equal(hours(21));
  });

  it('nextWorkingInstant stays inside office hours and otherwise jumps to the next span', () => {
    expect(inBeijing(calendar.nextWorkingInstant(beijing('2025-11-17 10:15')))).to.equal('2025-11-17 10:15');
    expect(inBeijing(calendar.nextWorkingInstant(beijing('2025-11-17 12:00')))).to.equal('2025-11-17 13:30');
    expect(inBeijing(calendar.nextWorkingInstant(beijing('2025-09-30 18:00')))).to.equal('2025-10-09 09:00');
    expect(inBeijing(calendar.nextWorkingInstant(beijing('2025-10-11 08:00')))).to.equal('2025-10-11 09:00');
  });

  it('addWorkingMillis and workingMillisBetween are inverse', () => {
    const from = beijing('2025-09-29 16:47');
    for (const amount of [minutes(1), hours(3), hours(7), hours(40), hours(123.25)]) {
      const to = calendar.addWorkingMillis(from, amount);
      expect(calendar.workingMillisBetween(from, to), String(amount)).to.equal(amount);
    }
  });
});

describe('calendar: a year chinese-days does not cover', () => {
  const calendar = createWorkingCalendar();

  it('falls back to weekends only and says so', () => {
    expect(calendar.coversYear(2027)).to.equal(false);
    expect(calendar.coversYear(2026)).to.equal(true);
    // 2027-01-01 is a Friday and surely New Year's Day, but without data it can only be a weekday.
    expect(calendar.describeDay('2027-01-01')).to.deep.equal({
      date: '2027-01-01',
      weekday: 5,
      workday: true,
      source: 'weekday',
      nationalDataAvailable: false,
    });
    expect(calendar.isWorkday('2027-01-02')).to.equal(false);
    expect(inBeijing(calendar.addWorkingDays(beijing('2026-12-30 10:00'), 2))).to.equal('2027-01-01 17:30');
    expect(calendar.hasNationalDataBetween(beijing('2026-12-30 10:00'), beijing('2027-01-01 17:30'))).to.equal(false);
    expect(calendar.hasNationalDataBetween(beijing('2025-12-30 10:00'), beijing('2026-01-05 17:30'))).to.equal(true);
  });

  it('lets an admin fill the gap with overrides', () => {
    const patched = createWorkingCalendar({ overrides: [{ date: '2027-01-01', kind: 'holiday', note: '元旦' }] });
    expect(inBeijing(patched.addWorkingDays(beijing('2026-12-30 10:00'), 2))).to.equal('2027-01-04 17:30');
  });
});

describe('calendar: independent of the server’s time zone', () => {
  it('gives the same deadlines in a process running in America/Los_Angeles', () => {
    const moduleUrl = new URL('./index.ts', import.meta.url).href;
    const script = `
      const { createWorkingCalendar } = await import(${JSON.stringify(moduleUrl)});
      const calendar = createWorkingCalendar();
      const from = new Date('2025-09-30T10:00:00+08:00');
      process.stdout.write(JSON.stringify([
        calendar.addWorkingDays(from, 5).toISOString(),
        calendar.addWorkingHours(new Date('2025-09-26T17:00:00+08:00'), 2).toISOString(),
        calendar.isWorkday(new Date('2025-10-10T16:30:00Z')),
        calendar.localDate(new Date('2025-10-10T16:30:00Z')),
      ]));`;
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      env: { ...process.env, TZ: 'America/Los_Angeles' },
      cwd: fileURLToPath(new URL('.', import.meta.url)),
      encoding: 'utf8',
    });
    expect(child.status, child.stderr).to.equal(0);
    expect(JSON.parse(child.stdout)).to.deep.equal([
      '2025-10-14T09:30:00.000Z',
      '2025-09-28T02:30:00.000Z',
      true,
      '2025-10-11',
    ]);
  });

  it('works in a zone with daylight saving time', () => {
    const berlin = createWorkingCalendar({ timezone: 'Europe/Berlin' });
    expect(berlin.atLocalTime('2025-07-01', '09:00').toISOString()).to.equal('2025-07-01T07:00:00.000Z');
    expect(berlin.atLocalTime('2025-12-01', '09:00').toISOString()).to.equal('2025-12-01T08:00:00.000Z');
    // Friday 2025-10-24 17:00 CEST + 2 working hours → Monday 2025-10-27 10:30 CET (clocks went back on Sunday).
    expect(berlin.addWorkingHours(new Date('2025-10-24T15:00:00Z'), 2).toISOString()).to.equal('2025-10-27T09:30:00.000Z');
  });
});
