/** The roll-up tests' one comparison: every measure through rollups and live, for every variant. */
import { expect } from 'chai';
import type { AppContext } from '../../server/src/context.ts';
import { computeMeasure, measures } from '../../server/src/modules/reports/index.ts';
import type { Cut, MeasurePeriod } from '../../server/src/modules/reports/measures.ts';
import type { ReportScope } from '../../server/src/modules/reports/reports.policy.ts';

export type FigureVariant = { name: string; scope: ReportScope; cut?: Cut; filters?: Record<string, string> };

/** Fails on the first measure and variant whose figures from rollups differ from the live ones. */
export async function expectSameFigures(ctx: AppContext, variants: FigureVariant[], p: MeasurePeriod): Promise<void> {
  for (const m of measures) {
    for (const v of variants) {
      const input = { ...(v.cut ? { cut: v.cut } : {}), filters: v.filters ?? {} };
      const rolled = await computeMeasure(ctx, v.scope, m, p, { ...input, useRollups: true });
      const live = await computeMeasure(ctx, v.scope, m, p, { ...input, useRollups: false });
      expect(rolled, `${m.key} ${v.name}`).to.deep.equal(live);
    }
  }
}
