/**
 * `npm run bench [-- NAME ...]`: runs the benchmarks in bench/ one after another (never in parallel: they would
 * share this machine's two cores and measure each other), each in its own Node process with --expose-gc, and
 * stops at the first that fails. With names (`npm run bench -- calls reports`) only those run.
 */
import { readdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const here = import.meta.dirname;
const available = readdirSync(here)
  .filter((file) => file.endsWith('.bench.ts'))
  .map((file) => file.replace(/\.bench\.ts$/, ''))
  .sort();
const wanted = process.argv.slice(2);
const unknown = wanted.filter((name) => !available.includes(name));
if (unknown.length > 0) {
  console.error(`未知的基准 unknown benchmark: ${unknown.join(', ')} (available: ${available.join(', ')})`);
  process.exit(2);
}

for (const name of wanted.length > 0 ? wanted : available) {
  console.log(`\n━━ ${name} ━━`);
  const run = spawnSync(process.execPath, ['--expose-gc', path.join(here, `${name}.bench.ts`)], { stdio: 'inherit' });
  if (run.status !== 0) {
    console.error(`${name}: exited with ${run.status ?? run.signal}`);
    process.exit(run.status ?? 1);
  }
}
