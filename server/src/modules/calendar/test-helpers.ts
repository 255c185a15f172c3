/** Helpers shared by this module's tests: instants written as Beijing wall-clock time, and read back the same way. */

/** The instant of a Beijing wall-clock time, 'YYYY-MM-DD HH:MM'. */
export function beijing(local: string): Date {
  const date = new Date(`${local.replace(' ', 'T')}:00+08:00`);
  if (Number.isNaN(date.getTime())) throw new Error(`bad test time: ${local}`);
  return date;
}

const formatter = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Asia/Shanghai',
  hourCycle: 'h23',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

/** 'YYYY-MM-DD HH:MM' (plus ':SS' when the seconds are not zero) of an instant, in Beijing time. */
export function inBeijing(instant: Date): string {
  const parts = formatter.formatToParts(instant);
  const field = (type: string) => parts.find((part) => part.type === type)?.value ?? '';
  const seconds = field('second') === '00' ? '' : `:${field('second')}`;
  return `${field('year')}-${field('month')}-${field('day')} ${field('hour')}:${field('minute')}${seconds}`;
}

export const hours = (n: number) => n * 3_600_000;
export const minutes = (n: number) => n * 60_000;
