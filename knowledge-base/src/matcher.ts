/**
 * The live matching index: retrieval over character bigrams, their sounds (fuzzy pinyin) and words
 * (inverted lists with IDF), then a re-rank of the best dozen entries with the pair features and the fitted
 * boosted trees (boosted-trees.ts, calibration.ts), then a calibrated confidence and a decision
 * (answer / suggest / hand off) with product guards: a bare topic or a match that needs a homophone in a
 * noun is suggested, never answered; the linear model's smoother score keeps related entries (a ticket
 * description's) in the suggest band.
 *
 * Entries can be added, replaced and removed while the index serves queries (the server calls upsert and
 * remove when PostgreSQL NOTIFY says an entry was published or retired); IDF follows the live contents.
 */
import { analyseNormalised, WORD_CLASS } from './analyse.ts';
import type { AnalysedText } from './analyse.ts';
import { CALIBRATION } from './calibration.ts';
import { LINEAR_CALIBRATION } from './calibration-linear.ts';
import { packTrees, scoreTrees } from './boosted-trees.ts';
import type { KnowledgeEntry } from './entry.ts';
import { FEATURE_NAMES, describePair, hasEverySound, lookupTokenId, prepareText, weighQuery } from './features.ts';
import type { PreparedText, QueryWeights, Weights } from './features.ts';
import { MAX_TEXT_CHARS, normaliseText } from './normalise.ts';
import { OFFER_CALIBRATION } from './calibration-offer.ts';
import { createSoundRepair } from './sound-repair.ts';

/** What the bot should do with a question. */
export type MatchOutcome = 'answer' | 'suggest' | 'handoff';

/**
 * One ranked entry. score (0..1) is the deciding model's calibrated confidence that the entry answers the
 * question, or, where larger, the linear model's "related" confidence capped just below answerAt (so a
 * related entry can be suggested, never answered on it; see `match` in createMatcher).
 */
export interface MatchCandidate {
  id: string;
  score: number;
}

/** The result of matching one question. */
export interface MatchResult {
  outcome: MatchOutcome;
  /** The entry to answer with; null unless outcome is 'answer'. */
  match: string | null;
  /** Score of the best candidate, 0..1. */
  confidence: number;
  /** Best entries first, at most `limit`. */
  candidates: MatchCandidate[];
  /** For outcome 'suggest': up to three entries to offer ("您是想问…"). */
  suggestions: string[];
  /** True when the question was longer than the limit and only its start was used. */
  truncated: boolean;
}

/**
 * Which fitted pair model decides: 'trees' (default, calibration.ts) or 'linear' (calibration-linear.ts, the
 * model the engine shipped with first). With the trees the linear model still runs beside them as the
 * "related" score of the suggest band (see `match`).
 */
export type PairModel = 'linear' | 'trees';

/** Tuning knobs; the defaults are the fitted ones. */
export interface MatcherOptions {
  /** Pair model (default 'trees'). */
  model?: PairModel;
  /** Confidence at or above which to answer. */
  answerAt?: number;
  /** Confidence at or above which to suggest rather than hand off. */
  suggestAt?: number;
  /** How many retrieved entry texts to re-rank. */
  rerankDepth?: number;
  /** Share of the best retrieval score a text needs to be re-ranked at all. */
  retrievalFloor?: number;
  /** Characters of a question that are read; the rest is cut. */
  maxQueryChars?: number;
}

/** Features of one candidate, for the offline fitting tool. */
export interface InspectedCandidate {
  id: string;
  features: number[];
  /** Log-odds of the deciding model (with the contained floor and the keyword/answer hints). */
  logit: number;
  /** Log-odds of the linear model with the same hints: the smoother "related" score of the suggest band. */
  relatedLogit: number;
  /** False when a guard forbids answering with this candidate outright (see `answerGuard`). */
  mayAnswer: boolean;
  retrievalScore: number;
}

/** The live matcher. */
export interface Matcher {
  match(text: string, options?: { limit?: number }): MatchResult;
  upsert(entry: KnowledgeEntry): void;
  remove(id: string): boolean;
  size(): number;
  has(id: string): boolean;
  /** Candidates with their feature vectors (used by knowledge-base/tools/fit-calibration.ts). */
  inspect(text: string): InspectedCandidate[];
}

interface Slot {
  /** The entry this text belongs to (held directly: a map lookup per candidate was a cache miss). */
  entry: EntryState;
  /** Question and alternates are compared; the keyword slot only helps retrieval. */
  compared: boolean;
  prepared: PreparedText;
  /** IDF weights of this text and the index generation they were computed for. */
  weights?: QueryWeights;
  generation: number;
}

/** A question's candidates, best first by the deciding model, with the question as normalised and prepared. */
interface Ranking {
  ranked: Ranked[];
  truncated: boolean;
  normalised: string;
  query?: PreparedText;
}

/** A ranked candidate with the entry text that decided its score. */
interface Ranked extends InspectedCandidate {
  text: PreparedText | undefined;
}

interface EntryState {
  id: string;
  slots: number[];
  keywords: string[];
  answerCanon: string;
}

// Retrieval weights per channel: bigrams carry most, pinyin rescues homophones, words bridge rewordings.
const CHANNEL_WEIGHT: Readonly<Record<string, number>> = { b: 1, p: 0.5, w: 0.7 };
// Keywords and answers are curated hints, not paraphrases: they nudge, with hand-set weights, because
// the fitting data (question pairs) has neither.
const KEYWORD_BONUS = 1.0;
const ANSWER_BONUS = 0.6;
// Share of the best retrieval score a text needs to be re-ranked (recall@5 on LCQMC dev stays ≥ 99%).
const RETRIEVAL_FLOOR = 0.25;
/**
 * Entries re-ranked per query with the trees. 12 rather than 20: on LCQMC dev (held out) 12 keeps recall@5 at 99.0% and
 * right decisions at 73.1% (20: 72.9%, 8: 72.8% with recall@5 98.8%) for 40% less pair scoring.
 */
export const DEFAULT_RERANK_DEPTH = 12;
// Margin to the runner-up when there is none: as if the next entry were clearly unrelated.
const LONE_MARGIN = 6;

/** Posting lists by token id (features.ts gives every indexed token an id): an array read, no hashing. */
type Postings = (number[] | undefined)[];

/** Adds a slot to the posting list of each (distinct) token. */
function post(postings: Postings, ids: Int32Array, index: number): void {
  for (const id of ids) {
    const list = postings[id];
    if (list) list.push(index);
    else postings[id] = [index];
  }
}

/** Takes a slot out of the posting list of each token, dropping lists that become empty. */
function unpost(postings: Postings, ids: Int32Array, index: number): void {
  for (const id of ids) {
    const list = postings[id];
    if (!list) continue;
    const at = list.indexOf(index);
    if (at >= 0) {
      list[at] = list[list.length - 1] as number;
      list.pop();
    }
    if (list.length === 0) postings[id] = undefined;
  }
}

/** Distinct sounds (fuzzy pinyin of a bigram) of a text, as token ids. */
function soundsOf(prepared: PreparedText): Set<number> {
  return new Set(prepared.soundIds);
}

// Scratch for selectTop (the matcher is single-threaded).
let topScratch = new Int32Array(64);

/**
 * The k indexes (of the first `count` in `indexes`) with the highest scores, best first, ties in the order
 * given, without sorting every touched index. Insertion into a typed array: Array#splice was most of it.
 * They are the first (returned) count of `topScratch`, valid until the next call.
 */
function selectTop(indexes: Int32Array, count: number, scores: Float64Array, k: number): number {
  if (topScratch.length < k + 1) topScratch = new Int32Array(2 * k + 2);
  const top = topScratch;
  let size = 0;
  let floor = -Infinity;
  for (let i = 0; i < count; i++) {
    const index = indexes[i] as number;
    const score = scores[index] as number;
    if (size === k && score <= floor) continue;
    let at = size;
    while (at > 0 && (scores[top[at - 1] as number] as number) < score) at--;
    for (let j = size; j > at; j--) top[j] = top[j - 1] as number;
    top[at] = index;
    if (size < k) size++;
    floor = scores[top[size - 1] as number] as number;
  }
  return size;
}

function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

function bm25Idf(df: number, n: number): number {
  return Math.log(1 + (n - df + 0.5) / (df + 0.5));
}

const PAIR_MODEL = packTrees(CALIBRATION.pairTrees);

/** Pair logit (log-odds that the two texts ask the same thing) from a feature vector, with the fitted model. */
export function scorePair(features: readonly number[], model: PairModel = 'trees'): number {
  if (model === 'trees') return scoreTrees(PAIR_MODEL, features);
  let z = LINEAR_CALIBRATION.pairBias;
  const w = LINEAR_CALIBRATION.pairWeights;
  for (let i = 0; i < w.length; i++) z += (w[i] as number) * (features[i] ?? 0);
  return z;
}

const at = (name: (typeof FEATURE_NAMES)[number]): number => FEATURE_NAMES.indexOf(name);
const CONTAINMENT = {
  lcsOverMin: at('lcsOverMin'), unitCoverQuery: at('unitCoverQuery'), numberMismatch: at('numberMismatch'),
  negationMismatch: at('negationMismatch'), antonymMismatch: at('antonymMismatch'), latinMismatch: at('latinMismatch'),
};
/** Log-odds whose confidence sits halfway between the suggest and answer thresholds. */
function suggestLogit(): number {
  const [a = 1] = CALIBRATION.confidenceWeights;
  const p = (CALIBRATION.suggestAt + CALIBRATION.answerAt) / 2;
  return (Math.log(p / (1 - p)) - CALIBRATION.confidenceBias) / a;
}
const CONTAINED_FLOOR = suggestLogit();

/**
 * A query the entry text contains in order (居住证办理 in 居住证怎么办理, 社保卡丢了 in 社保卡丢了怎么补办), or
 * whose every bigram the text has by sound (a speech-recognition homophone), with no number, negation, opposite or Latin-name mismatch, is a caller typing fewer words: worth
 * suggesting, never an outright hand-off. The pair trees, fitted on LCQMC where such fragments often ask
 * something else, would hand it off. The floor sits below answerAt, so it never makes the bot answer
 * (kb-eval's decisions are unchanged); it keeps the entry in the "您是想问…" suggestions.
 */
export function floorContained(logit: number, features: readonly number[], query: PreparedText, text: PreparedText): number {
  if (logit >= CONTAINED_FLOOR) return logit;
  const inOrder = features[CONTAINMENT.lcsOverMin] === 1 && features[CONTAINMENT.unitCoverQuery] === 1;
  // Or contained by sound: every bigram of the query is one of the text's (公基金怎么提取 / 公积金怎么提取).
  const bySound = !inOrder && hasEverySound(query, text);
  const contained =
    (inOrder || bySound) &&
    !features[CONTAINMENT.numberMismatch] && !features[CONTAINMENT.negationMismatch] &&
    !features[CONTAINMENT.antonymMismatch] && !features[CONTAINMENT.latinMismatch];
  // Keep the trees' order among floored entries with a small tie-break.
  return contained ? CONTAINED_FLOOR + 0.001 * Math.max(-100, logit) : logit;
}

/**
 * Guard 1: a question of at most one content word (身份证, 护照, 不动产登记) names a topic, not a question.
 * Several entries are about it, so the bot offers them ("您是想问…") and never answers one outright, however
 * sure the pair model is that the word alone matches an entry.
 */
export function isBareTopic(query: AnalysedText): boolean {
  return query.words.length <= 1;
}

/**
 * Guard 2: true when the text matches the query only if a character of the query is read as another with the
 * same sound inside one of the text's nouns (公基金 for 公积金). Speech recognition and typing slips make
 * these, but so does a different name, so the bot confirms ("您是想问…") rather than answers. Sound-alikes in
 * other words are spelling variants the homophone channel exists for (交/缴 in 水费怎么交 / 水费怎么缴纳).
 */
export function needsHomophone(query: PreparedText, text: PreparedText): boolean {
  const { bigrams, bigramPinyin } = query.analysed;
  for (let i = 0; i < bigrams.length; i++) {
    const bigram = bigrams[i] as string;
    const sound = bigramPinyin[i] as string;
    if (text.bigramSet.has(bigram) || !text.pinyinBigramSet.has(sound)) continue;
    const t = text.analysed;
    for (let j = 0; j < t.bigramPinyin.length; j++) {
      if (t.bigramPinyin[j] !== sound) continue;
      // The text's character that the query spelt otherwise, and whether a noun of the text holds it.
      for (const ch of t.bigrams[j] as string) {
        if (ch.charCodeAt(0) < 0x3400 || query.unitSet.has(ch)) continue;
        for (let w = 0; w < t.words.length; w++) {
          if (t.wordClasses[w] === WORD_CLASS.noun && (t.words[w] as string).includes(ch)) return true;
        }
      }
    }
  }
  return false;
}

/** Calibrated confidence from a pair logit and its margin over the best other entry. */
export function scoreConfidence(logit: number, margin: number, model: PairModel = 'trees'): number {
  const calibration = model === 'trees' ? CALIBRATION : LINEAR_CALIBRATION;
  const [a = 1, b = 0] = calibration.confidenceWeights;
  return sigmoid(calibration.confidenceBias + a * logit + b * Math.max(-LONE_MARGIN, Math.min(LONE_MARGIN, margin)));
}

/** Candidates the offer model looks at: the best few by the deciding model. */
export const OFFER_DEPTH = 5;

/**
 * What the offer model (calibration-offer.ts) reads of one candidate among a question's candidates, ranked by
 * the deciding model's logit: the linear ("related") model's logit, how far below the best candidate it is by
 * the deciding model, and what the entry shares with the question beyond its wording (the rarest word they share,
 * the heaviest word of the question it lacks). Chosen over a larger set (both models' logits and leads, the
 * question's bigram coverage) on fit-offer.ts's held-out folds.
 */
export function describeOffer(ranked: readonly Pick<InspectedCandidate, 'logit' | 'relatedLogit' | 'features'>[], i: number): number[] {
  const clamp = (x: number, lo: number, hi: number): number => Math.max(lo, Math.min(hi, Number.isNaN(x) ? lo : x));
  const c = ranked[i] as Pick<InspectedCandidate, 'logit' | 'relatedLogit' | 'features'>;
  const top = ranked[0] as typeof c;
  const f = c.features;
  return [clamp(c.relatedLogit, -12, 8), clamp(c.logit - top.logit, -LONE_MARGIN, 0), f[OFFER_FEATURES.sharedRarest] ?? 0, f[OFFER_FEATURES.missQuery] ?? 0];
}
const OFFER_FEATURES = { sharedRarest: at('sharedRarest'), missQuery: at('missQuery') };

/** The offer model's probability that a candidate is the entry that answers the question (calibration-offer.ts). */
export function offerProbability(features: readonly number[]): number {
  let z = OFFER_CALIBRATION.bias;
  OFFER_CALIBRATION.weights.forEach((w, i) => (z += w * (features[i] as number)));
  return sigmoid(z);
}

/** The entries to offer when the bot does not answer: up to three of the best few the offer model rates at offerAt or more. */
export function offerFrom<T extends Pick<InspectedCandidate, 'logit' | 'relatedLogit' | 'features'>>(ranked: readonly T[]): T[] {
  const out: T[] = [];
  for (let i = 0; i < Math.min(ranked.length, OFFER_DEPTH) && out.length < 3; i++) {
    if (offerProbability(describeOffer(ranked, i)) >= OFFER_CALIBRATION.offerAt) out.push(ranked[i] as T);
  }
  return out;
}

/**
 * Builds a matcher over the given entries. Entries with a duplicate id replace the earlier one.
 */
export function createMatcher(initialEntries: Iterable<KnowledgeEntry> = [], options: MatcherOptions = {}): Matcher {
  const model: PairModel = options.model ?? 'trees';
  const calibration = model === 'trees' ? CALIBRATION : LINEAR_CALIBRATION;
  const answerAt = options.answerAt ?? calibration.answerAt;
  const suggestAt = options.suggestAt ?? calibration.suggestAt;
  const rerankDepth = options.rerankDepth ?? (model === 'trees' ? DEFAULT_RERANK_DEPTH : LINEAR_CALIBRATION.rerankDepth);
  const retrievalFloor = options.retrievalFloor ?? RETRIEVAL_FLOOR;
  const maxQueryChars = options.maxQueryChars ?? MAX_TEXT_CHARS;

  const slots: (Slot | undefined)[] = [];
  const freeSlots: number[] = [];
  // Posting lists per channel by token id: the query's tokens were looked up once when it was prepared, so
  // retrieval hashes no strings (map lookups with per-query strings were half of retrieval time).
  const bigramPostings: Postings = [];
  const wordPostings: Postings = [];
  // The pinyin channel without pinyin posting lists: for each sound, the bigrams indexed with it and how
  // many texts have it. A query walks the lists of every spelling of its bigrams' sounds once, adding the
  // bigram weight where the spelling is its own, so exact bigrams are not walked a second time. Each sound
  // holds its spellings' posting lists themselves, so the walk looks nothing up.
  const spellings: ({ bigrams: number[]; lists: number[][] } | undefined)[] = [];
  const soundDf: number[] = [];
  // Texts (compared ones) that have each unit, by token id.
  const unitDf: number[] = [];
  const entries = new Map<string, EntryState>();
  // Repairs to the government terms and every entry's keywords (added on upsert).
  const soundRepair = createSoundRepair();
  let comparedCount = 0;
  let accumulator = new Float64Array(1024);
  // The slots a query's retrieval touched, in first-touch order (one per slot at most, so as long as accumulator).
  let touched = new Int32Array(1024);

  // Bumped on every change; an entry text recomputes its IDF weights lazily when its copy is stale.
  let generation = 0;
  const forgetIdf = (): void => {
    generation++;
  };
  // IDF follows the live contents. Computed on each call from two array reads and a logarithm, by token id:
  // cheaper than the string-keyed caches it replaced (hashing a token cost more than the logarithm).
  const unitIdfById = (id: number): number => bm25Idf(id >= 0 ? (unitDf[id] ?? 0) : 0, comparedCount);
  const bigramIdfById = (id: number): number => bm25Idf(id >= 0 ? (bigramPostings[id]?.length ?? 0) : 0, comparedCount);
  const weights: Weights = {
    unitIdf: (u) => unitIdfById(lookupTokenId('unit', u)),
    bigramIdf: (b) => bigramIdfById(lookupTokenId('bigram', b)),
    unitIdfById,
    bigramIdfById,
  };

  function addSlot(entry: EntryState, text: string, compared: boolean): number | null {
    const analysed = analyseNormalised(normaliseText(text, 2000));
    if (analysed.units.length === 0) return null;
    forgetIdf();
    const slot: Slot = { entry, compared, prepared: prepareText(analysed), generation: -1 };
    const index = freeSlots.pop() ?? slots.length;
    slots[index] = slot;
    if (index >= accumulator.length) {
      const grown = new Float64Array(accumulator.length * 2);
      grown.set(accumulator);
      accumulator = grown;
      touched = new Int32Array(grown.length);
    }
    const { bigramIds, soundIds, wordIds } = slot.prepared;
    post(bigramPostings, bigramIds, index);
    post(wordPostings, wordIds, index);
    for (let i = 0; i < bigramIds.length; i++) {
      const sound = soundIds[i] as number;
      const bigram = bigramIds[i] as number;
      const list = bigramPostings[bigram] as number[];
      const known = spellings[sound];
      if (!known) spellings[sound] = { bigrams: [bigram], lists: [list] };
      else if (!known.bigrams.includes(bigram)) {
        known.bigrams.push(bigram);
        known.lists.push(list);
      }
    }
    for (const sound of soundsOf(slot.prepared)) soundDf[sound] = (soundDf[sound] ?? 0) + 1;
    if (compared) {
      comparedCount++;
      for (const id of slot.prepared.unitIds) unitDf[id] = (unitDf[id] ?? 0) + 1;
    }
    return index;
  }

  function dropSlot(index: number): void {
    const slot = slots[index];
    if (!slot) return;
    forgetIdf();
    const { bigramIds, soundIds, wordIds } = slot.prepared;
    unpost(bigramPostings, bigramIds, index);
    unpost(wordPostings, wordIds, index);
    for (let i = 0; i < bigramIds.length; i++) {
      const bigram = bigramIds[i] as number;
      if (bigramPostings[bigram]) continue;
      const sound = soundIds[i] as number;
      const known = spellings[sound];
      const at = known ? known.bigrams.indexOf(bigram) : -1;
      if (!known || at < 0) continue;
      // splice, not swap: the walk adds in this order, and the same order gives the same sums.
      known.bigrams.splice(at, 1);
      known.lists.splice(at, 1);
      if (known.bigrams.length === 0) spellings[sound] = undefined;
    }
    for (const sound of soundsOf(slot.prepared)) {
      const df = (soundDf[sound] ?? 1) - 1;
      soundDf[sound] = Math.max(0, df);
    }
    if (slot.compared) {
      comparedCount--;
      for (const id of slot.prepared.unitIds) unitDf[id] = Math.max(0, (unitDf[id] ?? 1) - 1);
    }
    slots[index] = undefined;
    freeSlots.push(index);
  }

  function remove(id: string): boolean {
    const state = entries.get(id);
    if (!state) return false;
    for (const index of state.slots) dropSlot(index);
    entries.delete(id);
    return true;
  }

  function upsert(entry: KnowledgeEntry): void {
    remove(entry.id);
    const state: EntryState = {
      id: entry.id,
      slots: [],
      keywords: (entry.keywords ?? []).map((k) => normaliseText(k, 100)).filter((k) => k !== ''),
      answerCanon: analyseNormalised(normaliseText(entry.answer, 2000)).canon,
    };
    soundRepair.add(entry.keywords ?? []);
    const texts = [entry.question, ...(entry.alternates ?? [])];
    for (const text of texts) {
      const index = addSlot(state, text, true);
      if (index !== null) state.slots.push(index);
    }
    if (state.keywords.length > 0) {
      const index = addSlot(state, state.keywords.join(' '), false);
      if (index !== null) state.slots.push(index);
    }
    entries.set(entry.id, state);
  }

  /** Retrieval: the best few dozen slots by IDF-weighted overlap of bigrams, pinyin and words. */
  function retrieve(query: PreparedText): Map<EntryState, number> {
    let touchedCount = 0;
    const n = Math.max(comparedCount, 1);
    // Keys in more than a tenth of a large index (什么, 怎么 …) weigh little and cost the most; the
    // re-rank still sees them.
    const commonAt = n > 1000 ? n / 10 : Infinity;
    const add = (list: readonly number[], weight: number): void => {
      for (let k = 0; k < list.length; k++) {
        const index = list[k] as number;
        const score = accumulator[index] as number;
        if (score === 0) touched[touchedCount++] = index;
        accumulator[index] = score + weight;
      }
    };
    // Token ids are -1 for tokens no entry has: nothing to walk.
    for (const word of query.wordIds) {
      const list = word >= 0 ? wordPostings[word] : undefined;
      if (list && list.length <= commonAt) add(list, (CHANNEL_WEIGHT.w as number) * bm25Idf(list.length, n));
    }
    const walked = new Set<number>();
    const { bigramIds, soundIds } = query;
    for (let i = 0; i < bigramIds.length; i++) {
      const bigram = bigramIds[i] as number;
      const sound = soundIds[i] as number;
      const own = bigram >= 0 ? bigramPostings[bigram] : undefined;
      const bigramWeight = own && own.length <= commonAt ? (CHANNEL_WEIGHT.b as number) * bm25Idf(own.length, n) : 0;
      if (walked.has(sound)) {
        // Another bigram of the query already walked this sound; only the exact-bigram weight is left.
        if (own && bigramWeight > 0) add(own, bigramWeight);
        continue;
      }
      walked.add(sound);
      const df = sound >= 0 ? (soundDf[sound] ?? 0) : 0;
      const soundWeight = df > 0 && df <= commonAt ? (CHANNEL_WEIGHT.p as number) * bm25Idf(df, n) : 0;
      if (soundWeight === 0) {
        if (own && bigramWeight > 0) add(own, bigramWeight);
        continue;
      }
      const spelt = spellings[sound];
      if (!spelt) continue;
      for (let k = 0; k < spelt.bigrams.length; k++) {
        add(spelt.lists[k] as number[], spelt.bigrams[k] === bigram ? soundWeight + bigramWeight : soundWeight);
      }
    }
    const best = new Map<EntryState, number>();
    const topCount = selectTop(touched, touchedCount, accumulator, rerankDepth * 2);
    // Texts far behind the leader by retrieval score are not worth the pair features.
    const floor = retrievalFloor * (accumulator[topCount > 0 ? (topScratch[0] as number) : 0] as number);
    for (let i = 0; i < topCount; i++) {
      const index = topScratch[i] as number;
      const slot = slots[index] as Slot;
      if ((accumulator[index] as number) < floor) break;
      if (best.size < rerankDepth && !best.has(slot.entry)) best.set(slot.entry, accumulator[index] as number);
    }
    for (let i = 0; i < touchedCount; i++) accumulator[touched[i] as number] = 0;
    return best;
  }

  /**
   * Pair logits of the query against an entry: the best of its texts by the deciding model, the best by the
   * linear model (the "related" score), each plus the keyword and answer hints; and the text that decided.
   */
  function scoreEntry(
    query: PreparedText,
    queryWeights: QueryWeights,
    state: EntryState,
  ): { logit: number; relatedLogit: number; features: number[]; text: PreparedText | undefined } {
    let bestLogit = -Infinity;
    let bestRelated = -Infinity;
    let bestFeatures: number[] = [];
    let bestText: PreparedText | undefined;
    for (const index of state.slots) {
      const slot = slots[index] as Slot;
      if (!slot.compared) continue;
      if (slot.generation !== generation || !slot.weights) {
        slot.weights = weighQuery(slot.prepared, weights);
        slot.generation = generation;
      }
      const features = describePair(query, slot.prepared, weights, queryWeights, slot.weights, model === 'trees');
      const related = scorePair(features, 'linear');
      const logit = model === 'trees' ? floorContained(scorePair(features, model), features, query, slot.prepared) : related;
      if (related > bestRelated) bestRelated = related;
      if (logit > bestLogit) {
        bestLogit = logit;
        bestFeatures = features;
        bestText = slot.prepared;
      }
    }
    let hint = 0;
    const canon = query.analysed.canon;
    if (state.keywords.length > 0) {
      let hits = 0;
      for (const keyword of state.keywords) if (canon.includes(keyword)) hits++;
      hint += KEYWORD_BONUS * Math.min(1, hits / Math.min(2, state.keywords.length));
    }
    const words = query.analysed.words;
    if (words.length > 0 && state.answerCanon.length > 0) {
      let hits = 0;
      for (const word of words) if (state.answerCanon.includes(word)) hits++;
      hint += ANSWER_BONUS * (hits / words.length);
    }
    return { logit: bestLogit + hint, relatedLogit: bestRelated + hint, features: bestFeatures, text: bestText };
  }

  /**
   * Ranks the entries for a query. The homophone guard is worked out for every candidate only when
   * `guardAll` (the fitting tool's inspect); a match needs it for the best candidate alone (see `match`).
   */
  function rank(text: string, guardAll: boolean): Ranking {
    // Splitting into characters only when the text may be too long (UTF-16 length ≥ character count).
    const chars = typeof text === 'string' && text.length > maxQueryChars ? [...text] : [];
    const truncated = chars.length > maxQueryChars;
    const normalised = normaliseText(truncated ? chars.slice(0, maxQueryChars).join('') : text, maxQueryChars);
    if (normalised === '' || entries.size === 0) return { ranked: [], truncated, normalised };
    const query = prepareText(analyseNormalised(normalised), false);
    if (query.analysed.units.length === 0) return { ranked: [], truncated, normalised };
    const retrieved = retrieve(query);
    const queryWeights = weighQuery(query, weights);
    const bareTopic = isBareTopic(query.analysed);
    const ranked: Ranked[] = [];
    for (const [state, retrievalScore] of retrieved) {
      const id = state.id;
      const { logit, relatedLogit, features, text: decidedBy } = scoreEntry(query, queryWeights, state);
      const mayAnswer = !bareTopic && !(guardAll && decidedBy && needsHomophone(query, decidedBy));
      ranked.push({ id, logit, relatedLogit, mayAnswer, features, retrievalScore, text: decidedBy });
    }
    ranked.sort((a, b) => b.logit - a.logit);
    return { ranked, truncated, normalised, query };
  }

  /**
   * The decision layer. The deciding model's calibrated confidence decides whether to answer; the guards
   * (isBareTopic, needsHomophone) turn an answer into a suggestion. With the trees, the linear model's
   * confidence is the "related" score of the suggest band: the trees are sharp (fitted to tell a question
   * from its look-alike), so an entry that is about what was asked but not the same question (a topic, a
   * ticket description that contains the question among other words) gets almost nothing from them, yet is
   * worth offering. A candidate's score is therefore the larger of the two, the linear one capped below
   * answerAt: it can make an entry a suggestion, never an answer.
   */
  function decide({ ranked, truncated, query }: Ranking, limit: number): MatchResult {
    if (ranked.length === 0) return { outcome: 'handoff', match: null, confidence: 0, candidates: [], suggestions: [], truncated };
    const withRelated = model === 'trees';
    // Runner-ups for the margins: the best and second-best logit of each model.
    let relatedFirst = -Infinity;
    let relatedSecond = -Infinity;
    for (const c of ranked) {
      if (c.relatedLogit > relatedFirst) {
        relatedSecond = relatedFirst;
        relatedFirst = c.relatedLogit;
      } else if (c.relatedLogit > relatedSecond) relatedSecond = c.relatedLogit;
    }
    const first = ranked[0] as Ranked;
    const second = ranked[1];
    const relatedCap = answerAt - 0.001;
    const scored = ranked.map((c, i) => {
      const other = i === 0 ? (second ? second.logit : c.logit - LONE_MARGIN) : first.logit;
      const confidence = scoreConfidence(c.logit, c.logit - other, model);
      let related = 0;
      if (withRelated) {
        const otherRelated = c.relatedLogit === relatedFirst ? (Number.isFinite(relatedSecond) ? relatedSecond : c.relatedLogit - LONE_MARGIN) : relatedFirst;
        related = scoreConfidence(c.relatedLogit, c.relatedLogit - otherRelated, 'linear');
      }
      const score = Math.max(confidence, Math.min(related, relatedCap));
      return { id: c.id, score: Number(score.toFixed(4)), confidence, related, candidate: c };
    });
    // Stable: equal scores keep the deciding model's order.
    scored.sort((a, b) => b.score - a.score);
    const best = scored[0] as (typeof scored)[number];
    const relatedSuggestAt = LINEAR_CALIBRATION.suggestAt;
    const isRelated = (c: (typeof scored)[number], share: number): boolean =>
      c.confidence >= suggestAt * share || (withRelated && c.related >= relatedSuggestAt * share);
    let outcome: MatchOutcome = 'handoff';
    const mayAnswer = (c: Ranked): boolean => c.mayAnswer && !(query && c.text && needsHomophone(query, c.text));
    if (best.confidence >= answerAt && mayAnswer(best.candidate)) outcome = 'answer';
    else if (best.confidence >= answerAt || isRelated(best, 1)) outcome = 'suggest';
    let suggestions = outcome === 'suggest' ? scored.filter((c) => isRelated(c, 0.5)).slice(0, 3).map((c) => c.id) : [];
    // Neither sure nor related by the LCQMC-fitted scores: the offer model, fitted on the domain, may still offer
    // the best entries (a caller describing a situation in words no entry uses).
    if (outcome === 'handoff' && withRelated) {
      suggestions = offerFrom(ranked).map((c) => c.id);
      if (suggestions.length > 0) outcome = 'suggest';
    }
    const candidates = scored.slice(0, limit).map((c) => ({ id: c.id, score: c.score }));
    return {
      outcome,
      match: outcome === 'answer' ? best.id : null,
      confidence: best.score,
      candidates,
      suggestions,
      truncated,
    };
  }

  /**
   * Decides on the question as asked; unless that answers it, also on the question with sound-alike
   * misspellings of known terms repaired (sound-repair.ts: 电飞 → 电费). A repaired question that does better
   * is offered ("您是想问…"), never answered outright: the slip may have been another name.
   */
  function match(text: string, matchOptions: { limit?: number } = {}): MatchResult {
    const limit = Math.max(1, Math.min(matchOptions.limit ?? 5, 50));
    const ranking = rank(text, false);
    const direct = decide(ranking, limit);
    if (direct.outcome === 'answer') return direct;
    // The text as rank normalised it: normalising is not done twice.
    const repaired = soundRepair.repair(ranking.normalised);
    if (repaired === null) return direct;
    const viaSound = decide(rank(repaired, false), limit);
    if (viaSound.outcome === 'handoff' || viaSound.confidence <= direct.confidence) return direct;
    const suggestions = viaSound.outcome === 'answer' ? [viaSound.match as string] : viaSound.suggestions;
    return { ...viaSound, outcome: 'suggest', match: null, suggestions, truncated: direct.truncated };
  }

  for (const entry of initialEntries) upsert(entry);

  return {
    match,
    upsert,
    remove,
    size: () => entries.size,
    has: (id) => entries.has(id),
    inspect: (text) => rank(text, true).ranked.map(({ text: _text, ...candidate }) => candidate),
  };
}
