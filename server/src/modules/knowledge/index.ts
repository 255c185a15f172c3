/**
 * What other modules may use from the knowledge base: matching against the live index (the chatbot, the
 * voice bot through modules/chat), the dispatch hint for work orders, recording questions the bot could
 * not answer, and the module itself for the registry.
 *
 *   const hint = await suggestDepartment(ctx, ticket.description);   // tickets' dispatch dialog
 *   // → { departmentCode: 'gongjijin', departmentId, departmentName, entryId, question, confidence } | null
 */
import type { AppContext } from '../../context.ts';
import { knowledgeRoutes } from './knowledge.routes.ts';
import { importSampleContentOnce } from './sample-content.ts';
import { startLiveIndex } from './live-index.ts';

export { suggestDepartment, matchKnowledge, recordKnowledgeGap, highlight, type KnowledgeMatch } from './knowledge.service.ts';
export { knowledgeAbilities } from './knowledge.policy.ts';
export { importSampleContentOnce, readSampleContent } from './sample-content.ts';
export { findLiveEntry } from './live-index.ts';
export type { LiveEntry } from './live-index.ts';

/**
 * The knowledge platform module: routes, and at start-up the sample import (first start only) and the
 * live index with its LISTEN connection, which the returned function closes on shutdown.
 */
export const knowledgeModule = {
  name: 'knowledge',
  routes: knowledgeRoutes,
  async start(ctx: AppContext, runtime?: { databaseUrl: string }): Promise<(() => Promise<void>) | void> {
    await importSampleContentOnce(ctx);
    if (runtime) return startLiveIndex(ctx, runtime.databaseUrl);
  },
};
