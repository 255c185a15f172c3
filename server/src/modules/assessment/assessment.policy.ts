/**
 * Who sees and changes assessments. Hotline supervisors, admins and auditors see every department and the
 * ranking; department staff see only their own department's score (the repository turns the scope into a
 * WHERE on department_id). Supervisors and admins score items, record bonuses and decide 效能投诉; admins
 * configure schemes, name the supervision office and publish periods.
 */
import type { Subject } from '../../platform/actor.ts';

export type AssessmentScope = { kind: 'all' } | { kind: 'department'; departmentId: string };

const rankingRoles = new Set(['admin', 'supervisor', 'auditor']);
const scoringRoles = new Set(['admin', 'supervisor']);

/** The scores `actor` may see, or null for none. */
export function assessmentScope(actor: Subject): AssessmentScope | null {
  if (rankingRoles.has(actor.role)) return { kind: 'all' };
  if (actor.role === 'department_staff' && actor.departmentId) return { kind: 'department', departmentId: actor.departmentId };
  return null;
}

export type AssessmentAction = 'score' | 'manage' | 'flagConduct';

export function mayAssess(actor: Subject, action: AssessmentAction): boolean {
  switch (action) {
    case 'score':
      return scoringRoles.has(actor.role);
    case 'manage':
      return actor.role === 'admin';
    case 'flagConduct':
      // Agents flag 效能投诉 when they register the complaint.
      return scoringRoles.has(actor.role) || actor.role === 'agent';
  }
}

/** The module's flags for the console's navigation. */
export function assessmentAbilities(actor: Subject): Record<string, boolean> {
  const scope = assessmentScope(actor);
  return {
    'assessment.read': scope !== null,
    'assessment.ranking': scope?.kind === 'all',
    'assessment.score': mayAssess(actor, 'score'),
    'assessment.manage': mayAssess(actor, 'manage'),
  };
}
