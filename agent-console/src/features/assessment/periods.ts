/** Period keys the picker offers: the current period of each kind and the ones before it. */
import type { PeriodKind } from './types.ts';

/** The last `count` periods of `kind` up to the one containing `today`, newest first. */
export function recentPeriods(kind: PeriodKind, today: Date, count = 12): string[] {
  const y = today.getFullYear();
  const m = today.getMonth() + 1;
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    if (kind === 'year') out.push(String(y - i));
    else if (kind === 'quarter') {
      const q = Math.ceil(m / 3) - 1 - i;
      const year = y + Math.floor(q / 4);
      out.push(`${year}-Q${(((q % 4) + 4) % 4) + 1}`);
    } else {
      const total = y * 12 + (m - 1) - i;
      out.push(`${Math.floor(total / 12)}-${String((total % 12) + 1).padStart(2, '0')}`);
    }
  }
  return out;
}

/** Splits a drill-down link into the path and query the api client takes. */
export function splitLink(link: string): { path: string; query: Record<string, string> } {
  const [path = link, search = ''] = link.split('?');
  return { path, query: Object.fromEntries(new URLSearchParams(search)) };
}
