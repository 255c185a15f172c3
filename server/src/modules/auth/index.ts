export { authenticateAccessToken, loadSigningSecret, purgeExpiredTokens, refreshSession, signIn, signOut } from './auth.service.ts';
export { endUserSessions, onSessionEnded, type EndedSessions, type SessionEndHook, type SessionEndOutcome } from './session-end.ts';
export { authRoutes } from './auth.routes.ts';
export { hashPassword } from './passwords.ts';
export { authJobs } from './auth.jobs.ts';
