/**
 * How the bot treats citizens' own phrasings of the questions in a knowledge base (knowledge-base/eval/
 * citizen-questions.jsonl for the sample content): what a caller gets first. LCQMC (kb-eval) measures how
 * well the matcher tells a paraphrase from a look-alike between everyday questions; this measures the
 * product on its own domain, where a caller describes a situation (楼下饭店油烟太大) rather than quoting an
 * entry, and where a question nobody wrote an entry for must not get someone else's answer.
 */
import * as z from 'zod';
import type { Matcher } from './matcher.ts';

export const citizenQuestionSchema = z.object({
  text: z.string().min(1),
  /** The entry that answers it, or null when none does (it must be handed off, or at most suggested). */
  gold: z.string().min(1).nullable(),
  kind: z.string().optional(),
});
export type CitizenQuestion = z.infer<typeof citizenQuestionSchema>;

/** Parses the JSON lines of an evaluation file (a bad line throws, naming its number). */
export function parseCitizenQuestions(text: string): CitizenQuestion[] {
  return text
    .split('\n')
    .map((line, i) => ({ line: line.trim(), number: i + 1 }))
    .filter(({ line }) => line !== '')
    .map(({ line, number }) => {
      const parsed = citizenQuestionSchema.safeParse(JSON.parse(line));
      if (!parsed.success) throw new Error(`line ${number}: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
      return parsed.data;
    });
}

/** Counts of what the bot did, for questions an entry answers and for questions none does. */
export interface ContentEvaluation {
  inScope: {
    total: number;
    /** Answered outright with the right entry. */
    answeredRight: number;
    /** Answered outright with another entry: the worst outcome. */
    answeredWrong: number;
    /** Offered choices ("您是想问…") that include the right entry. */
    suggestedRight: number;
    /** Offered choices without it. */
    suggestedWrong: number;
    handedOff: number;
    /** The right entry among the first three candidates (what an agent sees in the console's search). */
    inTop3: number;
  };
  outOfScope: { total: number; handedOff: number; suggested: number; answered: number };
  /** In-scope questions not answered right, and out-of-scope ones answered: for reading, not counting. */
  misses: { text: string; gold: string | null; outcome: string; got: string[] }[];
}

export function evaluateContent(matcher: Matcher, questions: readonly CitizenQuestion[]): ContentEvaluation {
  const result: ContentEvaluation = {
    inScope: { total: 0, answeredRight: 0, answeredWrong: 0, suggestedRight: 0, suggestedWrong: 0, handedOff: 0, inTop3: 0 },
    outOfScope: { total: 0, handedOff: 0, suggested: 0, answered: 0 },
    misses: [],
  };
  for (const q of questions) {
    const m = matcher.match(q.text, { limit: 5 });
    const got = m.outcome === 'answer' ? [m.match as string] : m.suggestions;
    if (q.gold === null) {
      result.outOfScope.total++;
      if (m.outcome === 'answer') result.outOfScope.answered++;
      else if (m.outcome === 'suggest') result.outOfScope.suggested++;
      else result.outOfScope.handedOff++;
      if (m.outcome === 'answer') result.misses.push({ text: q.text, gold: null, outcome: m.outcome, got });
      continue;
    }
    const s = result.inScope;
    s.total++;
    if (m.candidates.slice(0, 3).some((c) => c.id === q.gold)) s.inTop3++;
    if (m.outcome === 'answer') {
      if (m.match === q.gold) s.answeredRight++;
      else s.answeredWrong++;
    } else if (m.outcome === 'suggest') {
      if (m.suggestions.includes(q.gold)) s.suggestedRight++;
      else s.suggestedWrong++;
    } else s.handedOff++;
    if (!(m.outcome === 'answer' && m.match === q.gold)) result.misses.push({ text: q.text, gold: q.gold, outcome: m.outcome, got });
  }
  return result;
}

/** The evaluation as a few lines of text (the bench and the tool print it). */
export function describeContentEvaluation(e: ContentEvaluation): string {
  const pct = (a: number, b: number): string => (b ? `${((100 * a) / b).toFixed(1)}%` : 'n/a');
  const s = e.inScope;
  const o = e.outOfScope;
  return [
    `questions an entry answers (${s.total}): answered right ${pct(s.answeredRight, s.total)}, right entry offered ${pct(s.suggestedRight, s.total)} ` +
      `(first reply useful ${pct(s.answeredRight + s.suggestedRight, s.total)}), answered wrong ${pct(s.answeredWrong, s.total)}, ` +
      `offered others ${pct(s.suggestedWrong, s.total)}, handed off ${pct(s.handedOff, s.total)}; right entry in the top 3 ${pct(s.inTop3, s.total)}`,
    `questions no entry answers (${o.total}): handed off ${pct(o.handedOff, o.total)}, offered choices ${pct(o.suggested, o.total)}, answered (wrong) ${pct(o.answered, o.total)}`,
  ].join('\n');
}
