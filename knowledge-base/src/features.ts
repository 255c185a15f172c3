/**
 * Pair features between a query and one entry text. Every feature is a general property of two
 * questions (overlaps, weights of what is left over, mismatches of the small words that flip a meaning),
 * never a memorised pair, so weights fitted on one data set carry to a knowledge base of other questions.
 */
import type { AnalysedText } from './analyse.ts';
import { weighWord } from './analyse.ts';
import { ANTONYM_PAIRS } from './lexicon.ts';
import { LEFTOVER_COUNTS } from './calibration-leftovers.ts';
import { describeLeftovers, LEFTOVER_FEATURE_NAMES, oddsFromCounts, weighLeftovers } from './leftovers.ts';
import type { LeftoverSide, UnitMarks } from './leftovers.ts';

/**
 * An entry text with the sets the scorer probes, built once at indexing time; also a side of the leftover
 * features under the shipped odds (leftovers.ts).
 */
export interface PreparedText extends LeftoverSide {
  analysed: AnalysedText;
  unitSet: ReadonlySet<string>;
  bigramSet: ReadonlySet<string>;
  wordSet: ReadonlySet<string>;
  /** analysed.tokens as a set (the leftover features, leftovers.ts). */
  tokenSet: ReadonlySet<string>;
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
  /** Token ids (numbered per kind, see `lookupTokenId`) aligned with analysed.bigrams, analysed.bigramPinyin, distinctUnits, analysed.words. */
  bigramIds: Int32Array;
  soundIds: Int32Array;
  unitIds: Int32Array;
  wordIds: Int32Array;
  /** Token ids of the distinct pinyin bigrams (pinyinBigramSet). */
  pinyinBigramIds: Int32Array;
  /**
   * Token ids of analysed.units in order, for the alignments: comparing numbers, not strings (a Han
   * character is a string of its own per text, so === compared contents). A query's unit the index lacks
   * is -1, which equals no entry's unit, as its string would not have.
   */
  unitSeq: Int32Array;
}

// Token ids: every token of an indexed text gets a number once, so the pair features test "does the other
// side have it" with an array read instead of hashing a string (that hashing was most of a comparison).
// A query's tokens are only looked up: one the index has never seen gets -1, which matches nothing.
// Each kind of token (bigram, sound, unit, word) numbers its own tokens: the tables stay small (a unit
// table of a few thousand characters is probed faster than one of every token), and so do the membership
// arrays below, which are indexed by id. No id is ever compared with an id of another kind.
const tokenIds = { bigram: new Map<string, number>(), sound: new Map<string, number>(), unit: new Map<string, number>(), word: new Map<string, number>() };
/** A kind of token, each numbered apart. */
export type TokenKind = keyof typeof tokenIds;
function idsOf(table: Map<string, number>, tokens: readonly string[], grow: boolean): Int32Array {
  const ids = new Int32Array(tokens.length);
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] as string;
    let id = table.get(token);
    if (id === undefined) {
      if (grow) table.set(token, (id = table.size));
      else id = -1;
    }
    ids[i] = id;
  }
  return ids;
}

// Word weights by token id: weighWord hashes the word into a 350,000-word table; a query's known words
// read them here instead. The weight depends on the string alone, so a cached one is the same number.
const wordWeightById: number[] = [];
function weighWords(words: readonly string[], ids: Int32Array): number[] {
  const out = new Array<number>(words.length);
  for (let i = 0; i < words.length; i++) {
    const id = ids[i] as number;
    if (id < 0) {
      out[i] = weighWord(words[i] as string);
      continue;
    }
    let w = wordWeightById[id];
    if (w === undefined) wordWeightById[id] = w = weighWord(words[i] as string);
    out[i] = w;
  }
  return out;
}

/** The id of an indexed token of a kind, or -1 when no indexed text has it. */
export function lookupTokenId(kind: TokenKind, token: string): number {
  return tokenIds[kind].get(token) ?? -1;
}

/** Ids of the distinct tokens in first-seen order (as [...new Set(tokens)]), from the ids of every token. */
function distinctIds(tokens: readonly string[], ids: Int32Array, distinct: number): Int32Array {
  const out = new Int32Array(distinct);
  const seen = new Set<string>();
  let k = 0;
  for (let i = 0; i < tokens.length && k < distinct; i++) {
    const token = tokens[i] as string;
    if (seen.has(token)) continue;
    seen.add(token);
    out[k++] = ids[i] as number;
  }
  return out;
}

/**
 * Membership marks of one side of a comparison, one array per kind of token: mark[id] === epoch means the
 * side has that token. A new epoch forgets the previous side without clearing anything.
 */
interface Side {
  bigram: Uint32Array;
  sound: Uint32Array;
  unit: Uint32Array;
  word: Uint32Array;
}
// Room for twice the tokens each kind has now, so that indexing more texts rarely reallocates.
const room = (kind: TokenKind): number => Math.max(1024, tokenIds[kind].size * 2);
const newSide = (): Side => ({
  bigram: new Uint32Array(room('bigram')), sound: new Uint32Array(room('sound')), unit: new Uint32Array(room('unit')), word: new Uint32Array(room('word')),
});
let sides: [Side, Side] = [newSide(), newSide()];
let epoch = 0;
// The query side is marked once per query, not once per candidate: its marks stay valid while the same
// query is compared with the next text (each side has its own arrays, and every marking takes a new epoch,
// so an older query's marks never read as this one's).
let markedQuery: PreparedText | undefined;
let queryEpoch = 0;
// The text side of the last comparison, whose marks `hasEverySound` may read.
let markedText: PreparedText | undefined;
let textEpoch = 0;

/**
 * Marks what each side has, for the membership tests of one comparison (the matcher is single-threaded).
 * Returns the epochs of the query side and of the text side.
 */
function markSides(query: PreparedText, text: PreparedText): { queryAt: number; textAt: number } {
  const [side] = sides;
  if (
    side.bigram.length < tokenIds.bigram.size || side.sound.length < tokenIds.sound.size ||
    side.unit.length < tokenIds.unit.size || side.word.length < tokenIds.word.size || epoch >= 0xfffffff0
  ) {
    sides = [newSide(), newSide()];
    epoch = 0;
    markedQuery = undefined;
    markedText = undefined;
  }
  if (query !== markedQuery) {
    queryEpoch = ++epoch;
    markSide(sides[0], query, queryEpoch);
    markedQuery = query;
  }
  const textAt = ++epoch;
  markSide(sides[1], text, textAt);
  markedText = text;
  textEpoch = textAt;
  return { queryAt: queryEpoch, textAt };
}

/**
 * True when the text has the sound of every bigram of the query among its pinyin bigrams (a homophone of the
 * query inside the text). Right after `describePair` compared the two it reads that comparison's marks (a
 * query sound no indexed text has is -1, which nobody has, as its string would not be in the text's set);
 * otherwise it compares the strings.
 */
export function hasEverySound(query: PreparedText, text: PreparedText): boolean {
  if (query === markedQuery && text === markedText) {
    const marks = sides[1].sound;
    const ids = query.soundIds;
    for (let i = 0; i < ids.length; i++) if (!has(marks, ids[i] as number, textEpoch)) return false;
    return true;
  }
  return query.analysed.bigramPinyin.every((sound) => text.pinyinBigramSet.has(sound));
}

function markSide(side: Side, text: PreparedText, at: number): void {
  markIds(side.bigram, text.bigramIds, at);
  markIds(side.sound, text.pinyinBigramIds, at);
  markIds(side.unit, text.unitIds, at);
  markIds(side.word, text.wordIds, at);
}

function markIds(marks: Uint32Array, ids: Int32Array, at: number): void {
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i] as number;
    if (id >= 0) marks[id] = at;
  }
}

/** True when the marked side has the token (a token unknown to the index, id -1, is nobody's). */
function has(marks: Uint32Array, id: number, at: number): boolean {
  return id >= 0 && marks[id] === at;
}

/** Collection statistics the features weigh with (inverse document frequency from the live index). */
export interface Weights {
  unitIdf(unit: string): number;
  bigramIdf(bigram: string): number;
  /**
   * The same weights by token id (-1: a token no indexed text has), when the index can give them without
   * hashing the string: weighQuery then reads these. They must equal the string versions exactly.
   */
  unitIdfById?(id: number): number;
  bigramIdfById?(id: number): number;
}

// A bigram that matches only by sound (公基金 / 公积金) counts this much of an exact match.
const HOMOPHONE_CREDIT = 0.8;

/** Bigram overlap where a bigram missing by characters may still match by pinyin (`to` is the marked side). */
function bigramOverlap(
  from: PreparedText,
  fromWeights: readonly number[],
  to: Side,
  at: number,
): { hit: number; total: number } {
  const bigrams = from.bigramIds;
  const sounds = from.soundIds;
  let hit = 0;
  let total = 0;
  for (let i = 0; i < bigrams.length; i++) {
    const w = fromWeights[i] as number;
    total += w;
    if (has(to.bigram, bigrams[i] as number, at)) hit += w;
    else if (has(to.sound, sounds[i] as number, at)) hit += HOMOPHONE_CREDIT * w;
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
  ...LEFTOVER_FEATURE_NAMES,
] as const;

/** Index of the first leftover feature (leftovers.ts): the fitting tool recomputes them per fold from there. */
export const LEFTOVER_FEATURES_AT = FEATURE_NAMES.indexOf(LEFTOVER_FEATURE_NAMES[0]);

/** The shipped leftover odds (calibration-leftovers.ts), turned into lookup tables once. */
const LEFTOVER_ODDS = oddsFromCounts(LEFTOVER_COUNTS);

/**
 * Prepares an analysed text for repeated comparison. `index` says whether it is an entry text (its tokens
 * get ids) or a query (its tokens are only looked up, so queries do not grow the token table).
 */
export function prepareText(analysed: AnalysedText, index = true): PreparedText {
  const wordIds = idsOf(tokenIds.word, analysed.words, index);
  const wordWeights = weighWords(analysed.words, wordIds);
  const unitSet = new Set(analysed.units);
  const antonyms = findAntonyms(analysed.canon);
  const distinctUnits = [...unitSet];
  const tokenSet = new Set(analysed.tokens);
  const { tokenOdds, unitOdds, tokenSwaps } = weighLeftovers({ analysed, tokenSet, unitSet, distinctUnits }, LEFTOVER_ODDS);
  const soundIds = idsOf(tokenIds.sound, analysed.bigramPinyin, index);
  const unitSeq = idsOf(tokenIds.unit, analysed.units, index);
  return {
    bigramIds: idsOf(tokenIds.bigram, analysed.bigrams, index),
    soundIds,
    unitIds: distinctIds(analysed.units, unitSeq, distinctUnits.length),
    unitSeq,
    wordIds,
    // The sounds of a text's bigrams are its pinyin bigrams (as a set); a one-unit text keeps its unit as
    // its only bigram, and there the two differ.
    pinyinBigramIds: analysed.units.length > 1 ? soundIds : idsOf(tokenIds.sound, analysed.pinyinBigrams, index),
    analysed,
    antonymFirst: antonyms.first,
    antonymSecond: antonyms.second,
    unitSet,
    distinctUnits,
    wordWeights,
    wordMass: wordWeights.reduce((a, b) => a + b, 0),
    bigramSet: new Set(analysed.bigrams),
    wordSet: new Set(analysed.words),
    tokenSet,
    tokenOdds,
    unitOdds,
    tokenSwaps,
    pinyinBigramSet: new Set(analysed.pinyinBigrams),
  };
}

/** Weighted Dice overlap of two token lists, each side's tokens tested against the other side's marks. */
function weightedDice(
  left: Int32Array,
  leftWeights: readonly number[],
  leftMarks: Uint32Array,
  leftAt: number,
  right: Int32Array,
  rightWeights: readonly number[],
  rightMarks: Uint32Array,
  rightAt: number,
): { dice: number; leftCover: number; rightCover: number } {
  let leftTotal = 0;
  let leftHit = 0;
  for (let i = 0; i < left.length; i++) {
    const w = leftWeights[i] as number;
    leftTotal += w;
    if (has(rightMarks, left[i] as number, rightAt)) leftHit += w;
  }
  let rightTotal = 0;
  let rightHit = 0;
  for (let i = 0; i < right.length; i++) {
    const w = rightWeights[i] as number;
    rightTotal += w;
    if (has(leftMarks, right[i] as number, leftAt)) rightHit += w;
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
function longestCommonSubsequence(a: Int32Array, b: Int32Array): number {
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
function oddUnit(units: Int32Array, unitWeights: readonly number[], other: Uint32Array, at: number, scale: number): number {
  let max = 0;
  for (let i = 0; i < units.length; i++) {
    if (has(other, units[i] as number, at)) continue;
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
function unsharedWords(from: PreparedText, to: PreparedText, toSide: Side, at: number): Unshared {
  const out: Unshared = { sharedMax: 0, sharedMass: 0, max: 0, mass: 0, byClass: [0, 0, 0, 0] };
  const words = from.analysed.words;
  const classes = from.analysed.wordClasses;
  for (let i = 0; i < words.length; i++) {
    const w = words[i] as string;
    const weight = (from.wordWeights[i] as number) / WORD_SCALE;
    if (has(toSide.word, from.wordIds[i] as number, at) || to.analysed.canon.includes(w)) {
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

/** No alignment made (the linear model, which does not read what it describes). */
const NO_DIFF: DiffShape = { lcs: 0, substitutions: 0, gaps: 0, singleSwaps: 0, longest: 0 };

// Scratch table for the alignment; texts are cut at MAX_TEXT_CHARS, so it stays small.
let diffTable = new Int16Array(1024);
/** Aligns two unit sequences on their longest common subsequence and describes what differs between them. */
function describeDiff(a: Int32Array, b: Int32Array): DiffShape {
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
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) {
      closeRun(shape, dropA, dropB);
      dropA = 0;
      dropB = 0;
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
  closeRun(shape, dropA, dropB);
  return shape;
}

/** Counts a differing stretch of the alignment (dropA units of one side, dropB of the other) into the shape. */
function closeRun(shape: DiffShape, dropA: number, dropB: number): void {
  if (dropA === 0 && dropB === 0) return;
  if (dropA > 0 && dropB > 0) {
    shape.substitutions++;
    if (dropA === 1 && dropB === 1) shape.singleSwaps++;
  } else shape.gaps++;
  shape.longest = Math.max(shape.longest, dropA, dropB);
}

/** Share of pairs of shared words that appear in the opposite order (成都到北京 / 北京到成都). */
function orderSwaps(query: PreparedText, text: PreparedText, textSide: Side, at: number): number {
  const positions: [number, number][] = [];
  const qCanon = query.analysed.canon;
  const tCanon = text.analysed.canon;
  const words = query.analysed.words;
  for (let i = 0; i < words.length; i++) {
    const w = words[i] as string;
    if (!has(textSide.word, query.wordIds[i] as number, at)) continue;
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
  /** IDF of a unit no text has (the largest possible), which scales the odd-unit features. */
  unitScale: number;
}

/** Weighs a text's bigrams and units against the live index (once per query, once per index change for entries). */
export function weighQuery(query: PreparedText, weights: Weights): QueryWeights {
  const { bigramIdfById, unitIdfById } = weights;
  const bigrams = new Array<number>(query.bigramIds.length);
  if (bigramIdfById) for (let i = 0; i < bigrams.length; i++) bigrams[i] = bigramIdfById(query.bigramIds[i] as number);
  else query.analysed.bigrams.forEach((b, i) => (bigrams[i] = weights.bigramIdf(b)));
  const units = new Array<number>(query.unitIds.length);
  if (unitIdfById) for (let i = 0; i < units.length; i++) units[i] = unitIdfById(query.unitIds[i] as number);
  else query.distinctUnits.forEach((u, i) => (units[i] = weights.unitIdf(u)));
  return { bigrams, units, unitScale: weights.unitIdf('\u0000') };
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
  const { queryAt, textAt } = markSides(query, text);
  const [querySide, textSide] = sides;
  const left = bigramOverlap(query, queryWeights.bigrams, textSide, textAt);
  const right = bigramOverlap(text, textWeights.bigrams, querySide, queryAt);
  const bigram = {
    dice: left.total + right.total > 0 ? (left.hit + right.hit) / (left.total + right.total) : 0,
    leftCover: left.total > 0 ? left.hit / left.total : 0,
    rightCover: right.total > 0 ? right.hit / right.total : 0,
  };
  const unit = weightedDice(query.unitIds, queryWeights.units, querySide.unit, queryAt, text.unitIds, textWeights.units, textSide.unit, textAt);
  const word = weightedDice(query.wordIds, query.wordWeights, querySide.word, queryAt, text.wordIds, text.wordWeights, textSide.word, textAt);
  // The alignment (for the extended features) gives the LCS too; without them one DP row is enough.
  const diff = extended ? describeDiff(query.unitSeq, text.unitSeq) : undefined;
  const lcs = diff ? diff.lcs : longestCommonSubsequence(query.unitSeq, text.unitSeq);
  const maxLen = Math.max(q.units.length, t.units.length);
  const minLen = Math.min(q.units.length, t.units.length);
  const missQ = unsharedWords(query, text, textSide, textAt);
  const missT = unsharedWords(text, query, querySide, queryAt);
  const bothNumbers = q.numbers.length > 0 && t.numbers.length > 0;
  const oneNumbers = (q.numbers.length > 0) !== (t.numbers.length > 0);
  const idfScale = queryWeights.unitScale;
  const oddQ = oddUnit(query.unitIds, queryWeights.units, textSide.unit, textAt, idfScale);
  const oddT = oddUnit(text.unitIds, textWeights.units, querySide.unit, queryAt, idfScale);
  const bothLatin = q.latin.length > 0 || t.latin.length > 0;
  const unsharedQ = missQ.byClass;
  const unsharedT = missT.byClass;
  // The linear model reads the first 25 only; the rest need the alignment, made only for the trees (`extended`).
  // One literal of all of them rather than pushing onto the first 25 (which grew the array per comparison).
  const d = diff ?? NO_DIFF;
  const vector = [
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
    Math.min(unsharedQ[0] + unsharedT[0], 3),
    Math.min(unsharedQ[1] + unsharedT[1], 3),
    Math.min(unsharedQ[2] + unsharedT[2], 3),
    Math.min(unsharedQ[3] + unsharedT[3], 3),
    Math.min(unsharedQ[0], unsharedT[0], 2),
    Math.min(unsharedQ[1], unsharedT[1], 2),
    Math.min(d.substitutions, 4),
    Math.min(d.gaps, 4),
    Math.min(d.singleSwaps, 3),
    maxLen > 0 ? d.longest / maxLen : 0,
    diff ? orderSwaps(query, text, textSide, textAt) : 0,
    diff ? antonymMismatch(query, text) : 0,
    Math.min(minLen / 20, 2),
    Math.min(maxLen / 20, 2),
    Math.min(missQ.sharedMax, 1.2),
    Math.min(missQ.sharedMass, 4),
    // The leftover features (LEFTOVER_FEATURE_NAMES), 0 unless written below.
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  ];
  if (diff) {
    unitMarks.queryIds = query.unitIds;
    unitMarks.textIds = text.unitIds;
    unitMarks.query = querySide.unit;
    unitMarks.queryAt = queryAt;
    unitMarks.text = textSide.unit;
    unitMarks.textAt = textAt;
    describeLeftovers(query, text, unitMarks, vector, LEFTOVER_FEATURES_AT);
  }
  return vector;
}

// The unit marks handed to describeLeftovers, one object reused (the matcher is single-threaded).
const unitMarks: UnitMarks = { queryIds: new Int32Array(0), textIds: new Int32Array(0), query: new Uint32Array(0), queryAt: 0, text: new Uint32Array(0), textAt: 0 };
if (LEFTOVER_FEATURE_NAMES.length !== 10) throw new Error('describePair leaves room for 10 leftover features');
