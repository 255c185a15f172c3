/** The write batcher under concurrency: coalescing, order, and a bad item failing alone. */
import { expect } from 'chai';
import { createBatcher } from '../../server/src/platform/db/batch.ts';

const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

describe('write batcher', () => {
  it('runs a lone item at once and coalesces the items that arrive while a batch runs', async () => {
    const batches: number[][] = [];
    const submit = createBatcher(
      async (items: number[]) => {
        batches.push(items);
        await tick();
        return items.map((n) => n * 10);
      },
      { maxInFlight: 1, maxBatch: 50 },
    );
    expect(await submit(1)).to.equal(10);
    const results = await Promise.all(Array.from({ length: 120 }, (_, i) => submit(i + 2)));
    expect(results).to.deep.equal(Array.from({ length: 120 }, (_, i) => (i + 2) * 10));
    expect(batches[0]).to.deep.equal([1]);
    // The burst waits for the running batch and goes in batches of at most 50: three, or four if its first item
    // found nothing running.
    const burst = batches.slice(1).map((b) => b.length);
    expect(burst.every((n) => n <= 50)).to.equal(true);
    expect(burst.length).to.be.within(3, 4);
    expect(batches.flat()).to.deep.equal(Array.from({ length: 121 }, (_, i) => i + 1));
  });

  it('runs the items of a failed batch one by one, so only the bad one fails', async () => {
    const submit = createBatcher(
      async (items: string[]) => {
        await tick();
        if (items.includes('bad')) throw new Error('constraint violated');
        return items.map((s) => s.toUpperCase());
      },
      { maxInFlight: 1 },
    );
    const outcomes = await Promise.allSettled(['first', 'a', 'bad', 'b', 'c'].map((s) => submit(s)));
    expect(outcomes.map((o) => (o.status === 'fulfilled' ? o.value : (o.reason as Error).message))).to.deep.equal(['FIRST', 'A', 'constraint violated', 'B', 'C']);
  });

  it('refuses a runner that answers a different number of items than it was given', async () => {
    const submit = createBatcher(async (items: number[]) => items.slice(1));
    const outcome = await Promise.allSettled([submit(1)]);
    expect(outcome[0]!.status).to.equal('rejected');
  });
});
