/** How an alert's group reads in the console: `东城区 · 物业管理`, the category in the console language. */
import { currentLanguage } from '../../i18n/index.ts';
import type { HotspotAlert } from './types.ts';

export function placeOf(alert: Pick<HotspotAlert, 'district' | 'category'>): string {
  const name = currentLanguage() === 'en' && alert.category.nameEn ? alert.category.nameEn : alert.category.name;
  return `${alert.district} · ${name}`;
}
