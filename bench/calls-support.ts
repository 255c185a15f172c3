/** Small helpers of the calls benchmark: percentiles, a fixed-width worker pool, polling. */

export function percentile(values: number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

/** "p50 … p99 … max …" in milliseconds. */
export function summarise(values: number[]): string {
  if (values.length === 0) return '(no samples)';
  const f = (q: number) => percentile(values, q).toFixed(1);
  return `p50 ${f(0.5)} ms  p99 ${f(0.99)} ms  max ${Math.max(...values).toFixed(1)} ms`;
}

/** Runs `op(0…n-1)` with at most `width` in flight. */
export async function runConcurrently(n: number, width: number, op: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, n) }, async () => {
      while (next < n) await op(next++);
    }),
  );
}

/** Polls `check` every 50 ms until it holds; throws after `timeoutMs`. */
export async function waitUntil(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
