/**
 * Fits the matcher's constants (knowledge-base/src/calibration.ts) on question pairs in LCQMC format.
 *
 *   node knowledge-base/tools/fit-calibration.ts ../shared/data/lcqmc/dev.tsv [--write]
 *
 * How: the knowledge base and queries are built exactly as shared/tools/kb-eval.mjs builds them (every q1 an
 * entry, every q2 a query; label 1 → its q1 is the answer, label 0 → hand off). For each query the matcher
 * retrieves its re-rank set and gives each candidate's feature vector (features.ts). Then
 *   0. leftover odds (leftovers.ts): counted on the training pairs. A training row's leftover features read
 *      odds counted without its own pair (INNER_GROUPS groups by entry, each read with the others' counts),
 *      so the trees learn what the odds say about pairs they were not counted on; rows scored afterwards (the
 *      held-out fold, or the shipped table in calibration-leftovers.ts) read the odds of all training pairs;
 *   1. pair model: gradient-boosted trees (tools/boosting.ts) on the first TRAIN_DEPTH candidates of each
 *      query in retrieval order, label = candidate is the gold entry;
 *   2. confidence model: logistic regression on the top-ranked candidate's tree score, label = that candidate
 *      is right (a margin-to-runner-up input was tried and lowered the held-out figures);
 *   3. thresholds: answerAt maximises right decisions (right answers + hand-offs on look-alikes), with the
 *      decision layer's guards applied as the matcher applies them (a top candidate the matcher would only
 *      suggest, a bare topic or a homophone in a noun, is not an answer);
 *      suggestAt is the confidence where a top candidate is right one time in four.
 * The features are general properties of two questions, so the trees hold no particular pair. Honest
 * figures come from 2-fold cross-validation grouped by entry (fit on one half of the entries' queries,
 * score the other half, then swap); both folds are printed and written beside the constants, which are then
 * fitted on all pairs. Knobs for experiments: KB_FOLDS (default 2), KB_TREES, KB_TREE_DEPTH, KB_LEARNING_RATE, KB_MIN_LEAF,
 * KB_TRAIN_DEPTH, KB_RERANK_DEPTH, KB_RETRIEVAL_FLOOR.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createMatcher, DEFAULT_RERANK_DEPTH } from '../src/matcher.ts';
import { FEATURE_NAMES, LEFTOVER_FEATURES_AT } from '../src/features.ts';
import { analyseNormalised } from '../src/analyse.ts';
import { normaliseText } from '../src/normalise.ts';
import { countLeftovers, describeLeftovers, leftoverText, oddsFromCounts, weighLeftovers } from '../src/leftovers.ts';
import type { LeftoverCounts, LeftoverOdds, LeftoverSide, LeftoverText } from '../src/leftovers.ts';
import { packTrees, scoreTrees } from '../src/boosted-trees.ts';
import type { BoostedTrees, PackedTrees } from '../src/boosted-trees.ts';
import { DEFAULT_BOOSTING, fitBoostedTrees } from './boosting.ts';
import { fitLogistic, sigmoid } from './logistic.ts';

interface Row {
  id: string;
  features: number[];
  /** False when a guard of the decision layer (matcher.ts: isBareTopic, needsHomophone) forbids answering with it. */
  mayAnswer: boolean;
}
interface Query {
  group: number;
  /** Inner group (by entry) for the leftover odds of training rows: counted without the row's own pair. */
  inner: number;
  gold: Set<string>;
  rows: Row[];
  /** The pair this query comes from, as the leftover counts read it (entry question, query, same or not). */
  pair: { a: LeftoverText; b: LeftoverText; same: boolean };
  /** The query and each row's entry text, for recomputing the leftover features. */
  side: LeftoverText;
  rowSides: LeftoverText[];
}
interface Model {
  pair: BoostedTrees;
  packed: PackedTrees;
  confidenceWeights: number[];
  confidenceBias: number;
  answerAt: number;
  suggestAt: number;
}

const LONE_MARGIN = 6;
// Folds of the cross-validation, grouped by entry.
const FOLDS = Number(process.env.KB_FOLDS ?? 2);
// Inner groups for the leftover features of training rows: each group's rows read odds counted on the other
// groups' pairs, so the trees learn how much the odds say about a pair they were not counted on.
const INNER_GROUPS = 4;
// Rows per query used to fit the pair model: the retrieval order puts the hard negatives first.
const TRAIN_DEPTH = Number(process.env.KB_TRAIN_DEPTH ?? 8);
const BOOSTING = {
  ...DEFAULT_BOOSTING,
  trees: Number(process.env.KB_TREES ?? DEFAULT_BOOSTING.trees),
  depth: Number(process.env.KB_TREE_DEPTH ?? DEFAULT_BOOSTING.depth),
  learningRate: Number(process.env.KB_LEARNING_RATE ?? DEFAULT_BOOSTING.learningRate),
  minLeaf: Number(process.env.KB_MIN_LEAF ?? DEFAULT_BOOSTING.minLeaf),
};

interface Decision {
  confidence: number;
  topId: string | undefined;
  /** The top candidate may be answered with outright (no guard of the decision layer holds). */
  mayAnswer: boolean;
  top5: string[];
}

function decide(model: Pick<Model, 'packed' | 'confidenceWeights' | 'confidenceBias'>, q: Query): Decision {
  const scored = q.rows
    .map((r) => ({ id: r.id, logit: scoreTrees(model.packed, r.features), mayAnswer: r.mayAnswer }))
    .sort((a, b) => b.logit - a.logit);
  const top = scored[0];
  if (!top) return { confidence: 0, topId: undefined, mayAnswer: false, top5: [] };
  const margin = Math.min(LONE_MARGIN, scored[1] ? top.logit - scored[1].logit : LONE_MARGIN);
  const confidence = sigmoid(
    model.confidenceBias + (model.confidenceWeights[0] ?? 1) * top.logit + (model.confidenceWeights[1] ?? 0) * margin,
  );
  return { confidence, topId: top.id, mayAnswer: top.mayAnswer, top5: scored.slice(0, 5).map((s) => s.id) };
}

function fitPair(queries: readonly Query[]): BoostedTrees {
  const xs: number[][] = [];
  const ys: number[] = [];
  for (const q of queries) for (const r of q.rows.slice(0, TRAIN_DEPTH)) {
    xs.push(r.features);
    ys.push(q.gold.has(r.id) ? 1 : 0);
  }
  return fitBoostedTrees(xs, ys, BOOSTING);
}

/** Queries whose leftover features are recomputed with the odds `oddsOf` gives for each. */
function withLeftovers(queries: readonly Query[], oddsOf: (q: Query) => LeftoverOdds): Query[] {
  // Each text weighed once per table.
  const weighed = new Map<LeftoverOdds, Map<LeftoverText, LeftoverSide>>();
  const weigh = (text: LeftoverText, odds: LeftoverOdds): LeftoverSide => {
    let byText = weighed.get(odds);
    if (!byText) weighed.set(odds, (byText = new Map()));
    let side = byText.get(text);
    if (!side) byText.set(text, (side = { ...text, ...weighLeftovers(text, odds) }));
    return side;
  };
  return queries.map((q) => {
    const odds = oddsOf(q);
    const query = weigh(q.side, odds);
    const rows = q.rows.map((r, i) => {
      const features = [...r.features];
      describeLeftovers(query, weigh(q.rowSides[i] as LeftoverText, odds)).forEach((v, k) => (features[LEFTOVER_FEATURES_AT + k] = v));
      return { ...r, features };
    });
    return { ...q, rows };
  });
}

/** Leftover counts of the queries' own pairs. */
function countPairs(queries: readonly Query[]): LeftoverCounts {
  return countLeftovers(queries.map((q) => q.pair));
}

/**
 * Training rows with leftover odds counted on the other inner groups, and the odds of all of them (for rows
 * scored later: the held-out fold, or the shipped table).
 */
function prepareTraining(queries: readonly Query[]): { training: Query[]; counts: LeftoverCounts } {
  const innerOdds = Array.from({ length: INNER_GROUPS }, (_, k) => oddsFromCounts(countPairs(queries.filter((q) => q.inner !== k))));
  return { training: withLeftovers(queries, (q) => innerOdds[q.inner] as LeftoverOdds), counts: countPairs(queries) };
}

/**
 * Fits the pair trees, then the confidence model and the thresholds on the same queries. (Tried: setting
 * them on out-of-fold scores of an inner split, and adding the margin to the runner-up as a second input;
 * both scored lower on the held-out fold, so neither is used.)
 */
function fitModel(queries: readonly Query[]): Model {
  const pair = fitPair(queries);
  const packed = packTrees(pair);
  const cx: number[][] = [];
  const cy: number[] = [];
  for (const q of queries) {
    let top: { id: string; logit: number } | undefined;
    for (const r of q.rows) {
      const logit = scoreTrees(packed, r.features);
      if (!top || logit > top.logit) top = { id: r.id, logit };
    }
    if (!top) continue;
    cx.push([top.logit]);
    cy.push(q.gold.has(top.id) ? 1 : 0);
  }
  const conf = fitLogistic(cx, cy, 0.01);
  const model: Model = {
    pair,
    packed,
    confidenceWeights: [conf[0] as number, 0],
    confidenceBias: conf.at(-1) as number,
    answerAt: 0.5,
    suggestAt: 0.2,
  };
  const decisions = queries.map((q) => ({ q, d: decide(model, q) }));
  let bestAt = 0.5;
  let bestRight = -1;
  for (let t = 0.2; t <= 0.9; t += 0.005) {
    let right = 0;
    for (const { q, d } of decisions) {
      const answers = d.confidence >= t && d.mayAnswer;
      if (q.gold.size === 0) right += answers ? 0 : 1;
      else right += answers && d.topId !== undefined && q.gold.has(d.topId) ? 1 : 0;
    }
    if (right > bestRight) {
      bestRight = right;
      bestAt = t;
    }
  }
  model.answerAt = Number(bestAt.toFixed(3));
  // suggestAt: lowest confidence at which the top candidate is still right at least one time in four.
  const sorted = decisions.map(({ q, d }) => ({ c: d.confidence, ok: d.topId !== undefined && q.gold.has(d.topId) }));
  sorted.sort((a, b) => a.c - b.c);
  let suggestAt = model.answerAt / 2;
  for (let i = 0; i + 200 <= sorted.length; i += 50) {
    const window = sorted.slice(i, i + 200);
    if (window.filter((s) => s.ok).length / window.length >= 0.25) {
      suggestAt = (window[0] as { c: number }).c;
      break;
    }
  }
  model.suggestAt = Number(Math.min(suggestAt, model.answerAt - 0.05).toFixed(3));
  return model;
}

function evaluate(model: Model, queries: readonly Query[]): Record<string, number> {
  let answerable = 0, right = 0, top5 = 0, lookalikes = 0, abstained = 0;
  for (const q of queries) {
    const d = decide(model, q);
    if (q.gold.size > 0) {
      answerable++;
      if (d.confidence >= model.answerAt && d.mayAnswer && d.topId !== undefined && q.gold.has(d.topId)) right++;
      if (d.top5.some((id) => q.gold.has(id))) top5++;
    } else {
      lookalikes++;
      if (d.confidence < model.answerAt || !d.mayAnswer) abstained++;
    }
  }
  return {
    rightDecisions: (right + abstained) / queries.length,
    top1: right / answerable,
    recall5: top5 / answerable,
    handoff: abstained / lookalikes,
  };
}

function pct(x: number | undefined): string {
  return `${(100 * (x ?? 0)).toFixed(1)}%`;
}

function main(): void {
  const args = process.argv.slice(2);
  const path = args.find((a) => !a.startsWith('--'));
  if (!path) {
    process.stderr.write('usage: node knowledge-base/tools/fit-calibration.ts PAIRS.tsv [--write]\n');
    process.exit(2);
  }
  const pairs = readFileSync(path, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => l.split('\t'))
    .filter((c) => c.length >= 3) as [string, string, string][];
  const idOf = new Map<string, string>();
  const kb: { id: string; question: string; answer: string }[] = [];
  for (const [q1] of pairs) {
    if (!idOf.has(q1)) {
      const id = `k${kb.length + 1}`;
      idOf.set(q1, id);
      kb.push({ id, question: q1, answer: `答复 ${id}` });
    }
  }
  const started = performance.now();
  const matcher = createMatcher(kb, {
    model: 'trees', // every feature, not only the linear model's
    rerankDepth: Number(process.env.KB_RERANK_DEPTH ?? DEFAULT_RERANK_DEPTH),
    ...(process.env.KB_RETRIEVAL_FLOOR ? { retrievalFloor: Number(process.env.KB_RETRIEVAL_FLOOR) } : {}),
  });
  // Sides analysed as the matcher analyses them (entry texts cut at 2,000 characters, queries at the default).
  const sides = new Map<string, LeftoverText>();
  const sideOf = (text: string, maxChars?: number): LeftoverText => {
    const key = `${maxChars ?? ''}\u0000${text}`;
    let side = sides.get(key);
    if (!side) sides.set(key, (side = leftoverText(analyseNormalised(normaliseText(text, maxChars)))));
    return side;
  };
  const textOf = new Map(kb.map((e) => [e.id, e.question]));
  const queries: Query[] = pairs.map(([q1, q2, label]) => {
    const gold = new Set<string>();
    if (label.trim() === '1') gold.add(idOf.get(q1) as string);
    if (idOf.has(q2)) gold.add(idOf.get(q2) as string);
    const entryNumber = Number((idOf.get(q1) as string).slice(1));
    const group = entryNumber % FOLDS;
    // Rows in retrieval order: which rows train the pair model must not depend on the weights being fitted.
    const inspected = matcher.inspect(q2).sort((a, b) => b.retrievalScore - a.retrievalScore || (a.id < b.id ? -1 : 1));
    const side = sideOf(q2);
    return {
      group,
      inner: Math.floor(entryNumber / FOLDS) % INNER_GROUPS,
      gold,
      rows: inspected.map((c) => ({ id: c.id, features: c.features, mayAnswer: c.mayAnswer })),
      pair: { a: sideOf(q1, 2000), b: side, same: label.trim() === '1' },
      side,
      rowSides: inspected.map((c) => sideOf(textOf.get(c.id) as string, 2000)),
    };
  });
  const retrievedGold = queries.filter((q) => q.gold.size > 0 && q.rows.some((r) => q.gold.has(r.id))).length;
  const answerable = queries.filter((q) => q.gold.size > 0).length;
  console.log(`features for ${queries.length} queries in ${((performance.now() - started) / 1000).toFixed(1)} s; gold in re-rank set ${pct(retrievedGold / answerable)}`);

  const folds = Array.from({ length: FOLDS }, (_, g) => g).map((g) => {
    const { training, counts } = prepareTraining(queries.filter((q) => q.group !== g));
    const model = fitModel(training);
    const odds = oddsFromCounts(counts);
    return evaluate(model, withLeftovers(queries.filter((q) => q.group === g), () => odds));
  });
  const mean = (k: string): number => folds.reduce((sum, f) => sum + (f[k] ?? 0), 0) / folds.length;
  folds.forEach((f, g) => {
    console.log(`  fold ${g} held out (fitted on the others): right decisions ${pct(f.rightDecisions)}, top-1 ${pct(f.top1)}, recall@5 ${pct(f.recall5)}, handoff ${pct(f.handoff)}`);
  });
  console.log(`${FOLDS}-fold cross-validated: right decisions ${pct(mean('rightDecisions'))}, top-1 ${pct(mean('top1'))}, recall@5 ${pct(mean('recall5'))}, handoff on look-alikes ${pct(mean('handoff'))}`);

  const { training, counts } = prepareTraining(queries);
  const model = fitModel(training);
  const shippedOdds = oddsFromCounts(counts);
  const all = evaluate(model, withLeftovers(queries, () => shippedOdds));
  console.log(`fitted on all (in-sample): right decisions ${pct(all.rightDecisions)}, top-1 ${pct(all.top1)}, recall@5 ${pct(all.recall5)}, handoff ${pct(all.handoff)}; answerAt ${model.answerAt}, suggestAt ${model.suggestAt}`);
  // How often each feature splits a node: a rough picture of what the trees rely on.
  const uses = FEATURE_NAMES.map((name, i) => ({ name, count: model.pair.feature.filter((f) => f === i).length }));
  console.log(`splits per feature: ${uses.sort((x, y) => y.count - x.count).map((u) => `${u.name}=${u.count}`).join(' ')}`);
  console.log(`trees ${model.pair.roots.length}, nodes ${model.pair.feature.length}; confidence=${model.confidenceWeights.map((w) => w.toFixed(3)).join(',')} bias ${model.confidenceBias.toFixed(3)}`);

  if (args.includes('--write')) {
    const round = (xs: readonly number[], digits = 4): string => `[${xs.map((x) => Number(x.toFixed(digits))).join(', ')}]`;
    // Thresholds keep full precision: a rounded threshold would send rows that sat on it down the other branch.
    const exact = (xs: readonly number[]): string => `[${xs.join(', ')}]`;
    const heldOut = (f: Record<string, number>): string =>
      `{ rightDecisions: ${Number((f.rightDecisions ?? 0).toFixed(4))}, top1: ${Number((f.top1 ?? 0).toFixed(4))}, recall5: ${Number((f.recall5 ?? 0).toFixed(4))}, handoff: ${Number((f.handoff ?? 0).toFixed(4))} }`;
    const target = fileURLToPath(new URL('../src/calibration.ts', import.meta.url));
    writeFileSync(
      target,
      `/**
 * Fitted constants of the scorer. Written by knowledge-base/tools/fit-calibration.ts (see that file for how
 * they are fitted) on ${path.split('/').slice(-2).join('/')}; hand edits are overwritten.
 * Held out (${FOLDS}-fold by entry, each fold scored by a model fitted on the others): right decisions
 * ${folds.map((f) => pct(f.rightDecisions)).join(' / ')}, top-1 ${folds.map((f) => pct(f.top1)).join(' / ')}, recall@5 ${folds.map((f) => pct(f.recall5)).join(' / ')}.
 * The constants below are fitted on all pairs; in-sample they give right decisions ${pct(all.rightDecisions)}.
 */
import type { BoostedTrees } from './boosted-trees.ts';

/** Pair model: ${model.pair.roots.length} boosted trees over FEATURE_NAMES (features.ts), log-odds that a text asks the same as the query. */
const PAIR_TREES: BoostedTrees = {
  base: ${model.pair.base},
  roots: ${exact(model.pair.roots)},
  feature: ${exact(model.pair.feature)},
  threshold: ${exact(model.pair.threshold)},
  left: ${exact(model.pair.left)},
  right: ${exact(model.pair.right)},
  value: ${round(model.pair.value, 6)},
};

export const CALIBRATION = {
  pairTrees: PAIR_TREES,
  /** Confidence model over [pair log-odds, margin to the best other entry], then the bias. */
  confidenceWeights: ${round(model.confidenceWeights)} as readonly number[],
  confidenceBias: ${Number(model.confidenceBias.toFixed(4))},
  /** Confidence at or above which the bot answers. */
  answerAt: ${model.answerAt},
  /** Confidence at or above which the bot suggests (below it hands off to a human). */
  suggestAt: ${model.suggestAt},
  /** Figures on held-out pairs, per fold: what the bench reports as the honest ones. */
  heldOut: [${folds.map(heldOut).join(', ')}],
} as const;
`,
    );
    console.log(`wrote ${target}`);
    const leftoversTarget = fileURLToPath(new URL('../src/calibration-leftovers.ts', import.meta.url));
    const rows = (list: LeftoverCounts['words']): string => list.map(([key, n, same]) => `    [${JSON.stringify(key)}, ${n}, ${same}],`).join('\n');
    writeFileSync(
      leftoversTarget,
      `/**
 * Leftover counts (leftovers.ts) of every pair of ${path.split('/').slice(-2).join('/')}, general vocabulary only (common words, at least
 * LEFTOVER_MIN_PAIRS pairs each). Written by knowledge-base/tools/fit-calibration.ts; hand edits are overwritten.
 * The held-out figures in calibration.ts count them inside each training fold only.
 */
import type { LeftoverCounts } from './leftovers.ts';

export const LEFTOVER_COUNTS: LeftoverCounts = {
  sameShare: ${counts.sameShare},
  words: [
${rows(counts.words)}
  ],
  units: [
${rows(counts.units)}
  ],
  swaps: [
${rows(counts.swaps)}
  ],
};
`,
    );
    console.log(`wrote ${leftoversTarget} (${counts.words.length} words, ${counts.units.length} units, ${counts.swaps.length} swaps)`);
  }
}

main();
