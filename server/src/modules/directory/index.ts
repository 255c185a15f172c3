/** What other modules may use from the directory. */
export { getUserProfile } from './directory.service.ts';
export type { UserProfile } from './directory.presenter.ts';
export { directoryAbilities, departmentScope } from './directory.policy.ts';
export { directoryRoutes } from './directory.routes.ts';
export { insertDepartment, insertUser, replaceSkills } from './directory.repository.ts';
