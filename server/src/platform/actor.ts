/**
 * Who is acting. Services take an Actor instead of a request, so the same use case serves HTTP, sockets,
 * webhooks and jobs, and every audit row can say who and from where.
 */
import type { Role } from '../schema.ts';
import type { Language } from './i18n.ts';

export type UserActor = {
  kind: 'user';
  id: string;
  username: string;
  displayName: string;
  role: Role;
  departmentId: string | null;
  sessionId: string;
  ip: string | null;
  userAgent: string | null;
  language: Language;
};

/** The platform itself: jobs, webhooks from carriers, start-up seeding. */
export type SystemActor = { kind: 'system'; name: string; ip: string | null; userAgent: string | null; language: Language };

export type Actor = UserActor | SystemActor;

export function systemActor(name: string): SystemActor {
  return { kind: 'system', name, ip: null, userAgent: null, language: 'zh-CN' };
}

/** Where a request came from, before anyone is signed in. */
export type RequestOrigin = { ip: string | null; userAgent: string | null; language: Language };

/** The part of a user that permission rules look at. */
export type Subject = Pick<UserActor, 'id' | 'role' | 'departmentId'>;
