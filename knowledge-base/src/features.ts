/**
 * Pair features between a query and one entry text. Every feature is a general property of two
 * questions (overlaps, weights of what is left over, mismatches of the small words that flip a meaning),
 * never a memorised pair, so weights fitted on one data set carry to a knowledge base of other questions.
 */
import type { AnalysedText } from './analyse.ts';
import { weighWord } from './analyse.ts';

/** An entry text with the sets the scorer probes, built once at indexing time. */
export interface PreparedText {
  analysed: AnalysedText;
  unitSet: ReadonlySet<string>;
  bigramSet: ReadonlySet<string>;
  wordSet: ReadonlySet<string>;
  pinyinBigramSet: ReadonlySet<string>;
  /** Distinct units. */
  distinctUnits: readonly string[];
  /** Word weights aligned with analysed.words (general-corpus IDF never changes, so computed once). */
  wordWeights: readonly number[];
  /** Sum of word weights, cached because every comparison needs it. */
  wordMass: number;
}

/** Collection statistics the features weigh with (inverse document frequency from the live index). */
export interface Weights {
  unitIdf(unit: string): number;
  bigramIdf(bigram: string): number;
}

// A bigram that matches only by sound (公基金 / 公积金) counts this much of an exact match.
const HOMOPHONE_CREDIT = 0.8;

/** Bigram overlap where a bigram missing by characters may still match by pinyin. */
function bigramOverlap(
  from: PreparedText,
  fromWeights: readonly number[],
  to: PreparedText,
): { hit: number; total: number } {
  const bigrams = from.analysed.bigrams;
  const sounds = from.analysed.bigramPinyin;
  let hit = 0;
  let total = 0;
  for (let i = 0; i < bigrams.length; i++) {
    const w = fromWeights[i] as number;
    total += w;
    if (to.bigramSet.has(bigrams[i] as string)) hit += w;
    else if (to.pinyinBigramSet.has(sounds[i] as string)) hit += HOMOPHONE_CREDIT * w;
  }
  return { hit, total };
}

/** Names of the features, in the order of the vector `describePair` returns. */
export const FEATURE_NAMES = [
  'bigramDice', 'unitDice', 'wordDice', 'lcsOverMax', 'lcsOverMin', 'lengthRatio',
  'queryCoverage', 'textCoverage', 'missQuery', 'missText', 'missMass', 'numberMismatch', 'numberOneSided',
  'negationMismatch', 'questionTypeMismatch', 'questionTypeDiffers', 'latinMismatch', 'exact',
  'bigramDiceSq', 'shortText', 'unitCoverQuery', 'unitCoverText', 'oddUnitQuery', 'oddUnitText', 'substitution',
] as const;

/** Prepares an analysed entry text for repeated comparison. */
export function prepareText(analysed: AnalysedText): PreparedText {
  const wordWeights = analysed.words.map(weighWord);
  const unitSet = new Set(analysed.units);
  return {
    analysed,
    unitSet,
    distinctUnits: [...unitSet],
    wordWeights,
    wordMass: wordWeights.reduce((a, b) => a + b, 0),
    bigramSet: new Set(analysed.bigrams),
    wordSet: new Set(analysed.words),
    pinyinBigramSet: new Set(analysed.pinyinBigrams),
  };
}

function weightedDice(
  left: readonly string[],
  rightSet: ReadonlySet<string>,
  right: readonly string[],
  leftSet: ReadonlySet<string>,
  weigh: (token: string) => number,
  leftWeights?: readonly number[],
  rightWeights?: readonly number[],
): { dice: number; leftCover: number; rightCover: number } {
  let leftTotal = 0;
  let leftHit = 0;
  for (let i = 0; i < left.length; i++) {
    const t = left[i] as string;
    const w = leftWeights ? (leftWeights[i] as number) : weigh(t);
    leftTotal += w;
    if (rightSet.has(t)) leftHit += w;
  }
  let rightTotal = 0;
  let rightHit = 0;
  for (let i = 0; i < right.length; i++) {
    const t = right[i] as string;
    const w = rightWeights ? (rightWeights[i] as number) : weigh(t);
    rightTotal += w;
    if (leftSet.has(t)) rightHit += w;
  }
  const total = leftTotal + rightTotal;
  return {
    dice: total > 0 ? (leftHit + rightHit) / total : 0,
    leftCover: leftTotal > 0 ? leftHit / leftTotal : 0,
    rightCover: rightTotal > 0 ? rightHit / rightTotal : 0,
  };
}

// Reused across calls: the matcher is single-threaded and LCS needs one row of scratch space.
let lcsRow = new Int32Array(64);
function longestCommonSubsequence(a: readonly string[], b: readonly string[]): number {
  if (a.length === 0 || b.length === 0) return 0;
  if (lcsRow.length < b.length + 1) lcsRow = new Int32Array(b.length * 2 + 1);
  lcsRow.fill(0, 0, b.length + 1);
  for (let i = 0; i < a.length; i++) {
    let diagonal = 0;
    const ai = a[i];
    for (let j = 0; j < b.length; j++) {
      const above = lcsRow[j + 1] as number;
      lcsRow[j + 1] = ai === b[j] ? diagonal + 1 : Math.max(above, lcsRow[j] as number);
      diagonal = above;
    }
  }
  return lcsRow[b.length] as number;
}

// Word weights are general-corpus IDF (about 0–14); dividing keeps features near 0..1.
const WORD_SCALE = 12;

/** A word of one side is matched when the other side has it as a word or inside its text. */
function missingWords(from: PreparedText, to: PreparedText): { max: number; mass: number } {
  let max = 0;
  let mass = 0;
  const words = from.analysed.words;
  for (let i = 0; i < words.length; i++) {
    const w = words[i] as string;
    if (to.wordSet.has(w) || to.analysed.canon.includes(w)) continue;
    const weight = from.wordWeights[i] as number;
    mass += weight;
    if (weight > max) max = weight;
  }
  return { max: max / WORD_SCALE, mass: mass / WORD_SCALE };
}

/** Largest IDF among units of one side that the other side lacks, scaled by the largest possible IDF. */
function oddUnit(units: readonly string[], unitWeights: readonly number[], other: ReadonlySet<string>, scale: number): number {
  let max = 0;
  for (let i = 0; i < units.length; i++) {
    if (other.has(units[i] as string)) continue;
    const w = unitWeights[i] as number;
    if (w > max) max = w;
  }
  return scale > 0 ? max / scale : 0;
}

function sameStrings(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  const set = new Set(a);
  return b.every((x) => set.has(x));
}

/** IDF weights of a text's bigrams and distinct units against the live index. */
export interface QueryWeights {
  bigrams: readonly number[];
  units: readonly number[];
}

/** Weighs a text's bigrams and units against the live index (once per query, once per index change for entries). */
export function weighQuery(query: PreparedText, weights: Weights): QueryWeights {
  return {
    bigrams: query.analysed.bigrams.map((b) => weights.bigramIdf(b)),
    units: query.distinctUnits.map((u) => weights.unitIdf(u)),
  };
}

/** The feature vector of a query against one entry text, in FEATURE_NAMES order. */
export function describePair(
  query: PreparedText,
  text: PreparedText,
  weights: Weights,
  queryWeights: QueryWeights = weighQuery(query, weights),
  textWeights: QueryWeights = weighQuery(text, weights),
): number[] {
  const q = query.analysed;
  const t = text.analysed;
  const left = bigramOverlap(query, queryWeights.bigrams, text);
  const right = bigramOverlap(text, textWeights.bigrams, query);
  const bigram = {
    dice: left.total + right.total > 0 ? (left.hit + right.hit) / (left.total + right.total) : 0,
    leftCover: left.total > 0 ? left.hit / left.total : 0,
    rightCover: right.total > 0 ? right.hit / right.total : 0,
  };
  const unitsQ = query.distinctUnits;
  const unitsT = text.distinctUnits;
  const unit = weightedDice(
    unitsQ, text.unitSet, unitsT, query.unitSet, weights.unitIdf, queryWeights.units, textWeights.units,
  );
  const word = weightedDice(q.words, text.wordSet, t.words, query.wordSet, weighWord, query.wordWeights, text.wordWeights);
  const lcs = longestCommonSubsequence(q.units, t.units);
  const maxLen = Math.max(q.units.length, t.units.length);
  const minLen = Math.min(q.units.length, t.units.length);
  const missQ = missingWords(query, text);
  const missT = missingWords(text, query);
  const bothNumbers = q.numbers.length > 0 && t.numbers.length > 0;
  const oneNumbers = (q.numbers.length > 0) !== (t.numbers.length > 0);
  const idfScale = weights.unitIdf('\u0000');
  const oddQ = oddUnit(unitsQ, queryWeights.units, text.unitSet, idfScale);
  const oddT = oddUnit(unitsT, textWeights.units, query.unitSet, idfScale);
  const bothLatin = q.latin.length > 0 || t.latin.length > 0;
  return [
    bigram.dice,
    unit.dice,
    word.dice,
    maxLen > 0 ? lcs / maxLen : 0,
    minLen > 0 ? lcs / minLen : 0,
    maxLen > 0 ? minLen / maxLen : 0,
    bigram.leftCover,
    bigram.rightCover,
    Math.min(missQ.max, 1.2),
    Math.min(missT.max, 1.2),
    Math.min(missQ.mass + missT.mass, 3),
    bothNumbers && !sameStrings(q.numbers, t.numbers) ? 1 : 0,
    oneNumbers ? 1 : 0,
    q.negations % 2 !== t.negations % 2 ? 1 : 0,
    q.questionTypes !== 0 && t.questionTypes !== 0 && (q.questionTypes & t.questionTypes) === 0 ? 1 : 0,
    q.questionTypes !== t.questionTypes ? 1 : 0,
    bothLatin && !sameStrings(q.latin, t.latin) ? 1 : 0,
    q.canon === t.canon && q.canon !== '' ? 1 : 0,
    bigram.dice * bigram.dice,
    minLen <= 3 ? 1 : 0,
    unit.leftCover,
    unit.rightCover,
    oddQ,
    oddT,
    Math.min(oddQ, oddT),
  ];
}
