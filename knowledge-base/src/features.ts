/**
 * Pair features between a query and one entry text. Every feature is a general property of two
 * questions (overlaps, weights of what is left over, mismatches of the small words that flip a meaning),
 * never a memorised pair, so weights fitted on one data set carry to a knowledge base of other questions.
 */
import type { AnalysedText } from './analyse.ts';
import { weighWord } from './analyse.ts';
import { ANTONYM_PAIRS } from './lexicon.ts';

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
  /** Bit masks over ANTONYM_PAIRS: which first / second words the text has. */
  antonymFirst: number;
  antonymSecond: number;
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
  'unsharedNoun', 'unsharedVerb', 'unsharedAdjective', 'unsharedOther', 'nounSwap', 'verbSwap',
  'diffSubstitutions', 'diffGaps', 'diffSingleSwaps', 'diffLongest', 'orderSwaps', 'antonymMismatch',
  'shorterLength', 'longerLength', 'sharedRarest', 'sharedMass',
] as const;

/** Prepares an analysed entry text for repeated comparison. */
export function prepareText(analysed: AnalysedText): PreparedText {
  const wordWeights = analysed.words.map(weighWord);
  const unitSet = new Set(analysed.units);
  const antonyms = findAntonyms(analysed.canon);
  return {
    analysed,
    antonymFirst: antonyms.first,
    antonymSecond: antonyms.second,
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

/** What one side says that the other lacks, in scaled word IDF. */
interface Unshared {
  /** Heaviest word the other side has too. */
  sharedMax: number;
  /** All words the other side has too. */
  sharedMass: number;
  /** Heaviest missing word. */
  max: number;
  /** All missing words. */
  mass: number;
  /** Missing mass per WORD_CLASS (noun, verb, adjective, other). */
  byClass: [number, number, number, number];
}

/** A word of one side is matched when the other side has it as a word or inside its text. */
function unsharedWords(from: PreparedText, to: PreparedText): Unshared {
  const out: Unshared = { sharedMax: 0, sharedMass: 0, max: 0, mass: 0, byClass: [0, 0, 0, 0] };
  const words = from.analysed.words;
  const classes = from.analysed.wordClasses;
  for (let i = 0; i < words.length; i++) {
    const w = words[i] as string;
    const weight = (from.wordWeights[i] as number) / WORD_SCALE;
    if (to.wordSet.has(w) || to.analysed.canon.includes(w)) {
      out.sharedMass += weight;
      if (weight > out.sharedMax) out.sharedMax = weight;
      continue;
    }
    out.mass += weight;
    if (weight > out.max) out.max = weight;
    out.byClass[(classes[i] ?? 3) as 0 | 1 | 2 | 3] += weight;
  }
  return out;
}

interface DiffShape {
  /** Length of the longest common subsequence of units. */
  lcs: number;
  /** Places where both sides say something different (落在 / 停在, 左 / 右). */
  substitutions: number;
  /** Places where only one side adds something (猫的表情 / 表情). */
  gaps: number;
  /** Substitutions of exactly one character each side: the commonest look-alike (吃 / 切). */
  singleSwaps: number;
  /** Longest differing stretch, in units. */
  longest: number;
}

// Scratch table for the alignment; texts are cut at MAX_TEXT_CHARS, so it stays small.
let diffTable = new Int16Array(1024);
/** Aligns two unit sequences on their longest common subsequence and describes what differs between them. */
function describeDiff(a: readonly string[], b: readonly string[]): DiffShape {
  const n = a.length;
  const m = b.length;
  const width = m + 1;
  const size = (n + 1) * width;
  if (diffTable.length < size) diffTable = new Int16Array(size * 2);
  const t = diffTable;
  for (let j = 0; j <= m; j++) t[n * width + j] = 0;
  // Suffix table: t[i][j] = LCS of a[i..], b[j..]; walking forward from (0,0) then reads the alignment in order.
  for (let i = n - 1; i >= 0; i--) {
    const row = i * width;
    t[row + m] = 0;
    const ai = a[i];
    for (let j = m - 1; j >= 0; j--) {
      t[row + j] = ai === b[j] ? (t[row + width + j + 1] as number) + 1 : Math.max(t[row + width + j] as number, t[row + j + 1] as number);
    }
  }
  const shape: DiffShape = { lcs: n > 0 && m > 0 ? (t[0] as number) : 0, substitutions: 0, gaps: 0, singleSwaps: 0, longest: 0 };
  let i = 0;
  let j = 0;
  let dropA = 0;
  let dropB = 0;
  const close = (): void => {
    if (dropA === 0 && dropB === 0) return;
    if (dropA > 0 && dropB > 0) {
      shape.substitutions++;
      if (dropA === 1 && dropB === 1) shape.singleSwaps++;
    } else shape.gaps++;
    shape.longest = Math.max(shape.longest, dropA, dropB);
    dropA = 0;
    dropB = 0;
  };
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) {
      close();
      i++;
      j++;
    } else if (j >= m || (i < n && (t[(i + 1) * width + j] as number) >= (t[i * width + j + 1] as number))) {
      dropA++;
      i++;
    } else {
      dropB++;
      j++;
    }
  }
  close();
  return shape;
}

/** Share of pairs of shared words that appear in the opposite order (成都到北京 / 北京到成都). */
function orderSwaps(query: PreparedText, text: PreparedText): number {
  const positions: [number, number][] = [];
  const qCanon = query.analysed.canon;
  const tCanon = text.analysed.canon;
  for (const w of query.analysed.words) {
    if (!text.wordSet.has(w)) continue;
    positions.push([qCanon.indexOf(w), tCanon.indexOf(w)]);
  }
  if (positions.length < 2) return 0;
  let swapped = 0;
  let pairs = 0;
  for (let x = 0; x < positions.length; x++) {
    for (let y = x + 1; y < positions.length; y++) {
      const [qx, tx] = positions[x] as [number, number];
      const [qy, ty] = positions[y] as [number, number];
      pairs++;
      if ((qx - qy) * (tx - ty) < 0) swapped++;
    }
  }
  return swapped / pairs;
}

if (ANTONYM_PAIRS.length > 32) throw new Error('ANTONYM_PAIRS holds at most 32 pairs (one bit each)');

/** Bit i set when the text has the first (or second) word of ANTONYM_PAIRS[i]; built once per text. */
function findAntonyms(canon: string): { first: number; second: number } {
  let first = 0;
  let second = 0;
  ANTONYM_PAIRS.forEach(([x, y], i) => {
    if (canon.includes(x)) first |= 1 << i;
    if (canon.includes(y)) second |= 1 << i;
  });
  return { first, second };
}

/** 1 when one side has a word and the other its opposite (左 / 右, 买 / 卖) without the word itself. */
function antonymMismatch(q: PreparedText, t: PreparedText): number {
  const qOnlyFirst = q.antonymFirst & ~q.antonymSecond;
  const qOnlySecond = q.antonymSecond & ~q.antonymFirst;
  const tOnlyFirst = t.antonymFirst & ~t.antonymSecond;
  const tOnlySecond = t.antonymSecond & ~t.antonymFirst;
  return (qOnlyFirst & tOnlySecond) !== 0 || (qOnlySecond & tOnlyFirst) !== 0 ? 1 : 0;
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

/**
 * The feature vector of a query against one entry text, in FEATURE_NAMES order. With `extended` false only
 * the first 25 (what the linear model reads) are computed, which is cheaper.
 */
export function describePair(
  query: PreparedText,
  text: PreparedText,
  weights: Weights,
  queryWeights: QueryWeights = weighQuery(query, weights),
  textWeights: QueryWeights = weighQuery(text, weights),
  extended = true,
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
  // The alignment (for the extended features) gives the LCS too; without them one DP row is enough.
  const diff = extended ? describeDiff(q.units, t.units) : undefined;
  const lcs = diff ? diff.lcs : longestCommonSubsequence(q.units, t.units);
  const maxLen = Math.max(q.units.length, t.units.length);
  const minLen = Math.min(q.units.length, t.units.length);
  const missQ = unsharedWords(query, text);
  const missT = unsharedWords(text, query);
  const bothNumbers = q.numbers.length > 0 && t.numbers.length > 0;
  const oneNumbers = (q.numbers.length > 0) !== (t.numbers.length > 0);
  const idfScale = weights.unitIdf('\u0000');
  const oddQ = oddUnit(unitsQ, queryWeights.units, text.unitSet, idfScale);
  const oddT = oddUnit(unitsT, textWeights.units, query.unitSet, idfScale);
  const bothLatin = q.latin.length > 0 || t.latin.length > 0;
  const unsharedQ = missQ.byClass;
  const unsharedT = missT.byClass;
  const base = [
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
  if (!diff) return base;
  base.push(
    Math.min(unsharedQ[0] + unsharedT[0], 3),
    Math.min(unsharedQ[1] + unsharedT[1], 3),
    Math.min(unsharedQ[2] + unsharedT[2], 3),
    Math.min(unsharedQ[3] + unsharedT[3], 3),
    Math.min(unsharedQ[0], unsharedT[0], 2),
    Math.min(unsharedQ[1], unsharedT[1], 2),
    Math.min(diff.substitutions, 4),
    Math.min(diff.gaps, 4),
    Math.min(diff.singleSwaps, 3),
    maxLen > 0 ? diff.longest / maxLen : 0,
    orderSwaps(query, text),
    antonymMismatch(query, text),
    Math.min(minLen / 20, 2),
    Math.min(maxLen / 20, 2),
    Math.min(missQ.sharedMax, 1.2),
    Math.min(missQ.sharedMass, 4),
  );
  return base;
}
