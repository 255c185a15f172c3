/**
 * What the bot does with citizens' own phrasings of the sample content's questions.
 *
 *   node knowledge-base/tools/eval-content.ts [QUESTIONS.jsonl] [--misses]
 *
 * QUESTIONS defaults to knowledge-base/eval/citizen-questions.jsonl; the knowledge base is knowledge-base/content.
 * --misses lists every question not answered right (and every out-of-scope one answered).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createMatcher, loadKnowledgeDir } from '../src/index.ts';
import { describeContentEvaluation, evaluateContent, parseCitizenQuestions } from '../src/content-eval.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const path = args.find((a) => !a.startsWith('--')) ?? join(root, 'eval/citizen-questions.jsonl');
const entries = loadKnowledgeDir(join(root, 'content'));
const questions = parseCitizenQuestions(readFileSync(path, 'utf8'));
const evaluation = evaluateContent(createMatcher(entries), questions);
console.log(`${entries.length} entries, ${questions.length} questions (${path})`);
console.log(describeContentEvaluation(evaluation));
if (args.includes('--misses')) {
  const questionOf = new Map(entries.map((e) => [e.id, e.question]));
  for (const m of evaluation.misses) {
    console.log(`${m.outcome.padEnd(8)} ${m.text}  →  ${m.got.map((id) => questionOf.get(id) ?? id).join(' | ') || '—'}  (want ${m.gold ? questionOf.get(m.gold) : 'none'})`);
  }
}
