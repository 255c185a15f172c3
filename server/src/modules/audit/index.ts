export { auditAbilities } from './audit.policy.ts';
export { auditRoutes } from './audit.routes.ts';
