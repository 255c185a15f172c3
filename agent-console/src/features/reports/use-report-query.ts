/**
 * `useApiQuery` that can be switched off (path null): the reports page reads several cuts of the same figures
 * and skips a request when another card on the page already holds that cut.
 */
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../lib/api.ts';
import type { QueryValue } from '../../lib/api-client.ts';
import type { ApiQuery } from '../../lib/use-api.ts';

export function useReportQuery<T>(path: string | null, query: Record<string, QueryValue>): ApiQuery<T> {
  const { i18n } = useTranslation();
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(path !== null);
  const [generation, setGeneration] = useState(0);
  const queryKey = JSON.stringify(query);

  useEffect(() => {
    if (path === null) {
      setLoading(false);
      return;
    }
    const controller = new AbortController();
    setLoading(true);
    setError(null);
    api
      .request<T>(path, { query: JSON.parse(queryKey) as Record<string, QueryValue>, signal: controller.signal })
      .then((result) => {
        setData(result);
        setLoading(false);
      })
      .catch((failure: unknown) => {
        if (controller.signal.aborted) return;
        setError(failure);
        setLoading(false);
      });
    return () => controller.abort();
  }, [path, queryKey, generation, i18n.language]);

  const reload = useCallback(() => setGeneration((value) => value + 1), []);
  return { data, error, loading, reload };
}
