/**
 * `npm start`: builds the console bundle when its sources changed since the last build, then starts the
 * platform. Nothing but Node and `npm ci` is needed.
 */
import { ensureConsoleBuilt } from './build-console.ts';

await ensureConsoleBuilt();
await import('../server/src/main.ts');
