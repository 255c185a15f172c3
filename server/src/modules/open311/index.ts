/**
 * Open311 GeoReport v2 (`/open311/v2/…`, JSON): city apps list services, file requests (tickets on channel
 * `open311`) with an API key, and follow them. Admins manage the keys at `/api/admin/open311-keys`.
 */
import type { AppContext } from '../../context.ts';
import { open311Routes } from './open311.routes.ts';

export { open311Abilities } from './open311.policy.ts';

export const open311Module = {
  name: 'open311',
  routes: (ctx: AppContext) => open311Routes(ctx),
};
