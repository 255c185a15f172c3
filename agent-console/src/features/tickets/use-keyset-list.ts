/**
 * A list endpoint paged by the server's keyset cursor (`{items, nextCursor}`): the first page loads when the
 * path or query changes, "load more" appends, and `reload` starts again from the first page (what live
 * updates call). An answer for an outdated query is dropped.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../lib/api.ts';
import type { QueryValue } from '../../lib/api-client.ts';

export type KeysetList<T> = {
  items: T[];
  nextCursor: string | null;
  loading: boolean;
  error: unknown;
  loadMore: () => void;
  reload: () => void;
};

export function useKeysetList<T>(path: string, query: Record<string, QueryValue>): KeysetList<T> {
  const { i18n } = useTranslation();
  const [items, setItems] = useState<T[]>([]);
  const [nextCursor, setNextCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<unknown>(null);
  const inFlight = useRef<AbortController | null>(null);
  const queryKey = JSON.stringify(query);

  const load = useCallback(
    async (cursor: string | null) => {
      inFlight.current?.abort();
      const controller = new AbortController();
      inFlight.current = controller;
      setLoading(true);
      try {
        const page = await api.request<{ items: T[]; nextCursor: string | null }>(path, {
          query: { ...(JSON.parse(queryKey) as Record<string, QueryValue>), cursor },
          signal: controller.signal,
        });
        setItems((previous) => (cursor ? [...previous, ...page.items] : page.items));
        setNextCursor(page.nextCursor);
        setError(null);
      } catch (failure) {
        if (!controller.signal.aborted) setError(failure);
      } finally {
        if (inFlight.current === controller) {
          inFlight.current = null;
          setLoading(false);
        }
      }
    },
    [path, queryKey],
  );

  useEffect(() => {
    void load(null);
    return () => inFlight.current?.abort();
  }, [load, i18n.language]);

  const loadMore = useCallback(() => {
    if (nextCursor) void load(nextCursor);
  }, [load, nextCursor]);
  const reload = useCallback(() => void load(null), [load]);
  return { items, nextCursor, loading, error, loadMore, reload };
}
