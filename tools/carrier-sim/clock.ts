/**
 * Simulated time. A call's pauses, rings and holds are expressed in simulated seconds; the clock turns them
 * into real waits scaled by `timeScale`, so a test can run a 60-second hold in 0.6 s of real time while
 * CallDuration and timestamps still read as 60 s.
 */
export interface SimClock {
  /** Simulated wall-clock time in epoch milliseconds. */
  now(): number;
  /** Waits `seconds` of simulated time; rejects with the signal's reason when aborted. */
  sleep(seconds: number, signal?: AbortSignal): Promise<void>;
}

/** Builds a clock whose simulated time runs 1/timeScale times faster than real time (timeScale 1 = real time). */
export function createClock(options: { timeScale?: number; start?: number } = {}): SimClock {
  const timeScale = options.timeScale ?? 1;
  if (!(timeScale > 0)) throw new Error('timeScale must be > 0');
  const realStart = Date.now();
  const simStart = options.start ?? realStart;
  return {
    now: () => simStart + (Date.now() - realStart) / timeScale,
    sleep: (seconds, signal) => sleepReal(Math.max(0, seconds) * 1000 * timeScale, signal),
  };
}

/** Waits real milliseconds, abortable. */
export function sleepReal(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
