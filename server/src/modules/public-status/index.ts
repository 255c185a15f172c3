/**
 * The public status page (工单查询): citizens follow a ticket by its number and the last four digits of their
 * phone. Other modules (the chatbot) use `lookUpPublicStatus` for the same answer without the HTTP limits.
 */
import type { AppContext } from '../../context.ts';
import { publicStatusRoutes } from './public-status.routes.ts';

export { lookUpPublicStatus, checkTicketStatus, STATUS_LIMITS } from './public-status.service.ts';
export { publicStages, stageOf, type PublicStatus, type PublicStage } from './public-status.presenter.ts';

export const publicStatusModule = {
  name: 'public-status',
  routes: (ctx: AppContext) => publicStatusRoutes(ctx),
};
