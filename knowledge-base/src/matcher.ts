/**
 * The live matching index: retrieval over character bigrams, pinyin bigrams and words (inverted lists
 * with IDF), then a re-rank of the best few dozen entries with the pair features and the fitted logistic
 * model, then a calibrated confidence and a decision (answer / suggest / hand off).
 *
 * Entries can be added, replaced and removed while the index serves queries (the server calls upsert and
 * remove when PostgreSQL NOTIFY says an entry was published or retired); IDF follows the live contents.
 */
import { analyseNormalised } from './analyse.ts';
import type { AnalysedText } from './analyse.ts';
import { CALIBRATION } from './calibration.ts';
import type { KnowledgeEntry } from './entry.ts';
import { describePair, prepareText, weighQuery } from './features.ts';
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

/** Tuning knobs; the defaults are the fitted ones. */
export interface MatcherOptions {
  /** Confidence at or above which to answer. */
  answerAt?: number;
  /** Confidence at or above which to suggest rather than hand off. */
  suggestAt?: number;
  /** How many retrieved entry texts to re-rank. */
  rerankDepth?: number;
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
// Margin to the runner-up when there is none: as if the next entry were clearly unrelated.
const LONE_MARGIN = 6;

function keysOf(analysed: AnalysedText): string[] {
  const keys = new Set<string>();
  for (const b of analysed.bigrams) keys.add(`b:${b}`);
  for (const p of analysed.pinyinBigrams) keys.add(`p:${p}`);
  for (const w of analysed.words) keys.add(`w:${w}`);
  return [...keys];
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

/** Pair logit from a feature vector with the fitted weights. */
export function scorePair(features: readonly number[]): number {
  let z = CALIBRATION.pairBias;
  const w = CALIBRATION.pairWeights;
  for (let i = 0; i < features.length; i++) z += (w[i] ?? 0) * (features[i] as number);
  return z;
}

/** Calibrated confidence from a pair logit and its margin over the best other entry. */
export function scoreConfidence(logit: number, margin: number): number {
  const [a = 1, b = 0] = CALIBRATION.confidenceWeights;
  return sigmoid(CALIBRATION.confidenceBias + a * logit + b * Math.max(-LONE_MARGIN, Math.min(LONE_MARGIN, margin)));
}

/**
 * Builds a matcher over the given entries. Entries with a duplicate id replace the earlier one.
 */
export function createMatcher(initialEntries: Iterable<KnowledgeEntry> = [], options: MatcherOptions = {}): Matcher {
  const answerAt = options.answerAt ?? CALIBRATION.answerAt;
  const suggestAt = options.suggestAt ?? CALIBRATION.suggestAt;
  const rerankDepth = options.rerankDepth ?? 20;
  const maxQueryChars = options.maxQueryChars ?? MAX_TEXT_CHARS;

  const slots: (Slot | undefined)[] = [];
  const freeSlots: number[] = [];
  const postings = new Map<string, number[]>();
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
    for (const key of keysOf(query)) {
      const list = postings.get(key);
      if (!list || list.length > commonAt) continue;
      const weight = (CHANNEL_WEIGHT[key[0] as string] ?? 0) * bm25Idf(list.length, n);
      for (const index of list) {
        if (accumulator[index] === 0) touched.push(index);
        accumulator[index] = (accumulator[index] as number) + weight;
      }
    }
    const best = new Map<string, number>();
    const top = selectTop(touched, accumulator, rerankDepth * 2);
    // Texts far behind the leader by retrieval score are not worth the pair features.
    const floor = RETRIEVAL_FLOOR * (accumulator[top[0] ?? 0] as number);
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
      const features = describePair(query, slot.prepared, weights, queryWeights, slot.weights);
      const logit = scorePair(features);
      if (logit > bestLogit) {
        bestLogit = logit;
        bestFeatures = features;
      }
    }
    const canon = query.analysed.canon;
    if (state.keywords.length > 0) {
      const hits = state.keywords.filter((k) => canon.includes(k)).length;
      bestLogit += KEYWORD_BONUS * Math.min(1, hits / Math.min(2, state.keywords.length));
    }
    if (query.analysed.words.length > 0 && state.answerCanon.length > 0) {
      const words = query.analysed.words;
      const hits = words.filter((w) => state.answerCanon.includes(w)).length;
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
      return { id: c.id, score: Number(scoreConfidence(c.logit, c.logit - other).toFixed(4)) };
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
