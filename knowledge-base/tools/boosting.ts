/**
 * Fits gradient-boosted trees (logistic loss, second-order leaf values, histogram splits on quantile bins)
 * for the pair model. Small and dependency-free on purpose: the model has a few hundred shallow trees over
 * a few dozen features and fits in seconds on the LCQMC dev rows.
 */
import type { BoostedTrees } from '../src/boosted-trees.ts';

/** Fitting knobs. */
export interface BoostingOptions {
  trees: number;
  depth: number;
  learningRate: number;
  /** Fewest rows a leaf may hold (keeps leaves from memorising single pairs). */
  minLeaf: number;
  /** L2 penalty on leaf values. */
  lambda: number;
  bins: number;
}

export const DEFAULT_BOOSTING: BoostingOptions = { trees: 300, depth: 4, learningRate: 0.07, minLeaf: 100, lambda: 1, bins: 32 };

/** Fits trees on rows xs with 0/1 labels ys. */
export function fitBoostedTrees(xs: readonly number[][], ys: readonly number[], options: BoostingOptions = DEFAULT_BOOSTING): BoostedTrees {
  const n = xs.length;
  const featureCount = xs[0]?.length ?? 0;
  // Candidate thresholds per feature: distinct quantiles; each row's bin index computed once.
  const cuts: number[][] = [];
  const binOf: Uint8Array[] = [];
  for (let f = 0; f < featureCount; f++) {
    const sorted = xs.map((x) => x[f] as number).sort((a, b) => a - b);
    const distinct = new Set<number>();
    for (let k = 1; k < options.bins; k++) distinct.add(sorted[Math.floor((k * n) / options.bins)] as number);
    const thresholds = [...distinct].sort((a, b) => a - b);
    cuts.push(thresholds);
    const bins = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      let k = 0;
      const v = xs[i]![f]!;
      while (k < thresholds.length && v > thresholds[k]!) k++;
      bins[i] = k;
    }
    binOf.push(bins);
  }
  const positives = ys.reduce((a, b) => a + b, 0);
  const prior = Math.min(Math.max(positives / Math.max(n, 1), 1e-4), 1 - 1e-4);
  const model: BoostedTrees & { roots: number[]; feature: number[]; threshold: number[]; left: number[]; right: number[]; value: number[] } = {
    base: Math.log(prior / (1 - prior)),
    roots: [], feature: [], threshold: [], left: [], right: [], value: [],
  };
  const margin = new Float64Array(n).fill(model.base);
  const grad = new Float64Array(n);
  const hess = new Float64Array(n);
  const slots = options.bins + 1;

  const addNode = (): number => {
    model.feature.push(-1);
    model.threshold.push(0);
    model.left.push(-1);
    model.right.push(-1);
    model.value.push(0);
    return model.feature.length - 1;
  };

  const grow = (rows: Int32Array, depth: number, leafOut: Float64Array): number => {
    let g = 0;
    let h = 0;
    for (const i of rows) {
      g += grad[i]!;
      h += hess[i]!;
    }
    const node = addNode();
    const leaf = (-g / (h + options.lambda)) * options.learningRate;
    model.value[node] = leaf;
    if (depth >= options.depth || rows.length < 2 * options.minLeaf) {
      for (const i of rows) leafOut[i] = leaf;
      return node;
    }
    const parentGain = (g * g) / (h + options.lambda);
    let bestGain = 1e-9;
    let bestFeature = -1;
    let bestBin = -1;
    const gs = new Float64Array(slots);
    const hs = new Float64Array(slots);
    const cs = new Int32Array(slots);
    for (let f = 0; f < featureCount; f++) {
      gs.fill(0);
      hs.fill(0);
      cs.fill(0);
      const bins = binOf[f]!;
      for (const i of rows) {
        const k = bins[i]!;
        gs[k]! += grad[i]!;
        hs[k]! += hess[i]!;
        cs[k]!++;
      }
      let gl = 0;
      let hl = 0;
      let cl = 0;
      const thresholds = cuts[f]!;
      for (let k = 0; k < thresholds.length; k++) {
        gl += gs[k]!;
        hl += hs[k]!;
        cl += cs[k]!;
        if (cl < options.minLeaf || rows.length - cl < options.minLeaf) continue;
        const gain = (gl * gl) / (hl + options.lambda) + ((g - gl) * (g - gl)) / (h - hl + options.lambda) - parentGain;
        if (gain > bestGain) {
          bestGain = gain;
          bestFeature = f;
          bestBin = k;
        }
      }
    }
    if (bestFeature < 0) {
      for (const i of rows) leafOut[i] = leaf;
      return node;
    }
    const bins = binOf[bestFeature]!;
    const leftRows: number[] = [];
    const rightRows: number[] = [];
    for (const i of rows) (bins[i]! <= bestBin ? leftRows : rightRows).push(i);
    model.feature[node] = bestFeature;
    model.threshold[node] = cuts[bestFeature]![bestBin]!;
    model.value[node] = 0;
    model.left[node] = grow(Int32Array.from(leftRows), depth + 1, leafOut);
    model.right[node] = grow(Int32Array.from(rightRows), depth + 1, leafOut);
    return node;
  };

  const all = Int32Array.from({ length: n }, (_, i) => i);
  const leafOut = new Float64Array(n);
  for (let t = 0; t < options.trees; t++) {
    for (let i = 0; i < n; i++) {
      const p = 1 / (1 + Math.exp(-margin[i]!));
      grad[i] = p - ys[i]!;
      hess[i] = Math.max(p * (1 - p), 1e-6);
    }
    model.roots.push(grow(all, 0, leafOut));
    for (let i = 0; i < n; i++) margin[i]! += leafOut[i]!;
  }
  return model;
}
