/**
 * The baseline matcher behind the same CLI contract as the engine:
 *   node bench/kb-baseline-cli.ts match --kb FILE.jsonl  < queries.jsonl
 */
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { createBaseline } from './kb-baseline.ts';

const args = process.argv.slice(2);
const kbAt = args.indexOf('--kb');
const kbPath = kbAt >= 0 ? args[kbAt + 1] : undefined;
if (args[0] !== 'match' || !kbPath) {
  process.stderr.write('用法 / usage: node bench/kb-baseline-cli.ts match --kb FILE.jsonl\n');
  process.exit(2);
}
const entries = readFileSync(kbPath, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as { id: string; question: string });
const baseline = createBaseline(entries);
const out: string[] = [];
for await (const line of createInterface({ input: process.stdin, crlfDelay: Infinity })) {
  if (!line.trim()) continue;
  const { qid, text } = JSON.parse(line) as { qid: string; text: string };
  out.push(JSON.stringify({ qid, ...baseline.match(String(text ?? '')) }));
}
process.stdout.write(out.join('\n') + '\n');
