/**
 * Desk (skill group) names for display: the directory's own names in the console language, loaded once per
 * page; the bundled names of the standard desks until then, and the code itself for anything else.
 */
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../lib/api.ts';

export type Desk = { code: string; nameZh: string; nameEn: string };

let loading: Promise<Desk[]> | null = null;

/** The desks from `/api/directory/desks`, fetched once and shared by every caller. */
export function loadDesks(): Promise<Desk[]> {
  loading ??= api.request<{ items: Desk[] }>('/api/directory/desks').then(
    (answer) => answer.items,
    () => {
      loading = null; // try again next time
      return [];
    },
  );
  return loading;
}

export function useDesks(): Desk[] {
  const [desks, setDesks] = useState<Desk[]>([]);
  useEffect(() => {
    let live = true;
    void loadDesks().then((items) => live && setDesks(items));
    return () => {
      live = false;
    };
  }, []);
  return desks;
}

/** A function naming a desk code in the current language. */
export function useDeskLabel(): (code: string | null | undefined) => string {
  const { t, i18n } = useTranslation();
  const desks = useDesks();
  return (code) => {
    if (!code) return t('calls.desk.general');
    const desk = desks.find((d) => d.code === code);
    if (desk) return i18n.language === 'en' ? desk.nameEn : desk.nameZh;
    return t(`calls.desk.${code}`, { defaultValue: code });
  };
}
