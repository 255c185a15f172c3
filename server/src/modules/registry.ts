/**
 * Every domain module the platform runs, and what each contributes: HTTP routes, Twilio webhooks, jobs and
 * recurring schedules. Adding a module is one line in `platformModules`.
 */
import type { Router } from 'express';
import type { AppContext } from '../context.ts';
import type { UserActor } from '../platform/actor.ts';
import type { RouteSpec } from '../platform/http/route.ts';
import type { JobDefinition } from '../platform/jobs.ts';
import { auditRoutes } from './audit/index.ts';
import { authJobs, authRoutes, onSessionEnded } from './auth/index.ts';
import { signOffAgent, signOffAgentWhoLeft } from './routing/routing.service.ts';
import { authSchedule } from './auth/auth.jobs.ts';
import { directoryRoutes } from './directory/index.ts';
import { ticketJobs, ticketRoutes } from './tickets/index.ts';
import { callsModule } from './telephony/index.ts';
import { knowledgeModule } from './knowledge/index.ts';
import { chatModule } from './chat/index.ts';
import { surveysModule } from './surveys/index.ts';
import { publicStatusModule } from './public-status/index.ts';
import { open311Module } from './open311/index.ts';
import { reportsModule } from './reports/index.ts';
import { metricsModule } from './metrics/index.ts';
import { assessmentModule } from './assessment/index.ts';
import { hotspotsModule } from './hotspots/index.ts';

export type PlatformModule = {
  name: string;
  routes?(ctx: AppContext): RouteSpec[];
  /** Mounts handlers on the signature-checked `/twilio` router (form-encoded bodies in `req.body`). */
  webhooks?(ctx: AppContext, router: Router): void;
  jobs?(ctx: AppContext): JobDefinition[];
  schedule?: { job: string; cron: string }[];
  /**
   * Runs once at start-up, before traffic; a throw stops the start with its message. May return a stop
   * function, run at shutdown before the database pool closes (e.g. a dedicated LISTEN connection).
   */
  start?(ctx: AppContext, runtime: { databaseUrl: string }): Promise<void | (() => Promise<void>)>;
  /**
   * Runs when a user has had no console open in any server process for calls.consoleGraceSeconds: the tab,
   * browser or network is gone, not reloading.
   */
  consolesClosed?(ctx: AppContext, user: UserActor): Promise<void>;
};

export const platformModules: PlatformModule[] = [
  { name: 'auth', routes: authRoutes, jobs: authJobs, schedule: authSchedule },
  { name: 'directory', routes: directoryRoutes },
  { name: 'audit', routes: auditRoutes },
  { name: 'tickets', routes: ticketRoutes, jobs: ticketJobs },
  callsModule,
  // Ending a sign-in takes the agent off the phone queue in its transaction: auth (the spine) cannot import routing.
  // So does closing every console: calls must not ring a desk nobody sits at.
  { name: 'agent-sign-off', start: async (ctx) => onSessionEnded(ctx, signOffAgent), consolesClosed: signOffAgentWhoLeft },
  knowledgeModule,
  chatModule,
  surveysModule,
  publicStatusModule,
  open311Module,
  reportsModule,
  metricsModule,
  assessmentModule,
  hotspotsModule,
];
