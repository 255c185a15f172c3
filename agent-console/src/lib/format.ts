/** Display formats that follow the console language. */

/** `2025/03/14 09:26:05` in zh-CN, `03/14/2025, 09:26:05` in English; the raw text when not a date. */
export function formatDateTime(value: string, language: string): string {
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return value;
  return new Intl.DateTimeFormat(language, {
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hour12: false,
  }).format(date);
}

/** A long date with the weekday for greetings: `2025年3月14日星期五`. */
export function formatLongDate(date: Date, language: string): string {
  return new Intl.DateTimeFormat(language, { dateStyle: 'full' }).format(date);
}
