/**
 * The wrap-up codes (话后小结) the hotline admins keep on the server (`GET /api/wrap-up-codes?all=true`),
 * loaded once per page load and shared by the softphone's wrap-up dialog, the screen pop and the call
 * history, which show a code by its label in the console's language.
 */
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../lib/api.ts';

export type WrapUpCode = { code: string; label: { 'zh-CN': string; en: string }; active: boolean; system: boolean; sortOrder: number; updatedAt: string };

let shared: Promise<WrapUpCode[]> | null = null;

/** Loads (once) every code, retired and platform ones included, so old calls still show their label. */
function loadCodes(): Promise<WrapUpCode[]> {
  shared ??= api.request<{ items: WrapUpCode[] }>('/api/wrap-up-codes', { query: { all: 'true' } }).then(
    (r) => r.items,
    (error: unknown) => {
      shared = null;
      throw error;
    },
  );
  return shared;
}

/** Forgets the loaded codes (after an admin changed them), so the next use loads them again. */
export function forgetWrapUpCodes(): void {
  shared = null;
}

/** The codes an agent may choose now (active, not the platform's), in order, and a label for any code. */
export function useWrapUpCodes(): { choosable: WrapUpCode[]; labelOf: (code: string) => string; error: unknown; loading: boolean } {
  const { i18n } = useTranslation();
  const [codes, setCodes] = useState<WrapUpCode[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    let live = true;
    loadCodes().then(
      (items) => live && setCodes(items),
      (failure: unknown) => live && setError(failure),
    );
    return () => {
      live = false;
    };
  }, []);
  const language = i18n.language === 'en' ? 'en' : 'zh-CN';
  const labelOf = useCallback((code: string) => codes?.find((c) => c.code === code)?.label[language] ?? code, [codes, language]);
  return { choosable: (codes ?? []).filter((c) => c.active && !c.system), labelOf, error, loading: codes === null && !error };
}
