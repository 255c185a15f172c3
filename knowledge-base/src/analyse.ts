/**
 * Turns a normalised text into the channels the matcher compares: characters, character bigrams, words
 * (jieba with the government user dictionary, synonyms folded), fuzzy pinyin, and the small signals that
 * separate look-alike questions (numbers, negations, question type, Latin names).
 */
import { createRequire } from 'node:module';
import { Jieba } from '@node-rs/jieba';
import { pinyin } from 'pinyin-pro';
import { normaliseText } from './normalise.ts';
import { GOVERNMENT_TERMS, NEGATION_WORDS, QUESTION_TYPES, STOP_WORDS, SYNONYM_GROUPS } from './lexicon.ts';

// The dictionary files ship as CommonJS; createRequire keeps this module ESM.
const require = createRequire(import.meta.url);
const jiebaFiles = require('@node-rs/jieba/dict.js') as { dict: Uint8Array; idf: Uint8Array };

/** A text broken into everything the scorer needs; built once per entry text and once per query. */
export interface AnalysedText {
  /** Normalised text with synonyms folded to their canonical form. */
  canon: string;
  /** Units: one per Han character, one per Latin word or number. */
  units: string[];
  /** Distinct unit bigrams (a single-unit text keeps its unit so it still has something to match). */
  bigrams: string[];
  /** Fuzzy pinyin of each bigram, aligned with `bigrams`: a homophone typo still matches through it. */
  bigramPinyin: string[];
  /** Distinct content words (stop words removed), canonical. */
  words: string[];
  /** Word class of each of `words` (WORD_CLASS: noun-like, verb, adjective, other), from jieba's POS tags. */
  wordClasses: number[];
  /** Fuzzy pinyin per unit (zh/z, ch/c, sh/s, l/n, in/ing, en/eng merged), the homophone channel. */
  pinyin: string[];
  /** Distinct pinyin bigrams. */
  pinyinBigrams: string[];
  /** Numbers mentioned, as digit strings. */
  numbers: string[];
  /** How many negation characters appear. */
  negations: number;
  /** Bit set of QUESTION_TYPES found. */
  questionTypes: number;
  /** Latin words (brands, models, English). */
  latin: string[];
  /**
   * Distinct segmented words with a letter or digit, stop words included (canonical): what one side can leave
   * out or swap (呢, 到底, 推荐), which the learned leftover odds (leftovers.ts) weigh.
   */
  tokens: string[];
}

let jieba: Jieba | undefined;

/** The shared jieba instance with the standard dictionary plus the government terms. */
export function getSegmenter(): Jieba {
  if (!jieba) {
    jieba = Jieba.withDict(jiebaFiles.dict);
    // A high frequency makes the user terms win over the splits the general dictionary prefers.
    const userDict = GOVERNMENT_TERMS.map((term) => `${term} 200000 n`).join('\n');
    jieba.loadDict(Buffer.from(userDict, 'utf8'));
  }
  return jieba;
}

let generalIdf: Map<string, number> | undefined;
/** Median-ish weight for words the general corpus never saw (names, new terms): rare, so informative. */
export const UNKNOWN_WORD_IDF = 11;

/** Inverse document frequencies of words from jieba's general Chinese corpus. */
export function getGeneralIdf(): Map<string, number> {
  if (!generalIdf) {
    generalIdf = new Map();
    const text = Buffer.from(jiebaFiles.idf).toString('utf8');
    let start = 0;
    while (start < text.length) {
      let end = text.indexOf('\n', start);
      if (end < 0) end = text.length;
      const space = text.lastIndexOf(' ', end);
      if (space > start) generalIdf.set(text.slice(start, space), Number(text.slice(space + 1, end)));
      start = end + 1;
    }
    for (const term of GOVERNMENT_TERMS) if (!generalIdf.has(term)) generalIdf.set(term, 9);
  }
  return generalIdf;
}

/** Weight of a content word: general-corpus IDF, stop words weigh nothing. */
export function weighWord(word: string): number {
  if (STOP_WORDS.has(word)) return 0;
  return getGeneralIdf().get(word) ?? UNKNOWN_WORD_IDF;
}

// Synonyms of two or more characters are folded in the string (they span jieba words: 如何办理 → 如何/办理);
// single characters only where jieba made them a word of their own, so 能 folds but 能量 stays.
const phraseCanon = new Map<string, string>();
const wordCanon = new Map<string, string>();
for (const [canonical, ...others] of SYNONYM_GROUPS) {
  // The canonical form maps to itself so a longer canonical (怎么办理) is not eaten by a shorter synonym (怎么办).
  if ((canonical as string).length >= 2) phraseCanon.set(canonical as string, canonical as string);
  for (const other of others) {
    if (other.length >= 2) phraseCanon.set(other, canonical as string);
    else wordCanon.set(other, canonical as string);
  }
}
const phrasePattern = new RegExp(
  [...phraseCanon.keys()].sort((a, b) => b.length - a.length).map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'),
  'g',
);

/** Word classes the pair features weigh unshared words by (the leftover noun is what makes a look-alike). */
export const WORD_CLASS = { noun: 0, verb: 1, adjective: 2, other: 3 } as const;

/** Maps a jieba (ICTCLAS) POS tag to a WORD_CLASS. Names, places, English and unknown words count as nouns. */
export function classifyTag(tag: string): number {
  if (tag === 'eng') return WORD_CLASS.noun;
  const head = tag.charAt(0);
  // n* nouns and names, t time, s place, f locality (左, 上), x unknown to the dictionary, j/i/l abbreviations and idioms.
  if ('ntsfxjil'.includes(head)) return WORD_CLASS.noun;
  if (head === 'v') return WORD_CLASS.verb;
  if (head === 'a' || head === 'b' || head === 'z') return WORD_CLASS.adjective;
  return WORD_CLASS.other;
}

/** Folds synonyms to their canonical form and returns the canonical text and its words with their POS tags. */
export function foldSynonyms(normalised: string): { canon: string; words: string[]; tags: string[] } {
  const fold = (text: string): string => text.replace(phrasePattern, (p) => phraseCanon.get(p) ?? p);
  // Two passes: folding one phrase can form another (户籍迁移 → 户口迁移 → 迁户口). A first pass that changed
  // nothing leaves nothing for a second.
  const once = fold(normalised);
  const phrased = once === normalised ? once : fold(once);
  const segmenter = getSegmenter();
  let changed = phrased !== normalised;
  const tagged = segmenter.tag(phrased, true);
  const words: string[] = [];
  const tags: string[] = [];
  for (const { word, tag } of tagged) {
    const canonical = wordCanon.get(word);
    if (canonical !== undefined) changed = true;
    words.push(canonical ?? word);
    tags.push(tag);
  }
  const canon = words.join('');
  if (!changed) return { canon, words, tags };
  // Re-segment when folding changed the text so both sides of a comparison are cut the same way.
  const again = segmenter.tag(canon, true);
  return { canon, words: again.map((t) => t.word), tags: again.map((t) => t.tag) };
}

const pinyinCache = new Map<string, string>();
/** Fuzzy toneless pinyin of one Han character, merging the pairs speech recognition confuses. */
export function fuzzyPinyin(unit: string): string {
  let cached = pinyinCache.get(unit);
  if (cached === undefined) {
    if (!/^\p{Script=Han}$/u.test(unit)) cached = unit;
    else {
      const syllable = pinyin(unit, { toneType: 'none' }) || unit;
      cached = syllable
        .replace(/^([zcs])h/, '$1')
        .replace(/^l/, 'n')
        .replace(/([ie])ng$/, '$1n');
    }
    pinyinCache.set(unit, cached);
  }
  return cached;
}

function splitUnits(canon: string): string[] {
  return canon.match(/\p{Script=Han}|[^\s\p{Script=Han}]+/gu) ?? [];
}

function distinctBigrams(units: readonly string[], separator = ''): string[] {
  if (units.length === 1) return [units[0] as string];
  const out = new Set<string>();
  for (let i = 1; i < units.length; i++) out.add(`${units[i - 1]}${separator}${units[i]}`);
  return [...out];
}

function findQuestionTypes(canon: string): number {
  let bits = 0;
  QUESTION_TYPES.forEach(([, markers], i) => {
    if (markers.some((m) => canon.includes(m))) bits |= 1 << i;
  });
  return bits;
}

const WORDLIKE = /[\p{L}\p{N}]/u;
function distinctTokens(words: readonly string[]): string[] {
  const out = new Set<string>();
  for (const w of words) if (WORDLIKE.test(w)) out.add(w);
  return [...out];
}

/** Analyses a raw text (normalises it first). Never throws; empty input gives empty channels. */
export function analyseText(raw: string): AnalysedText {
  return analyseNormalised(normaliseText(raw));
}

/** Analyses text that has already been through normaliseText. */
export function analyseNormalised(normalised: string): AnalysedText {
  const { canon, words: allWords, tags } = foldSynonyms(normalised);
  const units = splitUnits(canon);
  const pinyinUnits = units.map(fuzzyPinyin);
  const words: string[] = [];
  const wordClasses: number[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < allWords.length; i++) {
    const w = allWords[i] as string;
    if (w.trim() === '' || STOP_WORDS.has(w) || seen.has(w)) continue;
    seen.add(w);
    words.push(w);
    wordClasses.push(classifyTag(tags[i] ?? 'x'));
  }
  let negations = 0;
  for (const u of units) if (NEGATION_WORDS.includes(u)) negations++;
  // Bigrams and their sounds in one pass over the units (no re-splitting of each bigram).
  const bigrams: string[] = [];
  const bigramPinyin: string[] = [];
  if (units.length === 1) {
    bigrams.push(units[0] as string);
    bigramPinyin.push(units[0] as string);
  } else {
    const seen = new Set<string>();
    for (let i = 1; i < units.length; i++) {
      const bigram = `${units[i - 1]}${units[i]}`;
      if (seen.has(bigram)) continue;
      seen.add(bigram);
      bigrams.push(bigram);
      bigramPinyin.push(`${pinyinUnits[i - 1]} ${pinyinUnits[i]}`);
    }
  }
  return {
    canon,
    units,
    bigrams,
    bigramPinyin,
    words,
    wordClasses,
    pinyin: pinyinUnits,
    pinyinBigrams: distinctBigrams(pinyinUnits, ' '),
    numbers: units.filter((u) => /^\d/.test(u)).map((u) => u.replace(/[^\d.]/g, '')),
    negations,
    questionTypes: findQuestionTypes(canon),
    latin: units.filter((u) => /^[a-z]/.test(u)),
    tokens: distinctTokens(allWords),
  };
}
