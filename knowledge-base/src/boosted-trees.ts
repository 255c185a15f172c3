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

/**
 * A model packed for scoring: every tree padded to a complete binary tree of the model's largest depth (a
 * leaf above that depth becomes nodes that always go left, over copies of its value), so a tree is walked
 * with index arithmetic over three small typed arrays instead of chasing child pointers. Depth 4 and 300
 * trees make about 80 KB, which stays in the CPU's caches; the walk is 3–4 times faster than the pointer one.
 */
export interface PackedTrees {
  base: number;
  /** Levels of split nodes per tree. */
  depth: number;
  trees: number;
  /** Split feature and threshold per node, 2^depth − 1 nodes per tree in heap order (children 2i+1, 2i+2). */
  feature: Uint16Array;
  threshold: Float64Array;
  /** Leaf values, 2^depth per tree. */
  leaf: Float64Array;
  /** Features the trees read (highest index + 1): the width of the scratch row. */
  width: number;
}

/** Packs a model for scoring. */
export function packTrees(model: BoostedTrees): PackedTrees {
  const depthOf = (node: number): number =>
    (model.feature[node] as number) < 0 ? 0 : 1 + Math.max(depthOf(model.left[node] as number), depthOf(model.right[node] as number));
  const depth = Math.max(1, ...model.roots.map(depthOf));
  const inner = 2 ** depth - 1;
  const leaves = 2 ** depth;
  const trees = model.roots.length;
  const feature = new Uint16Array(trees * inner);
  const threshold = new Float64Array(trees * inner);
  const leaf = new Float64Array(trees * leaves);
  let width = 0;
  const place = (t: number, node: number, at: number, level: number): void => {
    const f = model.feature[node] as number;
    if (level === depth) {
      leaf[t * leaves + at - inner] = model.value[node] as number;
      return;
    }
    if (f < 0) {
      // A leaf above the full depth: a split that always goes left (x ≤ ∞), the value under both sides.
      threshold[t * inner + at] = Infinity;
      place(t, node, 2 * at + 1, level + 1);
      place(t, node, 2 * at + 2, level + 1);
      return;
    }
    feature[t * inner + at] = f;
    threshold[t * inner + at] = model.threshold[node] as number;
    width = Math.max(width, f + 1);
    place(t, model.left[node] as number, 2 * at + 1, level + 1);
    place(t, model.right[node] as number, 2 * at + 2, level + 1);
  };
  model.roots.forEach((root, t) => place(t, root, 0, 0));
  return { base: model.base, depth, trees, feature, threshold, leaf, width };
}

// Scratch row: the features as doubles, missing ones as 0 (the matcher is single-threaded).
let row = new Float64Array(64);

/** Log-odds score of a feature vector; a feature the model does not know reads as 0. */
export function scoreTrees(model: PackedTrees, x: readonly number[]): number {
  const { depth, trees, feature, threshold, leaf, width } = model;
  if (row.length < width) row = new Float64Array(width * 2);
  for (let j = 0; j < width; j++) row[j] = x[j] ?? 0;
  const inner = (1 << depth) - 1;
  let score = model.base;
  if (depth === 4) {
    // The fitted depth, unrolled: no inner loop, and each step's comparison turned into an index without a
    // branch (a mispredicted branch per level cost more than the rest of the walk).
    for (let t = 0, base = 0, leafBase = -inner; t < trees; t++, base += inner, leafBase += inner + 1) {
      let at = 1 + Number((row[feature[base] as number] as number) > (threshold[base] as number));
      at = 2 * at + 1 + Number((row[feature[base + at] as number] as number) > (threshold[base + at] as number));
      at = 2 * at + 1 + Number((row[feature[base + at] as number] as number) > (threshold[base + at] as number));
      at = 2 * at + 1 + Number((row[feature[base + at] as number] as number) > (threshold[base + at] as number));
      score += leaf[leafBase + at] as number;
    }
    return score;
  }
  for (let t = 0, base = 0, leafBase = -inner; t < trees; t++, base += inner, leafBase += inner + 1) {
    let at = 0;
    for (let level = 0; level < depth; level++) {
      const node = base + at;
      at = 2 * at + 1 + Number((row[feature[node] as number] as number) > (threshold[node] as number));
    }
    score += leaf[leafBase + at] as number;
  }
  return score;
}
