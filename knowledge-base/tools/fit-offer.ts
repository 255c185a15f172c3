/**
 * Fits the offer model (knowledge-base/src/calibration-offer.ts): when the bot is not sure enough to answer,
 * which entries to offer ("您是想问…") instead of handing off.
 *
 *   node knowledge-base/tools/fit-offer.ts [../shared/data/lcqmc/dev.tsv] [--write]
 *
 * Why a second model: the pair trees are fitted on LCQMC, where a question and its look-alike share most words,
 * so they are strict: a caller describing a situation (楼下烧烤店的油烟天天往我家飘) gets almost no confidence for
 * the entry that answers it (店铺油烟扰民怎么办？), though it ranks first. Answering stays theirs; offering is this
 * model's, fitted on the domain. Three kinds of question, each matched against the sample content:
 *   - answerable: every phrasing of every entry (its question and each alternate), with that phrasing taken out
 *     of the entry (which keeps its other phrasings and keywords);
 *   - on-topic, unanswerable: the same phrasings with their whole entry taken out (公积金 questions the other
 *     公积金 entries do not answer);
 *   - everyday, unanswerable: LCQMC's questions (every 4th distinct one).
 * Rows: the best OFFER_DEPTH candidates of each question (matcher.ts describeOffer), label = the candidate is the
 * entry the question came from. Logistic regression; then offerAt maximises `objective`: the share of
 * answerable questions whose entry is offered, plus the shares of unanswerable ones handed off (nothing
 * offered), on-topic ones weighted a third.
 * Figures: 2-fold by entry (LCQMC questions alternately), then in-sample.
 * knowledge-base/eval/citizen-questions.jsonl is never read here: it is the test.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createMatcher, loadKnowledgeDir } from '../src/index.ts';
import { describeOffer, OFFER_DEPTH } from '../src/matcher.ts';
import { fitLogistic, sigmoid } from './logistic.ts';

type Kind = 'answerable' | 'onTopic' | 'everyday';
interface Question {
  kind: Kind;
  /** describeOffer of each of the best OFFER_DEPTH candidates, in rank order. */
  candidates: number[][];
  /** Index of the entry the question came from among them, or -1. */
  gold: number;
  fold: number;
}
interface OfferModel {
  weights: number[];
  bias: number;
  offerAt: number;
}

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const pairsPath = args.find((a) => !a.startsWith('--')) ?? join(root, '../../shared/data/lcqmc/dev.tsv');
const entries = loadKnowledgeDir(join(root, 'content'));
const matcher = createMatcher(entries);

const questions: Question[] = [];
const ask = (text: string, kind: Kind, goldId: string | null, fold: number): void => {
  const ranked = matcher.inspect(text).slice(0, OFFER_DEPTH);
  questions.push({ kind, candidates: ranked.map((_, i) => describeOffer(ranked, i)), gold: goldId ? ranked.findIndex((c) => c.id === goldId) : -1, fold });
};
entries.forEach((entry, n) => {
  const phrasings = [entry.question, ...(entry.alternates ?? [])];
  phrasings.forEach((held, i) => {
    const rest = phrasings.filter((_, k) => k !== i);
    if (rest.length === 0) return;
    matcher.upsert({ ...entry, question: rest[0] as string, alternates: rest.slice(1) });
    ask(held, 'answerable', entry.id, n % 2);
  });
  matcher.remove(entry.id);
  for (const held of phrasings) ask(held, 'onTopic', null, n % 2);
  matcher.upsert(entry);
});
const everyday = [...new Set(readFileSync(pairsPath, 'utf8').split('\n').filter(Boolean).flatMap((l) => l.split('\t').slice(0, 2)))].filter((_, i) => i % 4 === 0);
everyday.forEach((text, i) => ask(text, 'everyday', null, i % 2));

function probability(model: Pick<OfferModel, 'weights' | 'bias'>, features: readonly number[]): number {
  return sigmoid(model.bias + model.weights.reduce((z, w, i) => z + w * (features[i] as number), 0));
}

/** What the bot would offer: up to three candidates, in rank order, rated at offerAt or more (matcher.ts offerFrom). */
function offered(model: Pick<OfferModel, 'weights' | 'bias'>, q: Question, offerAt: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < q.candidates.length && out.length < 3; i++) if (probability(model, q.candidates[i] as number[]) >= offerAt) out.push(i);
  return out;
}

/** Share of answerable questions offered their entry; of each unanswerable kind, the share handed off. */
function figures(model: Pick<OfferModel, 'weights' | 'bias'>, scored: readonly Question[], offerAt: number) {
  const share = (kind: Kind, test: (q: Question, o: number[]) => boolean): number => {
    const of = scored.filter((q) => q.kind === kind);
    return of.filter((q) => test(q, offered(model, q, offerAt))).length / Math.max(of.length, 1);
  };
  return {
    useful: share('answerable', (q, o) => o.includes(q.gold)),
    onTopicHandedOff: share('onTopic', (_, o) => o.length === 0),
    everydayHandedOff: share('everyday', (_, o) => o.length === 0),
  };
}
/**
 * What the threshold maximises. A useful offer saves the caller a wait for an agent; an offer to an on-topic
 * question no entry answers costs a turn (the caller reads related entries, then asks for a person), so it
 * counts a third as much; offering entries to an everyday question (chit-chat, off-topic) counts in full.
 */
const objective = (f: ReturnType<typeof figures>): number => f.useful + f.onTopicHandedOff / 3 + f.everydayHandedOff;

function fit(training: readonly Question[]): OfferModel {
  const xs: number[][] = [];
  const ys: number[] = [];
  for (const q of training) q.candidates.forEach((features, i) => (xs.push(features), ys.push(i === q.gold ? 1 : 0)));
  const w = fitLogistic(xs, ys, 1);
  const model = { weights: w.slice(0, -1), bias: w.at(-1) as number, offerAt: 0.5 };
  let best = -1;
  for (let t = 0.005; t < 0.5; t += 0.005) {
    const score = objective(figures(model, training, t));
    if (score > best) {
      best = score;
      model.offerAt = Number(t.toFixed(3));
    }
  }
  return model;
}

const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;
const line = (f: ReturnType<typeof figures>): string =>
  `right entry offered ${pct(f.useful)}, handed off: on-topic unanswerable ${pct(f.onTopicHandedOff)}, everyday ${pct(f.everydayHandedOff)}`;
const answerable = questions.filter((q) => q.kind === 'answerable');
console.log(
  `${answerable.length} phrasings of ${entries.length} entries (entry among the best ${OFFER_DEPTH} for ${pct(answerable.filter((q) => q.gold >= 0).length / answerable.length)}), ` +
    `${questions.filter((q) => q.kind === 'everyday').length} everyday questions`,
);
const folds = [0, 1].map((k) => {
  const model = fit(questions.filter((q) => q.fold !== k));
  return figures(model, questions.filter((q) => q.fold === k), model.offerAt);
});
folds.forEach((f, k) => console.log(`  fold ${k} held out: ${line(f)}`));
const model = fit(questions);
console.log(`in-sample: ${line(figures(model, questions, model.offerAt))}; offerAt ${model.offerAt}, weights ${model.weights.map((w) => w.toFixed(3)).join(', ')}, bias ${model.bias.toFixed(3)}`);

if (args.includes('--write')) {
  const target = join(root, 'src/calibration-offer.ts');
  const [f0, f1] = folds as [ReturnType<typeof figures>, ReturnType<typeof figures>];
  writeFileSync(
    target,
    `/**
 * The offer model: when the bot does not answer, which entries to offer ("您是想问…") rather than hand off
 * (matcher.ts offerFrom). Written by knowledge-base/tools/fit-offer.ts (see there for how) on the sample content's
 * phrasings and LCQMC's everyday questions; hand edits are overwritten. Held out (2-fold): right entry offered
 * ${pct(f0.useful)} / ${pct(f1.useful)}; handed off: on-topic questions no entry answers ${pct(f0.onTopicHandedOff)} / ${pct(f1.onTopicHandedOff)}, everyday ones ${pct(f0.everydayHandedOff)} / ${pct(f1.everydayHandedOff)}.
 */
export const OFFER_CALIBRATION = {
  /** Logistic weights over matcher.ts describeOffer (related logit, lead, rarest shared word, heaviest missing word). */
  weights: [${model.weights.map((w) => Number(w.toFixed(4))).join(', ')}] as readonly number[],
  bias: ${Number(model.bias.toFixed(4))},
  /** A candidate rated at this or more may be offered. */
  offerAt: ${model.offerAt},
} as const;
`,
  );
  console.log(`wrote ${target}`);
}
