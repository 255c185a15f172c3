/**
 * Gradient-boosted decision trees for the pair model: scoring here (the query path), fitting in
 * knowledge-base/tools/boosting.ts. Trees, not a straight weighted sum, because look-alikes are told apart
 * by combinations ("almost every character shared, but one noun swapped"), which a linear model over the
 * same features cannot express.
 */

/**
 * Trees as flat arrays (what tools/fit-calibration.ts writes into calibration.ts). Node k is a leaf when
 * feature[k] is -1 (its score is value[k]); otherwise it sends x to left[k] when x[feature[k]] ≤ threshold[k],
 * else to right[k]. roots lists each tree's first node. The model's score is base plus one leaf per tree,
 * on the log-odds scale.
 */
export interface BoostedTrees {
  base: number;
  roots: readonly number[];
  feature: readonly number[];
  threshold: readonly number[];
  left: readonly number[];
  right: readonly number[];
  value: readonly number[];
}

/** A model packed into typed arrays once, so scoring touches no boxed numbers. */
export interface PackedTrees {
  base: number;
  roots: Int32Array;
  feature: Int16Array;
  threshold: Float64Array;
  left: Int32Array;
  right: Int32Array;
  value: Float64Array;
}

/** Packs a model for scoring. */
export function packTrees(model: BoostedTrees): PackedTrees {
  return {
    base: model.base,
    roots: Int32Array.from(model.roots),
    feature: Int16Array.from(model.feature),
    threshold: Float64Array.from(model.threshold),
    left: Int32Array.from(model.left),
    right: Int32Array.from(model.right),
    value: Float64Array.from(model.value),
  };
}

/** Log-odds score of a feature vector; a feature the model does not know reads as 0. */
export function scoreTrees(model: PackedTrees, x: readonly number[]): number {
  const { roots, feature, threshold, left, right, value } = model;
  let score = model.base;
  for (let t = 0; t < roots.length; t++) {
    let node = roots[t] as number;
    let f = feature[node] as number;
    while (f >= 0) {
      node = (x[f] ?? 0) <= (threshold[node] as number) ? (left[node] as number) : (right[node] as number);
      f = feature[node] as number;
    }
    score += value[node] as number;
  }
  return score;
}
