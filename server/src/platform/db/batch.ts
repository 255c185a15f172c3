/**
 * Group commit in the application: concurrent one-row writes of the same kind go to PostgreSQL as one
 * statement. A hot webhook (a call arriving, a call ending) costs one round trip, one parse and plan and one
 * commit per *batch* instead of per request, which is most of what it costs PostgreSQL.
 *
 * No timer: an item submitted while no flush is running flushes at once, alone, so light load adds no delay.
 * Items submitted while flushes are running wait for one to finish and go together in the next. Under load the
 * batches grow by themselves, up to `maxBatch`.
 */

export type BatchRunner<I, O> = (items: I[]) => Promise<O[]>;

export type BatchOptions = {
  /** Most items in one statement (its parameter arrays grow with it). */
  maxBatch?: number;
  /** Flushes running at once; more lets PostgreSQL use more cores, fewer makes bigger batches. */
  maxInFlight?: number;
};

/**
 * Returns `submit(item)`, resolved with `run`'s result for that item (`run` answers its items in order).
 * When a batch fails, each of its items is run again alone, so one bad item fails alone and the others,
 * which PostgreSQL rolled back with the failed statement, still get written.
 */
export function createBatcher<I, O>(run: BatchRunner<I, O>, options: BatchOptions = {}): (item: I) => Promise<O> {
  const maxBatch = options.maxBatch ?? 100;
  const maxInFlight = options.maxInFlight ?? 2;
  let waiting: { item: I; resolve: (o: O) => void; reject: (e: unknown) => void }[] = [];
  let inFlight = 0;

  const flush = (): void => {
    while (inFlight < maxInFlight && waiting.length > 0) {
      const batch = waiting.slice(0, maxBatch);
      waiting = waiting.slice(batch.length);
      inFlight++;
      void runBatch(batch).finally(() => {
        inFlight--;
        flush();
      });
    }
  };

  const runBatch = async (batch: typeof waiting): Promise<void> => {
    try {
      const results = await run(batch.map((b) => b.item));
      if (results.length !== batch.length) throw new Error(`batch of ${batch.length} answered ${results.length}`);
      batch.forEach((b, i) => b.resolve(results[i]!));
    } catch (error) {
      if (batch.length === 1) return batch[0]!.reject(error);
      await Promise.all(
        batch.map(async (b) => {
          try {
            const [result] = await run([b.item]);
            b.resolve(result!);
          } catch (alone) {
            b.reject(alone);
          }
        }),
      );
    }
  };

  return (item) =>
    new Promise<O>((resolve, reject) => {
      waiting.push({ item, resolve, reject });
      flush();
    });
}
