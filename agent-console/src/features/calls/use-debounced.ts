/** Debouncing for socket-driven reloads: a burst of events makes one request. */
import { useEffect, useRef } from 'react';

/** `fn`, called once `ms` after the last of a burst of calls. */
export function useDebounced(fn: () => void, ms: number): () => void {
  const latest = useRef(fn);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(() => {
    latest.current = fn;
  });
  useEffect(
    () => () => {
      if (timer.current) clearTimeout(timer.current);
    },
    [],
  );
  return () => {
    if (timer.current) clearTimeout(timer.current);
    timer.current = setTimeout(() => latest.current(), ms);
  };
}
