/** A small data hook for GET endpoints: loads on mount and when the path or language changes. */
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from './api.ts';
import type { QueryValue } from './api-client.ts';

export type ApiQuery<T> = {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  reload: () => void;
};

/**
 * Fetches `path` with `api.request`. Reloads when the language changes because the server translates
 * some values (department kinds, error messages). Stale answers are dropped by aborting the old call.
 * A null path fetches nothing (a page that skips a request another card already made, or that the user's
 * role cannot make).
 */
export function useApiQuery<T>(path: string | null, query?: Record<string, QueryValue>): ApiQuery<T> {
  const { i18n } = useTranslation();
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(path !== null);
  const [generation, setGeneration] = useState(0);
  const queryKey = JSON.stringify(query ?? {});

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
        // An answer that completed just as a newer request replaced it must not overwrite the newer one.
        if (controller.signal.aborted) return;
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
