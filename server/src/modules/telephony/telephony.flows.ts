/**
 * The call flows, loaded and validated once at start-up from `ivr-flows/flows`. A flow that does not
 * validate stops the start with the interpreter's own error line (file, node, problem, line).
 */
import { fileURLToPath } from 'node:url';
import type { AppContext } from '../../context.ts';
import { loadFlows, type Flow } from '../../../../ivr-flows/src/index.ts';

export const FLOWS_DIR = fileURLToPath(new URL('../../../../ivr-flows/flows', import.meta.url));
const loaded = new WeakMap<AppContext, ReadonlyMap<string, Flow>>();

/** Loads the flows for this platform instance; throws with the flow error line when one is invalid. */
export async function loadCallFlows(ctx: AppContext, dir = FLOWS_DIR): Promise<void> {
  const desks = (await ctx.db.selectFrom('desks').select('code').execute()).map((d) => d.code);
  const { flows, warnings } = await loadFlows(dir, { required: ['hotline', 'voicemail'], desks });
  for (const w of warnings) ctx.logger.warn({ flow: w.file, node: w.node }, w.message);
  loaded.set(ctx, flows);
}

/** A loaded flow by id; throws when flows were never loaded (a bug, caught as an internal failure). */
export function flowOf(ctx: AppContext, id: string): Flow {
  const flow = loaded.get(ctx)?.get(id);
  if (!flow) throw new Error(`call flow ${id} is not loaded`);
  return flow;
}
