/**
 * Learned leftover odds: how often two questions still asked the same thing when one of them had a word or a
 * character the other lacked (一下, 推荐 are left out freely; 左, 价格 are not), or when a word of one side
 * stood where a word of the other did (牌子 / 品牌: the same question in 13 of 17 LCQMC dev pairs). Counted on
 * labelled question pairs by knowledge-base/tools/fit-calibration.ts (inside each training fold for the
 * held-out figures) and turned into pair features for the trees.
 *
 * Only general vocabulary is kept, so the table describes the language, not the pairs it was counted on: a word
 * must be common in jieba's general corpus (IDF at most COMMON_WORD_IDF, so no names or topics) and every kept
 * word, character or swap must have been seen in at least LEFTOVER_MIN_PAIRS pairs. Odds are shrunk towards
 * the base rate with LEFTOVER_PRIOR pseudo-pairs.
 */
import type { AnalysedText } from './analyse.ts';
import { getGeneralIdf, UNKNOWN_WORD_IDF } from './analyse.ts';

/** A word, character or swap ("a|b", sorted), the pairs it was left over in, and how many of those asked the same. */
export type LeftoverCount = readonly [key: string, pairs: number, same: number];

/** Counts from labelled question pairs (what calibration-leftovers.ts holds). */
export interface LeftoverCounts {
  /** Share of the counted pairs that asked the same thing: the base rate the odds are relative to. */
  sameShare: number;
  words: readonly LeftoverCount[];
  units: readonly LeftoverCount[];
  swaps: readonly LeftoverCount[];
}

/** Log-odds (relative to the base rate) by key, ready for scoring. */
export interface LeftoverOdds {
  word: ReadonlyMap<string, number>;
  unit: ReadonlyMap<string, number>;
  /** Swaps by either word, then the other: no key string is built per comparison. */
  swap: ReadonlyMap<string, ReadonlyMap<string, number>>;
}

/** Fewest pairs a word, character or swap needs to be kept: fewer would be remembering pairs, not a language. */
export const LEFTOVER_MIN_PAIRS = 10;
/** Pseudo-pairs at the base rate added to every count (shrinks rare keys towards "no evidence"). */
export const LEFTOVER_PRIOR = 3;
/** Highest general-corpus IDF of a word that is counted: common words only, never names or topics. */
export const COMMON_WORD_IDF = 9;
/** Swaps are counted (and scored) only between sides with at most this many pairings of leftover words. */
const MAX_SWAPS = 16;

/** Names of the features describeLeftovers returns, in order (appended to FEATURE_NAMES). */
export const LEFTOVER_FEATURE_NAMES = [
  'leftoverWordOdds', 'leftoverWordWorst', 'leftoverWordBest', 'leftoverWordKnown',
  'swapOdds', 'swapBest', 'swapWorst', 'leftoverUnitOdds', 'leftoverUnitWorst', 'leftoverUnitBest',
] as const;

const isCommon = (word: string): boolean => (getGeneralIdf().get(word) ?? UNKNOWN_WORD_IDF) <= COMMON_WORD_IDF;
const swapKey = (a: string, b: string): string => (a < b ? `${a}|${b}` : `${b}|${a}`);

/** The sets of a text the leftover tests probe (features.ts's PreparedText holds them too). */
export interface LeftoverText {
  analysed: AnalysedText;
  tokenSet: ReadonlySet<string>;
  unitSet: ReadonlySet<string>;
  distinctUnits: readonly string[];
}

/**
 * One side of a comparison as the leftover features read it: the text's sets and its tokens' and units' odds
 * under one table, looked up once per text rather than once per comparison (NaN: the table lacks it).
 */
export interface LeftoverSide extends LeftoverText {
  /** Odds of analysed.tokens, aligned. */
  tokenOdds: Float64Array;
  /** Odds of distinctUnits, aligned. */
  unitOdds: Float64Array;
  /** The swaps each of analysed.tokens has in the table, aligned (undefined: none). */
  tokenSwaps: readonly (ReadonlyMap<string, number> | undefined)[];
}

/** The sets a text needs, for callers without a PreparedText (counting, the fitting tool). */
export function leftoverText(analysed: AnalysedText): LeftoverText {
  const unitSet = new Set(analysed.units);
  return { analysed, tokenSet: new Set(analysed.tokens), unitSet, distinctUnits: [...unitSet] };
}

/** The odds a text's tokens and units have under a table (what makes a LeftoverText a LeftoverSide). */
export function weighLeftovers(text: LeftoverText, odds: LeftoverOdds): Pick<LeftoverSide, 'tokenOdds' | 'unitOdds' | 'tokenSwaps'> {
  const { tokens } = text.analysed;
  const tokenOdds = new Float64Array(tokens.length);
  const tokenSwaps: (ReadonlyMap<string, number> | undefined)[] = new Array(tokens.length);
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] as string;
    tokenOdds[i] = odds.word.get(token) ?? NaN;
    tokenSwaps[i] = odds.swap.get(token);
  }
  const unitOdds = new Float64Array(text.distinctUnits.length);
  for (let i = 0; i < unitOdds.length; i++) unitOdds[i] = odds.unit.get(text.distinctUnits[i] as string) ?? NaN;
  return { tokenOdds, unitOdds, tokenSwaps };
}

/** Words of each side the other lacks (neither as a word nor inside its text). */
export function leftoverWords(a: LeftoverText, b: LeftoverText): [string[], string[]] {
  return [
    a.analysed.tokens.filter((w) => !b.tokenSet.has(w) && !b.analysed.canon.includes(w)),
    b.analysed.tokens.filter((w) => !a.tokenSet.has(w) && !a.analysed.canon.includes(w)),
  ];
}

/** Distinct units (characters, Latin words, numbers) of either side that the other lacks. */
export function leftoverUnits(a: LeftoverText, b: LeftoverText): string[] {
  const out: string[] = [];
  for (const u of a.distinctUnits) if (!b.unitSet.has(u)) out.push(u);
  for (const u of b.distinctUnits) if (!a.unitSet.has(u)) out.push(u);
  return out;
}

/** Counts leftovers over labelled pairs (`same`: the two ask the same thing), keeping general vocabulary only. */
export function countLeftovers(pairs: Iterable<{ a: LeftoverText; b: LeftoverText; same: boolean }>): LeftoverCounts {
  const words = new Map<string, [number, number]>();
  const units = new Map<string, [number, number]>();
  const swaps = new Map<string, [number, number]>();
  const bump = (table: Map<string, [number, number]>, key: string, same: number): void => {
    const c = table.get(key);
    if (c) {
      c[0]++;
      c[1] += same;
    } else table.set(key, [1, same]);
  };
  let total = 0;
  let sameTotal = 0;
  for (const { a, b, same } of pairs) {
    const y = same ? 1 : 0;
    total++;
    sameTotal += y;
    const [left, right] = leftoverWords(a, b);
    for (const w of new Set([...left, ...right])) if (isCommon(w)) bump(words, w, y);
    for (const u of leftoverUnits(a, b)) bump(units, u, y);
    if (left.length * right.length <= MAX_SWAPS) {
      for (const x of left) for (const z of right) if (isCommon(x) && isCommon(z)) bump(swaps, swapKey(x, z), y);
    }
  }
  const kept = (table: Map<string, [number, number]>): LeftoverCount[] =>
    [...table]
      .filter(([, [n]]) => n >= LEFTOVER_MIN_PAIRS)
      .map(([key, [n, s]]) => [key, n, s] as const)
      .sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));
  return { sameShare: total > 0 ? sameTotal / total : 0.5, words: kept(words), units: kept(units), swaps: kept(swaps) };
}

/** Turns counts into shrunk log-odds relative to the base rate. */
export function oddsFromCounts(counts: LeftoverCounts): LeftoverOdds {
  const p0 = Math.min(Math.max(counts.sameShare, 0.01), 0.99);
  const base = Math.log(p0 / (1 - p0));
  const table = (rows: readonly LeftoverCount[]): Map<string, number> => {
    const out = new Map<string, number>();
    for (const [key, n, same] of rows) {
      if (n < LEFTOVER_MIN_PAIRS) continue;
      const p = (same + LEFTOVER_PRIOR * p0) / (n + LEFTOVER_PRIOR);
      out.set(key, Math.log(p / (1 - p)) - base);
    }
    return out;
  };
  const swap = new Map<string, Map<string, number>>();
  for (const [key, value] of table(counts.swaps)) {
    const bar = key.indexOf('|', 1);
    const x = key.slice(0, bar);
    const z = key.slice(bar + 1);
    for (const [from, to] of [[x, z], [z, x]] as const) {
      const row = swap.get(from);
      if (row) row.set(to, value);
      else swap.set(from, new Map([[to, value]]));
    }
  }
  return { word: table(counts.words), unit: table(counts.units), swap };
}

/** True when the other text lacks a token of this one (neither as a word nor inside its text). */
function isLeftover(token: string, other: LeftoverText): boolean {
  return !other.tokenSet.has(token) && !other.analysed.canon.includes(token);
}

// Leftover tokens of each side of one comparison, as indexes into its tokens (the matcher is single-threaded).
let leftScratch = new Int32Array(64);
let rightScratch = new Int32Array(64);

/**
 * Membership marks of the two sides' units by token id (features.ts marks them for every comparison anyway):
 * with them the unit test reads an array instead of hashing the unit. Same answers as the sets.
 */
export interface UnitMarks {
  queryIds: Int32Array;
  textIds: Int32Array;
  query: Uint32Array;
  queryAt: number;
  text: Uint32Array;
  textAt: number;
}

/** Odds summed, worst and best over the units of `from` that `other` lacks (added into `out` at at+7, 8, 9). */
function addLeftoverUnits(from: LeftoverSide, other: LeftoverSide, out: number[], at: number, ids?: Int32Array, otherMarks?: Uint32Array, otherAt = 0): void {
  const units = from.distinctUnits;
  const odds = from.unitOdds;
  for (let i = 0; i < units.length; i++) {
    const v = odds[i] as number;
    if (Number.isNaN(v)) continue;
    if (ids && otherMarks) {
      // An id of -1 (a unit no indexed text has) is in no text's marks, as it would be in no set.
      const id = ids[i] as number;
      if (id >= 0 && otherMarks[id] === otherAt) continue;
    } else if (other.unitSet.has(units[i] as string)) continue;
    out[at + 7] = (out[at + 7] as number) + v;
    if (v < (out[at + 8] as number)) out[at + 8] = v;
    if (v > (out[at + 9] as number)) out[at + 9] = v;
  }
}

/**
 * The leftover features of a query against an entry text, in LEFTOVER_FEATURE_NAMES order: summed, worst and
 * best odds of the leftover words, the share of them the table knows; of the swaps; of the leftover units.
 * Both sides must be weighed with the same table (weighLeftovers); `marks` only make it faster. Written into
 * `out` from `at` when given (the matcher's feature vector, without a copy), else into a new array.
 */
export function describeLeftovers(query: LeftoverSide, text: LeftoverSide, marks?: UnitMarks, out: number[] = [], at = 0): number[] {
  let wordSum = 0, wordWorst = 0, wordBest = 0, known = 0;
  let swapSum = 0, swapBest = 0, swapWorst = 0;
  const qTokens = query.analysed.tokens;
  const tTokens = text.analysed.tokens;
  if (leftScratch.length < qTokens.length) leftScratch = new Int32Array(qTokens.length * 2);
  if (rightScratch.length < tTokens.length) rightScratch = new Int32Array(tTokens.length * 2);
  let leftCount = 0;
  for (let i = 0; i < qTokens.length; i++) {
    if (!isLeftover(qTokens[i] as string, text)) continue;
    leftScratch[leftCount++] = i;
    const v = query.tokenOdds[i] as number;
    if (Number.isNaN(v)) continue;
    known++;
    wordSum += v;
    if (v < wordWorst) wordWorst = v;
    if (v > wordBest) wordBest = v;
  }
  let rightCount = 0;
  for (let j = 0; j < tTokens.length; j++) if (isLeftover(tTokens[j] as string, query)) rightScratch[rightCount++] = j;
  const swapping = leftCount * rightCount <= MAX_SWAPS;
  for (let r = 0; r < rightCount; r++) {
    const j = rightScratch[r] as number;
    const v = text.tokenOdds[j] as number;
    if (!Number.isNaN(v)) {
      known++;
      wordSum += v;
      if (v < wordWorst) wordWorst = v;
      if (v > wordBest) wordBest = v;
    }
    const swaps = text.tokenSwaps[j];
    if (!swapping || !swaps) continue;
    for (let k = 0; k < leftCount; k++) {
      const s = swaps.get(qTokens[leftScratch[k] as number] as string);
      if (s === undefined) continue;
      swapSum += s;
      if (s > swapBest) swapBest = s;
      if (s < swapWorst) swapWorst = s;
    }
  }
  const leftovers = leftCount + rightCount;
  out[at] = wordSum;
  out[at + 1] = wordWorst;
  out[at + 2] = wordBest;
  out[at + 3] = leftovers > 0 ? known / leftovers : 1;
  out[at + 4] = swapSum;
  out[at + 5] = swapBest;
  out[at + 6] = swapWorst;
  out[at + 7] = 0;
  out[at + 8] = 0;
  out[at + 9] = 0;
  addLeftoverUnits(query, text, out, at, marks?.queryIds, marks?.text, marks?.textAt);
  addLeftoverUnits(text, query, out, at, marks?.textIds, marks?.query, marks?.queryAt);
  return out;
}
