/**
 * Builds agent-console/ with Vite when the bundle is missing or older than any of its sources. Run directly
 * (`node tools/build-console.ts`) before tests, or imported by `npm start`.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../agent-console/', import.meta.url));
const builtIndex = path.join(root, 'dist', 'index.html');

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'dist' || entry.name === 'node_modules') continue;
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(full) : statSync(full).mtimeMs);
  }
  return newest;
}

export async function ensureConsoleBuilt(): Promise<void> {
  if (!existsSync(path.join(root, 'index.html'))) return;
  if (existsSync(builtIndex) && statSync(builtIndex).mtimeMs >= newestSource(root)) return;
  console.log('正在构建坐席控制台… (building the agent console)');
  const started = performance.now();
  const { build } = await import('vite');
  await build({ configFile: path.join(root, 'vite.config.ts'), logLevel: 'warn' });
  console.log(`控制台构建完成 (console built in ${((performance.now() - started) / 1000).toFixed(1)} s)`);
}

if (import.meta.url === `file://${process.argv[1]}`) await ensureConsoleBuilt();
