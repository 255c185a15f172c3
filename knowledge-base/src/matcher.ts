/**
 * The live matching index: retrieval over character bigrams, their sounds (fuzzy pinyin) and words
 * (inverted lists with IDF), then a re-rank of the best dozen entries with the pair features and the fitted
 * boosted trees (boosted-trees.ts, calibration.ts), then a calibrated confidence and a decision
 * (answer / suggest / hand off).
 *
 * Entries can be added, replaced and removed while the index serves queries (the server calls upsert and
 * remove when PostgreSQL NOTIFY says an entry was published or retired); IDF follows the live contents.
 */
import { analyseNormalised } from './analyse.ts';
import type { AnalysedText } from './analyse.ts';
import { CALIBRATION } from './calibration.ts';
import { LINEAR_CALIBRATION } from './calibration-linear.ts';
import { packTrees, scoreTrees } from './boosted-trees.ts';
import type { KnowledgeEntry } from './entry.ts';
import { FEATURE_NAMES, describePair, prepareText, weighQuery } from './features.ts';
import type { PreparedText, QueryWeights, Weights } from './features.ts';
import { MAX_TEXT_CHARS, normaliseText } from './normalise.ts';

/** What the bot should do with a question. */
export type MatchOutcome = 'answer' | 'suggest' | 'handoff';

/** One ranked entry; score is its calibrated confidence (0..1). */
export interface MatchCandidate {
  id: string;
  score: number;
}

/** The result of matching one question. */
export interface MatchResult {
  outcome: MatchOutcome;
  /** The entry to answer with; null unless outcome is 'answer'. */
  match: string | null;
  /** Confidence of the best candidate, 0..1. */
  confidence: number;
  /** Best entries first, at most `limit`. */
  candidates: MatchCandidate[];
  /** For outcome 'suggest': up to three entries to offer ("您是想问…"). */
  suggestions: string[];
  /** True when the question was longer than the limit and only its start was used. */
  truncated: boolean;
}

/** Which fitted pair model scores candidates: see calibration-linear.ts for why 'linear' is the default. */
export type PairModel = 'linear' | 'trees';

/** Tuning knobs; the defaults are the fitted ones. */
export interface MatcherOptions {
  /** Pair model (default 'linear'). */
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
  logit: number;
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
  entryId: string;
  /** Question and alternates are compared; the keyword slot only helps retrieval. */
  compared: boolean;
  prepared: PreparedText;
  keys: string[];
  /** IDF weights of this text and the index generation they were computed for. */
  weights?: QueryWeights;
  generation: number;
}

interface EntryState {
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

/** Posting keys of a text: its bigrams and words. Sounds are indexed apart (see `spellings`). */
function keysOf(analysed: AnalysedText): string[] {
  const keys = new Set<string>();
  for (const b of analysed.bigrams) keys.add(`b:${b}`);
  for (const w of analysed.words) keys.add(`w:${w}`);
  return [...keys];
}

/** Distinct sounds (fuzzy pinyin of a bigram) of a text. */
function soundsOf(analysed: AnalysedText): string[] {
  return [...new Set(analysed.bigramPinyin)];
}

/** The k indexes with the highest scores, best first, without sorting every touched index. */
function selectTop(indexes: readonly number[], scores: Float64Array, k: number): number[] {
  if (indexes.length <= k) return [...indexes].sort((a, b) => (scores[b] as number) - (scores[a] as number));
  const top: number[] = [];
  let floor = -Infinity;
  for (const index of indexes) {
    const score = scores[index] as number;
    if (top.length === k && score <= floor) continue;
    let at = top.length;
    while (at > 0 && (scores[top[at - 1] as number] as number) < score) at--;
    top.splice(at, 0, index);
    if (top.length > k) top.pop();
    floor = scores[top[top.length - 1] as number] as number;
  }
  return top;
}

function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

function bm25Idf(df: number, n: number): number {
  return Math.log(1 + (n - df + 0.5) / (df + 0.5));
}

const PAIR_MODEL = packTrees(CALIBRATION.pairTrees);

/** Pair logit (log-odds that the two texts ask the same thing) from a feature vector, with the fitted model. */
export function scorePair(features: readonly number[], model: PairModel = 'linear'): number {
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
  const bySound = !inOrder && query.analysed.bigramPinyin.every((sound) => text.pinyinBigramSet.has(sound));
  const contained =
    (inOrder || bySound) &&
    !features[CONTAINMENT.numberMismatch] && !features[CONTAINMENT.negationMismatch] &&
    !features[CONTAINMENT.antonymMismatch] && !features[CONTAINMENT.latinMismatch];
  // Keep the trees' order among floored entries with a small tie-break.
  return contained ? CONTAINED_FLOOR + 0.001 * Math.max(-100, logit) : logit;
}

/** Calibrated confidence from a pair logit and its margin over the best other entry. */
export function scoreConfidence(logit: number, margin: number, model: PairModel = 'linear'): number {
  const calibration = model === 'trees' ? CALIBRATION : LINEAR_CALIBRATION;
  const [a = 1, b = 0] = calibration.confidenceWeights;
  return sigmoid(calibration.confidenceBias + a * logit + b * Math.max(-LONE_MARGIN, Math.min(LONE_MARGIN, margin)));
}

/**
 * Builds a matcher over the given entries. Entries with a duplicate id replace the earlier one.
 */
export function createMatcher(initialEntries: Iterable<KnowledgeEntry> = [], options: MatcherOptions = {}): Matcher {
  const model: PairModel = options.model ?? 'linear';
  const calibration = model === 'trees' ? CALIBRATION : LINEAR_CALIBRATION;
  const answerAt = options.answerAt ?? calibration.answerAt;
  const suggestAt = options.suggestAt ?? calibration.suggestAt;
  const rerankDepth = options.rerankDepth ?? (model === 'trees' ? DEFAULT_RERANK_DEPTH : LINEAR_CALIBRATION.rerankDepth);
  const retrievalFloor = options.retrievalFloor ?? RETRIEVAL_FLOOR;
  const maxQueryChars = options.maxQueryChars ?? MAX_TEXT_CHARS;

  const slots: (Slot | undefined)[] = [];
  const freeSlots: number[] = [];
  const postings = new Map<string, number[]>();
  // The pinyin channel without pinyin posting lists: for each sound, the bigrams indexed with it and how
  // many texts have it. A query walks the lists of every spelling of its bigrams' sounds once, adding the
  // bigram weight where the spelling is its own, so exact bigrams are not walked a second time.
  const spellings = new Map<string, Set<string>>();
  const soundDf = new Map<string, number>();
  const unitDf = new Map<string, number>();
  const entries = new Map<string, EntryState>();
  let comparedCount = 0;
  let accumulator = new Float64Array(1024);

  // IDF follows the live contents; cached per token and dropped whenever the index changes.
  let unitIdfCache = new Map<string, number>();
  let bigramIdfCache = new Map<string, number>();
  // Bumped on every change; an entry text recomputes its IDF weights lazily when its copy is stale.
  let generation = 0;
  const forgetIdf = (): void => {
    generation++;
    if (unitIdfCache.size > 0) unitIdfCache = new Map();
    if (bigramIdfCache.size > 0) bigramIdfCache = new Map();
  };
  const weights: Weights = {
    unitIdf: (u) => {
      let idf = unitIdfCache.get(u);
      if (idf === undefined) {
        idf = bm25Idf(unitDf.get(u) ?? 0, comparedCount);
        unitIdfCache.set(u, idf);
      }
      return idf;
    },
    bigramIdf: (b) => {
      let idf = bigramIdfCache.get(b);
      if (idf === undefined) {
        idf = bm25Idf(postings.get(`b:${b}`)?.length ?? 0, comparedCount);
        bigramIdfCache.set(b, idf);
      }
      return idf;
    },
  };

  function addSlot(entryId: string, text: string, compared: boolean): number | null {
    const analysed = analyseNormalised(normaliseText(text, 2000));
    if (analysed.units.length === 0) return null;
    forgetIdf();
    const slot: Slot = { entryId, compared, prepared: prepareText(analysed), keys: keysOf(analysed), generation: -1 };
    const index = freeSlots.pop() ?? slots.length;
    slots[index] = slot;
    if (index >= accumulator.length) {
      const grown = new Float64Array(accumulator.length * 2);
      grown.set(accumulator);
      accumulator = grown;
    }
    for (const key of slot.keys) {
      const list = postings.get(key);
      if (list) list.push(index);
      else postings.set(key, [index]);
    }
    const { bigrams, bigramPinyin } = analysed;
    for (let i = 0; i < bigrams.length; i++) {
      const sound = bigramPinyin[i] as string;
      const known = spellings.get(sound);
      if (known) known.add(bigrams[i] as string);
      else spellings.set(sound, new Set([bigrams[i] as string]));
    }
    for (const sound of soundsOf(analysed)) soundDf.set(sound, (soundDf.get(sound) ?? 0) + 1);
    if (compared) {
      comparedCount++;
      for (const u of slot.prepared.unitSet) unitDf.set(u, (unitDf.get(u) ?? 0) + 1);
    }
    return index;
  }

  function dropSlot(index: number): void {
    const slot = slots[index];
    if (!slot) return;
    forgetIdf();
    for (const key of slot.keys) {
      const list = postings.get(key);
      if (!list) continue;
      const at = list.indexOf(index);
      if (at >= 0) {
        list[at] = list[list.length - 1] as number;
        list.pop();
      }
      if (list.length === 0) postings.delete(key);
    }
    const { bigrams, bigramPinyin } = slot.prepared.analysed;
    for (let i = 0; i < bigrams.length; i++) {
      if (postings.has(`b:${bigrams[i]}`)) continue;
      const sound = bigramPinyin[i] as string;
      const known = spellings.get(sound);
      known?.delete(bigrams[i] as string);
      if (known?.size === 0) spellings.delete(sound);
    }
    for (const sound of soundsOf(slot.prepared.analysed)) {
      const df = (soundDf.get(sound) ?? 1) - 1;
      if (df <= 0) soundDf.delete(sound);
      else soundDf.set(sound, df);
    }
    if (slot.compared) {
      comparedCount--;
      for (const u of slot.prepared.unitSet) {
        const df = (unitDf.get(u) ?? 1) - 1;
        if (df <= 0) unitDf.delete(u);
        else unitDf.set(u, df);
      }
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
      slots: [],
      keywords: (entry.keywords ?? []).map((k) => normaliseText(k, 100)).filter((k) => k !== ''),
      answerCanon: analyseNormalised(normaliseText(entry.answer, 2000)).canon,
    };
    const texts = [entry.question, ...(entry.alternates ?? [])];
    for (const text of texts) {
      const index = addSlot(entry.id, text, true);
      if (index !== null) state.slots.push(index);
    }
    if (state.keywords.length > 0) {
      const index = addSlot(entry.id, state.keywords.join(' '), false);
      if (index !== null) state.slots.push(index);
    }
    entries.set(entry.id, state);
  }

  /** Retrieval: the best few dozen slots by IDF-weighted overlap of bigrams, pinyin and words. */
  function retrieve(query: AnalysedText): Map<string, number> {
    const touched: number[] = [];
    const n = Math.max(comparedCount, 1);
    // Keys in more than a tenth of a large index (什么, 怎么 …) weigh little and cost the most; the
    // re-rank still sees them.
    const commonAt = n > 1000 ? n / 10 : Infinity;
    const add = (list: readonly number[], weight: number): void => {
      for (const index of list) {
        if (accumulator[index] === 0) touched.push(index);
        accumulator[index] = (accumulator[index] as number) + weight;
      }
    };
    for (const word of query.words) {
      const list = postings.get(`w:${word}`);
      if (list && list.length <= commonAt) add(list, (CHANNEL_WEIGHT.w as number) * bm25Idf(list.length, n));
    }
    const walked = new Set<string>();
    const { bigrams, bigramPinyin } = query;
    for (let i = 0; i < bigrams.length; i++) {
      const bigram = bigrams[i] as string;
      const sound = bigramPinyin[i] as string;
      const own = postings.get(`b:${bigram}`);
      const bigramWeight = own && own.length <= commonAt ? (CHANNEL_WEIGHT.b as number) * bm25Idf(own.length, n) : 0;
      if (walked.has(sound)) {
        // Another bigram of the query already walked this sound; only the exact-bigram weight is left.
        if (own && bigramWeight > 0) add(own, bigramWeight);
        continue;
      }
      walked.add(sound);
      const df = soundDf.get(sound) ?? 0;
      const soundWeight = df > 0 && df <= commonAt ? (CHANNEL_WEIGHT.p as number) * bm25Idf(df, n) : 0;
      if (soundWeight === 0) {
        if (own && bigramWeight > 0) add(own, bigramWeight);
        continue;
      }
      for (const spelling of spellings.get(sound) ?? []) {
        const list = spelling === bigram ? own : postings.get(`b:${spelling}`);
        if (list) add(list, spelling === bigram ? soundWeight + bigramWeight : soundWeight);
      }
    }
    const best = new Map<string, number>();
    const top = selectTop(touched, accumulator, rerankDepth * 2);
    // Texts far behind the leader by retrieval score are not worth the pair features.
    const floor = retrievalFloor * (accumulator[top[0] ?? 0] as number);
    for (const index of top) {
      const slot = slots[index] as Slot;
      if ((accumulator[index] as number) < floor) break;
      if (best.size < rerankDepth && !best.has(slot.entryId)) best.set(slot.entryId, accumulator[index] as number);
    }
    for (const index of touched) accumulator[index] = 0;
    return best;
  }

  /** Pair logit of the query against an entry: the best of its texts, plus keyword and answer hints. */
  function scoreEntry(
    query: PreparedText,
    queryWeights: QueryWeights,
    entryId: string,
  ): { logit: number; features: number[] } {
    const state = entries.get(entryId) as EntryState;
    let bestLogit = -Infinity;
    let bestFeatures: number[] = [];
    for (const index of state.slots) {
      const slot = slots[index] as Slot;
      if (!slot.compared) continue;
      if (slot.generation !== generation || !slot.weights) {
        slot.weights = weighQuery(slot.prepared, weights);
        slot.generation = generation;
      }
      const features = describePair(query, slot.prepared, weights, queryWeights, slot.weights, model === 'trees');
      const logit = model === 'trees' ? floorContained(scorePair(features, model), features, query, slot.prepared) : scorePair(features, model);
      if (logit > bestLogit) {
        bestLogit = logit;
        bestFeatures = features;
      }
    }
    const canon = query.analysed.canon;
    if (state.keywords.length > 0) {
      let hits = 0;
      for (const keyword of state.keywords) if (canon.includes(keyword)) hits++;
      bestLogit += KEYWORD_BONUS * Math.min(1, hits / Math.min(2, state.keywords.length));
    }
    const words = query.analysed.words;
    if (words.length > 0 && state.answerCanon.length > 0) {
      let hits = 0;
      for (const word of words) if (state.answerCanon.includes(word)) hits++;
      bestLogit += ANSWER_BONUS * (hits / words.length);
    }
    return { logit: bestLogit, features: bestFeatures };
  }

  function rank(text: string): { ranked: InspectedCandidate[]; truncated: boolean } {
    const chars = typeof text === 'string' ? [...text] : [];
    const truncated = chars.length > maxQueryChars;
    const normalised = normaliseText(truncated ? chars.slice(0, maxQueryChars).join('') : text, maxQueryChars);
    if (normalised === '' || entries.size === 0) return { ranked: [], truncated };
    const query = prepareText(analyseNormalised(normalised));
    if (query.analysed.units.length === 0) return { ranked: [], truncated };
    const retrieved = retrieve(query.analysed);
    const queryWeights = weighQuery(query, weights);
    const ranked: InspectedCandidate[] = [];
    for (const [id, retrievalScore] of retrieved) {
      const { logit, features } = scoreEntry(query, queryWeights, id);
      ranked.push({ id, logit, features, retrievalScore });
    }
    ranked.sort((a, b) => b.logit - a.logit);
    return { ranked, truncated };
  }

  function match(text: string, matchOptions: { limit?: number } = {}): MatchResult {
    const limit = Math.max(1, Math.min(matchOptions.limit ?? 5, 50));
    const { ranked, truncated } = rank(text);
    const best = ranked[0];
    if (!best) return { outcome: 'handoff', match: null, confidence: 0, candidates: [], suggestions: [], truncated };
    const second = ranked[1];
    const candidates = ranked.slice(0, Math.max(limit, 3)).map((c, i) => {
      const other = i === 0 ? (second ? second.logit : c.logit - LONE_MARGIN) : best.logit;
      return { id: c.id, score: Number(scoreConfidence(c.logit, c.logit - other, model).toFixed(4)) };
    });
    const confidence = (candidates[0] as MatchCandidate).score;
    let outcome: MatchOutcome = 'handoff';
    if (confidence >= answerAt) outcome = 'answer';
    else if (confidence >= suggestAt) outcome = 'suggest';
    const suggestions =
      outcome === 'suggest' ? candidates.filter((c) => c.score >= suggestAt / 2).slice(0, 3).map((c) => c.id) : [];
    return {
      outcome,
      match: outcome === 'answer' ? best.id : null,
      confidence,
      candidates: candidates.slice(0, limit),
      suggestions,
      truncated,
    };
  }

  for (const entry of initialEntries) upsert(entry);

  return {
    match,
    upsert,
    remove,
    size: () => entries.size,
    has: (id) => entries.has(id),
    inspect: (text) => rank(text).ranked,
  };
}
